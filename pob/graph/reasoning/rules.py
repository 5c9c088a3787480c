"""The closed T-box compiled into A-box rules, one entry per property and per class.

Each field names the OWL 2 RL rule (W3C OWL 2 Profiles, tables 4–7) it implements. The
T-box is already closed by owlrl (the ``scm-*`` rules), so the lists of super-classes and
super-properties are transitive and domains and ranges already inherited; applying these
rules to a fixpoint over the data gives the triples owlrl gives on ontology + data together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal
from rdflib.namespace import OWL, RDFS

from pob.graph.reasoning.index import Index
from pob.graph.reasoning.terms import FIRST, NIL, REST, SAME, THING, TYPE, Terms, fixed

SUB_CLASS = fixed(RDFS.subClassOf)
SUB_PROPERTY = fixed(RDFS.subPropertyOf)
DOMAIN, RANGE = fixed(RDFS.domain), fixed(RDFS.range)
EQ_CLASS, EQ_PROPERTY = fixed(OWL.equivalentClass), fixed(OWL.equivalentProperty)
INVERSE, CHAIN = fixed(OWL.inverseOf), fixed(OWL.propertyChainAxiom)
ON_PROPERTY, ON_CLASS, HAS_VALUE = fixed(OWL.onProperty), fixed(OWL.onClass), fixed(OWL.hasValue)
SOME, ALL = fixed(OWL.someValuesFrom), fixed(OWL.allValuesFrom)
MAX, MAX_Q = fixed(OWL.maxCardinality), fixed(OWL.maxQualifiedCardinality)
INTERSECTION, UNION, HAS_KEY = fixed(OWL.intersectionOf), fixed(OWL.unionOf), fixed(OWL.hasKey)
SYMMETRIC, TRANSITIVE = fixed(OWL.SymmetricProperty), fixed(OWL.TransitiveProperty)
FUNCTIONAL, INV_FUNCTIONAL = fixed(OWL.FunctionalProperty), fixed(OWL.InverseFunctionalProperty)


class Unsupported(Exception):
    """The ontology uses a construct the compiled rules do not cover (use owlrl instead)."""


@dataclass
class PropertyRules:
    """What a triple ``s p o`` with this `p` entails."""

    supers: set[int] = field(default_factory=set)  # prp-spo1, prp-eqp1/2
    inverses: set[int] = field(default_factory=set)  # prp-inv1/2
    domains: set[int] = field(default_factory=set)  # prp-dom
    ranges: set[int] = field(default_factory=set)  # prp-rng
    symmetric: bool = False  # prp-symp
    transitive: bool = False  # prp-trp
    functional: bool = False  # prp-fp
    inverse_functional: bool = False  # prp-ifp
    chains: list[tuple[int, tuple[int, ...], int]] = field(default_factory=list)  # prp-spo2
    has_value: dict[int, set[int]] = field(default_factory=dict)  # cls-hv2: value -> R
    some_values: list[tuple[int, int]] = field(default_factory=list)  # cls-svf1/2: (Y, R)
    all_values: list[tuple[int, int]] = field(default_factory=list)  # cls-avf: (R, Y)
    max_one: list[tuple[int, int | None]] = field(default_factory=list)  # cls-maxc2, maxqc3/4


@dataclass
class ClassRules:
    """What a triple ``x rdf:type C`` with this `C` entails."""

    supers: set[int] = field(default_factory=set)  # cax-sco, cax-eqc1/2, cls-int2, cls-uni
    has_value: list[tuple[int, int]] = field(default_factory=list)  # cls-hv1: (p, v)
    some_values: list[tuple[int, int]] = field(default_factory=list)  # cls-svf1: (p, R)
    all_values: list[tuple[int, int]] = field(default_factory=list)  # cls-avf: (p, Y)
    intersections: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)  # cls-int1
    max_one: list[tuple[int, int | None]] = field(default_factory=list)  # (p, onClass)
    max_one_filler: list[tuple[int, int]] = field(default_factory=list)  # (p, R): maxqc3


@dataclass
class Rules:
    properties: dict[int, PropertyRules] = field(default_factory=dict)
    classes: dict[int, ClassRules] = field(default_factory=dict)
    #: some rule can derive owl:sameAs, so the eq-* rules must run
    equality: bool = False

    def prop(self, p: int) -> PropertyRules:
        return self.properties.setdefault(p, PropertyRules())

    def cls(self, c: int) -> ClassRules:
        return self.classes.setdefault(c, ClassRules())


def rdf_list(tbox: Index, head: int) -> tuple[int, ...]:
    """The members of an rdf:List (as owlrl reads them: first/rest until rdf:nil)."""
    items: list[int] = []
    seen: set[int] = set()
    while head != NIL and head not in seen:
        seen.add(head)
        items.extend(tbox.objects(head, FIRST))
        rest = sorted(tbox.objects(head, REST))
        if not rest:
            break
        head = rest[0]
    return tuple(items)


def compile_rules(tbox: Index, terms: Terms) -> Rules:
    """Compile the A-box rules of a closed T-box (raises :class:`Unsupported`)."""
    if next(iter(tbox.subject_objects(HAS_KEY)), None) is not None:
        raise Unsupported("owl:hasKey (prp-key)")
    rules = Rules()
    for c1, c2 in tbox.subject_objects(SUB_CLASS):
        if c1 != c2:
            rules.cls(c1).supers.add(c2)
    for c1, c2 in tbox.subject_objects(EQ_CLASS):
        if c1 != c2:
            rules.cls(c1).supers.add(c2)
            rules.cls(c2).supers.add(c1)
    for p1, p2 in tbox.subject_objects(SUB_PROPERTY):
        if p1 != p2:
            rules.prop(p1).supers.add(p2)
    for p1, p2 in tbox.subject_objects(EQ_PROPERTY):
        if p1 != p2:
            rules.prop(p1).supers.add(p2)
            rules.prop(p2).supers.add(p1)
    for p1, p2 in tbox.subject_objects(INVERSE):
        rules.prop(p1).inverses.add(p2)
        rules.prop(p2).inverses.add(p1)
    for p, c in tbox.subject_objects(DOMAIN):
        rules.prop(p).domains.add(c)
    for p, c in tbox.subject_objects(RANGE):
        rules.prop(p).ranges.add(c)
    for p in tbox.subjects(TYPE, SYMMETRIC):
        rules.prop(p).symmetric = True
    for p in tbox.subjects(TYPE, TRANSITIVE):
        rules.prop(p).transitive = True
    for p in tbox.subjects(TYPE, FUNCTIONAL):
        rules.prop(p).functional = rules.equality = True
    for p in tbox.subjects(TYPE, INV_FUNCTIONAL):
        rules.prop(p).inverse_functional = rules.equality = True
    for head, lst in tbox.subject_objects(CHAIN):
        chain = rdf_list(tbox, lst)
        for k, pk in enumerate(chain):
            rules.prop(pk).chains.append((head, chain, k))
    for c, lst in tbox.subject_objects(INTERSECTION):
        members = rdf_list(tbox, lst)
        rules.cls(c).supers.update(members)
        for ci in set(members):
            rules.cls(ci).intersections.append((c, members))
    for c, lst in tbox.subject_objects(UNION):
        for ci in rdf_list(tbox, lst):
            rules.cls(ci).supers.add(c)
    _restrictions(tbox, terms, rules)
    if SAME in rules.properties:
        # eq-ref makes every node sameAs itself, so rules on owl:sameAs would fire for all
        raise Unsupported("axioms on owl:sameAs itself")
    for pr in rules.properties.values():
        heads = pr.supers | pr.inverses | {head for head, _, _ in pr.chains}
        if SAME in heads:
            rules.equality = True
    if THING not in rules.classes and TYPE not in rules.properties:
        # `x a owl:Thing` is trivial and, with no rule reading it, need not be made at all
        for cr in rules.classes.values():
            cr.supers.discard(THING)
            cr.all_values = [(q, y) for q, y in cr.all_values if y != THING]
        for pr in rules.properties.values():
            pr.domains.discard(THING)
            pr.ranges.discard(THING)
            pr.all_values = [(r, y) for r, y in pr.all_values if y != THING]
    return rules


def _restrictions(tbox: Index, terms: Terms, rules: Rules) -> None:
    def one(i: int) -> bool:
        node = terms.nodes[i]
        return isinstance(node, Literal) and node.value == 1

    for r, p in tbox.subject_objects(ON_PROPERTY):
        for v in tbox.objects(r, HAS_VALUE):
            rules.cls(r).has_value.append((p, v))
            rules.prop(p).has_value.setdefault(v, set()).add(r)
        for y in tbox.objects(r, SOME):
            rules.prop(p).some_values.append((y, r))
            if y != THING:
                rules.cls(y).some_values.append((p, r))
        for y in tbox.objects(r, ALL):
            rules.prop(p).all_values.append((r, y))
            rules.cls(r).all_values.append((p, y))
        if any(one(n) for n in tbox.objects(r, MAX)):
            rules.prop(p).max_one.append((r, None))
            rules.cls(r).max_one.append((p, None))
            rules.equality = True
        if any(one(n) for n in tbox.objects(r, MAX_Q)):
            for c in tbox.objects(r, ON_CLASS):
                on_class = None if c == THING else c
                rules.prop(p).max_one.append((r, on_class))
                rules.cls(r).max_one.append((p, on_class))
                if on_class is not None:
                    rules.cls(on_class).max_one_filler.append((p, r))
                rules.equality = True
