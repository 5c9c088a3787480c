"""Indexed sets of triples (of term ids) for the rule engine.

The engine works on *generalized* triples, as owlrl does: a literal may be a subject (an
inverse property applied to a literal value) and a blank node a predicate (the anonymous
``[ owl:inverseOf org:organization ]`` of a property chain). Such triples take part in rule
bodies and are filtered out of the result at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pob.graph.reasoning.terms import Ids

_Nested = dict[int, dict[int, set[int]]]
_NO: frozenset[int] = frozenset()


class Index:
    """A set of triples indexed by subject, by predicate and (optionally) by object."""

    __slots__ = ("ops", "pos", "size", "spo")

    def __init__(self, triples: Iterable[Ids] = (), by_object: bool = False) -> None:
        self.spo: _Nested = {}
        self.pos: _Nested = {}
        self.ops: _Nested | None = {} if by_object else None
        self.size = 0
        for s, p, o in triples:
            self.add(s, p, o)

    def add(self, s: int, p: int, o: int) -> bool:
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

    def __contains__(self, t: Ids) -> bool:
        s, p, o = t
        by_p = self.spo.get(s)
        return by_p is not None and o in by_p.get(p, _NO)

    def __iter__(self) -> Iterator[Ids]:
        for s, by_p in self.spo.items():
            for p, objs in by_p.items():
                for o in objs:
                    yield s, p, o

    def objects(self, s: int, p: int) -> Iterable[int]:
        by_p = self.spo.get(s)
        return _NO if by_p is None else by_p.get(p, _NO)

    def subjects(self, p: int, o: int) -> Iterable[int]:
        by_o = self.pos.get(p)
        return _NO if by_o is None else by_o.get(o, _NO)

    def predicate_objects(self, s: int) -> Iterator[tuple[int, int]]:
        for p, objs in self.spo.get(s, {}).items():
            for o in objs:
                yield p, o

    def subject_objects(self, p: int) -> Iterator[tuple[int, int]]:
        for o, subs in self.pos.get(p, {}).items():
            for s in subs:
                yield s, o

    def subject_predicates(self, o: int) -> Iterator[tuple[int, int]]:
        if self.ops is None:
            raise RuntimeError("this index was built without the object index")
        for p, subs in self.ops.get(o, {}).items():
            for s in subs:
                yield s, p


class Layered:
    """Several disjoint indexes seen as one (the new triples over the closed ones)."""

    __slots__ = ("layers",)

    def __init__(self, *layers: Index) -> None:
        self.layers = layers

    def __contains__(self, t: Ids) -> bool:
        return any(t in layer for layer in self.layers)

    def objects(self, s: int, p: int) -> set[int]:
        out: set[int] = set()
        for layer in self.layers:
            out.update(layer.objects(s, p))
        return out

    def subjects(self, p: int, o: int) -> set[int]:
        out: set[int] = set()
        for layer in self.layers:
            out.update(layer.subjects(p, o))
        return out

    def predicate_objects(self, s: int) -> set[tuple[int, int]]:
        out: set[tuple[int, int]] = set()
        for layer in self.layers:
            out.update(layer.predicate_objects(s))
        return out

    def subject_objects(self, p: int) -> set[tuple[int, int]]:
        out: set[tuple[int, int]] = set()
        for layer in self.layers:
            out.update(layer.subject_objects(p))
        return out

    def subject_predicates(self, o: int) -> set[tuple[int, int]]:
        out: set[tuple[int, int]] = set()
        for layer in self.layers:
            out.update(layer.subject_predicates(o))
        return out
