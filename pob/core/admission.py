"""Bounded admission: at most `parallel` holders at once, at most `queue` waiting.

The service makes one :class:`Admission` for uploads when it starts
(``POB_MAX_PARALLEL_UPLOADS``, ``POB_UPLOAD_QUEUE``); a request that finds every slot taken
and the queue full is refused at once with :class:`Busy` (503, ``Retry-After``), before a
byte of its body is read, so a burst of large uploads cannot take the memory of the process.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pob.core.problems import RETRY_AFTER, Problem


class Busy(Problem):
    """Every slot taken and the queue full: try again later (`Retry-After`, as every 503
    Problem)."""

    status = 503
    title = "Busy"


class Admission:
    """An asyncio semaphore of `parallel` slots with a bounded queue of `queue` waiters."""

    def __init__(self, parallel: int, queue: int, what: str = "uploads") -> None:
        if parallel < 1 or queue < 0:
            raise ValueError("parallel must be at least 1 and queue not negative")
        self.parallel = parallel
        self.queue = queue
        self.what = what
        self._slots = asyncio.Semaphore(parallel)
        self._waiting = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot for the block; :class:`Busy` at once if none is free and the queue
        is full."""
        if self._slots.locked() and self._waiting >= self.queue:
            raise Busy(
                f"the service is busy: {self.parallel} {self.what} are being processed and "
                f"{self._waiting} are waiting; try again in {RETRY_AFTER} s"
            )
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        try:
            yield
        finally:
            self._slots.release()
