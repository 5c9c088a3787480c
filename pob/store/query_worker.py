"""A query worker process: one read-only handle on the embedded store, one job at a time.

Started by :class:`pob.store.workers.WorkerPool`. A job is ``(kind, where, args)`` with
``where`` a :class:`Where`: the store version (its directory and the generation, bumped
after every write, which makes the worker reopen its handle) and whether to answer from an
in-memory replica (:mod:`pob.store.replica`: copied in the background while the disk
handle answers; the embedded store asks for it when the store fits `POB_REPLICA_MEMORY`).
The job "close" drops the handle and the replica before the live version changes; "warm"
only opens them; "status" says whether the replica is there to answer.
The answer is ``("ok", value)`` or an error reply (:func:`pob.store.jobs.error_reply`:
a StoreError such as QuerySyntaxError or ResultTooLarge arrives in the server as itself).
Results are written into the spool directory (or kept in memory when small) by
:mod:`pob.store.results`.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox

from pob.store import canonical, ops
from pob.store.jobs import answer_jobs
from pob.store.replica import Replica


class Where(NamedTuple):
    """Which store a job reads: the live version and how."""

    path: str
    generation: int
    #: answer from an in-memory copy once it is loaded
    replica: bool = False


def resident() -> int:
    """This process's resident memory now, in bytes (Linux; 0 where /proc is missing)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def serve(conn: Connection, spool_dir: str, retire_growth: int | None = None) -> None:
    """Answer jobs until the pipe closes or a None job arrives; with `retire_growth`, end
    after a job that left this process that many bytes more resident than at its start
    (the pool starts a fresh one)."""
    spool = Path(spool_dir)
    started = resident()
    store: ox.Store | None = None
    opened: tuple[str, int] | None = None
    replica = Replica(spool)
    handlers: dict[str, Callable[..., Any]] = {
        "query": lambda s, *a: ops.run_query(s, *a, spool_dir=spool),
        "graph": lambda s, *a: ops.dump_graph(s, *a, spool_dir=spool),
        "counts": lambda s: ops.triple_counts(s),
        "canonical": lambda s, *a: canonical.dump_canonical(s, *a, spool_dir=spool),
        "warm": lambda s: None,
        "status": lambda s: False,  # answered from the replica? (below)
    }

    def handle(job: Any) -> Any:
        nonlocal store, opened
        kind, where, args = job
        if kind == "close":  # the live version changes: no handle may stay open
            replica.drop()
            store = opened = None
            gc.collect()
            return None
        where = Where(*where)
        version = (where.path, where.generation)
        if store is None or version != opened:
            replica.drop()
            store = None
            gc.collect()
            store, opened = ox.Store.read_only(where.path), version
        reader = store
        if where.replica:
            replica.want(version, store)
            if kind == "status":
                return replica.get(version) is not None
            copy = replica.get(version)
            reader = store if copy is None else copy
        return handlers[kind](reader, *args)

    def retire() -> bool:
        if retire_growth is None:
            return False
        gc.collect()
        return resident() - started > retire_growth

    answer_jobs(conn, handle, retire)


if __name__ == "__main__":  # python -m pob.store.query_worker FD SPOOL_DIR
    serve(Connection(int(sys.argv[1])), sys.argv[2])
