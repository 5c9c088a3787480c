"""A stand-in worker for the pool tests: `python -m tests.store.sleepy_worker FD`.

Jobs (answered by :func:`pob.store.jobs.answer_jobs`): ("echo", value) → value;
("sleep", seconds) → seconds (in C, never yielding); ("crash",) → the process aborts, as
an engine stack overflow would end it; ("raise", what) → raises one of :data:`RAISES`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from pob.sparql.guard import QueryTooLarge
from pob.store.errors import QuerySyntaxError, ResultTooLarge
from pob.store.jobs import answer_jobs

#: what a ("raise", name) job raises in the worker
RAISES: dict[str, Callable[[], Exception]] = {
    "syntax": lambda: QuerySyntaxError("the engine refused the query", 2, 7),
    "too large": lambda: ResultTooLarge(50),
    "guard": lambda: QueryTooLarge("the query is longer than 10 bytes"),
    "other": lambda: KeyError("missing"),
}


def handle(job: Any) -> Any:
    if job[0] == "crash":
        os.abort()
    if job[0] == "sleep":
        time.sleep(job[1])
    if job[0] == "raise":
        raise RAISES[job[1]]()
    if job[0] == "pid":
        return os.getpid()
    return job[1]


if __name__ == "__main__":
    answer_jobs(Connection(int(sys.argv[1])), handle)
