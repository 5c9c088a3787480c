"""The embedded store: a persistent pyoxigraph store in a data directory.

Queries, graph dumps and triple counts run in worker processes (:mod:`pob.store.workers`,
:mod:`pob.store.query_worker`), each with a read-only handle; the pool's own errors become
QueryTimeout and EngineUnavailable here. This process keeps a read-only handle of its own
for small reads (the list of graphs, the recorded hash). Without workers (one-off CLI
commands) every read runs in this process, without a deadline.

The live store version is only ever read. Every write (:meth:`EmbeddedStore.update`,
:meth:`~EmbeddedStore.insert`, the Graph Store writes) takes the write lock, writes into a
checkpoint of the live version (:func:`pob.store.ops.staged`: hard links, read through a
read-only handle) in one transaction, and swaps the `current` link
(:mod:`pob.store.layout`); a build (:meth:`EmbeddedStore.replace_curated`) and a bulk load
(:meth:`EmbeddedStore.load_files`, :mod:`pob.store.bulk`) build their new version the same
way. Queries go on meanwhile, on the old version and its replicas; only the swap drains
the workers (each closes its handle, then reopens on the new version with its next job),
so a write of 0.5 M triples (about 20 s) makes no query wait for more than the swap.

A query whose work the guard finds bounded by its answer (``query.bounded``) is answered
in this process, cut off at a row bound (:mod:`pob.store.inline`). Queries judged cheap
(``query.cheap``) that find no pool worker idle go to a fast lane: one more worker, not
counted in `POB_WORKERS`, where each may run :data:`LANE_DEADLINE` seconds; one that
overruns is killed there, run again in the pool with the rest of its budget and sent
there from then on (:mod:`pob.store.misjudged`; docs/architecture.md, "Execution model").
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from pob.graph.prefixes import prefixes
from pob.store import bulk, canonical, feed_worker, layout, ops, results
from pob.store.base import Dataset, EngineQuery, Progress, QueryResult, Store, WriteHooks
from pob.store.errors import EngineUnavailable, QueryTimeout, StoreError, UnknownGraph
from pob.store.misjudged import Misjudged
from pob.store.own_reader import OwnReader
from pob.store.replica import Replica
from pob.store.warming import Warming
from pob.store.worker_replies import WorkerFailed, WorkerLost, WorkerTimeout
from pob.store.workers import WorkerPool

T = TypeVar("T")

#: seconds a query may run in the fast lane before it is moved to the pool
LANE_DEADLINE = 1.0


class EmbeddedStore(Warming, Store):
    def __init__(self, settings: Any, hooks: WriteHooks | None = None) -> None:
        super().__init__(settings, hooks)
        self.data_dir: Path = Path(settings.data_dir).resolve()
        self.pool: WorkerPool | None = None
        #: the fast lane: one worker for queries the guard judges cheap (not those it lost)
        self.lane: WorkerPool | None = None
        self._lost = Misjudged()
        #: the feed's background work (dumps, statistics): a worker of its own, started on
        #: demand, under `feed_timeout`; a write interrupts it (the feed tries again)
        self.background: WorkerPool | None = None
        self._lock = layout.DirectoryLock(self.data_dir)
        #: one write at a time (held while a new version is written, which takes long)
        self._write_lock = asyncio.Lock()
        #: held while the live version changes (short): this process's own reads wait
        self._live_lock = asyncio.Lock()
        #: this process's own handle (its small reads; the bounded queries without a copy)
        self._own = OwnReader()
        self._graphs: frozenset[str] | None = None
        self._counts: dict[str, int] | None = None
        #: bumped after every write, so workers reopen their read-only handles
        self._generation = 0
        #: (generation, live store directory), kept: resolving the link costs four system
        #: calls (~200 µs); only this process moves it, always with a new generation
        self._current: tuple[int, Path] | None = None
        self._spool: Path = self.data_dir / "spool"
        #: this process's in-memory copy, for the queries answered here (pob.store.inline)
        self._here = Replica(self._spool)
        self._init_warming()

    # -- life cycle ---------------------------------------------------------------------

    async def open(self, workers: bool = True) -> None:
        """Own the data directory, make sure a store exists, start the workers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._lock.acquire()
        layout.remove_stale(self.data_dir)
        self._spool = layout.spool_dir(self.data_dir)
        live = layout.current(self.data_dir)
        if live is None:
            version = layout.new_version(self.data_dir)
            await asyncio.to_thread(ops.close_after, ox.Store(str(version)))
            layout.swap(self.data_dir, version)
        else:
            await asyncio.to_thread(ops.flush_log, live)  # before any reader opens it
        self._current = None
        if workers:
            self.pool = WorkerPool(
                self.settings.workers, "pob.store.query_worker", (str(self._spool),)
            )
            self.lane = WorkerPool(1, "pob.store.lane_worker", (str(self._spool),))
            feed = (str(self._spool), str(feed_worker.RETIRE_GROWTH))  # ends past it, or idle
            self.background = WorkerPool(1, "pob.store.feed_worker", feed, feed_worker.IDLE_EXIT)
            await asyncio.gather(self.pool.start(), self.lane.start(), self.background.start())
            await self._open_workers()  # the first request does not wait for (or pay) it
            self._warm(opened=True)

    async def close(self) -> None:
        await self._stop_warming()
        if self.background is not None:
            await self.background.abort()
            await self.background.close()
            self.background = None
        if self.lane is not None:
            await self.lane.close()
            self.lane = None
        if self.pool is not None:
            await self.pool.close()
            self.pool = None
        self._here.drop()
        self._drop_reader()
        self._lock.release()

    @property
    def path(self) -> Path:
        if self._current is not None and self._current[0] == self._generation:
            return self._current[1]
        path = layout.current(self.data_dir)
        if path is None:
            raise EngineUnavailable(f"no store in {self.data_dir}; run `pob build`")
        self._current = (self._generation, path)
        return path

    def _read(self) -> ox.Store:
        return self._own.get(self.path)

    async def _copy_here(self) -> None:
        """Start this process's in-memory copy of the live version, read from its handle."""
        generation = self._generation
        reader = await self._local(lambda store: store)
        if generation == self._generation:  # no write swapped versions meanwhile
            self._here.want(generation, reader)

    def _drop_reader(self) -> None:
        self._own.drop()

    async def _in_worker(
        self,
        kind: str,
        *args: Any,
        cheap: bool = False,
        background: bool = False,
        deadline: float | None = None,
    ) -> Any:
        if self.pool is None:  # no workers (CLI): run here, without a deadline
            handler: Callable[..., Any] = (
                canonical.dump_canonical if kind == "canonical" else getattr(ops, _LOCAL[kind])
            )
            return await self._local(lambda store: handler(store, *args, spool_dir=self._spool))
        if background and self.background is not None:
            return await self._in_background(self._job(kind, args, replica=False))
        timeout = budget = deadline or self.settings.query_timeout
        try:
            if cheap and self.lane is not None and not self.pool.idle and args not in self._lost:
                started = time.monotonic()
                job = self._job(kind, args, replica=False)  # the lane reads the disk
                try:
                    return await self.lane.run(job, budget, LANE_DEADLINE)
                except WorkerTimeout as exc:
                    if exc.queued:
                        raise
                self._lost.add(args)  # misjudged: the rest of its budget in the pool, and
                budget -= time.monotonic() - started  # straight there from now on
                if budget <= 0:
                    raise WorkerTimeout(timeout) from None
            return await self.pool.run(self._job(kind, args), budget)
        except WorkerTimeout as exc:
            if exc.queued:
                raise QueryTimeout(
                    f"no query worker became free within {timeout:g} s; try again later"
                ) from None
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped") from None
        except WorkerLost:
            raise EngineUnavailable(
                "the query engine stopped while running this query "
                "(a query nested very deeply can do that); it has been restarted"
            ) from None
        except WorkerFailed as exc:
            raise StoreError(str(exc)) from None

    def _job(self, kind: str, args: tuple[Any, ...], replica: bool = True) -> Callable[[], Any]:
        """A worker job, made once the pool lets it in (:meth:`WorkerPool.run`): it names
        the version live then, which no swap removes before the job ends."""
        return lambda: (kind, self._where(lane=not replica), args)

    async def _in_background(self, job: Any) -> Any:
        """A job of the feed's background work, in its own worker, under `feed_timeout`."""
        assert self.background is not None
        timeout = self.settings.feed_timeout
        try:
            return await self.background.run(job, timeout)
        except WorkerTimeout:
            raise QueryTimeout(
                f"the feed's background work ran longer than {timeout:g} s (POB_FEED_TIMEOUT)"
            ) from None
        except WorkerLost:
            raise EngineUnavailable(
                "the feed's background work was interrupted (a write to the store, or its "
                "worker stopped); it is done again"
            ) from None
        except WorkerFailed as exc:
            raise StoreError(str(exc)) from None

    # -- reads --------------------------------------------------------------------------

    async def query(
        self, query: EngineQuery, dataset: Dataset, media_type: str, max_rows: int | None
    ) -> QueryResult:
        with self._client_query(query):
            if getattr(query, "bounded", False):
                found = self._answer_here(query, dataset, media_type, max_rows)
                if found is not None:
                    return found
            result: QueryResult = await self._in_worker(
                "query",
                query.text,
                dataset,
                media_type,
                max_rows,
                query.base_iri,
                cheap=getattr(query, "cheap", False),
                background=getattr(query, "background", False),
            )
        return result

    async def canonical_graph(self, graph: str, media_type: str) -> QueryResult:
        if graph not in await self.graphs():
            raise UnknownGraph(f"graph <{graph}> is not in this store")
        result: QueryResult = await self._in_worker(
            "canonical", graph, media_type, self.settings.base, background=True
        )
        return result

    async def _local(self, action: Callable[[ox.Store], T]) -> T:
        """A small read in this process; waits while the live version changes."""
        async with self._live_lock:
            return await asyncio.to_thread(action, self._read())

    async def graphs(self, refresh: bool = False) -> frozenset[str]:
        if self._graphs is None or refresh:
            self._graphs = frozenset(await self._local(ops.list_graphs))
        return self._graphs

    async def triple_counts(self) -> dict[str, int]:
        if self._counts is None:
            # in a worker: the count reads every quad, and the block cache and the
            # grouping it fills would stay in this process (measured: ~50 MiB at 0.5 M);
            # it grows with the store (once per write), so not under the public deadline
            counts = await self._in_worker("counts", deadline=self.settings.feed_timeout)
            self._counts = dict(counts)
        return dict(self._counts)

    async def get_graph(self, graph: str | None, media_type: str) -> QueryResult:
        if graph is not None and graph not in await self.graphs():
            raise UnknownGraph(f"graph <{graph}> is not in this store")
        result: QueryResult = await self._in_worker(
            "graph", graph, media_type, prefixes(self.settings.base)
        )
        return result

    async def recorded_hash(self) -> str | None:
        meta = self.graph_iri("meta")
        return await self._local(lambda store: ops.recorded_hash(store, meta))

    # -- writes -------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _swapping(self) -> AsyncIterator[None]:
        """Around a change of the live version: every worker idle with its handle closed,
        this process's reader dropped; after it, a new generation and the warm-up."""
        async with self._live_lock, self._drained():
            await asyncio.to_thread(self._here.drop)
            self._drop_reader()
            try:
                yield
            finally:
                self._graphs = self._counts = None
                self._generation += 1
                self._warm()

    @contextlib.asynccontextmanager
    async def _drained(self) -> AsyncIterator[None]:
        """Every query worker (pool and lane) idle, its store handle closed."""
        async with contextlib.AsyncExitStack() as stack:
            for pool in (self.pool, self.lane, self.background):
                if pool is not None:  # the feed's jobs can be long: stopped, done again later
                    abort = pool is self.background
                    quiesce = ("close", None, ())
                    await stack.enter_async_context(pool.exclusive(quiesce, abort=abort))
            yield

    @contextlib.asynccontextmanager
    async def _new_version(self) -> AsyncIterator[Path]:
        """A new version directory, written under the write lock, made live when the block
        ends without an error (the swap), removed when it raises."""
        async with self._write_lock:
            version = layout.new_version(self.data_dir)
            try:
                yield version
            except BaseException:
                shutil.rmtree(version, ignore_errors=True)
                raise
            async with self._swapping():
                layout.swap(self.data_dir, version)
                layout.remove_stale(self.data_dir)

    async def _write(self, action: Callable[[ox.Store], T], hooks: WriteHooks | None = None) -> T:
        """`action` in one transaction on a new version, then the swap. The hooks (the
        crash test's) are called just before `action` and once the swap is done."""
        before = hooks.before if hooks is not None else (lambda: None)
        async with self._new_version() as version:
            result = await asyncio.to_thread(ops.staged, self.path, version, action, before)
        if hooks is not None:
            await asyncio.to_thread(hooks.after)
        return result

    async def update(self, sparql: str) -> None:
        """One pyoxigraph update: one transaction. QuerySyntaxError if the engine cannot
        parse it, StoreError if an operation fails (``CREATE GRAPH`` of a graph that is
        there …); either way nothing is written."""

        def action(store: ox.Store) -> None:
            try:
                store.update(sparql)
            except SyntaxError as exc:
                raise results.syntax_error(exc) from None
            except (RuntimeError, OSError, ValueError) as exc:
                raise StoreError(f"the update failed: {exc}") from None

        await self._write(action, self.hooks)

    async def remove(self, graphs: Sequence[str], delete: str = "", where: str = "") -> None:
        """One pyoxigraph update (:func:`pob.store.ops.removal`): one transaction."""
        if graphs or delete:
            await self.update(ops.removal(graphs, delete, where))

    async def insert(self, graphs: Mapping[str, bytes]) -> None:
        """pyoxigraph's transactional ``load`` of the graphs as one TriG stream: it holds
        the transaction, not a parsed SPARQL Update as well (measured at 0.5 M triples:
        peak 0.85 GiB instead of 1.5 GiB, and the memory is given back)."""

        def action(store: ox.Store) -> None:
            try:
                ops.insert_graphs(store, graphs)
            except (SyntaxError, RuntimeError, OSError, ValueError) as exc:
                raise StoreError(f"the write failed: {exc}") from None

        await self._write(action, self.hooks)

    async def put_graph(self, graph: str, ntriples: bytes) -> bool:
        return await self._write(lambda s: ops.write_graph(s, graph, ntriples, replace=True))

    async def post_graph(self, graph: str, ntriples: bytes) -> bool:
        return await self._write(lambda s: ops.write_graph(s, graph, ntriples, replace=False))

    async def delete_graph(self, graph: str) -> None:
        await self._write(lambda s: ops.drop_graph(s, graph))

    async def replace_curated(self, graphs: Mapping[str, bytes]) -> None:
        """Build a new version (curated graphs + every other graph copied), then swap."""
        curated = {self.graph_iri(name) for name in graphs}
        async with self._new_version() as version:
            await asyncio.to_thread(
                ops.stage_curated, self.path, version, graphs, curated, self.graph_iri
            )

    async def load_files(
        self,
        graph: str,
        files: Sequence[Path],
        replace: bool = False,
        progress: Progress | None = None,
    ) -> int:
        """Bulk load `files` into `graph` (added to it, or replacing it) in a new version,
        then swap (:mod:`pob.store.bulk`): all or nothing, other graphs untouched.

        Returns how many triples `graph` has now; raises ParseError (the live store
        unchanged) if a file is not valid RDF."""
        async with self._new_version() as version:
            plan = await asyncio.to_thread(bulk.snapshot, self.path, version, graph, replace)
            return await asyncio.to_thread(
                bulk.stage, self.path, version, graph, files, plan, progress
            )


_LOCAL = {
    "query": "run_query",
    "graph": "dump_graph",
    "counts": "count_triples",
}
