"""Virtuoso open source (Debian's `virtuoso-opensource`) on 127.0.0.1, for tests and bench.

`start(folder)` writes a `virtuoso.ini` of its own into `folder` (the database, its log
and its transaction file live there; both ports free ones on 127.0.0.1; no plugins, no
VAD packages), runs `virtuoso-t -f` in the foreground and waits until `/sparql` answers.
Writes go to the digest-authenticated endpoints (`/sparql-auth`,
`/sparql-graph-crud-auth`) as `dba` with the fresh database's password (`dba`: the engine
listens on 127.0.0.1 only and lives as long as the test session; a deployment sets its
own and gives it to pob as POB_STORE_USER / POB_STORE_PASSWORD); the unauthenticated
`SPARQL` user keeps its read-only rights. `make deps-system` installs the package.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from engines.ports import free_port
from pob.store.dialects import EMPTY_GRAPHS
from pob.store.dialects import Virtuoso as VirtuosoDialect

Virtuoso_dialect = VirtuosoDialect()

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
DirsAllowed = {dir}
CaseMode = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 16
MaxClientConnections = 16
Charset = UTF-8

[SPARQL]
; pob sends `timeout` and `maxrows` with every query; no cap of the engine's own
ResultSetMaxRows = 0
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""


def installed() -> bool:
    return shutil.which(VIRTUOSO) is not None and shutil.which(ISQL) is not None


@dataclass
class Virtuoso:
    """A running Virtuoso: `url` is its SPARQL endpoint (`…/sparql`)."""

    url: str
    sql_port: int
    process: subprocess.Popen[bytes]
    folder: Path
    user: str = "dba"
    password: str = "dba"

    @property
    def root(self) -> str:
        return self.url.removesuffix("/sparql")

    @property
    def auth(self) -> httpx.DigestAuth:
        return httpx.DigestAuth(self.user, self.password)

    def settings(self) -> dict[str, str]:
        """What pob needs to use it (`Settings` fields)."""
        return {"store_url": self.url, "store_user": self.user, "store_password": self.password}

    def graphs(self) -> list[str]:
        response = httpx.post(
            self.url,
            data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        response.raise_for_status()
        rows = response.json()["results"]["bindings"]
        return [r["g"]["value"] for r in rows]

    def clear(self) -> None:
        """Every graph but Virtuoso's own removed (pob's note of empty graphs too)."""
        with httpx.Client(auth=self.auth, timeout=120) as client:
            for graph in self.graphs():
                if Virtuoso_dialect.hidden(graph) and graph != EMPTY_GRAPHS:
                    continue  # the engine's own
                client.delete(
                    self.root + "/sparql-graph-crud-auth", params={"graph": graph}
                ).raise_for_status()

    @property
    def log(self) -> Path:
        return self.folder / "virtuoso.log"

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(folder: Path, buffers: int = 20_000, wait: float = 60) -> Virtuoso:
    """A Virtuoso with its database in `folder` (NumberOfBuffers: 8 KiB pages): a fresh one,
    or, started again on the folder of a stopped one, that database (on new ports)."""
    if not installed():
        raise RuntimeError(
            "Virtuoso open source is not installed: `make deps-system` (Debian package "
            "virtuoso-opensource) installs virtuoso-t and isql-vt"
        )
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        INI.format(
            dir=folder,
            sql_port=sql_port,
            http_port=http_port,
            buffers=buffers,
            dirty=buffers * 3 // 4,
        )
    )
    out = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(
        [VIRTUOSO, "-f", "-c", str(ini)], cwd=folder, stdout=out, stderr=subprocess.STDOUT
    )
    server = Virtuoso(f"http://127.0.0.1:{http_port}/sparql", sql_port, process, folder)
    deadline = time.monotonic() + wait
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited ({process.returncode}):\n{_tail(folder)}")
        try:
            if httpx.get(server.url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"virtuoso-t did not answer in {wait} s:\n{_tail(folder)}")
        time.sleep(0.2)
    return server


def _tail(folder: Path) -> str:
    texts = [p.read_text(errors="replace")[-3000:] for p in folder.glob("*.log")]
    return "\n".join(texts)
