"""An in-memory read replica of the live store version, loaded beside the queries.

A query worker (:mod:`pob.store.query_worker`) whose jobs say so keeps a copy of the
on-disk store in a pyoxigraph in-memory store and answers from it: measured at 0.5 M
triples, the same queries run 2 to 6 times faster in memory than on a read-only RocksDB
handle (docs/performance.md, "SPARQL service"). The durable store stays on disk; the
replica is only ever read.

The copy is made by a background thread of the worker, one named graph at a time: the
graph is dumped from the worker's read-only handle into a file in the spool directory
(Rust, without the GIL) and loaded from there into memory, so the worker answers its jobs
from the disk handle meanwhile and the copy never holds the data twice in memory.

The thread runs at the process's own CPU priority, on purpose. It once ran at nice 19, so
that queries arriving while it loads would not be slowed by it; but a thread of a Python
process holds the GIL between its Rust calls, and when the CPUs are busy the kernel
preempts a nice-19 thread holding it and leaves it unscheduled for hundreds of
milliseconds, while every other thread of the process (the worker's job loop, the server's
event loop) waits for the GIL: a priority inversion. Measured with two CPU hogs on two
cores and a 200,000-quad copy (bench/copy_priority.py): at nice 19 the copy took 163 s and
kept the process's main thread waiting up to 277 ms at a time; at the process's priority,
4.9 s and 23 ms (docs/performance.md, "The copy's priority").

:meth:`Replica.drop` is called before a write (the store's "close" job): it returns only
when the thread no longer reads the disk handle (no reader may stay open while another
process writes), and a copy under way is abandoned. The next job of the new store version
starts a new copy (:meth:`Replica.want`).
"""

from __future__ import annotations

import gc
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox

#: memory a replica takes per quad, above what was measured (pyoxigraph 0.5.13, 0.5 M
#: quads: a worker grew by ~490 bytes a quad with its copy at rest, ~800 at its peak under
#: the benchmark's query mix; docs/performance.md)
REPLICA_BYTES_PER_QUAD = 1000


def replica_fits(quads: int, workers: int, budget_mib: int) -> bool:
    """Whether `workers` in-memory replicas of a store of `quads` fit in the budget."""
    return quads * REPLICA_BYTES_PER_QUAD * workers <= budget_mib * 2**20


class Replica:
    """The in-memory copy of one store version (`key`), made by a background thread."""

    def __init__(self, spool_dir: Path) -> None:
        self.spool_dir = spool_dir
        self._state = threading.Condition()
        #: (key, disk handle) the thread is asked to copy; None: nothing
        self._wanted: tuple[Any, ox.Store] | None = None
        self._ready: tuple[Any, ox.Store] | None = None
        #: held while the thread reads a disk handle
        self._reading = threading.Lock()
        self._thread: threading.Thread | None = None

    def want(self, key: Any, disk: ox.Store) -> None:
        """Copy `disk` (the store version `key`) into memory in the background."""
        with self._state:
            if self._wanted is not None and self._wanted[0] == key:
                return
            if self._ready is not None and self._ready[0] == key:
                return
            self._ready = None
            self._wanted = (key, disk)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="replica", daemon=True)
                self._thread.start()
            self._state.notify_all()

    def get(self, key: Any) -> ox.Store | None:
        """The copy of `key` when it is complete, else None (use the disk handle)."""
        ready = self._ready
        return ready[1] if ready is not None and ready[0] == key else None

    @property
    def copying(self) -> bool:
        """A copy is asked for and not complete yet."""
        return self._wanted is not None

    def drop(self) -> None:
        """Forget the copy (and one under way); returns once no disk handle is read."""
        with self._state:
            self._wanted = None
            self._ready = None
            self._state.notify_all()
        with self._reading:  # a dump under way ends before the handle is given up
            pass
        gc.collect()

    def _run(self) -> None:
        while True:
            with self._state:
                while self._wanted is None:
                    self._state.wait()
                key = self._wanted[0]
            copy = self._copy(key)
            with self._state:
                if copy is not None and self._wanted is not None and self._wanted[0] == key:
                    self._ready, self._wanted = (key, copy), None
            del copy
            gc.collect()

    def _disk(self, key: Any) -> ox.Store | None:
        with self._state:
            wanted = self._wanted
        return wanted[1] if wanted is not None and wanted[0] == key else None

    def _copy(self, key: Any) -> ox.Store | None:
        """Every named graph of the version `key` in a new in-memory store; None if the
        copy was abandoned (a write is coming, or a newer version is wanted)."""
        memory = ox.Store()
        with self._reading:
            disk = self._disk(key)
            graphs = [] if disk is None else list(disk.named_graphs())
            del disk
        for graph in graphs:
            handle, name = tempfile.mkstemp(dir=self.spool_dir, prefix="replica-")
            os.close(handle)
            path = Path(name)
            try:
                with self._reading:
                    disk = self._disk(key)
                    if disk is None:
                        return None
                    disk.dump(str(path), ox.RdfFormat.N_TRIPLES, from_graph=graph)
                    del disk
                memory.add_graph(graph)
                memory.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
            finally:
                path.unlink(missing_ok=True)
        return memory if self._disk(key) is not None else None
