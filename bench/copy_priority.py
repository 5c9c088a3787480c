"""The in-memory copy's thread (pob.store.replica.Replica) at the process's priority and at
nice 19, with every CPU kept busy by other processes: how long the copy takes and how long
the process's main thread is kept waiting meanwhile (its longest gap between 1 ms sleeps).

    .venv/bin/python -m bench.copy_priority            # print the table
    .venv/bin/python -m bench.copy_priority --write    # ... and put it in docs/performance.md

The copy thread holds the GIL between its Rust calls; a thread at nice 19 preempted while it
holds it leaves the process's other threads (a worker's job loop, the server's event loop)
waiting until the kernel schedules it again. This is why the copy runs at the process's
own priority (docs/architecture.md, "In-memory replicas").
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from bench.doc import write_block
from bench.inference import machine
from pob.store.replica import Replica

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
BEGIN, END = "<!-- bench.copy_priority begin -->", "<!-- bench.copy_priority end -->"
EX = "http://example.org/"


def _hog() -> None:
    while True:
        pass


def make_store(path: Path, quads: int, graphs: int) -> None:
    store = ox.Store(str(path))
    store.bulk_extend(
        ox.Quad(
            ox.NamedNode(f"{EX}s{i}"),
            ox.NamedNode(f"{EX}p{i % 7}"),
            ox.Literal(f"value {i}"),
            ox.NamedNode(f"{EX}g{i % graphs}"),
        )
        for i in range(quads)
    )
    store.flush()


def copy_once(path: Path, spool: Path, nice: int | None) -> tuple[float, float]:
    """Seconds the copy took, and the main thread's longest wait meanwhile."""
    disk = ox.Store.read_only(str(path))
    replica = Replica(spool)
    before = set(threading.enumerate())
    started = time.monotonic()
    replica.want("v1", disk)
    if nice is not None:  # this copy's thread lowered to `nice`, as it once was
        thread = next(t for t in set(threading.enumerate()) - before if t.name == "replica")
        assert thread.native_id is not None
        os.setpriority(os.PRIO_PROCESS, thread.native_id, nice)
    worst = 0.0
    while replica.get("v1") is None:
        tick = time.monotonic()
        time.sleep(0.001)
        worst = max(worst, time.monotonic() - tick)
    seconds = time.monotonic() - started
    replica.drop()
    return seconds, worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quads", type=int, default=200_000)
    parser.add_argument("--graphs", type=int, default=40)
    parser.add_argument("--hogs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    lines = [
        f"{machine()}; {args.quads:,} quads in {args.graphs} named graphs, "
        f"{args.hogs} busy processes at nice 0 beside the copy.",
        "",
        "| copy thread | copy, s | longest wait of the main thread, ms |",
        "|---|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "store"
        make_store(path, args.quads, args.graphs)
        hogs = [multiprocessing.Process(target=_hog, daemon=True) for _ in range(args.hogs)]
        for hog in hogs:
            hog.start()
        try:
            for label, nice in (("the process's priority (now)", None), ("nice 19 (before)", 19)):
                seconds, worst = copy_once(path, Path(scratch), nice)
                lines.append(f"| {label} | {seconds:.1f} | {worst * 1000:,.0f} |")
                print(lines[-1], flush=True)
        finally:
            for hog in hogs:
                hog.kill()
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_block(table, DOC, "### The copy's priority", BEGIN, END, after=None)


if __name__ == "__main__":
    main()
