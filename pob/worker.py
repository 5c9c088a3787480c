"""A query worker process: one read-only handle on the embedded store, one job at a time.

Started by :class:`pob.execution.WorkerPool`. A job is ``(kind, (store_path, generation),
args)``: a new generation after every write makes the worker reopen its handle, and the
job "close" drops it before a write. The answer is ``("ok", value)`` or
``("error", (kind, detail, line, column))``. Results are written into the spool directory
(or kept in memory when small) by :mod:`pob.store.results`.
"""

from __future__ import annotations

import gc
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from pob.store import ops
from pob.store.errors import error_reply


def serve(conn: Connection, spool_dir: str) -> None:
    """Answer jobs until the pipe closes or a None job arrives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    spool = Path(spool_dir)
    store: ox.Store | None = None
    opened: tuple[str, int] | None = None
    handlers: dict[str, Callable[..., Any]] = {
        "query": lambda s, *a: ops.run_query(s, *a, spool_dir=spool),
        "graph": lambda s, *a: ops.dump_graph(s, *a, spool_dir=spool),
        "counts": lambda s: ops.triple_counts(s),
    }
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        kind, where, args = job
        try:
            if kind == "close":  # a write is coming: no handle may stay open
                store = opened = None
                gc.collect()
                reply: Any = ("ok", None)
            else:
                if store is None or where != opened:
                    store = None
                    gc.collect()
                    store, opened = ox.Store.read_only(where[0]), where
                reply = ("ok", handlers[kind](store, *args))
        except Exception as exc:  # reported to the parent, which maps it to a status
            reply = error_reply(exc)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


if __name__ == "__main__":  # python -m pob.worker FD SPOOL_DIR
    serve(Connection(int(sys.argv[1])), sys.argv[2])
