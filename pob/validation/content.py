"""A dataset's triples as content: numeric literals in canonical form, the canonical form
and hash of the whole, blank nodes relabelled for storing, N-Triples, and rdflib terms."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from pob.graph.sources import INTEGER_TYPES, normalise_literal

_DECIMAL = str(XSD.decimal)
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")
#: the numeric datatypes whose literals :func:`canonical_literal` rewrites
CANONICAL_TYPES = frozenset({str(t) for t in INTEGER_TYPES} | {str(XSD.integer), str(XSD.decimal)})


def canonical_literal(literal: ox.Literal) -> ox.Literal:
    """A numeric literal in the one form :func:`pob.graph.sources.normalise_literal` gives it
    (integer-derived types as canonical ``xsd:integer``, decimals canonical), the form
    Oxigraph stores: the service then validates what the store will hold, and what the CLI
    and the curated sources see."""
    lexical = literal.value
    if literal.datatype.value != _DECIMAL:  # an integer type
        if not _INTEGER.fullmatch(lexical):
            return literal  # ill-typed: left for validation to report
    else:
        try:
            float(lexical)
        except ValueError:
            return literal
    node = normalise_literal(Literal(lexical, datatype=URIRef(literal.datatype.value)))
    if not isinstance(node, Literal) or node.datatype is None:
        return literal
    return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))


def canonical(triples: Iterable[ox.Triple]) -> tuple[list[ox.Triple], str]:
    """The triples with canonical blank-node labels, sorted, and the SHA-256 of their
    N-Triples: the same content gives the same hash however it was written."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    ordered = sorted((q.triple for q in dataset), key=str)
    digest = hashlib.sha256()
    for triple in ordered:
        digest.update(str(triple).encode("utf-8"))
        digest.update(b" .\n")
    return ordered, digest.hexdigest()


def relabel(triples: Iterable[ox.Triple], prefix: str) -> list[ox.Triple]:
    """Blank nodes given labels that start with `prefix`, so two stored submissions never
    share a blank node (Oxigraph's blank nodes are store-wide)."""

    def term(node: Any) -> Any:
        return ox.BlankNode(prefix + node.value) if isinstance(node, ox.BlankNode) else node

    return [ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in triples]


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """The triples as an rdflib graph (terms converted once each)."""
    cache: dict[Any, Node] = {}

    def term(node: Any) -> Node:
        found = cache.get(node)
        if found is None:
            if isinstance(node, ox.NamedNode):
                found = URIRef(node.value)
            elif isinstance(node, ox.BlankNode):
                found = BNode(node.value)
            else:
                dt = node.datatype.value
                if node.language:
                    found = Literal(node.value, lang=node.language)
                elif dt == "http://www.w3.org/2001/XMLSchema#string":
                    found = Literal(node.value)
                else:
                    found = Literal(node.value, datatype=URIRef(dt))
            cache[node] = found
        return found

    graph = Graph()
    add = graph.add
    for t in triples:
        add((term(t.subject), term(t.predicate), term(t.object)))
    return graph
