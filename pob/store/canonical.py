"""Byte-stable serialisations of a graph: canonical blank-node labels, sorted triples.

The same triples give the same bytes in any store and any process: blank nodes are
relabelled with RDFC-1.0 (W3C RDF Dataset Canonicalization, pyoxigraph's
:meth:`~pyoxigraph.Dataset.canonicalize`), then the triples are sorted by their N-Triples
form and serialised in that order (Turtle groups a subject's triples; its prefixes are
those of the project the graph uses). An engine's own order and labels are not stable: two
Oxigraph stores holding the same graph give different bytes, even without blank nodes.

The graph is held in memory while it is sorted, so the embedded store does this in its
background worker (:mod:`pob.store.feed_worker`), never in the server process; the graphs
dumped this way are submissions (at most `POB_MAX_TRIPLES`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from pob.core import formats
from pob.graph.prefixes import prefixes
from pob.store import results
from pob.store.base import QueryResult
from pob.store.errors import UnknownGraph
from pob.store.ops import used_prefixes


def canonical_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """`triples` with canonical blank-node labels (RDFC-1.0), sorted."""
    items = list(triples)
    if any(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in items
    ):
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in items)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        items = [quad.triple for quad in dataset]
    items.sort(key=str)
    return items


def write_canonical(
    triples: Iterable[ox.Triple], media_type: str, base: str, spool_dir: Path | None
) -> QueryResult:
    """`triples` in `media_type` (Turtle or N-Triples), canonical and sorted, into a spool."""
    ordered = canonical_triples(triples)
    known = used_prefixes(ordered, prefixes(base)) if media_type == formats.TURTLE else None
    return results.write_triples(ordered, media_type, spool_dir, prefixes=known)


def canonical_result(result: QueryResult, media_type: str, base: str) -> QueryResult:
    """An engine's N-Triples `result`, canonical and sorted, in `media_type`."""
    spool_dir = result.path.parent if result.path is not None else None
    data = result.read()
    triples = (q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES))
    return write_canonical(triples, media_type, base, spool_dir)


def dump_canonical(
    store: ox.Store, graph: str, media_type: str, base: str, *, spool_dir: Path | None = None
) -> QueryResult:
    """The worker's job: graph `graph` of `store`, canonical and sorted."""
    name = ox.NamedNode(graph)
    if not store.contains_named_graph(name):
        raise UnknownGraph(f"graph <{graph}> is not in this store")
    triples = (q.triple for q in store.quads_for_pattern(None, None, None, name))
    return write_canonical(triples, media_type, base, spool_dir)
