"""Indexed triple sets for the rule engine: plain dicts of sets, and a view over an rdflib Graph.

The engine works on *generalized* triples, as owlrl does: a literal may be a subject (an
inverse property applied to a literal value) and a blank node a predicate (the anonymous
``[ owl:inverseOf org:organization ]`` of a property chain). Such triples take part in rule
bodies and are filtered out of the result at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from rdflib import Graph
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
_Nested = dict[Node, dict[Node, set[Node]]]
_NO: frozenset[Node] = frozenset()


class Lookup(Protocol):
    """The look-ups that rule bodies need."""

    def __contains__(self, triple: object) -> bool: ...
    def objects(self, s: Node, p: Node) -> Iterable[Node]: ...
    def subjects(self, p: Node, o: Node) -> Iterable[Node]: ...
    def predicate_objects(self, s: Node) -> Iterable[tuple[Node, Node]]: ...
    def subject_objects(self, p: Node) -> Iterable[tuple[Node, Node]]: ...
    def subject_predicates(self, o: Node) -> Iterable[tuple[Node, Node]]: ...


class Index:
    """A set of triples indexed by subject, by predicate and (optionally) by object."""

    __slots__ = ("ops", "pos", "size", "spo")

    def __init__(self, triples: Iterable[Triple] = (), by_object: bool = False) -> None:
        self.spo: _Nested = {}
        self.pos: _Nested = {}
        self.ops: _Nested | None = {} if by_object else None
        self.size = 0
        for s, p, o in triples:
            self.add(s, p, o)

    def add(self, s: Node, p: Node, o: Node) -> bool:
        """Add a triple; False if it was there already."""
        by_p = self.spo.get(s)
        if by_p is None:
            by_p = self.spo[s] = {}
        objs = by_p.get(p)
        if objs is None:
            objs = by_p[p] = set()
        elif o in objs:
            return False
        objs.add(o)
        by_o = self.pos.get(p)
        if by_o is None:
            by_o = self.pos[p] = {}
        subs = by_o.get(o)
        if subs is None:
            by_o[o] = {s}
        else:
            subs.add(s)
        if self.ops is not None:
            self.ops.setdefault(o, {}).setdefault(p, set()).add(s)
        self.size += 1
        return True

    def __len__(self) -> int:
        return self.size

    def __contains__(self, triple: object) -> bool:
        s, p, o = triple  # type: ignore[misc]
        by_p = self.spo.get(s)
        if by_p is None:
            return False
        return o in by_p.get(p, _NO)

    def __iter__(self) -> Iterator[Triple]:
        for s, by_p in self.spo.items():
            for p, objs in by_p.items():
                for o in objs:
                    yield s, p, o

    def objects(self, s: Node, p: Node) -> Iterable[Node]:
        return self.spo.get(s, {}).get(p, _NO)

    def subjects(self, p: Node, o: Node) -> Iterable[Node]:
        return self.pos.get(p, {}).get(o, _NO)

    def predicate_objects(self, s: Node) -> Iterator[tuple[Node, Node]]:
        for p, objs in self.spo.get(s, {}).items():
            for o in objs:
                yield p, o

    def subject_objects(self, p: Node) -> Iterator[tuple[Node, Node]]:
        for o, subs in self.pos.get(p, {}).items():
            for s in subs:
                yield s, o

    def subject_predicates(self, o: Node) -> Iterator[tuple[Node, Node]]:
        if self.ops is None:
            raise RuntimeError("this index was built without the object index")
        for p, subs in self.ops.get(o, {}).items():
            for s in subs:
                yield s, p


class GraphLookup:
    """An rdflib Graph seen through :class:`Lookup` (read only, not copied)."""

    __slots__ = ("graph",)

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def __contains__(self, triple: object) -> bool:
        return triple in self.graph

    def objects(self, s: Node, p: Node) -> Iterable[Node]:
        return self.graph.objects(s, p)  # type: ignore[arg-type]

    def subjects(self, p: Node, o: Node) -> Iterable[Node]:
        return self.graph.subjects(p, o)  # type: ignore[arg-type]

    def predicate_objects(self, s: Node) -> Iterable[tuple[Node, Node]]:
        return self.graph.predicate_objects(s)  # type: ignore[arg-type]

    def subject_objects(self, p: Node) -> Iterable[tuple[Node, Node]]:
        return self.graph.subject_objects(p)  # type: ignore[arg-type]

    def subject_predicates(self, o: Node) -> Iterable[tuple[Node, Node]]:
        return self.graph.subject_predicates(o)  # type: ignore[arg-type]


class Layered:
    """Several lookups seen as one (the layers are assumed to be disjoint or nearly so)."""

    __slots__ = ("layers",)

    def __init__(self, *layers: Lookup) -> None:
        self.layers = layers

    def __contains__(self, triple: object) -> bool:
        return any(triple in layer for layer in self.layers)

    def objects(self, s: Node, p: Node) -> set[Node]:
        out: set[Node] = set()
        for layer in self.layers:
            out.update(layer.objects(s, p))
        return out

    def subjects(self, p: Node, o: Node) -> set[Node]:
        out: set[Node] = set()
        for layer in self.layers:
            out.update(layer.subjects(p, o))
        return out

    def predicate_objects(self, s: Node) -> set[tuple[Node, Node]]:
        out: set[tuple[Node, Node]] = set()
        for layer in self.layers:
            out.update(layer.predicate_objects(s))
        return out

    def subject_objects(self, p: Node) -> set[tuple[Node, Node]]:
        out: set[tuple[Node, Node]] = set()
        for layer in self.layers:
            out.update(layer.subject_objects(p))
        return out

    def subject_predicates(self, o: Node) -> set[tuple[Node, Node]]:
        out: set[tuple[Node, Node]] = set()
        for layer in self.layers:
            out.update(layer.subject_predicates(o))
        return out
