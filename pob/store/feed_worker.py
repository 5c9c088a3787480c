"""The feed's background worker (:mod:`pob.store.embedded`): the same worker as
:mod:`pob.store.query_worker`, under its own name, so that `ps` (and the tests) tell the
feed's long jobs (dumps, statistics) from the pool and the lane."""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection

from pob.store.query_worker import serve

if __name__ == "__main__":  # python -m pob.store.feed_worker FD SPOOL_DIR
    serve(Connection(int(sys.argv[1])), sys.argv[2])
