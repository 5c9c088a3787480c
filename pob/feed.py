"""What the linked-data pages and the open-data feed serve, kept current with the store.

A :class:`Feed` is one snapshot of the store: every named graph parsed into rdflib (the data
is small: about 5,000 triples), the :class:`~pob.resources.GraphView` the pages read, and the
dump files (:func:`pob.dumps.build_dumps` under ``settings.dumps_dir``, rewritten only when
their content key changes). :func:`current_feed` compares the store's version (triples per
graph and the recorded sources hash) with the snapshot's and rebuilds it when they differ,
so a changed graph regenerates the dumps at the next request; :func:`refresh_feed` rebuilds
now (call it after accepting or withdrawing a submission, and at startup). Catalog pages and
the VoID description are cached per snapshot and per manifest key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDFS

from pob import formats
from pob.catalog import SubmissionInfo, catalog_graph
from pob.dumps import (
    INFERRED_PART,
    MAIN_PARTS,
    SUBMISSION_ID_RE,
    SUBMISSION_PREFIX,
    DumpManifest,
    build_dumps,
)
from pob.resources import GraphView
from pob.settings import Settings
from pob.shape_docs import merged, shape_files
from pob.store.base import Store
from pob.store.build import curated_graphs, sources_digest
from pob.void import void_graph

log = logging.getLogger("pob.feed")
T = TypeVar("T")
Version = tuple[tuple[tuple[str, int], ...], str | None]
RDFLIB_FORMATS = {
    formats.TURTLE: "turtle",
    formats.NTRIPLES: "nt",
    formats.JSONLD: "json-ld",
    formats.RDFXML: "xml",
}


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
    return graph.serialize(format=RDFLIB_FORMATS[media_type], encoding="utf-8")


@dataclass
class Feed:
    """One snapshot of the store, and what is derived from it."""

    version: Version
    settings: Settings
    graphs: dict[str, Graph]
    view: GraphView
    manifest: DumpManifest | None
    submissions: tuple[SubmissionInfo, ...]
    dumps_error: str | None = None
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
            ),
        )


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
        ),
    )


class FeedUnavailable(RuntimeError):
    """The dumps (and so the catalog and VoID) could not be built."""


@dataclass
class _State:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    feed: Feed | None = None
    submissions: dict[str, SubmissionInfo] = field(default_factory=dict)
    void: dict[tuple[str, str], bytes] = field(default_factory=dict)


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
async def feed_lifespan(app: Any, settings: Settings) -> AsyncIterator[None]:
    """Build the feed in the background while the app starts; stop it at shutdown."""

    async def build() -> None:
        try:
            await refresh_feed(app, settings)
        except Exception:  # the next request tries again
            log.exception("building the open-data feed failed")

    task = asyncio.create_task(build())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def void_bytes(store: Store, feed: Feed, media_type: str) -> bytes:
    """The VoID description in `media_type`, cached per manifest key."""
    if feed.manifest is None:
        raise FeedUnavailable(feed.dumps_error or "the dumps are not built")
    state = _state(store)
    key = (feed.manifest.key, media_type)
    if key not in state.void:
        if state.void and not any(k[0] == feed.manifest.key for k in state.void):
            state.void.clear()
        graph = void_graph(feed.manifest, feed.view.union, feed.settings.base, feed.public_url)
        state.void[key] = serialise(graph, media_type)
    return state.void[key]


_CURATED: dict[tuple[str, str], dict[str, Graph]] = {}


def _curated(settings: Settings, digest: str) -> dict[str, Graph]:
    """The curated graphs as parsed from the sources (cached for the last digest)."""
    key = (digest, settings.base)
    if key not in _CURATED:
        _CURATED.clear()
        _CURATED[key] = curated_graphs(settings)
    return _CURATED[key]


async def _load(store: Store, settings: Settings, state: _State) -> Feed:
    """Read the store. The curated graphs come from the sources when the store holds the
    build of exactly these sources: Oxigraph stores literals in canonical form
    (``"1"^^xsd:positiveInteger`` comes back as ``"1"^^xsd:integer``, ``"1.0"`` as ``"1"``),
    and the dumps, the pages and ``pob export --all`` should all say what the sources say."""
    version = await version_of(store)
    graphs: dict[str, Graph] = {}
    if version[1] is not None and version[1] == await asyncio.to_thread(sources_digest, settings):
        parts = await asyncio.to_thread(_curated, settings, version[1])
        graphs.update({settings.graph(name): graph for name, graph in parts.items()})
    for iri in sorted(await store.graphs(refresh=True)):
        if iri not in graphs:
            data = (await store.get_graph(iri, formats.NTRIPLES)).read()
            graphs[iri] = await asyncio.to_thread(_parse, data)
    known = dict(state.submissions)
    return await asyncio.to_thread(_assemble, version, settings, graphs, known)


def _parse(data: bytes) -> Graph:
    return Graph().parse(data=data, format="nt")


def _assemble(
    version: Version,
    settings: Settings,
    graphs: dict[str, Graph],
    known: dict[str, SubmissionInfo],
) -> Feed:
    base, url = settings.base, feed_url(settings)
    shapes = merged(shape_files(base))
    view = GraphView.from_graphs(
        graphs, base, settings.graph("inferred"), shapes, {base: "/", url + "/": "/"}
    )
    parts = dump_parts(graphs, settings)
    manifest, error = None, None
    try:
        manifest = build_dumps(Path(settings.dumps_dir), base, url, parts)
    except (OSError, ValueError) as exc:
        error = f"building the dumps in {settings.dumps_dir} failed: {exc}"
        log.error(error)
    ids = sorted(n[len(SUBMISSION_PREFIX) :] for n in parts if n.startswith(SUBMISSION_PREFIX))
    fallback = datetime.fromisoformat(manifest.modified) if manifest else datetime.now(UTC)
    infos = tuple(known.get(i) or _described(view.union, settings, i, fallback) for i in ids)
    return Feed(version, settings, graphs, view, manifest, infos, error)


def dump_parts(graphs: dict[str, Graph], settings: Settings) -> dict[str, Graph]:
    """The graphs the dumps are built from: ontology, data, inferred, submission/<id>."""
    prefix = settings.graph("")
    out: dict[str, Graph] = {}
    for iri, graph in graphs.items():
        name = iri[len(prefix) :] if iri.startswith(prefix) else ""
        sid = name[len(SUBMISSION_PREFIX) :] if name.startswith(SUBMISSION_PREFIX) else ""
        if name in (*MAIN_PARTS, INFERRED_PART) or SUBMISSION_ID_RE.match(sid):
            out[name] = graph
    return out


def _when(value: object) -> datetime | None:
    if isinstance(value, Literal):
        value = value.toPython()
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def _described(union: Graph, settings: Settings, sid: str, fallback: datetime) -> SubmissionInfo:
    node = URIRef(settings.graph(SUBMISSION_PREFIX + sid))

    def first(*predicates: URIRef) -> object:
        for p in predicates:
            value = union.value(node, p)
            if value is not None:
                return value
        return None

    submitted = _when(first(DCTERMS.issued, DCTERMS.created, PROV.generatedAtTime))
    creator = first(DCTERMS.creator, PROV.wasAttributedTo)
    if isinstance(creator, URIRef):
        creator = union.value(creator, FOAF.name) or union.value(creator, RDFS.label) or creator
    title, description = first(DCTERMS.title), first(DCTERMS.description)
    return SubmissionInfo(
        id=sid,
        submitted=submitted or fallback,
        title=str(title) if title is not None else None,
        description=str(description) if description is not None else None,
        submitter=str(creator) if creator is not None else None,
        modified=_when(first(DCTERMS.modified)),
        countries=("DNK",),
    )
