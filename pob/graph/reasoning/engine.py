"""Semi-naive forward chaining of compiled rules over indexed triple sets.

Every triple is added once and, when added, matched against every rule body it can take
part in; the other body atoms are looked up in everything known so far (the new triples,
the closed T-box and, for an incremental run, the closed curated graph). OWL 2 RL is a
Datalog program, so the fixpoint does not depend on the order: this gives owlrl's result
without its repeated passes over the whole graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pob.graph.reasoning.index import Index, Layered
from pob.graph.reasoning.rules import Rules
from pob.graph.reasoning.terms import LIST_IDS, SAME, THING, TYPE, Ids, Terms, is_schema


@dataclass
class Saturation:
    """The outcome of one run."""

    #: every triple added in this run: the seeds that were not known, and the derived ones
    added: Index
    #: derived (not seeded) triples
    derived: list[Ids] = field(default_factory=list)
    #: derived triples that would change the T-box (the caller re-closes it and runs again)
    schema: set[Ids] = field(default_factory=set)


def saturate(
    rules: Rules,
    terms: Terms,
    known: Iterable[Index],
    seeds: Iterable[Ids],
    by_object: bool = False,
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
    is_literal = terms.is_literal
    stack: list[Ids] = []
    push = stack.append
    #: types from cax-sco: the super-classes of these are already on their way
    up: list[Ids] = []
    push_up = up.append

    def is_known(t: Ids) -> bool:
        return any(t in layer for layer in known)

    def is_a(node: int, cls: int | None) -> bool:
        return cls is None or (node, TYPE, cls) in store

    def same_pairs(ys: list[int]) -> None:
        for y1 in ys:
            for y2 in ys:
                if y1 != y2:
                    push((y1, SAME, y2))

    def chain(head: int, props_: tuple[int, ...], k: int, s: int, o: int) -> None:
        lefts = {s}
        for pi in reversed(props_[:k]):
            lefts = {x for y in lefts for x in store.subjects(pi, y)}
        rights = {o}
        for pi in props_[k + 1 :]:
            rights = {z for y in rights for z in store.objects(y, pi)}
        for x in lefts:
            for z in rights:
                push((x, head, z))

    def same_as(x: int, y: int) -> None:
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

    def fire(s: int, p: int, o: int, closed_up: bool = False) -> None:
        if p == TYPE:
            cr = classes.get(o)
            if cr is not None:
                if not closed_up:
                    for d in cr.supers:  # transitive already: their supers come along
                        push_up((s, TYPE, d))
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
                    same_pairs([y for y in store.objects(s, q) if is_a(y, on_class)])
                for q, r in cr.max_one_filler:
                    for u in store.subjects(q, s):
                        if (u, TYPE, r) in store:
                            same_pairs([y for y in store.objects(u, q) if is_a(y, o)])
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
                same_pairs(list(store.objects(s, p)))
            if pr.inverse_functional:
                same_pairs(list(store.subjects(p, o)))
            for head, props_, k in pr.chains:
                chain(head, props_, k, s, o)
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
                    same_pairs([y for y in store.objects(s, p) if is_a(y, on_class)])
        if equality:
            if p == SAME and s != o:
                same_as(s, o)
            for z in store.objects(s, SAME):  # eq-rep-s
                push((z, p, o))
            for z in store.objects(p, SAME):  # eq-rep-p
                push((s, z, o))
            for z in store.subjects(SAME, o):  # eq-rep-o
                push((s, p, z))

    fresh: list[Ids] = []
    for t in seeds:
        if t not in local and not is_known(t):
            local.add(*t)
            fresh.append(t)
    derived = out.derived
    for t in fresh:
        fire(*t)
        while stack or up:
            closed_up = not stack
            t = up.pop() if closed_up else stack.pop()
            s, p, o = t
            if t in local or is_known(t):
                continue
            if (p == SAME and s == o) or (equality and is_literal(p)):
                continue  # eq-ref is left implicit; owlrl never adds a literal predicate
            local.add(s, p, o)
            derived.append(t)
            if is_schema(s, p, o) or p in LIST_IDS:
                out.schema.add(t)
            fire(s, p, o, closed_up)
    return out
