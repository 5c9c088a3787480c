"""Memory of a big submission through `pob serve`: the server process and its workers.

    .venv/bin/python -m bench.upload_memory                  # 0.5 M triples, printed
    .venv/bin/python -m bench.upload_memory --write          # ... and into docs/performance.md
    .venv/bin/python -m bench.upload_memory --triples 50000  # a quick run

One run: the data of `bench.generate` (the N-Triples file `bench.service` makes, once per
size, seed and version of the generator, under var/bench/data/), written once more as Turtle
beside it, with prefixes (a 0.5 M
N-Triples file is 85 MB, over the default upload limit of 50 MB; the Turtle is about half);
a fresh store (`pob build`) under var/bench/upload-memory/; `pob serve` on 127.0.0.1 with a
submit token. Once the server is idle (its feed built), the Turtle is POSTed to
/api/datasets while a second client asks `ASK {}` twice a second. /proc/<pid>/status of
the server and every process under it is sampled ten times a second: VmHWM (peak resident
memory) per process, and VmPeak (peak address space, what ``RLIMIT_AS`` bounds) of the
validation workers. After the answer, and once the process tree is idle again, the
server's VmRSS is read once more.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pyoxigraph as ox

from bench.doc import write_block
from bench.load import process_tree, wait_idle
from bench.load import start as start_server
from bench.proc import status_kib
from bench.service import DOC, WORK, data_file
from engines.ports import free_port
from pob.graph.prefixes import prefixes

MIB = 1024  # KiB per MiB (/proc reports KiB)
HERE = WORK / "upload-memory"
HEADING = "## Memory of a submission"
BEGIN, END = "<!-- bench.upload_memory: begin -->", "<!-- bench.upload_memory: end -->"
TOKEN = "bench-token"


def turtle_file(triples: int, seed: int) -> Path:
    """The generated data as Turtle with the service's prefixes (made once)."""
    nt, _ = data_file(triples, seed)
    path = nt.with_suffix(".ttl")
    if not path.exists():
        parsed = (q.triple for q in ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES))
        partial = path.with_suffix(".part")
        with partial.open("wb") as out:
            ox.serialize(parsed, out, ox.RdfFormat.TURTLE, prefixes=prefixes())
        partial.rename(path)
    return path


