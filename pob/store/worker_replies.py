"""What a worker's reply means (:mod:`pob.store.workers`): its value, or an error.

The pool's errors are its own (:class:`WorkerError` and subclasses, plain exceptions); each
user says what they mean to its callers. A :class:`~pob.core.problems.Problem` the job
handler raised in the worker is raised again in this process as the same class, with the
same attributes (:func:`pob.store.jobs.error_reply`, :func:`unwrap`); any other exception
there arrives as :class:`WorkerFailed`.
"""

from __future__ import annotations

import contextlib
import importlib
from typing import Any

from pob.core.problems import Problem


class WorkerError(Exception):
    """Something the pool reports about a job: it did not get an answer from the handler."""


class WorkerTimeout(WorkerError):
    """The deadline passed: the job ran too long (its worker was killed), or, with
    `queued`, no worker became free in time."""

    def __init__(self, timeout: float, queued: bool = False) -> None:
        self.timeout = timeout
        self.queued = queued
        if queued:
            super().__init__(f"no worker became free within {timeout:g} s")
        else:
            super().__init__(f"the job ran longer than {timeout:g} s and its worker was killed")


class WorkerLost(WorkerError):
    """The worker process died (or its socket closed) while running the job; `returncode`
    is how it ended (negative: the signal), None if that is not known."""

    def __init__(self, message: str, returncode: int | None = None) -> None:
        self.returncode = returncode
        super().__init__(message)


class WorkerFailed(WorkerError):
    """The job handler raised an exception that is not a Problem; the message is
    ``"TypeName: message"``."""


def unwrap(reply: Any) -> Any:
    """A worker's answer: its value, or the error it reported raised again here."""
    status, payload = reply
    if status == "ok":
        return payload
    kind, detail = payload
    if kind == "problem":
        raise _rebuild(*detail)
    raise WorkerFailed(detail)


def _rebuild(module: str, name: str, args: tuple[Any, ...], state: dict[str, Any]) -> Exception:
    """The Problem a worker reported, as the same class with the same attributes."""
    found: Any = None
    with contextlib.suppress(ImportError):
        found = importlib.import_module(module)
        for part in name.split("."):
            found = getattr(found, part, None)
    if not (isinstance(found, type) and issubclass(found, Problem)):
        return WorkerFailed(f"{name}: {state.get('detail', args)}")
    problem: Problem = found.__new__(found, *args)  # not __init__: see error_reply
    problem.__dict__.update(state)
    return problem
