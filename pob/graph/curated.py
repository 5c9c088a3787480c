"""The curated knowledge graph in memory: ontology, data and inferred triples.

:func:`inferred_of` is the one derivation of the inferred graph: the store build
(:func:`pob.store.build.curated_graphs`), and so the service, and :func:`curated` (what
``pob export`` and ``pob infer`` print) all close ontology + data with
:func:`pob.graph.reasoning.fast_closure`; owlrl
(:func:`pob.graph.owlrl_reference.closure`) is only its oracle in the tests and its
fallback.

The CLI and the tests use this to ask the same questions the service answers, on the
same engine (Oxigraph), without a persistent store: :func:`memory_store` loads each part
into its own named graph of an in-memory `pyoxigraph.Store`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph

from pob.graph.iri import graph_iri
from pob.graph.namespaces import bind_all
from pob.graph.prefixes import CANONICAL_BASE
from pob.graph.reasoning import fast_closure
from pob.graph.sources import data_graph, normalise, ontology_graph

CURATED_GRAPHS = ("ontology", "data", "inferred")


@dataclass(frozen=True)
class Curated:
    """The three curated graphs, each an rdflib Graph."""

    ontology: Graph
    data: Graph
    inferred: Graph

    def parts(self) -> dict[str, Graph]:
        return {"ontology": self.ontology, "data": self.data, "inferred": self.inferred}

    def merged(self, inference: bool = True) -> Graph:
        out = bind_all(Graph())
        for name, graph in self.parts().items():
            if name == "inferred" and not inference:
                continue
            out += graph
        return out


def inferred_of(ontology: Graph, data: Graph) -> Graph:
    """The triples OWL 2 RL entails from ontology + data that neither asserts.

    :func:`pob.graph.reasoning.fast_closure` (the same triples as owlrl's closure, checked in
    tests/inference/, in a fraction of its time and memory), literals normalised as the
    store keeps them, with the data's prefixes.
    """
    inferred = normalise(fast_closure(ontology, data))
    for prefix, namespace in data.namespaces():
        inferred.bind(prefix, namespace, override=True)
    return inferred


@lru_cache(maxsize=4)
def curated(base: str = CANONICAL_BASE) -> Curated:
    """Parse the project's sources (ontology/, data/ttl/) and infer (cached per base IRI)."""
    ontology = ontology_graph(base)
    data = data_graph(base)
    return Curated(ontology, data, inferred_of(ontology, data))


def load_graph(store: ox.Store, graph: Graph, name: ox.NamedNode) -> None:
    """Copy an rdflib graph into a named graph of an Oxigraph store."""
    payload = graph.serialize(format="nt", encoding="utf-8")
    store.load(payload, format=ox.RdfFormat.N_TRIPLES, to_graph=name)


def memory_store(base: str = CANONICAL_BASE, inference: bool = True) -> ox.Store:
    """An in-memory Oxigraph store with the curated graphs as named graphs."""
    store = ox.Store()
    for name, graph in curated(base).parts().items():
        if name == "inferred" and not inference:
            continue
        load_graph(store, graph, ox.NamedNode(str(graph_iri(name, base))))
    return store


def select(store: ox.Store, sparql: str) -> list[dict[str, str]]:
    """Run a SELECT over the union of graphs; rows as {variable: lexical value}."""
    result = store.query(sparql, use_default_graph_as_union=True)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("not a SELECT query")
    names = [v.value for v in result.variables]
    rows: list[dict[str, str]] = []
    for solution in result:
        row: dict[str, str] = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term.value
        rows.append(row)
    return rows
