"""Terms (rdflib ↔ pyoxigraph, each converted once), and the engine's one exception."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

#: a term as the engine holds it: pyoxigraph NamedNode, BlankNode or Literal
Term = Any
OxTriple = tuple[Term, Term, Term]
OX_TYPE = ox.NamedNode(str(RDF.type))
OX_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
STRING, LANG_STRING = str(XSD.string), str(RDF.langString)


class Unsupported(NotImplementedError):
    """The shapes graph uses SHACL this engine does not implement."""


class Terms:
    """rdflib ↔ pyoxigraph terms, each converted once (per :class:`Terms`)."""

    def __init__(self) -> None:
        self.to_ox: dict[Node, Term] = {}
        self.from_ox: dict[Term, Node] = {}

    def ox(self, node: Node) -> Term:
        found = self.to_ox.get(node)
        if found is None:
            if isinstance(node, URIRef):
                found = ox.NamedNode(str(node))
            elif isinstance(node, BNode):
                found = ox.BlankNode(str(node))
            elif isinstance(node, Literal):
                if node.language:
                    found = ox.Literal(str(node), language=node.language)
                elif node.datatype is not None:
                    found = ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
                else:
                    found = ox.Literal(str(node))
            else:
                raise TypeError(f"cannot convert {node!r}")
            self.to_ox[node] = found
        return found

    def rdflib(self, term: Term) -> Node:
        found = self.from_ox.get(term)
        if found is None:
            if isinstance(term, ox.NamedNode):
                found = URIRef(term.value)
            elif isinstance(term, ox.BlankNode):
                found = BNode(term.value)
            elif term.language:
                found = Literal(term.value, lang=term.language)
            elif term.datatype.value == STRING:
                found = Literal(term.value)
            else:
                found = Literal(term.value, datatype=URIRef(term.datatype.value))
            self.from_ox[term] = found
        return found

    def triples(self, graph: Graph) -> list[OxTriple]:
        """The triples of an rdflib graph as pyoxigraph terms."""
        to = self.ox
        return [(to(s), to(p), to(o)) for s, p, o in graph.triples((None, None, None))]
