"""What the embedded store does around its workers after a start or a write, and how it
lets background work wait for a gap in the queries (:class:`Warming`, a part of
:class:`pob.store.embedded.EmbeddedStore`).

After a start (before :meth:`open` returns) and after every write (in the background) the
workers open the store at once, under :data:`OPEN_DEADLINE`, not a query's deadline: the
first query then does not pay ~10 ms of opening RocksDB, nor wait for a worker killed
while it opened (on a slow machine, that was a 503 for the first request after a start);
then, at the first gap in the client queries (:meth:`Warming.quiet`, 30 s at most), if
the store fits `POB_REPLICA_MEMORY` (:func:`pob.store.replica.replica_fits`) every pool
worker starts its in-memory replica, and the server process too when one more copy fits
(for the queries it answers itself, :mod:`pob.store.inline`); when the pool's copies do
not fit but one does, the server process alone keeps one (a budget of one copy buys the
point lookups memory speed rather than nothing). :meth:`Warming.quiet`
follows client queries, so that the open-data feed's start-up build runs in a gap between
them instead of beside them (docs/architecture.md, "Execution model").

It also says where a bounded query the server process answers itself is read
(:meth:`Warming._answer_here`): the process's in-memory copy when it has one, else its own
disk handle while that stays fast and small (:mod:`pob.store.own_reader`, recycled by
:meth:`Warming._recycle_own`), else a worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from pob.store import inline
from pob.store.base import Dataset, EngineQuery, QueryResult, TrustedQuery
from pob.store.errors import StoreError
from pob.store.own_reader import OwnReader
from pob.store.query_worker import Where
from pob.store.replica import Replica, replica_fits
from pob.store.worker_replies import WorkerError
from pob.store.workers import WorkerPool

#: how long a worker may take to open the store (it reads RocksDB's manifest and logs,
#: not the data: 0.5 s here, for all three workers at once)
OPEN_DEADLINE = 60.0


class Warming:
    """Warm-up, replicas, the query clock of the embedded store, and the readers of the
    bounded queries it answers itself."""

    settings: Any
    pool: WorkerPool | None
    lane: WorkerPool | None
    _generation: int
    _here: Replica
    _own: OwnReader
    _live_lock: asyncio.Lock
    _spool: Path

    @property
    def path(self) -> Path:
        raise NotImplementedError

    async def _in_worker(
        self, kind: str, *args: Any, cheap: bool = False, deadline: float | None = None
    ) -> Any:
        raise NotImplementedError

    async def triple_counts(self) -> dict[str, int]:
        raise NotImplementedError

    async def _local(self, action: Callable[[ox.Store], Any]) -> Any:
        raise NotImplementedError

    async def _copy_here(self) -> None:
        raise NotImplementedError

    def _init_warming(self) -> None:
        #: the pool's workers answer from in-memory replicas (the store fits the budget)
        self._replica = False
        self._planning: asyncio.Task[None] | None = None
        #: when the last client query started, and how many run (for :meth:`quiet`)
        self._last_query = time.monotonic()
        self._queries = 0
        self._recycling: asyncio.Task[None] | None = None

    def _where(self, lane: bool = False) -> Where:
        """The store version a job reads, and whether from a replica (never in the lane)."""
        return Where(str(self.path), self._generation, self._replica and not lane)

    def _warm(self, opened: bool = False) -> None:
        """In the background: every worker opens the live version (unless `opened`: done
        already, as :meth:`open` does before it returns), and if the store fits
        `POB_REPLICA_MEMORY` the pool's workers start their in-memory copies."""
        self._replica = False
        if self.pool is None:
            return
        # not cancelled when a newer write comes (a job cancelled in a worker kills it):
        # the warming of an older generation changes nothing
        self._planning = asyncio.get_running_loop().create_task(
            self._warm_up(self._generation, opened)
        )

    async def _open_workers(self, lane: bool = True) -> None:
        """Every worker (the lane's too, unless not `lane`: it never keeps a copy, so a
        replica's start leaves it alone) opens the live version, under :data:`OPEN_DEADLINE`
        rather than a query's: a worker killed while it opens the store is one the first
        queries wait for (on a slow machine, a 503 for the first request after a start).
        A failure here is not the start's: the first queries then open the store."""
        pool = self.pool
        assert pool is not None
        with contextlib.suppress(StoreError, WorkerError):
            await self._local(lambda store: None)  # this process's own handle too
            if lane and self.lane is not None:
                job = lambda: ("warm", self._where(lane=True), ())  # noqa: E731 (made when let in)
                await self.lane.run(job, OPEN_DEADLINE)
            # one job per worker: none answers before all are sent
            await asyncio.gather(
                *(self._in_worker("warm", deadline=OPEN_DEADLINE) for _ in range(pool.size))
            )

    async def _warm_up(self, generation: int, opened: bool = False) -> None:
        pool = self.pool
        assert pool is not None
        with contextlib.suppress(StoreError):
            if not opened:
                await self._open_workers()
            if self.settings.replica_memory <= 0:
                return
            # the copies, and the count they are planned by, wait for a gap in the client
            # queries (at most `quiet`'s limit): the first requests after a start or a
            # write are answered from disk at its speed, not beside a count and two copies
            # (measured: the first lookup 9.7x its steady time when the copies began at once)
            await self.quiet()
            if generation != self._generation:
                return  # a newer write warms its own version
            # the counts per graph the feed reads after every write too: one scan
            quads = sum((await self.triple_counts()).values())
            budget = self.settings.replica_memory
            current = generation == self._generation
            self._replica = replica_fits(quads, pool.size, budget) and current
            # this process's copy (its inline answers: the lookups) comes after the pool's,
            # when one more fits; or alone, when the pool's do not but one copy does
            here = pool.size + 1 if self._replica else 1
            if current and replica_fits(quads, here, budget):
                await self._copy_here()
            if self._replica:
                await self._open_workers(lane=False)

    async def _stop_warming(self) -> None:
        if self._planning is not None:
            self._planning.cancel()
            with contextlib.suppress(BaseException):
                await self._planning
        if self._recycling is not None:
            with contextlib.suppress(BaseException):
                await self._recycling

    # -- the bounded queries answered in this process -------------------------------------

    def _answer_here(
        self, query: EngineQuery, dataset: Dataset, media_type: str, max_rows: int | None
    ) -> QueryResult | None:
        """A bounded query's answer from this process's in-memory copy, else from its own
        disk handle (:mod:`pob.store.own_reader`); None: a worker answers it."""
        copy = self._here.get(self._generation)
        if copy is not None:
            return inline.answer(copy, query, dataset, media_type, max_rows, self._spool)
        own = self._own
        disk = None if self._live_lock.locked() else own.for_answers()
        if disk is None:
            return None
        began = own.began()
        found = inline.answer(disk, query, dataset, media_type, max_rows, self._spool)
        if own.answered(began, self._here.copying):
            self._recycling = asyncio.get_running_loop().create_task(self._recycle_own())
        return found

    async def _recycle_own(self) -> None:
        """A fresh disk handle for this process, its old one's memory given back. A failure
        to open it is not this task's to report: the next small read opens it, or says why."""
        async with self._live_lock:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self._own.recycle, self.path)

    @contextlib.contextmanager
    def _client_query(self, query: EngineQuery) -> Iterator[None]:
        """Around a query: a client's (not the library's own) moves the query clock."""
        client = not isinstance(query, TrustedQuery)
        if client:
            self._queries += 1
            self._last_query = time.monotonic()
        try:
            yield
        finally:
            if client:
                self._queries -= 1

    async def quiet(self, idle: float = 0.5, limit: float = 30.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            gap = time.monotonic() - self._last_query
            if self._queries == 0 and gap >= idle:
                return
            await asyncio.sleep(max(idle - gap, 0.05))
