"""What the linked-data pages and the open-data feed serve, kept current with the store.

A :class:`Feed` is one snapshot of the store: the curated graphs (ontology, data, inferred,
meta: about 5,000 triples) parsed into rdflib, the triples that describe the other graphs
(submission metadata), the :class:`~pob.publish.resources.GraphView` the pages read, and the dump
files (:func:`pob.publish.dumps.build_dumps` under ``settings.dumps_dir``, rewritten only when their
content key changes).

Memory does not grow with the store: no other graph (accepted submissions, graphs loaded
with ``pob load``, which can hold millions of triples) is ever parsed here. Their dumps are
streamed from the store as Turtle into spool files (:mod:`pob.publish.stored`), the VoID
figures come from SPARQL aggregate queries (:func:`pob.publish.void.store_stats`, once per
snapshot) and a page about a resource outside the curated graphs fetches that resource's
triples with one SPARQL query (:func:`pob.publish.resources.fetch_resource`).

When the store holds the build of the current sources, ontology, data and inferred come
from the sources, parsed and inferred once per sources hash and kept (:func:`_curated`):
at start-up the service hands over what its build just parsed and inferred
(:func:`feed_lifespan` with the :class:`~pob.store.build.BuildReport`), and when the store
was up to date the first snapshot parses and infers, so a start-up does each once. The meta
graph is always read from the store (submissions add their provenance to it).

:func:`current_feed` compares the store's version (triples per graph and the recorded
sources hash) with the snapshot's and rebuilds it when they differ, so a changed graph
regenerates the dumps at the next request; :func:`refresh_feed` rebuilds now (call it after
accepting or withdrawing a submission; :func:`feed_lifespan` calls it at start-up). Catalog
pages and the VoID description are cached per snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from rdflib import Graph
from rdflib.namespace import FOAF, RDFS

from pob.core import formats
from pob.graph.coverage import countries
from pob.publish.catalog import SubmissionInfo, catalog_graph
from pob.publish.dumps import (
    INFERRED_PART,
    MAIN_PARTS,
    SUBMISSION_ID_RE,
    SUBMISSION_PREFIX,
    GraphLike,
    build_dumps,
)
from pob.publish.manifest import DumpManifest
from pob.publish.resources import GraphView
from pob.publish.shape_docs import merged, shape_files
from pob.publish.stored import spool_graph, stored_parts, submission_info
from pob.publish.void import VoidStats, store_stats, void_from_stats
from pob.settings import Settings
from pob.store.base import Store
from pob.store.build import BuildReport, curated_graphs, sources_digest
from pob.store.errors import StoreError

log = logging.getLogger("pob.publish.snapshot")
T = TypeVar("T")
Version = tuple[tuple[tuple[str, int], ...], str | None]


def feed_url(settings: Settings) -> str:
    """The public address of the service: POB_PUBLIC_URL, else the address it listens on.

    Never the request's Host header: the catalog and the dumps are cached and shared."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return f"http://{settings.host}:{settings.port}"


def serialise(graph: Graph, media_type: str) -> bytes:
    """`graph` in one RDF media type (JSON-LD compacted with the graph's prefixes)."""
    if media_type == formats.JSONLD:
        context = {p: str(ns) for p, ns in graph.namespaces() if p and p != "sh"}
        text = graph.serialize(format="json-ld", context=context, auto_compact=True, indent=1)
        return text.encode("utf-8")
    return graph.serialize(format=str(formats.syntax(media_type).rdflib_writer), encoding="utf-8")


