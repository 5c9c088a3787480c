"""A stand-in worker for the pool tests: `python -m tests.store.sleepy_worker FD`.

Jobs: ("echo", value) → value; ("sleep", seconds) → seconds (in C, never yielding);
("crash",) → the process aborts, as an engine stack overflow would end it.
"""

from __future__ import annotations

import os
import sys
import time
from multiprocessing.connection import Connection


def main(conn: Connection) -> None:
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        if job[0] == "crash":
            os.abort()
        if job[0] == "sleep":
            time.sleep(job[1])
        conn.send(("ok", job[1]))


if __name__ == "__main__":
    main(Connection(int(sys.argv[1])))
