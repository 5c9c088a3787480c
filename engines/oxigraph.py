"""`oxigraph serve` (the `oxigraph` command of this virtual environment) on 127.0.0.1.

`start(log)` runs it on a free port, on disk (`location`) or in memory (None), its output
in `log`, and waits (at most `wait` s) until its query endpoint answers `ASK {}`; on a
timeout or an early exit it raises RuntimeError with the log. `OXIGRAPH` is the command,
also for `oxigraph load` and `oxigraph optimize` (bench/contenders.py).
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from engines.ports import free_port

OXIGRAPH = Path(sys.executable).parent / "oxigraph"


@dataclass
class Oxigraph:
    """A running `oxigraph serve`: `url` is its root (`…/query`, `…/update`, `…/store`)."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def clear(self) -> None:
        """Every graph removed (``DROP ALL``)."""
        httpx.post(
            self.url + "/update",
            content=b"DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
        ).raise_for_status()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(log: Path, location: Path | None = None, wait: float = 30) -> Oxigraph:
    """`oxigraph serve` on a free port of 127.0.0.1, answering within `wait` s."""
    port = free_port()
    command = [str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}"]
    if location is not None:
        command += ["--location", str(location)]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    server = Oxigraph(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph exited ({process.returncode}):\n{log.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            answer = httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=5)
            if answer.status_code == 200:
                return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"oxigraph did not answer within {wait:g} s:\n{log.read_text()}")
