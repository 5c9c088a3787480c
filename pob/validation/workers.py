"""Validation off the event loop, stopped at a hard deadline.

A validation is CPU work in Python and Rust that no thread can interrupt, so it runs in a
worker process (``python -m pob.validation.workers``, the same
:class:`pob.store.workers.WorkerPool` the
query workers use): past ``POB_VALIDATION_TIMEOUT`` the process is killed (SIGKILL) and a
fresh one started, and the request gets :class:`ValidationTimeout` (503). A worker keeps
the reference data it was last sent (by key) and the compiled shapes, so only the first
job after a start or a build parses them.

A job is ``("check", key, reference payload, N-Triples of the dataset, options)``, run by
:func:`pob.validation.check.check`; the answer is ``("ok", Check)`` or an error reply
(:func:`pob.store.workers.error_reply`).
"""

from __future__ import annotations

import contextlib
import gc
import sys
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from pob.store.errors import EngineUnavailable, StoreError
from pob.store.workers import WorkerFailed, WorkerLost, WorkerPool, WorkerTimeout, answer_jobs
from pob.validation.check import Reference, check
from pob.validation.report import Check


class ValidationTimeout(StoreError):
    status = 503
    title = "Validation timed out"


class Checker:
    """Worker processes that validate, started on first use."""

    def __init__(self, size: int, timeout: float) -> None:
        self.pool = WorkerPool(size, "pob.validation.workers")
        self.timeout = timeout
        self._started = False

    async def run(
        self, reference: Reference | None, triples: list[Any], options: dict[str, Any]
    ) -> Check:
        if not self._started:
            await self.pool.start()
            self._started = True
        payload = reference.payload() if reference is not None else None
        key = reference.key if reference is not None else None
        objects = [t if isinstance(t, ox.Triple) else ox.Triple(*t) for t in triples]
        data = ox.serialize(objects, format=ox.RdfFormat.N_TRIPLES)
        job = ("check", key, payload, data or b"", options)
        try:
            result: Check = await self.pool.run(job, self.timeout)
        except WorkerTimeout:
            raise ValidationTimeout(
                f"validation ran longer than {self.timeout:g} s and was stopped; validate a "
                "smaller dataset, or without inference"
            ) from None
        except WorkerLost:
            raise EngineUnavailable(
                "the validation worker stopped while validating this dataset; it has been restarted"
            ) from None
        except WorkerFailed as exc:
            raise StoreError(str(exc)) from None
        return result

    async def close(self) -> None:
        if self._started:
            await self.pool.close()
            self._started = False


def serve(conn: Connection) -> None:
    """Answer jobs until the pipe closes or a None job arrives."""
    reference: Reference | None = None

    def handle(job: Any) -> Any:
        nonlocal reference
        kind, key, payload, data, options = job
        if kind == "close":
            return None
        if key is None:
            reference = None
        elif reference is None or reference.key != key:
            reference = None
            gc.collect()
            reference = Reference.from_payload(key, payload)
        triples = [q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)]
        return check(triples, reference, **options)

    answer_jobs(conn, handle)


def _warm() -> None:
    """Read and compile the default shapes before the first job."""
    with contextlib.suppress(Exception):
        from pob.validation.engine import compiled_shapes
        from pob.validation.shapes import default_shapes

        compiled_shapes(default_shapes(), cache=True)


if __name__ == "__main__":  # python -m pob.validation.workers FD
    _warm()
    serve(Connection(int(sys.argv[1])))
