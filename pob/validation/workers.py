"""Uploads read and checked off the service process, with a deadline and a memory limit.

Parsing and validating an upload is CPU and memory work in Python and Rust that no thread
can interrupt, so it runs in worker processes (``python -m pob.validation.workers FD
MEMORY``, the same :class:`pob.store.workers.WorkerPool` the query workers use). The
service process sends the raw body and gets back small answers (:mod:`pob.validation.
intake`: a report, a digest, the N-Triples to store); it never holds the triples of an
upload.

* **Deadline.** Past ``POB_VALIDATION_TIMEOUT`` the worker is killed (SIGKILL), a fresh one
  started, and the request gets :class:`ValidationTimeout` (503).
* **Memory.** Each worker limits its own address space (``RLIMIT_AS``) to
  ``POB_VALIDATION_MEMORY`` MiB as it starts. A job that needs more fails inside the
  worker: Python raises MemoryError, or another error that is how exhaustion shows
  (:func:`_exhausted`: a thread that cannot start, C code failing without an exception, a
  panic on a failed allocation, any failure after the address space reached 75 % of the
  limit), and the worker exits with :data:`MEMORY_EXIT`; or the Rust parser's
  allocator aborts (SIGABRT). Either way the worker is replaced and the request gets
  :class:`OutOfMemory` (413, naming the variable). A SIGABRT is read as exhaustion: it is
  what a failed allocation in pyoxigraph ends in.
  A worker whose address space grew by more than a quarter of the limit during a job
  retires after answering it (:func:`pob.store.jobs.answer_jobs`), so the next job
  starts with the whole budget.

A worker keeps the reference data it was last sent (by key) and the compiled shapes, so
only the first job after a start or a build parses them. A job is ``(kind, key, reference
payload, arguments)`` for :func:`pob.validation.intake.run`; the answer ``("ok", value)``
or an error reply (:func:`pob.store.jobs.error_reply`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import resource
import signal
import sys
from multiprocessing.connection import Connection
from typing import Any

from pob.core.problems import Problem
from pob.store.errors import EngineUnavailable, StoreError
from pob.store.jobs import answer_jobs
from pob.store.worker_replies import WorkerFailed, WorkerLost, WorkerTimeout
from pob.store.workers import WorkerPool
from pob.validation.check import Reference
from pob.validation.intake import NEEDS_REFERENCE, run
from pob.validation.upload import UploadError

MIB = 2**20
#: the exit status of a worker that ran out of memory in Python code
MEMORY_EXIT = 86
#: how a worker that hit its memory limit ends: MEMORY_EXIT, or Rust's abort
OUT_OF_MEMORY = frozenset({MEMORY_EXIT, -signal.SIGABRT})


class ValidationTimeout(StoreError):
    status = 503
    title = "Validation timed out"


class OutOfMemory(UploadError):
    """Reading or checking an upload needed more memory than a worker may use."""

    status = 413
    title = "Upload needs too much memory"


class Checker:
    """Worker processes that read and check uploads, started on first use."""

    def __init__(self, size: int, timeout: float, memory: int | None = None) -> None:
        self.memory = memory
        args = (str(memory),) if memory else ()
        self.pool = WorkerPool(size, "pob.validation.workers", args)
        self.timeout = timeout
        self._started = False

    async def run(self, kind: str, reference: Reference | None, arguments: dict[str, Any]) -> Any:
        """The answer of job `kind` (:data:`pob.validation.intake.JOBS`)."""
        if not self._started:
            await self.pool.start()
            self._started = True
        payload = key = None
        if reference is not None and kind in NEEDS_REFERENCE:
            payload, key = reference.payload(), reference.key
        try:
            return await self.pool.run((kind, key, payload, arguments), self.timeout)
        except WorkerTimeout:
            raise ValidationTimeout(
                f"validation ran longer than {self.timeout:g} s and was stopped; validate a "
                "smaller dataset, or without inference"
            ) from None
        except WorkerLost as lost:
            if lost.returncode in OUT_OF_MEMORY:
                raise OutOfMemory(
                    f"reading and checking this dataset needed more memory than a validation "
                    f"worker may use ({self.memory} MiB, POB_VALIDATION_MEMORY); the worker "
                    "was stopped and replaced. Send a smaller dataset, or check it without "
                    "inference"
                ) from None
            raise EngineUnavailable(
                "the validation worker stopped while validating this dataset; it has been restarted"
            ) from None
        except WorkerFailed as exc:
            raise StoreError(str(exc)) from None

    async def close(self) -> None:
        if self._started:
            await self.pool.close()
            self._started = False


def address_space(key: str = "VmSize") -> int:
    """This process's address space (VmSize; VmPeak: the most it was), in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


def limit_memory(mib: int) -> None:
    """Limit this process's address space to `mib` MiB (the soft limit; RLIMIT_AS)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = mib * MIB
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _exhausted(exc: BaseException, memory: int) -> bool:
    """Whether an error is how running out of address space showed: at the limit, C and
    Rust code fail in other ways than MemoryError too ("can't start new thread", SystemError
    "error return without exception set", a panic on a failed allocation)."""
    text = f"{type(exc).__name__} {exc}".lower()
    if isinstance(exc, SystemError) or any(w in text for w in ("alloc", "memory", "thread")):
        return True
    return address_space("VmPeak") > memory * MIB * 0.75


def _out_of_memory() -> None:
    os._exit(MEMORY_EXIT)  # no reply: the pool sees the exit status and replaces us


def serve(conn: Connection, memory: int | None = None) -> None:
    """Answer jobs until the pipe closes or a None job arrives."""
    reference: Reference | None = None
    ready = address_space()
    #: retire after a job that left the address space this much larger than at the start
    slack = (memory * MIB) // 4 if memory else None

    def handle(job: Any) -> Any:
        nonlocal reference
        kind, key, payload, arguments = job
        if kind in NEEDS_REFERENCE:
            if key is None:
                reference = None
            elif reference is None or reference.key != key:
                reference = None
                gc.collect()
                reference = Reference.from_payload(key, payload)
        try:
            return run(kind, reference if kind in NEEDS_REFERENCE else None, arguments)
        except MemoryError:
            _out_of_memory()
        except Problem:
            raise
        except BaseException as exc:
            if memory and _exhausted(exc, memory):
                _out_of_memory()
            raise

    def retire() -> bool:
        if slack is None:
            return False
        gc.collect()
        return address_space() - ready > slack

    try:
        answer_jobs(conn, handle, retire)
    except MemoryError:  # receiving a job or sending an answer
        _out_of_memory()


def _warm() -> None:
    """Read and compile the default shapes before the first job."""
    with contextlib.suppress(Exception):
        from pob.validation.engine import compiled_shapes
        from pob.validation.shapes import default_shapes

        compiled_shapes(default_shapes(), cache=True)


if __name__ == "__main__":  # python -m pob.validation.workers FD [MEMORY_MIB]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
    if limit:
        limit_memory(limit)
    _warm()
    serve(Connection(int(sys.argv[1])), limit)
