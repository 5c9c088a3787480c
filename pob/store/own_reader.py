"""The server process's own read-only handle on the live store version, and when the
bounded queries (:mod:`pob.store.inline`) are answered from it.

The embedded store keeps one handle in its own process for its small reads (the list of
graphs, the recorded hash). When the process holds no in-memory copy of the live version
(the store does not fit `POB_REPLICA_MEMORY` beside the workers' copies, or the copy is
still being made after a start or a write) the bounded queries are answered from this
handle instead of a query worker. Measured by hand on 2026-12-05 (`hey -c 8`, a 14-row
point lookup, docs/performance.md): at 5 M triples 3,680-3,890 lookups/s against 2,630-3,000
through a worker, at 0.5 M without copies 4,100 against 3,000; 256 us of CPU a lookup over
all processes against 480-530. The worker hop cost more than the engine's reads from disk.

Two costs of reading the disk in the process that runs the event loop are bounded here:

* **Memory.** A handle's caches grow with what it reads (RocksDB's block caches, the
  engine's cache of strings): 10,000 lookups of distinct subjects at 5 M added 138 MiB,
  300,000 added 166 (docs/performance.md, "Memory at 5 M, process by process"). Every
  :data:`CHECK_EVERY` answers this process's resident memory is read; once it is more than
  :data:`DISK_GROWTH` above what it was when the handle was opened, the handle is
  recycled: dropped, the freed memory given back to the system (glibc's `malloc_trim`:
  measured, 238 -> 68 MiB) and a fresh one opened (8 MiB), in a thread, while the bounded
  queries go to the workers. Not while this process's in-memory copy is being made: that
  copy is the growth then, and it is budgeted by `POB_REPLICA_MEMORY`.
* **Waits on the disk.** A read the page cache cannot serve waits for the disk while the
  event loop waits for it. An answer that took longer than :data:`DISK_SLOW` and read
  blocks from the disk (the thread's `ru_inblock`; a slow answer without one was
  preempted, which a worker would not help) sends the bounded queries to the workers for
  :data:`DISK_PAUSE` seconds (a cold disk warms up there, where waiting holds back no
  other request), then this handle is tried again.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import resource
import time
from pathlib import Path

import pyoxigraph as ox

from pob.store.query_worker import resident

log = logging.getLogger(__name__)

#: bytes this process may grow by while its handle is open before the handle is recycled
DISK_GROWTH = 32 * 2**20
#: answers from the handle between two readings of this process's resident memory
CHECK_EVERY = 64
#: seconds an answer from the handle may take before the bounded queries pause here
DISK_SLOW = 0.010
#: seconds the bounded queries go to the workers after a slow answer here
DISK_PAUSE = 10.0


#: the thread's own usage where the system keeps it (Linux), else the process's
_WHO = getattr(resource, "RUSAGE_THREAD", resource.RUSAGE_SELF)


def blocks_read() -> int:
    """Blocks this thread has read from a disk (not from the page cache)."""
    return resource.getrusage(_WHO).ru_inblock


def give_back() -> None:
    """Collect garbage and return the heap's free pages to the system (glibc only)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class OwnReader:
    """This process's read-only handle on the live version, opened on first use."""

    def __init__(self) -> None:
        self.handle: ox.Store | None = None
        #: this process's resident bytes when the handle was opened
        self.baseline = 0
        self.answers = 0
        #: no answers from the handle until then (time.monotonic), after a slow one
        self.paused_until = 0.0
        #: a recycling is under way (the handle is not used for answers meanwhile)
        self.recycling = False

    def get(self, path: Path) -> ox.Store:
        """The handle on the version at `path` (the caller drops it before that changes)."""
        handle = self.handle
        if handle is None:
            handle = self.handle = ox.Store.read_only(str(path))
            self.baseline, self.answers = resident(), 0
        return handle

    def drop(self) -> None:
        self.handle = None
        gc.collect()

    def for_answers(self) -> ox.Store | None:
        """The handle, if the bounded queries are answered from it now."""
        if self.recycling or time.monotonic() < self.paused_until:
            return None
        return self.handle

    def began(self) -> tuple[float, int]:
        """When an answer from the handle begins, and the blocks read until then."""
        return time.monotonic(), blocks_read()

    def answered(self, began: tuple[float, int], copying: bool) -> bool:
        """Note one answer from the handle, begun at `began`; True when the handle should
        be recycled now (`copying`: this process's in-memory copy is being made)."""
        now = time.monotonic()
        blocks = blocks_read() - began[1] if now - began[0] > DISK_SLOW else 0
        if blocks > 0:
            self.paused_until = now + DISK_PAUSE
            log.warning(
                "an answer from the server process's disk handle took %.0f ms and read %d "
                "blocks from the disk: bounded queries go to the workers for %g s",
                (now - began[0]) * 1e3,
                blocks,
                DISK_PAUSE,
            )
        self.answers += 1
        if copying or self.answers % CHECK_EVERY:
            return False
        if resident() - self.baseline <= DISK_GROWTH:
            return False
        self.recycling = True
        log.info(
            "the server process's disk handle is recycled (the process grew by more than "
            "%d MiB since it was opened)",
            DISK_GROWTH // 2**20,
        )
        return True

    def recycle(self, path: Path) -> None:
        """Drop the handle, give its memory back, open a fresh one (in a thread, with the
        live version held: the caller holds the embedded store's live lock)."""
        try:
            self.handle = None
            give_back()
            self.get(path)
        finally:
            self.recycling = False
