"""`uvicorn --factory server.app:app_from_env` serves what `pob serve` serves: the app with
the query fast path in front, and (with ``--http server.runner:HttpProtocol``) request
targets over uvicorn's 64 KiB limit."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from typer.testing import CliRunner

import pob
from pob import cli
from server.app import app_from_env
from server.fastpath import SparqlFastPath
from tests.conftest import ROOT, free_port

MAX_QUERY_BYTES = 100_000


def test_factory_app_has_the_fast_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POB_DATA_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("POB_DUMPS_DIR", str(tmp_path / "dumps"))
    app = app_from_env()
    assert isinstance(app, SparqlFastPath)
    assert app.app.state.settings.data_dir == tmp_path / "store"


def test_one_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """pyproject.toml's version, read from the package metadata by the app and the CLI."""
    monkeypatch.setenv("POB_DATA_DIR", str(tmp_path / "store"))
    installed = metadata.version("pob-knowledge-graph")
    assert pob.__version__ == installed
    assert app_from_env().app.version == installed
    shown = CliRunner().invoke(cli.app, ["--version"])
    assert shown.exit_code == 0 and shown.output.strip() == f"pob {installed}"


@pytest.fixture(scope="module")
def factory_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """uvicorn's own CLI on the factory, on the repository's sources."""
    folder = tmp_path_factory.mktemp("factory")
    port = free_port()
    env = {
        **os.environ,
        "POB_DATA_DIR": str(folder / "store"),
        "POB_DUMPS_DIR": str(folder / "dumps"),
        "POB_MAX_QUERY_BYTES": str(MAX_QUERY_BYTES),
        "PYTHONUNBUFFERED": "1",
    }
    log = folder / "uvicorn.log"
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "server.app:app_from_env",
        "--http", "server.runner:HttpProtocol", "--host", "127.0.0.1", "--port", str(port),
        "--no-access-log",
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=sink)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"uvicorn exited ({process.returncode}):\n{log.read_text()}")
            try:
                httpx.get(url + "/sparql?query=ASK%7B%7D", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"uvicorn did not start:\n{log.read_text()}") from None
                time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_factory_answers_a_query(factory_url: str) -> None:
    response = httpx.get(
        factory_url + "/sparql",
        params={"query": "SELECT ?x WHERE { VALUES ?x { 1 2 } }"},
        headers={"Accept": "application/sparql-results+json", "Origin": "https://example.org"},
    )
    assert response.status_code == 200
    assert response.headers["x-result-rows"] == "2"
    assert response.headers["access-control-allow-origin"] == "*"
    assert len(response.json()["results"]["bindings"]) == 2


def _get(url: str, query: str) -> tuple[int, bytes]:
    """GET with a long target (httpx refuses a URL part over 64 KiB)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request("GET", "/sparql?" + urlencode({"query": query}))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_factory_takes_long_request_targets(factory_url: str) -> None:
    """Past uvicorn's own 64 KiB split (server/http.py), up to the query limit."""
    status, _ = _get(factory_url, "ASK {} #" + "x" * 80_000)  # a target of over 80 KB
    assert status == 200
    status, body = _get(factory_url, "ASK {} #" + "x" * MAX_QUERY_BYTES)
    assert status == 413
    assert json.loads(body)["error"]["title"] == "Query too large"
