"""`pob build` and `pob load` (local and through a running server)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
from typer.testing import CliRunner

from pob.cli import app
from pob.settings import Settings
from pob.store.embedded import EmbeddedStore
from tests.conftest import Process, fixture_settings

runner = CliRunner()
TURTLE = b'@prefix ex: <http://example.org/> .\nex:a ex:p "one", "two" .\n'


def counts(data_dir: Path) -> dict[str, int]:
    async def run() -> dict[str, int]:
        store = EmbeddedStore(Settings(data_dir=data_dir, build_on_start=False))
        await store.open(workers=False)
        try:
            return await store.triple_counts()
        finally:
            await store.close()

    return asyncio.run(run())


def test_build_then_up_to_date(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    first = runner.invoke(app, ["build", "--data-dir", str(data_dir)])
    assert first.exit_code == 0, first.output
    assert "store built" in first.output
    second = runner.invoke(app, ["build", "--data-dir", str(data_dir)])
    assert "up to date" in second.output
    assert counts(data_dir)["https://w3id.org/pob/graph/data"] > 0


def test_load_local(tmp_path: Path) -> None:
    source = tmp_path / "extra.ttl"
    source.write_bytes(TURTLE)
    graph = "http://example.org/extra"
    data_dir = tmp_path / "store"
    result = runner.invoke(
        app, ["load", str(source), "--graph", graph, "--data-dir", str(data_dir)]
    )
    assert result.exit_code == 0, result.output
    assert counts(data_dir)[graph] == 2
    result = runner.invoke(
        app, ["load", str(source), "--graph", graph, "--data-dir", str(data_dir)]
    )
    assert counts(data_dir)[graph] == 2  # same triples added again: a set


def test_load_refuses_curated_and_bad_files(tmp_path: Path) -> None:
    source = tmp_path / "bad.ttl"
    source.write_bytes(b"@prefix ex: <http://example.org/> .\nex:a ex:p .\n")
    data_dir = str(tmp_path / "store")
    curated = runner.invoke(
        app,
        ["load", str(source), "--graph", "https://w3id.org/pob/graph/data", "--data-dir", data_dir],
    )
    assert curated.exit_code == 2
    good = tmp_path / "good.ttl"
    good.write_bytes(TURTLE)
    for reserved in ("submission/0123456789abcdef", "anything-else"):
        iri = f"https://w3id.org/pob/graph/{reserved}"
        refused = runner.invoke(app, ["load", str(good), "--graph", iri, "--data-dir", data_dir])
        assert refused.exit_code == 2, refused.output
        assert "graph namespace" in " ".join(refused.output.split())
    bad = runner.invoke(
        app, ["load", str(source), "--graph", "http://example.org/g", "--data-dir", data_dir]
    )
    assert bad.exit_code == 2
    assert "bad.ttl" in bad.output and "2" in bad.output


def test_load_through_a_server(live_server: Callable[..., Process], tmp_path: Path) -> None:
    server = live_server(fixture_settings(tmp_path / "store", write_token="cli-token"))
    source = tmp_path / "extra.ttl"
    source.write_bytes(TURTLE)
    graph = "http://example.org/via-http"
    result = runner.invoke(
        app,
        [
            "load",
            str(source),
            "--graph",
            graph,
            "--url",
            server.url,
            "--token",
            "cli-token",
            "--replace",
        ],
    )
    assert result.exit_code == 0, result.output
    response = httpx.get(
        server.url + "/store", params={"graph": graph}, headers={"Accept": "application/n-triples"}
    )
    assert response.status_code == 200 and response.text.count("\n") == 2
    wrong = runner.invoke(
        app, ["load", str(source), "--graph", graph, "--url", server.url, "--token", "nope"]
    )
    assert wrong.exit_code == 1
    server.stop()