@dataclass
class Feed:
    """One snapshot of the store, and what is derived from it."""

    version: Version
    settings: Settings
    #: the curated graphs only (IRI -> graph), never a submission or a loaded graph
    graphs: dict[str, Graph]
    view: GraphView
    manifest: DumpManifest | None
    submissions: tuple[SubmissionInfo, ...]
    dumps_error: str | None = None
    #: the graphs not held here (every graph but the curated ones): pages fetch from them
    stored: tuple[str, ...] = ()
    _cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    @property
    def public_url(self) -> str:
        return feed_url(self.settings)

    @property
    def dumps_dir(self) -> Path:
        return Path(self.settings.dumps_dir)

    def cached(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        if key not in self._cache:
            self._cache[key] = make()
        value: T = self._cache[key]
        return value

    def catalog(self, page: int | None) -> Graph:
        """One page of the DCAT catalog (PageNotFound past the end); needs the dumps."""
        if self.manifest is None:
            raise FeedUnavailable(self.dumps_error or "the dumps are not built")
        manifest = self.manifest
        return self.cached(
            ("catalog", page),
            lambda: catalog_graph(
                manifest,
                self.settings.base,
                self.public_url,
                self.submissions,
                page,
                self.settings.catalog_page_size,
                countries=self.countries(),
            ),
        )

    def countries(self) -> list[str]:
        """The countries of the curated data's places (the curated dataset's dct:spatial)."""
        data = self.graphs.get(self.settings.graph("data"))
        if data is None:
            return []
        found = self.cached(("countries",), lambda: countries(data, None, self.settings.base))
        return [str(c) for c in found]


def catalog_all(feed: Feed) -> Graph:
    """The whole catalog on one page: where a single dataset or distribution is looked up."""
    if feed.manifest is None:
        raise FeedUnavailable(feed.dumps_error or "the dumps are not built")
    manifest = feed.manifest
    return feed.cached(
        ("catalog", "all"),
        lambda: catalog_graph(
            manifest,
            feed.settings.base,
            feed.public_url,
            feed.submissions,
            None,
            len(feed.submissions) + 1,
            countries=feed.countries(),
        ),
    )


class FeedUnavailable(RuntimeError):
    """The dumps (and so the catalog and VoID) could not be built."""


@dataclass
class _State:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    feed: Feed | None = None
    submissions: dict[str, SubmissionInfo] = field(default_factory=dict)
    void: dict[tuple[Any, ...], bytes] = field(default_factory=dict)
    void_stats: tuple[Version, VoidStats] | None = None


_STATES: weakref.WeakKeyDictionary[Store, _State] = weakref.WeakKeyDictionary()


def _state(store: Store) -> _State:
    if store not in _STATES:
        _STATES[store] = _State()
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


async def current_feed(store: Store, settings: Settings) -> Feed:
    """The snapshot of `store`, rebuilt first if the store changed since."""
    state = _state(store)
    version = await version_of(store)
    if state.feed is not None and state.feed.version == version:
        return state.feed
    async with state.lock:
        if state.feed is None or state.feed.version != version:
            state.feed = await _load(store, settings, state)
        return state.feed


async def refresh_feed(
    app_or_store: Any, settings: Settings, submissions: Sequence[SubmissionInfo] | None = None
) -> Feed:
    """Rebuild the snapshot and the dumps now (a no-op for unchanged dump files).

    `app_or_store` is the FastAPI app (its ``state.store``) or a :class:`Store`.
    `submissions` (optional) describes the accepted submissions for the catalog; it is kept
    until the next call that passes it. A submission graph it does not describe is described
    from the triples about its graph IRI (``dct:issued``/``dct:created``/
    ``prov:generatedAtTime``, ``dct:title``, ``dct:description``, ``dct:creator``).
    """
    store = _store_of(app_or_store)
    state = _state(store)
    if submissions is not None:
        state.submissions = {s.id: s for s in submissions}
    async with state.lock:
        state.feed = await _load(store, settings, state)
        return state.feed


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

    async def build() -> None:
        try:
            # the first queries after a start come first: the build (~3 s of this process's
            # CPU) waits for a 1 s gap in them, 30 s at most, unless a feed request needs it
            # sooner (docs/performance.md: beside it, point lookups were 4-10x slower)
            store = _store_of(app)
            await store.quiet(idle=1.0, limit=30.0)
            await current_feed(store, settings)
        except Exception:  # the next request tries again
            log.exception("building the open-data feed failed")

    task = asyncio.create_task(build())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def void_bytes(store: Store, feed: Feed, media_type: str) -> bytes:
    """The VoID description in `media_type`, cached per snapshot; its figures come from
    SPARQL aggregate queries on the store."""
    if feed.manifest is None:
        raise FeedUnavailable(feed.dumps_error or "the dumps are not built")
    state = _state(store)
    key = (feed.version, feed.manifest.key, media_type)
    if key not in state.void:
        if state.void_stats is None or state.void_stats[0] != feed.version:
            try:
                stats = await store_stats(store, feed.settings.base)
            except StoreError as exc:
                raise FeedUnavailable(f"counting the graphs for VoID failed: {exc}") from exc
            state.void_stats = (feed.version, stats)
        stats = state.void_stats[1]
        state.void = {k: v for k, v in state.void.items() if k[:2] == key[:2]}
        graph = void_from_stats(feed.manifest, stats, feed.settings.base, feed.public_url)
        state.void[key] = await asyncio.to_thread(serialise, graph, media_type)
    return state.void[key]


#: (sources hash, base IRI) -> ontology, data and inferred as derived from those sources;
#: only the last sources hash is kept
_CURATED: dict[tuple[str, str], dict[str, Graph]] = {}
_FROM_SOURCES = ("ontology", "data", "inferred")


def _keep(settings: Settings, digest: str, parts: dict[str, Graph]) -> dict[str, Graph]:
    key = (digest, settings.base)
    if key not in _CURATED:
        _CURATED.clear()
        _CURATED[key] = {name: parts[name] for name in _FROM_SOURCES}
    return _CURATED[key]


def _curated(settings: Settings, digest: str) -> dict[str, Graph]:
    """The curated graphs as parsed from the sources and inferred (cached for the last
    digest: a build handed over with :func:`adopt_build`, else derived here once)."""
    cached = _CURATED.get((digest, settings.base))
    return cached if cached is not None else _keep(settings, digest, curated_graphs(settings))


def adopt_build(settings: Settings, report: BuildReport) -> None:
    """Take the graphs a build parsed and inferred (if it rebuilt) as the curated graphs of
    its sources hash: the next snapshot of that store does not parse the sources again."""
    if report.graphs:
        _keep(settings, report.sources_hash, report.graphs)


def forget_curated() -> None:
    """Drop the graphs kept per sources hash (the next snapshot derives them again), as a
    new process would start."""
    _CURATED.clear()


async def _load(store: Store, settings: Settings, state: _State) -> Feed:
    """Read the store. The curated graphs come from the sources when the store holds the
    build of exactly these sources: Oxigraph stores literals in canonical form
    (``"1"^^xsd:positiveInteger`` comes back as ``"1"^^xsd:integer``, ``"1.0"`` as ``"1"``),
    and the dumps, the pages and ``pob export --all`` should all say what the sources say.
    Only the curated graphs are parsed; every other graph stays in the store."""
    version = await version_of(store)
    graphs: dict[str, Graph] = {}
    if version[1] is not None and version[1] == await asyncio.to_thread(sources_digest, settings):
        parts = await asyncio.to_thread(_curated, settings, version[1])
        graphs.update({settings.graph(name): graph for name, graph in parts.items()})
    present = sorted(await store.graphs(refresh=True))
    curated = store.curated
    for iri in present:
        if iri in curated and iri not in graphs:
            data = (await store.get_graph(iri, formats.NTRIPLES)).read()
            graphs[iri] = await asyncio.to_thread(_parse, data)
    stored = tuple(iri for iri in present if iri not in curated)
    about = await describe_graphs(store, stored)
    known = dict(state.submissions)
    with tempfile.TemporaryDirectory(prefix="pob-feed-") as spool:
        dumps: dict[str, GraphLike] = dict(dump_parts(graphs, settings))
        meta = graphs.get(settings.graph("meta"))
        for name, iri in stored_parts(stored, settings, meta).items():
            dumps[name] = await spool_graph(store, iri, Path(spool), settings)
        return await asyncio.to_thread(
            _assemble, version, settings, graphs, about, stored, dumps, known
        )


def _parse(data: bytes) -> Graph:
    return Graph().parse(data=data, format="nt")


async def describe_graphs(store: Store, iris: Sequence[str]) -> Graph:
    """The triples about the graph IRIs `iris` (dct:title, dct:creator and its name, …)
    wherever they are: what the catalog and the pages need of a submission."""
    out = Graph()
    if not iris:
        return out
    values = " ".join(f"<{iri}>" for iri in iris)
    text = (
        f"CONSTRUCT {{ ?g ?p ?o . ?o ?q ?v }} WHERE {{ VALUES ?g {{ {values} }} ?g ?p ?o "
        f"OPTIONAL {{ ?o ?q ?v FILTER(?q IN (<{FOAF.name}>, <{RDFS.label}>)) }} }}"
    )
    result = await store.trusted_query(text, "CONSTRUCT", formats.NTRIPLES)
    return await asyncio.to_thread(_parse, result.read())


def _assemble(
    version: Version,
    settings: Settings,
    graphs: dict[str, Graph],
    about: Graph,
    stored: tuple[str, ...],
    dumps: dict[str, GraphLike],
    known: dict[str, SubmissionInfo],
) -> Feed:
    base, url = settings.base, feed_url(settings)
    shapes = merged(shape_files(base))
    view = GraphView.from_graphs(
        {**graphs, "": about},
        base,
        settings.graph("inferred"),
        shapes,
        {base: "/", url + "/": "/"},
    )
    manifest, error = None, None
    try:
        manifest = build_dumps(Path(settings.dumps_dir), base, url, dumps)
    except (OSError, ValueError) as exc:
        error = f"building the dumps in {settings.dumps_dir} failed: {exc}"
        log.error(error)
    ids = sorted(n[len(SUBMISSION_PREFIX) :] for n in dumps if n.startswith(SUBMISSION_PREFIX))
    fallback = datetime.fromisoformat(manifest.modified) if manifest else datetime.now(UTC)
    infos = tuple(known.get(i) or submission_info(view.union, settings, i, fallback) for i in ids)
    return Feed(version, settings, graphs, view, manifest, infos, error, stored)


def dump_parts(graphs: dict[str, Graph], settings: Settings) -> dict[str, Graph]:
    """The parsed graphs the dumps are built from: ontology, data, inferred (and any
    submission/<id> among them; the feed passes the submissions as spooled Turtle)."""
    prefix = settings.graph("")
    out: dict[str, Graph] = {}
    for iri, graph in graphs.items():
        name = iri[len(prefix) :] if iri.startswith(prefix) else ""
        sid = name[len(SUBMISSION_PREFIX) :] if name.startswith(SUBMISSION_PREFIX) else ""
        if name in (*MAIN_PARTS, INFERRED_PART) or SUBMISSION_ID_RE.match(sid):
            out[name] = graph
    return out
