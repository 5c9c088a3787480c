"""What the linked-data pages and the open-data feed serve, kept current with the store in
the background: pages never wait for a rebuild.

A :class:`~pob.publish.assembly.Feed` is one snapshot of the store (:mod:`pob.publish.assembly`).
:func:`current_feed` answers at once with the last good snapshot (only the very first one is
waited for: the curated graphs, a few seconds) and, at most once a second, starts a check in
the background (:func:`_follow`): it compares the store's version (triples per graph and
the recorded sources hash) with the snapshot's, makes a new snapshot when they differ, then
does the work each stored graph still needs (:class:`~pob.publish.graphwork.GraphWork`:
its VoID figures and, for a submission, its dump), one graph at a time, smallest first,
making a new snapshot after each. That work is the feed's own (``POB_FEED_TIMEOUT``,
never the public query timeout; the embedded store runs it in a worker of its own); a
graph whose work fails is shown as missing, with the reason, in ``/dumps`` and never takes
the other graphs or the pages down.

:func:`refresh_feed` makes a new snapshot now, with the work of every submission graph
done first (the submission routes call it after a write, so the catalog lists what was
just accepted); :func:`feed_lifespan` starts the feed with the app. The VoID description
(:func:`void_bytes`) adds up the figures of the curated graphs and of every stored graph
counted so far (:func:`pob.publish.void.merge_stats`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph

from pob.publish.assembly import (
    Feed,
    FeedUnavailable,
    Version,
    adopt_build,
    catalog_all,
    describe_graphs,
    dump_parts,
    feed_url,
    forget_curated,
    load_feed,
    serialise,
)
from pob.publish.catalog import SubmissionInfo
from pob.publish.graphwork import GraphWork
from pob.publish.stored import stored_parts
from pob.publish.void import graph_stats, merge_stats, void_from_stats
from pob.settings import Settings
from pob.store.base import Store
from pob.store.build import BuildReport

log = logging.getLogger("pob.publish.snapshot")
#: seconds between two checks of the store's version that pages start
CHECK_EVERY = 1.0

__all__ = [
    "Feed",
    "FeedUnavailable",
    "catalog_all",
    "current_feed",
    "describe_graphs",
    "dump_parts",
    "feed_lifespan",
    "feed_url",
    "forget_curated",
    "refresh_feed",
    "serialise",
    "void_bytes",
]


@dataclass
class _State:
    """The feed of one store: its last good snapshot and the work behind it."""

    work: GraphWork
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    feed: Feed | None = None
    submissions: dict[str, SubmissionInfo] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None
    checked: float = 0.0
    #: why the last attempt to make a snapshot failed (the last good one is served)
    error: str | None = None


_STATES: weakref.WeakKeyDictionary[Store, _State] = weakref.WeakKeyDictionary()


def _state(store: Store, settings: Settings) -> _State:
    if store not in _STATES:
        _STATES[store] = _State(GraphWork(settings.dumps_path / ".graphs"))
    return _STATES[store]


def _store_of(app_or_store: Any) -> Store:
    if isinstance(app_or_store, Store):
        return app_or_store
    store = getattr(getattr(app_or_store, "state", None), "store", None)
    if not isinstance(store, Store):
        raise TypeError("refresh_feed needs a Store or an app with app.state.store")
    return store


async def version_of(store: Store) -> Version:
    counts = await store.triple_counts()
    return tuple(sorted(counts.items())), await store.recorded_hash()


async def _snapshot(store: Store, settings: Settings, state: _State, version: Version) -> Feed:
    """A new snapshot at `version` (under the state's lock), made the current one."""
    async with state.lock:
        feed = await load_feed(store, settings, version, state.work.results, state.submissions)
        state.work.forget({iri for iri, _ in version[0]})
        state.feed, state.error = feed, None
        return feed


async def current_feed(store: Store, settings: Settings) -> Feed:
    """The last good snapshot of `store`, at once; a check for changes starts behind it.
    Only the first snapshot is waited for."""
    state = _state(store, settings)
    if state.feed is None:
        async with state.lock:
            if state.feed is None:
                version = await version_of(store)
                feed = await load_feed(store, settings, version, {}, state.submissions)
                state.feed = feed
    _kick(store, settings, state)
    assert state.feed is not None
    return state.feed


def _kick(store: Store, settings: Settings, state: _State, now: bool = False) -> None:
    """Start :func:`_follow` unless it runs or ran less than :data:`CHECK_EVERY` ago."""
    if state.task is not None and not state.task.done():
        return
    if not now and time.monotonic() - state.checked < CHECK_EVERY:
        return
    state.checked = time.monotonic()
    state.task = asyncio.get_running_loop().create_task(_follow(store, settings, state))


async def _follow(store: Store, settings: Settings, state: _State) -> None:
    """Bring the snapshot up to the store, then do the work the stored graphs need, one
    graph at a time, with a new snapshot after each."""
    try:
        while True:
            version = await version_of(store)
            feed = state.feed
            if feed is None or feed.version != version:
                feed = await _snapshot(store, settings, state, version)
            todo = _todo(store, settings, state, feed, version)
            if not todo:
                return
            iri, triples, dump = todo[0]
            if await state.work.ensure(store, settings, iri, triples, dump) is None:
                return  # interrupted by a write: the next check starts again
            await _snapshot(store, settings, state, version)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # the last good snapshot stays; the next check tries again
        state.error = f"{type(exc).__name__}: {exc}"
        log.exception("following the store failed; the last good snapshot is served")


def _todo(
    store: Store, settings: Settings, state: _State, feed: Feed, version: Version
) -> list[tuple[str, int, bool]]:
    """(graph IRI, triples, whether it is dumped) for the stored graphs that need work."""
    counts = {iri: n for iri, n in version[0] if iri not in store.curated}
    meta = feed.graphs.get(settings.graph("meta"))
    dumped = set(stored_parts(tuple(counts), settings, meta).values())
    return [(iri, counts[iri], iri in dumped) for iri in state.work.todo(counts, dumped)]


async def refresh_feed(
    app_or_store: Any, settings: Settings, submissions: Sequence[SubmissionInfo] | None = None
) -> Feed:
    """A new snapshot now, with every submission graph's dump (the work on other graphs,
    such as a big loaded graph's VoID figures, goes on in the background).

    `app_or_store` is the FastAPI app (its ``state.store``) or a :class:`Store`.
    `submissions` (optional) describes the accepted submissions for the catalog; it is kept
    until the next call that passes it. A submission graph it does not describe is described
    from the triples about its graph IRI (``dct:issued``/``dct:created``/
    ``prov:generatedAtTime``, ``dct:title``, ``dct:description``, ``dct:creator``).
    """
    store = _store_of(app_or_store)
    state = _state(store, settings)
    if submissions is not None:
        state.submissions = {s.id: s for s in submissions}
    version = await version_of(store)
    feed = await _snapshot(store, settings, state, version)
    for iri, triples, dump in _todo(store, settings, state, feed, version):
        if dump:
            await state.work.ensure(store, settings, iri, triples, dump)
    feed = await _snapshot(store, settings, state, version)
    _kick(store, settings, state, now=True)
    return feed


@contextlib.asynccontextmanager
async def feed_lifespan(
    app: Any, settings: Settings, built: BuildReport | None = None
) -> AsyncIterator[None]:
    """Build the feed in the background while the app starts; stop it at shutdown.

    `built` is the report of the store build the app just ran: the curated graphs it parsed
    and inferred (if it rebuilt) are the feed's, so the sources are not parsed again."""
    if built is not None:
        adopt_build(settings, built)
        del built  # the cache holds the graphs; no second reference for the app's lifetime
    store = _store_of(app)

    async def build() -> None:
        try:
            # the first queries after a start come first: the build (seconds of this
            # process's CPU) waits for a 1 s gap in them, 30 s at most, unless a feed request
            # needs it sooner (docs/performance.md: beside it, lookups were 4-10x slower)
            await store.quiet(idle=1.0, limit=30.0)
            await current_feed(store, settings)
        except Exception:  # the next request tries again
            log.exception("building the open-data feed failed")

    task = asyncio.create_task(build())
    try:
        yield
    finally:
        state = _STATES.get(store)
        for running in (task, state.task if state is not None else None):
            if running is not None:
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await running


def feed_changed(app_or_store: Any, settings: Settings) -> None:
    """The store was written (a submission accepted or withdrawn): bring the snapshot up to
    it now, in the background; pages go on serving the last good one meanwhile."""
    store = _store_of(app_or_store)
    _kick(store, settings, _state(store, settings), now=True)


async def status(store: Store, settings: Settings, feed: Feed) -> dict[str, Any]:
    """What ``/dumps`` says about the feed: its files, what is missing and why; `current`
    is true once the snapshot is of the store as it is now and nothing is missing."""
    state = _state(store, settings)
    version = await version_of(store)
    manifest = feed.manifest
    return {
        "modified": manifest.modified if manifest is not None else None,
        "files": [
            {
                "path": f.path,
                "dataset": f.dataset,
                "media_type": f.media_type,
                "bytes": f.byte_size,
                "sha256": f.sha256,
                "items": f.items,
            }
            for f in (manifest.files if manifest is not None else ())
        ],
        "missing": [
            {"graph": iri, "dataset": name or None, "reason": reason}
            for iri, name, reason in feed.missing
        ],
        "error": feed.dumps_error or state.error,
        "current": feed.version == version and not feed.missing,
    }


def _void_stats(feed: Feed) -> Any:
    curated = Graph()
    for graph in feed.graphs.values():
        curated += graph
    parts = [graph_stats(curated, feed.settings.base)]
    parts += [feed.stats[iri] for iri in sorted(feed.stats)]
    return merge_stats(parts)


async def void_bytes(store: Store, feed: Feed, media_type: str) -> bytes:
    """The VoID description in `media_type`, cached per snapshot: the figures of the
    curated graphs (counted here) and of each stored graph counted so far, added up."""
    if feed.manifest is None:
        raise FeedUnavailable(feed.dumps_error or "the dumps are not built")
    manifest = feed.manifest
    stats = await asyncio.to_thread(feed.cached, ("void-stats",), lambda: _void_stats(feed))

    def make() -> bytes:
        graph = void_from_stats(manifest, stats, feed.settings.base, feed.public_url)
        return serialise(graph, media_type)

    return await asyncio.to_thread(feed.cached, ("void", media_type), make)
