"""Shared fixtures: real servers on 127.0.0.1.

* `oxigraph` starts `oxigraph serve` (from the venv, `engines/oxigraph.py`) with its own
  temporary `--location`;
* `virtuoso` starts Virtuoso open source (`engines/virtuoso.py`) with its own
  database directory and a generated virtuoso.ini, on free ports of 127.0.0.1;
* `live_server` starts our service (`python -m tests.serve`) under uvicorn on a free port.

Both are factories: a test (or a narrower fixture) asks for a server with the settings it
needs; every process started is stopped at the end of the session, or earlier with
`.stop()`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from engines.oxigraph import Oxigraph
from engines.oxigraph import start as start_oxigraph
from engines.ports import free_port
from engines.virtuoso import Virtuoso
from engines.virtuoso import start as start_virtuoso

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "server" / "fixtures"


def status_kib(pid: int, key: str, default: int | None = None) -> int:
    """A figure of /proc/<pid>/status in KiB (``VmRSS``, ``VmHWM`` …); `default` when the
    process is gone or has no such line (without one: an AssertionError)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    if default is None:
        raise AssertionError(f"no {key} for process {pid}")
    return default


def process_tree(root: int) -> list[int]:
    """`root` and every process below it (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, ()))
    return found


def child_processes(parent: int, module: bytes) -> list[int]:
    """The pids of `parent`'s children whose command line names `module` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent and module in command:
            found.append(int(entry.name))
    return found


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}):\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server at {url} did not start in {seconds} s:\n{log.read_text()}")


def wait_for_feed(url: str, seconds: float = 180) -> dict[str, Any]:
    """`GET {url}/dumps` until the feed is current (the snapshot is of the store as it is,
    nothing missing): the catalog and dumps follow a write in the background."""
    deadline = time.monotonic() + seconds
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        answer = httpx.get(f"{url}/dumps", timeout=30)
        if answer.status_code == 200:
            last = answer.json()
            if last.get("current"):
                return last
        time.sleep(0.2)
    raise AssertionError(f"the feed at {url} was not current after {seconds} s: {last}")


@dataclass
class Process:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    info: dict[str, Any] = field(default_factory=dict)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], Oxigraph]]:
    """A factory: each call starts a fresh `oxigraph serve` on 127.0.0.1."""
    started: list[Oxigraph] = []

    def start() -> Oxigraph:
        location = tmp_path_factory.mktemp("oxigraph")
        server = start_oxigraph(location.parent / f"{location.name}.log", location)
        started.append(server)
        return server

    yield start
    for server in started:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], Virtuoso]]:
    """A factory: each call starts a fresh Virtuoso on 127.0.0.1 (`.settings()`: the
    store_url and credentials pob needs; `.clear()`: every graph but its own removed)."""
    started: list[Virtuoso] = []

    def start() -> Virtuoso:
        server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"), buffers=10_000)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def fixture_settings(data_dir: Path, **overrides: Any) -> dict[str, Any]:
    """Settings (as JSON-able values) for a service on the small fixture sources."""
    values: dict[str, Any] = {
        "data_dir": str(data_dir),
        "ontology_dir": str(FIXTURES / "ontology"),
        "data_ttl_dir": str(FIXTURES / "data"),
        "queries_dir": str(FIXTURES / "queries"),
        "query_timeout": 1.0,
        "workers": 2,
    }
    values.update(overrides)
    return values


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Process]]:
    """A factory: `live_server(settings_dict)` runs the service under uvicorn on 127.0.0.1."""
    started: list[Process] = []

    def start(settings: dict[str, Any], wait: float = 120) -> Process:
        port = settings.get("port") or free_port()  # given: e.g. a base IRI on this address
        values = {**settings, "host": "127.0.0.1", "port": port}
        folder = tmp_path_factory.mktemp("server")
        values.setdefault("dumps_dir", str(folder / "dumps"))  # never the repository's var/
        log = folder / "server.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.serve", json.dumps(values)],
                cwd=ROOT,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        server = Process(f"http://127.0.0.1:{port}", process, log, values)
        _wait(server.url + "/sparql?query=ASK%7B%7D", process, log, wait)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's sync API keeps an asyncio loop running in the
    main thread for the rest of the session, so `asyncio.run` in later tests would fail."""
    browser = [item for item in items if "tests/browser/" in item.nodeid]
    others = [item for item in items if "tests/browser/" not in item.nodeid]
    for item in browser:
        item.add_marker(pytest.mark.browser)
    items[:] = others + browser
