"""The feed's background worker (:mod:`pob.store.embedded`): the same worker as
:mod:`pob.store.query_worker`, under its own name, so that `ps` (and the tests) tell the
feed's long jobs (dumps, statistics) from the pool and the lane.

Unlike the query workers it does not keep what a job left it: its jobs come in bursts
(after a start, after a write), each reads a whole graph, and a read-only RocksDB handle
keeps the index and filter blocks of every file it read, with the engine's allocations
beside them (measured at 5 M triples: about 215 MiB held after the feed's work, against
40 MiB at rest). After a job that left it more than :data:`RETIRE_GROWTH` bytes bigger than
it started, it ends; it also ends after :data:`IDLE_EXIT` seconds without a job (its
pool's `idle_exit`), holding then what its read-only handle's caches kept (the engine's
128 MiB cache of strings, its block cache); the next job starts a fresh one (~0.1 s). The
service's memory at rest and under the query mix then no longer carries the feed's last
burst (docs/performance.md). The embedded store passes the threshold as the worker's third
argument.
"""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection

from pob.store.query_worker import serve

#: resident memory a job may leave the feed's worker with, above its start, before it ends
RETIRE_GROWTH = 64 * 2**20
#: seconds the feed's worker stays without a job before it ends (the next job starts one)
IDLE_EXIT = 20.0

if __name__ == "__main__":  # python -m pob.store.feed_worker FD SPOOL_DIR RETIRE_GROWTH
    serve(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]))
