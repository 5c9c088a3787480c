"""The data to validate, as both engines read it.

A submission comes as an rdflib graph or as pyoxigraph triples (a parsed upload);
:class:`Data` holds either and makes the other only when asked (the fast engine needs no
rdflib graph of an upload unless inference asks for one). :class:`View` is what
:func:`pob.graph.reasoning.fast_closure` reads of pyoxigraph triples, without an rdflib
graph; :func:`ox_parts` converts a reference graph (ontology, curated data) once and
remembers it; :func:`inferred_triples` is what inference adds to the merged data graph.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from pob.validation import shacl as fast_shacl
from pob.validation.report import Inference
from pob.validation.shapes import concept_classes


def inferred_triples(
    data: Graph | View,
    inference: Inference,
    ontology: Graph,
    extra: Graph | None = None,
    base_closed: Graph | None = None,
    context: Sequence[Graph] = (),
) -> list[Graph]:
    """What `inference` adds to the merged data graph, as the fast engine validates it.

    OWL-RL: :func:`pob.graph.reasoning.fast_closure` of ontology + data + extra, incremental
    against `base_closed` when given (then `base_closed` itself, the closed reference data,
    is the first graph of the answer). RDFS: owlrl's RDFS closure of data + `context` (what
    the engines merge), run the way pySHACL runs it (its ``CustomRDFSSemantics``), so both
    engines see the same triples."""
    from pob.graph.reasoning import fast_closure

    if inference == "owlrl" and base_closed is not None:
        return [base_closed, fast_closure(ontology, cast(Graph, data), base_closed)]
    combined = Graph()
    for triple in data.triples((None, None, None)):
        combined.add(triple)
    if inference == "owlrl":
        if extra is not None:
            combined += extra
        return [fast_closure(ontology, combined)]
    if inference == "rdfs":
        import owlrl
        from pyshacl.inference import CustomRDFSSemantics

        for part in context:
            combined += part
        owlrl.DeductiveClosure(CustomRDFSSemantics).expand(combined)
        return [combined]
    return []


class View:
    """A submission's triples as the read-only part of an rdflib graph that
    :func:`pob.graph.reasoning.fast_closure` reads (``triples`` by predicate, ``in``, iteration,
    ``namespaces``), without building one: an rdflib graph of 50 k triples costs most of a
    second to fill."""

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        self.all = set(triples)
        self.by_predicate: dict[Node, set[tuple[Node, Node, Node]]] = {}
        for triple in self.all:
            self.by_predicate.setdefault(triple[1], set()).add(triple)

    def triples(
        self, pattern: tuple[Node | None, Node | None, Node | None]
    ) -> Iterable[tuple[Node, Node, Node]]:
        s, p, o = pattern
        found = self.all if p is None else self.by_predicate.get(p, set())
        return [t for t in found if (s is None or t[0] == s) and (o is None or t[2] == o)]

    def __contains__(self, triple: object) -> bool:
        return triple in self.all

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        return iter(())


OxTriple = tuple[Any, Any, Any]
rdf_type_rdflib = RDF.type


class Data:
    """The data to validate: an rdflib graph or pyoxigraph triples, each made from the
    other only when asked for."""

    def __init__(self, data: Graph | Sequence[OxTriple] | Sequence[ox.Triple]) -> None:
        self._graph = data if isinstance(data, Graph) else None
        self._ox: list[OxTriple] | None = None
        self._triples: list[ox.Triple] | None = None  # as pyoxigraph Triple objects
        if not isinstance(data, Graph):
            if all(isinstance(t, ox.Triple) for t in data[:1]):
                self._triples = list(data)  # type: ignore[arg-type]
            else:
                self._ox = [(t[0], t[1], t[2]) for t in data]
        self.terms = fast_shacl.Terms()
        self._subjects: set[Node] | None = None
        self._ox_subjects: set[Any] | None = None

    def graph(self) -> Graph:
        if self._graph is None:
            graph = Graph()
            rdf = self.terms.rdflib
            for s, p, o in self.ox():
                graph.add((rdf(s), rdf(p), rdf(o)))
            self._graph = graph
        return self._graph

    def ox(self) -> list[OxTriple]:
        if self._ox is None:
            if self._triples is not None:
                self._ox = [(t.subject, t.predicate, t.object) for t in self._triples]
            else:
                assert self._graph is not None
                self._ox = self.terms.triples(self._graph)
        return self._ox

    def view(self) -> Graph | View:
        """The rdflib graph, or (from pyoxigraph triples) a :class:`View` of them."""
        if self._graph is not None:
            return self._graph
        rdf = self.terms.rdflib
        return View((rdf(s), rdf(p), rdf(o)) for s, p, o in self.ox())

    def ntriples(self) -> bytes:
        """The triples as N-Triples (written by Oxigraph)."""
        triples = self._triples
        if triples is None:
            triples = [ox.Triple(*t) for t in self.ox() if not isinstance(t[0], ox.Literal)]
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""

    def subjects(self) -> set[Node]:
        """The subjects, as rdflib terms."""
        if self._subjects is None:
            if self._graph is not None:
                self._subjects = set(self._graph.subjects())
            else:
                rdf = self.terms.rdflib
                self._subjects = {rdf(s) for s in self.ox_subjects()}
        return self._subjects

    def ox_subjects(self) -> set[Any]:
        if self._ox_subjects is None:
            if self._ox is None and self._triples is not None:
                self._ox_subjects = {t.subject for t in self._triples}
            else:
                self._ox_subjects = {t[0] for t in self.ox()}
        return self._ox_subjects

    def schema_part(self, context: Sequence[Graph]) -> Graph:
        """What :func:`pob.validation.shapes.describes` reads of the data: the whole graph
        if there is one, else the schemes, subclasses and concept-class types among the
        triples, converted."""
        if self._graph is not None:
            return self._graph
        out = Graph()
        rdf = self.terms.rdflib
        kept = {ox.NamedNode(str(p)) for p in (RDFS.subClassOf, SKOS.inScheme, SKOS.topConceptOf)}
        rdf_type = ox.NamedNode(str(RDF.type))
        types = []
        for s, p, o in self.ox():
            if p in kept:
                out.add((rdf(s), rdf(p), rdf(o)))
            elif p == rdf_type:
                types.append((s, o))
        found = concept_classes(ReadOnlyGraphAggregate([out, *context]))
        classes = {ox.NamedNode(str(c)) for c in found}
        for s, o in types:
            if o in classes:
                out.add((rdf(s), rdf_type_rdflib, rdf(o)))
        return out


_CACHE: dict[int, tuple[weakref.ref[Graph], int, list[OxTriple], list[bytes]]] = {}


def ox_parts(graph: Graph) -> tuple[list[OxTriple], bytes]:
    """A graph's triples as pyoxigraph terms and as N-Triples; remembered for graphs used
    again (the ontology, the curated data) as long as they live and keep their size."""
    key = id(graph)
    cached = _CACHE.get(key)
    if cached is not None and cached[0]() is graph and cached[1] == len(graph):
        return cached[2], cached[3][0]
    triples = fast_shacl.Terms().triples(graph)
    text = ox.serialize(
        [ox.Triple(*t) for t in triples if not isinstance(t[0], ox.Literal)],
        format=ox.RdfFormat.N_TRIPLES,
    )
    if len(graph) > 200:
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = (weakref.ref(graph), len(graph), triples, [text or b""])
    return triples, text or b""
