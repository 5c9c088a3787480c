"""One snapshot of the store (:class:`Feed`) and how it is put together.

A :class:`Feed` holds the curated graphs (ontology, data, inferred, meta: about 5,000
triples) parsed into rdflib, the triples that describe the other graphs (submission
metadata), the :class:`~pob.publish.resources.GraphView` the pages read, the dump files
(:func:`pob.publish.dumps.build_dumps` under ``settings.dumps_path``, rewritten only when
their content key changes) and the VoID figures of every graph that has them.

Memory does not grow with the store: no other graph (accepted submissions, graphs loaded
with ``pob load``, which can hold millions of triples) is ever parsed here. What the feed
needs of them (a submission's dump, any graph's VoID figures) is the per-graph background
work of :mod:`pob.publish.graphwork`, done before and handed in as results; a page about a
resource outside the curated graphs fetches that resource's triples
(:func:`pob.publish.resources.fetch_resource`).

When the store holds the build of the current sources, ontology, data and inferred come
from the sources, parsed and inferred once per sources hash and kept (:func:`_curated`):
at start-up the service hands over what its build just parsed and inferred
(:func:`adopt_build` with the :class:`~pob.store.build.BuildReport`), and when the store
was up to date the first snapshot parses and infers, so a start-up does each once. The meta
graph is always read from the store (submissions add their provenance to it).
:mod:`pob.publish.snapshot` decides when a snapshot is made.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
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
from pob.publish.graphwork import GraphResult
from pob.publish.manifest import DumpManifest
from pob.publish.resources import GraphView
from pob.publish.shape_docs import merged, shape_files
from pob.publish.stored import stored_parts, submission_info
from pob.publish.void import VoidStats
from pob.settings import Settings
from pob.store.base import Store
from pob.store.build import BuildReport, curated_graphs, sources_digest

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
    #: the VoID figures of the stored graphs that have them (IRI -> figures)
    stats: dict[str, VoidStats] = field(default_factory=dict)
    #: what the feed lacks and why: (graph IRI, dataset name or "", reason), e.g. a
    #: submission whose dump is still being made or failed, a graph not yet counted
    missing: tuple[tuple[str, str, str], ...] = ()
    _cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    @property
    def public_url(self) -> str:
        return feed_url(self.settings)

    @property
    def dumps_dir(self) -> Path:
        return self.settings.dumps_path

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


async def load_feed(
    store: Store,
    settings: Settings,
    version: Version,
    results: Mapping[str, GraphResult],
    known: Mapping[str, SubmissionInfo],
) -> Feed:
    """A snapshot of the store at `version`, with the per-graph `results` done so far.

    The curated graphs come from the sources when the store holds the build of exactly
    these sources: Oxigraph stores literals in canonical form (``"1"^^xsd:positiveInteger``
    comes back as ``"1"^^xsd:integer``, ``"1.0"`` as ``"1"``), and the dumps, the pages and
    ``pob export --all`` should all say what the sources say. Only the curated graphs are
    parsed; every other graph stays in the store."""
    graphs: dict[str, Graph] = {}
    if version[1] is not None and version[1] == await asyncio.to_thread(sources_digest, settings):
        parts = await asyncio.to_thread(_curated, settings, version[1])
        graphs.update({settings.graph(name): graph for name, graph in parts.items()})
    counts = dict(version[0])
    present = sorted(counts)
    curated = store.curated
    for iri in present:
        if iri in curated and iri not in graphs:
            data = (await store.get_graph(iri, formats.NTRIPLES)).read()
            graphs[iri] = await asyncio.to_thread(_parse, data)
    stored = tuple(iri for iri in present if iri not in curated)
    about = await describe_graphs(store, stored)
    dumps: dict[str, GraphLike] = dict(dump_parts(graphs, settings))
    submissions = stored_parts(stored, settings, graphs.get(settings.graph("meta")))
    missing: list[tuple[str, str, str]] = []
    stats: dict[str, VoidStats] = {}
    named = {iri: name for name, iri in submissions.items()}
    for iri in stored:
        result = results.get(iri)
        current = result is not None and result.triples == counts[iri]
        if current and result is not None and result.stats is not None:
            stats[iri] = result.stats
        if iri in named and current and result is not None and result.dump is not None:
            dumps[named[iri]] = result.dump
            continue
        if not current or result is None:
            reason = "being counted" + (" and dumped" if iri in named else "")
        elif result.error is not None:
            reason = result.error
        elif iri in named:
            reason = "being dumped"
        else:  # a loaded graph, counted: only submissions are dumped, so nothing is missing
            continue
        missing.append((iri, named.get(iri, ""), reason))
    feed = await asyncio.to_thread(
        _assemble, version, settings, graphs, about, stored, dumps, known
    )
    feed.stats, feed.missing = stats, tuple(missing)
    return feed


def _parse(data: bytes) -> Graph:
    return Graph().parse(data=data, format="nt")


async def describe_graphs(store: Store, iris: Sequence[str]) -> Graph:
    """The triples about the graph IRIs `iris` (dct:title, dct:creator and its name, …)
    wherever they are: what the catalog and the pages need of a submission."""
    out = Graph()
    if not iris:
        return out
    names = f"<{FOAF.name}>, <{RDFS.label}>"
    blocks = " UNION ".join(  # one block per IRI, anchored on it (see resource_query)
        f"{{ <{iri}> ?p ?o BIND(<{iri}> AS ?g) OPTIONAL {{ ?o ?q ?v FILTER(?q IN ({names})) }} }}"
        for iri in iris
    )
    text = f"CONSTRUCT {{ ?g ?p ?o . ?o ?q ?v }} WHERE {{ {blocks} }}"
    result = await store.trusted_query(text, "CONSTRUCT", formats.NTRIPLES)
    return await asyncio.to_thread(_parse, result.read())


def _assemble(
    version: Version,
    settings: Settings,
    graphs: dict[str, Graph],
    about: Graph,
    stored: tuple[str, ...],
    dumps: dict[str, GraphLike],
    known: Mapping[str, SubmissionInfo],
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
        manifest = build_dumps(settings.dumps_path, base, url, dumps)
    except (OSError, ValueError) as exc:
        error = f"building the dumps in {settings.dumps_path} failed: {exc}"
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
