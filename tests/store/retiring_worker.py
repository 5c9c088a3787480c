"""The store's query worker with a retirement threshold chosen by the test:
`python -m tests.store.retiring_worker FD SPOOL_DIR GROWTH` (bytes; what
`pob.store.feed_worker` passes as RETIRE_GROWTH)."""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection

from pob.store.query_worker import serve

if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]))
