"""Sources → store: parse, normalise, infer, load each part into its named graph, record.

The store is rebuilt only when the sources hash differs from the one recorded in the meta
graph by the last complete build, so a restart reuses the store. The embedded store builds
a new version beside the live one and swaps (a crash leaves the last good store); the
remote store PUTs one graph at a time, meta last. Graphs other than the curated four
(accepted submissions) are kept.

A build that ran hands what it parsed and inferred on in its :class:`BuildReport`
(``graphs``): the service passes them to the open-data feed
(:func:`pob.publish.snapshot.feed_lifespan`), so a start-up parses the sources and
computes the closure once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD
from rdflib.term import Node

from pob.core import formats
from pob.graph import sources
from pob.graph.curated import inferred_of
from pob.graph.namespaces import SPDX, VOID, bind_all
from pob.settings import Settings
from pob.store.base import Store

#: called as progress(step, done, total)
Progress = Callable[[str, int, int], None]
STEPS = ("hash the sources", "parse ontology/", "parse data/ttl/", "infer (OWL 2 RL)", "load")


@dataclass
class BuildReport:
    rebuilt: bool
    sources_hash: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    #: what a build that ran parsed, inferred and stored (ontology, data, inferred, meta as
    #: rdflib graphs, derived from the sources of `sources_hash`); empty when the store was
    #: up to date and nothing was parsed
    graphs: dict[str, Graph] = field(default_factory=dict)


def sources_digest(settings: Settings) -> str:
    """`pob.graph.sources.sources_hash` for the project's folders; the same rule for others."""
    if settings.ontology_dir == sources.ONTOLOGY_DIR and settings.data_ttl_dir == sources.DATA_DIR:
        return sources.sources_hash(settings.base)
    files = [*sources.rdf_files(settings.ontology_dir), *sources.rdf_files(settings.data_ttl_dir)]
    return sources.content_hash(files, extra=settings.base)


def meta_graph(
    settings: Settings, digest: str, counts: dict[str, int], previous: Graph | None = None
) -> Graph:
    """Build provenance: the sources hash, the time, triples per curated graph.

    Statements in the previous meta graph that are not about a curated graph (e.g. the
    provenance of accepted submissions) are carried over.
    """
    graph = bind_all(Graph(), settings.base)
    meta = URIRef(settings.graph("meta"))
    build, checksum = BNode(), BNode()
    now = Literal(datetime.now(UTC).replace(microsecond=0), datatype=XSD.dateTime)
    graph.add((meta, PROV.wasGeneratedBy, build))
    graph.add((build, RDF.type, PROV.Activity))
    graph.add((build, RDFS.label, Literal("build of the curated graphs", lang="en")))
    graph.add((build, RDFS.label, Literal("opbygning af de kuraterede grafer", lang="da")))
    graph.add((build, PROV.endedAtTime, now))
    graph.add((build, SPDX.checksum, checksum))
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    graph.add((checksum, SPDX.checksumValue, Literal(digest)))
    for name, count in counts.items():
        node = URIRef(settings.graph(name))
        graph.add((build, PROV.generated, node))
        graph.add((node, RDF.type, VOID.Dataset))
        graph.add((node, VOID.triples, Literal(count)))
        graph.add((node, DCTERMS.modified, now))
    if previous is not None:
        roots = {URIRef(settings.graph(n)) for n in (*counts, "meta")}
        for triple in _without(previous, roots):
            graph.add(triple)
    return graph


def _without(graph: Graph, roots: set[URIRef]) -> list[tuple[Node, Node, Node]]:
    """The triples of `graph` not about `roots` (nor about blank nodes reachable from them)."""
    drop: set[Node] = set(roots)
    frontier: list[Node] = list(roots)
    while frontier:
        for obj in graph.objects(frontier.pop(), None):
            if isinstance(obj, BNode) and obj not in drop:
                drop.add(obj)
                frontier.append(obj)
    return [t for t in graph if t[0] not in drop]


def curated_graphs(settings: Settings, progress: Progress | None = None) -> dict[str, Graph]:
    """Ontology, data and their inferred triples, parsed, rebased and normalised.

    The inferred triples are :func:`pob.graph.curated.inferred_of` (``fast_closure``), the
    same derivation as ``pob export`` and ``pob infer``."""
    tick = progress or (lambda step, done, total: None)
    tick(STEPS[1], 1, len(STEPS))
    ontology = sources.load_folder(settings.ontology_dir, settings.base)
    tick(STEPS[2], 2, len(STEPS))
    data = sources.load_folder(settings.data_ttl_dir, settings.base)
    tick(STEPS[3], 3, len(STEPS))
    return {"ontology": ontology, "data": data, "inferred": inferred_of(ontology, data)}


async def build(
    store: Store, settings: Settings, force: bool = False, progress: Progress | None = None
) -> BuildReport:
    """Rebuild the curated graphs if the sources changed (or `force`).

    The report of a build that ran carries the graphs it stored (``graphs``)."""
    started = time.monotonic()
    tick = progress or (lambda step, done, total: None)
    tick(STEPS[0], 0, len(STEPS))
    digest = sources_digest(settings)
    if not force and await store.recorded_hash() == digest:
        tick("up to date", len(STEPS), len(STEPS))
        return BuildReport(False, digest, seconds=time.monotonic() - started)
    parts = curated_graphs(settings, progress)
    tick(STEPS[4], 4, len(STEPS))
    counts = {name: len(graph) for name, graph in parts.items()}
    previous = await _previous_meta(store, settings)
    parts["meta"] = meta_graph(settings, digest, counts, previous)
    payload = {
        name: graph.serialize(format="nt", encoding="utf-8") for name, graph in parts.items()
    }
    await store.replace_curated(payload)
    counts["meta"] = len(parts["meta"])
    tick("done", len(STEPS), len(STEPS))
    return BuildReport(True, digest, counts, time.monotonic() - started, parts)


async def _previous_meta(store: Store, settings: Settings) -> Graph | None:
    meta = settings.graph("meta")
    if meta not in await store.graphs(refresh=True):
        return None
    result = await store.get_graph(meta, formats.NTRIPLES)
    return Graph().parse(data=result.read(), format="nt")
