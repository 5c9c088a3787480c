"""RDF terms as small integers.

rdflib terms compare with a Python-level ``__eq__``, which dominates a rule engine's time;
the engine therefore works on integer ids. Every table starts with the same fixed
vocabulary, so the ids of ``rdf:type``, ``owl:sameAs`` … are constants.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Literal
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
Ids = tuple[int, int, int]

#: predicates whose triples change the compiled rules (or owlrl's schema rules)
SCHEMA_PREDICATES: tuple[Node, ...] = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.inverseOf,
    OWL.propertyChainAxiom,
    OWL.onProperty,
    OWL.onClass,
    OWL.hasValue,
    OWL.someValuesFrom,
    OWL.allValuesFrom,
    OWL.maxCardinality,
    OWL.maxQualifiedCardinality,
    OWL.intersectionOf,
    OWL.unionOf,
    OWL.oneOf,
    OWL.hasKey,
)
#: classes whose instances are schema: ``p a owl:TransitiveProperty`` is a rule, not a fact
META_CLASSES: tuple[Node, ...] = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    RDF.Property,
    OWL.SymmetricProperty,
    OWL.TransitiveProperty,
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
)
_FIXED: tuple[Node, ...] = (
    RDF.type,
    OWL.sameAs,
    OWL.Thing,
    RDF.first,
    RDF.rest,
    RDF.nil,
    *SCHEMA_PREDICATES,
    *META_CLASSES,
)
TYPE, SAME, THING, FIRST, REST, NIL = range(6)
SCHEMA_IDS = frozenset(range(6, 6 + len(SCHEMA_PREDICATES)))
META_IDS = frozenset(range(6 + len(SCHEMA_PREDICATES), len(_FIXED)))
LIST_IDS = frozenset({FIRST, REST})


def fixed(node: Node) -> int:
    """The constant id of a term of the fixed vocabulary."""
    return _FIXED.index(node)


def is_schema(s: int, p: int, o: int) -> bool:
    """Whether a triple belongs to the T-box (it changes the rules rather than the facts)."""
    return p in SCHEMA_IDS or (p == TYPE and o in META_IDS)


class Terms:
    """A two-way table between terms and ids."""

    __slots__ = ("ids", "nodes")

    def __init__(self, ids: dict[Node, int] | None = None, nodes: list[Node] | None = None):
        if ids is None or nodes is None:
            nodes = list(_FIXED)
            ids = {n: i for i, n in enumerate(nodes)}
        self.ids = ids
        self.nodes = nodes

    def fork(self) -> Terms:
        """A copy that can grow without changing this table."""
        return Terms(dict(self.ids), list(self.nodes))

    def encode(self, triples: Iterable[Triple]) -> list[Ids]:
        ids, nodes = self.ids, self.nodes
        get, append = ids.get, nodes.append
        out: list[Ids] = []
        for s, p, o in triples:
            a = get(s)
            if a is None:
                a = ids[s] = len(nodes)
                append(s)
            b = get(p)
            if b is None:
                b = ids[p] = len(nodes)
                append(p)
            c = get(o)
            if c is None:
                c = ids[o] = len(nodes)
                append(o)
            out.append((a, b, c))
        return out

    def decode(self, t: Ids) -> Triple:
        nodes = self.nodes
        return nodes[t[0]], nodes[t[1]], nodes[t[2]]

    def is_literal(self, i: int) -> bool:
        return isinstance(self.nodes[i], Literal)

    def is_bnode(self, i: int) -> bool:
        return isinstance(self.nodes[i], BNode)
