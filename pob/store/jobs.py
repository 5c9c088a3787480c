"""The worker side of the pool's protocol: answering jobs, and errors as plain data.

A worker process (:mod:`pob.store.query_worker`, :mod:`pob.validation.workers`, …) calls
:func:`answer_jobs` with its handler; the pool (:class:`pob.store.workers.WorkerPool`) gets
each answer and :func:`pob.store.worker_replies.unwrap` gives the value back or raises the error
it carries (a :class:`~pob.core.problems.Problem` arrives as the same class).
"""

from __future__ import annotations

import pickle
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from pob.core.problems import Problem

#: the third member of an answer whose worker exits after sending it (`answer_jobs`)
RETIRE = "retire"

#: how a worker reports an error, as plain data: ("error", ("problem", (module, class
#: name, args, attributes))) for a Problem, ("error", ("failed", "TypeName: message"))
#: for anything else
ErrorReply = tuple[str, tuple[str, Any]]


def error_reply(exc: BaseException) -> ErrorReply:
    """An exception raised by a job handler, as the worker sends it back.

    A Problem goes as its class (module and name), `args` and attributes: its constructor
    may want other arguments than its detail (ResultTooLarge takes the limit), so it is
    rebuilt without calling it; pickle alone would call it."""
    if isinstance(exc, Problem):
        payload = (type(exc).__module__, type(exc).__qualname__, exc.args, dict(vars(exc)))
        try:
            pickle.dumps(payload, pickle.HIGHEST_PROTOCOL)
        except Exception:  # an attribute that cannot travel: the detail at least
            payload = (*payload[:3], {"detail": exc.detail, "line": exc.line, "column": exc.column})
        return "error", ("problem", payload)
    return "error", ("failed", f"{type(exc).__name__}: {exc}")


def answer_jobs(
    conn: Connection, handle: Callable[[Any], Any], retire: Callable[[], bool] | None = None
) -> None:
    """The worker side of a :class:`WorkerPool` (``pob.store.query_worker``,
    ``pob.validation.workers``): answer each job with ``("ok", handle(job))`` or an error
    reply (:func:`error_reply`) until the socket closes or a None job arrives. Ctrl-C is
    the server's to handle; SIGTERM ends the worker. When `retire` says so after a job, the
    answer carries :data:`RETIRE` and the worker ends: the pool replaces it (the validation
    workers retire after a job that left them much bigger than they started)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            reply: Any = ("ok", handle(job))
        except Exception as exc:  # reported to the parent, which raises it again
            reply = error_reply(exc)
        leaving = retire is not None and retire()
        if leaving:
            reply = (*reply, RETIRE)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
        if leaving:
            return
