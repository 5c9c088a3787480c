"""Semi-naive forward chaining of compiled rules over indexed triple sets.

Every triple is added once and, when added, matched against every rule body it can take
part in; the other body atoms are looked up in everything known so far (the new triples,
the closed T-box and, for an incremental run, the closed curated graph). Since OWL 2 RL is
a Datalog program, the fixpoint does not depend on the order, so this gives owlrl's result
without its repeated passes over the whole graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Literal
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

from pob.reasoning.index import Index, Layered, Lookup, Triple
from pob.reasoning.rules import LIST_PREDICATES, Rules, is_schema

TYPE = RDF.type
SAME = OWL.sameAs
THING = OWL.Thing


@dataclass
class Saturation:
    """The outcome of one run."""

    #: every triple added in this run: the seeds that were not known, and the derived ones
    added: Index
    #: derived (not seeded) triples, in order of derivation
    derived: list[Triple] = field(default_factory=list)
    #: derived triples that would change the T-box (the caller re-closes it and runs again)
    schema: set[Triple] = field(default_factory=set)


def saturate(
    rules: Rules, known: Iterable[Lookup], seeds: Iterable[Triple], by_object: bool = False
) -> Saturation:
    """Add `seeds` to the closed triple sets `known` and apply `rules` to a fixpoint.

    `by_object` also indexes the result by object (needed if it is later a known layer of a
    run with owl:sameAs).
    """
    known = tuple(known)
    seeds = [t for t in seeds if not (t[1] == SAME and t[0] == t[2])]
    equality = (
        rules.equality
        or any(t[1] == SAME for t in seeds)
        or any(next(iter(layer.subject_objects(SAME)), None) for layer in known)
    )
    local = Index(by_object=by_object or equality)
    store = Layered(local, *known)
    out = Saturation(local)
    props = rules.properties
    classes = rules.classes

    def is_known(t: Triple) -> bool:
        return any(t in layer for layer in known)

    fresh: list[Triple] = []
    for t in seeds:
        if t not in local and not is_known(t):
            local.add(*t)
            fresh.append(t)

    stack: list[Triple] = []
    push = stack.append

    def fire(s: Node, p: Node, o: Node) -> None:
        if p == TYPE:
            cr = classes.get(o)
            if cr is not None:
                for d in cr.supers:
                    push((s, TYPE, d))
                for q, v in cr.has_value:
                    push((s, q, v))
                for q, r in cr.some_values:
                    for u in store.subjects(q, s):
                        push((u, TYPE, r))
                for q, y in cr.all_values:
                    for v in store.objects(s, q):
                        push((v, TYPE, y))
                for c, members in cr.intersections:
                    if all((s, TYPE, ci) in store for ci in members):
                        push((s, TYPE, c))
                for q, on_class in cr.max_one:
                    _same_pairs(store, [y for y in store.objects(s, q) if _is_a(store, y, on_class)])
                for q, r in cr.max_one_filler:
                    for u in store.subjects(q, s):
                        if (u, TYPE, r) in store:
                            _same_pairs(store, [y for y in store.objects(u, q) if _is_a(store, y, o)])
        pr = props.get(p)
        if pr is not None:
            for q in pr.supers:
                push((s, q, o))
            for q in pr.inverses:
                push((o, q, s))
            for c in pr.domains:
                push((s, TYPE, c))
            for c in pr.ranges:
                push((o, TYPE, c))
            if pr.symmetric:
                push((o, p, s))
            if pr.transitive:
                for z in store.objects(o, p):
                    push((s, p, z))
                for w in store.subjects(p, s):
                    push((w, p, o))
            if pr.functional:
                for y2 in store.objects(s, p):
                    if y2 != o:
                        push((o, SAME, y2))
                        push((y2, SAME, o))
            if pr.inverse_functional:
                for x2 in store.subjects(p, o):
                    if x2 != s:
                        push((s, SAME, x2))
                        push((x2, SAME, s))
            for head, chain, k in pr.chains:
                _chain(store, head, chain, k, s, o)
            for r in pr.has_value.get(o, ()):
                push((s, TYPE, r))
            for y, r in pr.some_values:
                if y == THING or (o, TYPE, y) in store:
                    push((s, TYPE, r))
            for r, y in pr.all_values:
                if (s, TYPE, r) in store:
                    push((o, TYPE, y))
            for r, on_class in pr.max_one:
                if (s, TYPE, r) in store:
                    _same_pairs(store, [y for y in store.objects(s, p) if _is_a(store, y, on_class)])
        if equality:
            if p == SAME and s != o:
                _same_as(store, s, o)
            for z in store.objects(s, SAME):  # eq-rep-s
                push((z, p, o))
            for z in store.objects(p, SAME):  # eq-rep-p
                push((s, z, o))
            for z in store.subjects(SAME, o):  # eq-rep-o
                push((s, p, z))

    def _chain(
        store: Layered, head: Node, chain: tuple[Node, ...], k: int, s: Node, o: Node
    ) -> None:
        lefts = {s}
        for pi in reversed(chain[:k]):
            lefts = {x for y in lefts for x in store.subjects(pi, y)}
        rights = {o}
        for pi in chain[k + 1 :]:
            rights = {z for y in rights for z in store.objects(y, pi)}
        for x in lefts:
            for z in rights:
                push((x, head, z))

    def _same_pairs(store: Layered, ys: list[Node]) -> None:
        for y1 in ys:
            for y2 in ys:
                if y1 != y2:
                    push((y1, SAME, y2))

    def _same_as(store: Layered, x: Node, y: Node) -> None:
        push((y, SAME, x))  # eq-sym
        for z in store.objects(y, SAME):  # eq-trans
            push((x, SAME, z))
        for w in store.subjects(SAME, x):
            push((w, SAME, y))
        for q, v in store.predicate_objects(x):  # eq-rep-s
            push((y, q, v))
        for u, v in store.subject_objects(x):  # eq-rep-p
            push((u, y, v))
        for u, q in store.subject_predicates(y):  # eq-rep-o
            push((u, q, x))

    for s, p, o in fresh:
        fire(s, p, o)
        while stack:
            t = stack.pop()
            s2, p2, o2 = t
            if isinstance(p2, Literal) or (p2 == SAME and s2 == o2):
                continue
            if t in local or is_known(t):
                continue
            local.add(s2, p2, o2)
            out.derived.append(t)
            if is_schema(s2, p2, o2) or p2 in LIST_PREDICATES:
                out.schema.add(t)
            fire(s2, p2, o2)
    return out


def _is_a(store: Layered, node: Node, cls: Node | None) -> bool:
    return cls is None or (node, TYPE, cls) in store
