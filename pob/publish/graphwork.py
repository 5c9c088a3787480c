"""The feed's work on each graph the snapshot does not hold, one graph at a time.

Per stored graph (accepted submissions, graphs loaded with ``pob load``: any size) the feed
needs its VoID figures (:func:`pob.publish.void.store_stats`) and, for a submission, its
dump (:func:`pob.publish.stored.spool_graph`). :class:`GraphWork` keeps the last result per
graph, keyed by the graph's triple count: a new or changed graph costs its own work once,
and the others' results are reused. The work is background work
(:meth:`pob.store.base.Store.background_query`: the feed's own deadline
``POB_FEED_TIMEOUT``, never the public query timeout; in the embedded store a worker of its
own). A graph whose work fails (its deadline passed, the engine refused) is recorded with
the reason, logged, and tried again after :data:`RETRY_AFTER` seconds or when it changes;
it never stops the work on the others. Work interrupted by a write to the store is not
recorded: the write changes the store, and the feed asks again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pob.publish.dumps import SpooledGraph
from pob.publish.stored import spool_graph
from pob.publish.void import VoidStats, store_stats
from pob.settings import Settings
from pob.store.base import Store
from pob.store.errors import EngineUnavailable, StoreError

log = logging.getLogger("pob.publish.graphwork")
#: seconds before the work on a graph that failed is tried again (unless it changes)
RETRY_AFTER = 300.0


@dataclass(frozen=True)
class GraphResult:
    """What the feed knows of one stored graph at one triple count."""

    iri: str
    triples: int
    stats: VoidStats | None = None
    dump: SpooledGraph | None = None
    error: str | None = None
    finished: float = field(default_factory=time.monotonic)


@dataclass
class GraphWork:
    """The results per stored graph of one store; spool files of dumps in `folder`."""

    folder: Path
    results: dict[str, GraphResult] = field(default_factory=dict)
    _running: dict[tuple[str, int, bool], asyncio.Task[GraphResult | None]] = field(
        default_factory=dict
    )

    def current(self, iri: str, triples: int) -> GraphResult | None:
        result = self.results.get(iri)
        return result if result is not None and result.triples == triples else None

    def todo(self, graphs: Mapping[str, int], dumped: set[str]) -> list[str]:
        """The graphs (IRI -> triples) whose result is missing or out of date (a failed
        one only after :data:`RETRY_AFTER`), smallest first: a small submission is not
        held up by a big loaded graph."""
        now = time.monotonic()
        out = []
        for iri, triples in graphs.items():
            result = self.current(iri, triples)
            if result is not None and result.error is not None:
                if now - result.finished >= RETRY_AFTER:
                    out.append(iri)
            elif result is None or (iri in dumped and result.dump is None):
                out.append(iri)
        return sorted(out, key=lambda iri: (graphs[iri], iri))

    async def ensure(
        self, store: Store, settings: Settings, iri: str, triples: int, dump: bool
    ) -> GraphResult | None:
        """The work on graph `iri` (at `triples`), done once even if asked twice at once;
        None if it was interrupted by a write."""
        key = (iri, triples, dump)
        task = self._running.get(key)
        if task is None:
            task = asyncio.create_task(self._run(store, settings, iri, triples, dump))
            self._running[key] = task
            task.add_done_callback(lambda _: self._running.pop(key, None))
        return await asyncio.shield(task)

    async def _run(
        self, store: Store, settings: Settings, iri: str, triples: int, dump: bool
    ) -> GraphResult | None:
        began = time.monotonic()
        try:
            stats = await store_stats(store, settings.base, iri)
            spooled = None
            if dump:
                name = hashlib.sha256(iri.encode()).hexdigest()[:16]
                folder = self.folder / f"{name}-{time.monotonic_ns()}"
                spooled = await spool_graph(store, iri, folder, settings)
            result = GraphResult(iri, triples, stats, spooled)
            log.info("the feed's work on <%s> took %.1f s", iri, time.monotonic() - began)
        except EngineUnavailable as exc:
            log.warning("the feed's work on <%s> stopped: %s", iri, exc.detail)
            return None
        except (StoreError, OSError, ValueError) as exc:
            reason = exc.detail if isinstance(exc, StoreError) else f"{type(exc).__name__}: {exc}"
            log.error("the feed's work on <%s> failed: %s", iri, reason)
            result = GraphResult(iri, triples, error=reason)
        self.results[iri] = result
        return result

    def forget(self, present: set[str]) -> None:
        """Drop the results of graphs no longer in the store, and spool folders no result
        refers to (call it while no dump is being built from them)."""
        for iri in [i for i in self.results if i not in present]:
            del self.results[iri]
        used = {r.dump.path.parent for r in self.results.values() if r.dump is not None}
        if self.folder.is_dir():
            for child in self.folder.iterdir():
                if child not in used and child.is_dir() and not self._busy(child):
                    for file in child.iterdir():
                        with contextlib.suppress(OSError):
                            file.unlink()
                    with contextlib.suppress(OSError):
                        child.rmdir()

    def _busy(self, folder: Path) -> bool:
        prefix = folder.name.split("-")[0]
        return any(
            hashlib.sha256(iri.encode()).hexdigest()[:16] == prefix
            for iri, _, dump in self._running
            if dump
        )
