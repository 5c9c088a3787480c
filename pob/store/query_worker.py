"""A query worker process: one read-only handle on the embedded store, one job at a time.

Started by :class:`pob.store.workers.WorkerPool`. A job is ``(kind, (store_path, generation),
args)``: a new generation after every write makes the worker reopen its handle, and the
job "close" drops it before a write. The answer is ``("ok", value)`` or an error reply
(:func:`pob.store.jobs.error_reply`: a StoreError such as QuerySyntaxError or
ResultTooLarge arrives in the server as itself). Results are written into the spool
directory (or kept in memory when small) by :mod:`pob.store.results`.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from pob.store import canonical, ops
from pob.store.jobs import answer_jobs


def serve(conn: Connection, spool_dir: str) -> None:
    """Answer jobs until the pipe closes or a None job arrives."""
    spool = Path(spool_dir)
    store: ox.Store | None = None
    opened: tuple[str, int] | None = None
    handlers: dict[str, Callable[..., Any]] = {
        "query": lambda s, *a: ops.run_query(s, *a, spool_dir=spool),
        "graph": lambda s, *a: ops.dump_graph(s, *a, spool_dir=spool),
        "counts": lambda s: ops.triple_counts(s),
        "canonical": lambda s, *a: canonical.dump_canonical(s, *a, spool_dir=spool),
    }

    def handle(job: Any) -> Any:
        nonlocal store, opened
        kind, where, args = job
        if kind == "close":  # a write is coming: no handle may stay open
            store = opened = None
            gc.collect()
            return None
        if store is None or where != opened:
            store = None
            gc.collect()
            store, opened = ox.Store.read_only(where[0]), where
        return handlers[kind](store, *args)

    answer_jobs(conn, handle)


if __name__ == "__main__":  # python -m pob.store.query_worker FD SPOOL_DIR
    serve(Connection(int(sys.argv[1])), sys.argv[2])