def _kind(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "gone"
    if b"pob.validation.workers" in command:
        return "validation worker"
    if b"pob.store" in command:
        return "query worker"
    return "other"


@dataclass
class Sampler:
    """VmHWM of the server and of each process under it; VmPeak of validation workers."""

    pid: int
    hwm: dict[int, int] = field(default_factory=dict)
    peak: dict[int, int] = field(default_factory=dict)
    kinds: dict[int, str] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def tree(self) -> list[int]:
        return process_tree(self.pid)

    def sample(self) -> None:
        for pid in self.tree():
            if pid not in self.kinds:
                self.kinds[pid] = "server" if pid == self.pid else _kind(pid)
            self.hwm[pid] = max(self.hwm.get(pid, 0), status_kib(pid, "VmHWM"))
            self.peak[pid] = max(self.peak.get(pid, 0), status_kib(pid, "VmPeak"))

    def run(self) -> None:
        while not self._stop.wait(0.1):
            self.sample()

    def most(self, kind: str, of: dict[int, int]) -> int:
        return max((v for pid, v in of.items() if self.kinds.get(pid) == kind), default=0)


def _asker(url: str, stop: threading.Event, waits: list[float]) -> None:
    with httpx.Client(timeout=60) as client:
        while not stop.wait(0.5):
            began = time.monotonic()
            response = client.get(f"{url}/sparql", params={"query": "ASK {}"})
            waits.append(time.monotonic() - began if response.status_code == 200 else -1)


def measure(args: argparse.Namespace) -> dict[str, object]:
    data = turtle_file(args.triples, args.seed)
    store = HERE / "store"
    shutil.rmtree(HERE, ignore_errors=True)
    HERE.mkdir(parents=True)
    pob = [sys.executable, "-m", "pob"]
    subprocess.run([*pob, "build", "--data-dir", str(store)], check=True, capture_output=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "POB_DUMPS_DIR": str(HERE / "dumps"),
        "POB_SUBMIT_TOKEN": f"bench:{TOKEN}",
        "POB_VALIDATION_MEMORY": str(args.memory),
        "POB_VALIDATION_TIMEOUT": str(args.timeout),
        "POB_MAX_UPLOAD_BYTES": str(max(50_000_000, data.stat().st_size + 1)),
        "POB_MAX_TRIPLES": str(max(500_000, args.triples * 2)),
    }
    os.environ.update(env)
    command = [*pob, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir",
               str(store), "--workers", "2", "--no-access-log"]  # fmt: skip
    server = start_server("ours", command, f"{url}/sparql", HERE / "serve.log", wait=300)
    try:
        wait_idle(server.process.pid)
        sampler = Sampler(server.process.pid)
        sampler.sample()
        before = status_kib(server.process.pid, "VmRSS")
        stop, waits = threading.Event(), []
        threads = [
            threading.Thread(target=sampler.run, daemon=True),
            threading.Thread(target=_asker, args=(url, stop, waits), daemon=True),
        ]
        for thread in threads:
            thread.start()
        began = time.monotonic()
        headers = {
            "Content-Type": "text/turtle",
            "Authorization": f"Bearer {TOKEN}",
            "Accept": "application/json",
        }
        response = httpx.post(
            f"{url}/api/datasets",
            content=data.read_bytes(),
            headers=headers,
            timeout=args.timeout + 600,
        )
        took = time.monotonic() - began
        stop.set()
        sampler._stop.set()
        for thread in threads:
            thread.join()
        wait_idle(server.process.pid)
        sampler.sample()
        after = status_kib(server.process.pid, "VmRSS")
        body = response.json()
        return {
            "triples": body.get("triples", args.triples),
            "bytes": data.stat().st_size,
            "status": response.status_code,
            "detail": body.get("detail") or body.get("error", {}).get("detail", ""),
            "seconds": took,
            "memory_limit_mib": args.memory,
            "server_rss_before": before / MIB,
            "server_hwm": sampler.hwm[server.process.pid] / MIB,
            "server_rss_after": after / MIB,
            "validation_hwm": sampler.most("validation worker", sampler.hwm) / MIB,
            "validation_vmpeak": sampler.most("validation worker", sampler.peak) / MIB,
            "query_hwm": sampler.most("query worker", sampler.hwm) / MIB,
            "ask_max": max((w for w in waits if w >= 0), default=float("nan")),
            "ask_failed": sum(1 for w in waits if w < 0),
            "asks": len(waits),
        }
    finally:
        server.stop()


def table(row: dict[str, object]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    return f"""`python -m bench.upload_memory` ({when}; {platform.machine()}, {os.cpu_count()} CPUs,
load average {load:.1f} at the end; Python {platform.python_version()}, pyoxigraph
{ox.__version__}). One submission of {row["triples"]:,} triples ({row["bytes"]:,} bytes of
Turtle) to `POST /api/datasets` on `pob serve --workers 2`, `POB_VALIDATION_MEMORY=
{row["memory_limit_mib"]}`: answered {row["status"]} in {row["seconds"]:.0f} s.

| process | measure | MiB |
|---|---|---:|
| server | VmRSS before | {row["server_rss_before"]:.0f} |
| server | VmHWM (peak) | {row["server_hwm"]:.0f} |
| server | VmRSS after (idle again) | {row["server_rss_after"]:.0f} |
| validation worker | VmHWM (peak resident) | {row["validation_hwm"]:.0f} |
| validation worker | VmPeak (peak address space: `RLIMIT_AS`) | {row["validation_vmpeak"]:.0f} |
| query worker | VmHWM (largest) | {row["query_hwm"]:.0f} |

`ASK {{}}` meanwhile: {row["asks"]} asked, the slowest answered in {row["ask_max"]:.2f} s,
{row["ask_failed"]} failed."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--memory", type=int, default=2048, help="POB_VALIDATION_MEMORY (MiB)")
    parser.add_argument("--timeout", type=float, default=600, help="POB_VALIDATION_TIMEOUT")
    parser.add_argument("--write", action="store_true", help="write the table")
    args = parser.parse_args(argv)
    row = measure(args)
    for key, value in row.items():
        print(f"{key}: {value}")
    text = table(row)
    print(text)
    if args.write:
        write_block(text, DOC, HEADING, BEGIN, END)


if __name__ == "__main__":
    main()
