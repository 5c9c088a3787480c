"""The closed T-box compiled into A-box rules, one entry per property and per class.

Each field names the OWL 2 RL rule (W3C OWL 2 Profiles, table 4–7) it implements. The
T-box is already closed by owlrl (``scm-*``), so the sub-class and sub-property lists are
transitive and the domains/ranges already inherited; applying the rules below to a fixpoint
over the data gives the same triples as running owlrl over ontology and data together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from pob.reasoning.index import Index

#: predicates whose triples change the compiled rules (or owlrl's schema rules)
SCHEMA_PREDICATES = frozenset(
    {
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
    }
)
#: classes whose instances are schema: ``p a owl:TransitiveProperty`` is a rule, not a fact
META_CLASSES = frozenset(
    {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        RDF.Property,
        OWL.SymmetricProperty,
        OWL.TransitiveProperty,
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
    }
)
LIST_PREDICATES = frozenset({RDF.first, RDF.rest})


class Unsupported(Exception):
    """The ontology uses a construct the compiled rules do not cover (use owlrl instead)."""


def is_schema(s: Node, p: Node, o: Node) -> bool:
    """Whether a triple belongs to the T-box (it changes the rules rather than the facts)."""
    return p in SCHEMA_PREDICATES or (p == RDF.type and o in META_CLASSES)


@dataclass
class PropertyRules:
    """What a triple ``s p o`` with this `p` entails."""

    supers: set[Node] = field(default_factory=set)  # prp-spo1, prp-eqp1/2
    inverses: set[Node] = field(default_factory=set)  # prp-inv1/2
    domains: set[Node] = field(default_factory=set)  # prp-dom
    ranges: set[Node] = field(default_factory=set)  # prp-rng
    symmetric: bool = False  # prp-symp
    transitive: bool = False  # prp-trp
    functional: bool = False  # prp-fp
    inverse_functional: bool = False  # prp-ifp
    chains: list[tuple[Node, tuple[Node, ...], int]] = field(default_factory=list)  # prp-spo2
    has_value: dict[Node, set[Node]] = field(default_factory=dict)  # cls-hv2: value -> R
    some_values: list[tuple[Node, Node]] = field(default_factory=list)  # cls-svf1: (Y, R)
    all_values: list[tuple[Node, Node]] = field(default_factory=list)  # cls-avf: (R, Y)
    max_one: list[tuple[Node, Node | None]] = field(default_factory=list)  # cls-maxc2/maxqc3/4


@dataclass
class ClassRules:
    """What a triple ``x rdf:type C`` with this `C` entails."""

    supers: set[Node] = field(default_factory=set)  # cax-sco, cax-eqc1/2, cls-int2, cls-uni
    has_value: list[tuple[Node, Node]] = field(default_factory=list)  # cls-hv1: (p, v)
    some_values: list[tuple[Node, Node]] = field(default_factory=list)  # cls-svf1: (p, R)
    all_values: list[tuple[Node, Node]] = field(default_factory=list)  # cls-avf: (p, Y)
    intersections: list[tuple[Node, tuple[Node, ...]]] = field(default_factory=list)  # cls-int1
    max_one: list[tuple[Node, Node | None]] = field(default_factory=list)  # (p, onClass)
    max_one_filler: list[tuple[Node, Node]] = field(default_factory=list)  # (p, R), maxqc3


@dataclass
class Rules:
    properties: dict[Node, PropertyRules] = field(default_factory=dict)
    classes: dict[Node, ClassRules] = field(default_factory=dict)
    #: some rule can derive owl:sameAs, so the eq-* rules must run
    equality: bool = False

    def prop(self, p: Node) -> PropertyRules:
        return self.properties.setdefault(p, PropertyRules())

    def cls(self, c: Node) -> ClassRules:
        return self.classes.setdefault(c, ClassRules())


def rdf_list(tbox: Index, head: Node) -> tuple[Node, ...]:
    """The members of an rdf:List (as owlrl reads them: first/rest until rdf:nil)."""
    items: list[Node] = []
    seen: set[Node] = set()
    while head != RDF.nil and head not in seen:
        seen.add(head)
        items.extend(tbox.objects(head, RDF.first))
        rest = list(tbox.objects(head, RDF.rest))
        if not rest:
            break
        head = rest[0]
    return tuple(items)


def _one(node: Node) -> bool:
    return isinstance(node, Literal) and node.value == 1


def compile_rules(tbox: Index) -> Rules:
    """Compile the A-box rules of a closed T-box (raises :class:`Unsupported`)."""
    if next(iter(tbox.subject_objects(OWL.hasKey)), None) is not None:
        raise Unsupported("owl:hasKey (prp-key)")
    rules = Rules()
    for c1, c2 in tbox.subject_objects(RDFS.subClassOf):
        if c1 != c2:
            rules.cls(c1).supers.add(c2)
    for c1, c2 in tbox.subject_objects(OWL.equivalentClass):
        if c1 != c2:
            rules.cls(c1).supers.add(c2)
            rules.cls(c2).supers.add(c1)
    for p1, p2 in tbox.subject_objects(RDFS.subPropertyOf):
        if p1 != p2:
            rules.prop(p1).supers.add(p2)
    for p1, p2 in tbox.subject_objects(OWL.equivalentProperty):
        if p1 != p2:
            rules.prop(p1).supers.add(p2)
            rules.prop(p2).supers.add(p1)
    for p1, p2 in tbox.subject_objects(OWL.inverseOf):
        rules.prop(p1).inverses.add(p2)
        rules.prop(p2).inverses.add(p1)
    for p, c in tbox.subject_objects(RDFS.domain):
        rules.prop(p).domains.add(c)
    for p, c in tbox.subject_objects(RDFS.range):
        rules.prop(p).ranges.add(c)
    for p in tbox.subjects(RDF.type, OWL.SymmetricProperty):
        rules.prop(p).symmetric = True
    for p in tbox.subjects(RDF.type, OWL.TransitiveProperty):
        rules.prop(p).transitive = True
    for p in tbox.subjects(RDF.type, OWL.FunctionalProperty):
        rules.prop(p).functional = rules.equality = True
    for p in tbox.subjects(RDF.type, OWL.InverseFunctionalProperty):
        rules.prop(p).inverse_functional = rules.equality = True
    for head, lst in tbox.subject_objects(OWL.propertyChainAxiom):
        chain = rdf_list(tbox, lst)
        for k, pk in enumerate(chain):
            rules.prop(pk).chains.append((head, chain, k))
    for c, lst in tbox.subject_objects(OWL.intersectionOf):
        members = rdf_list(tbox, lst)
        rules.cls(c).supers.update(members)
        for ci in set(members):
            rules.cls(ci).intersections.append((c, members))
    for c, lst in tbox.subject_objects(OWL.unionOf):
        for ci in rdf_list(tbox, lst):
            rules.cls(ci).supers.add(c)
    _restrictions(tbox, rules)
    for pr in rules.properties.values():
        if OWL.sameAs in pr.supers or OWL.sameAs in pr.inverses:
            rules.equality = True
        if any(head == OWL.sameAs for head, _, _ in pr.chains):
            rules.equality = True
    if OWL.sameAs in rules.properties:
        # eq-ref makes every node sameAs itself; rules on owl:sameAs would fire for all
        raise Unsupported("axioms on owl:sameAs itself")
    return rules


def _restrictions(tbox: Index, rules: Rules) -> None:
    for r, p in tbox.subject_objects(OWL.onProperty):
        for v in tbox.objects(r, OWL.hasValue):
            rules.cls(r).has_value.append((p, v))
            rules.prop(p).has_value.setdefault(v, set()).add(r)
            if p == OWL.sameAs:
                rules.equality = True
        for y in tbox.objects(r, OWL.someValuesFrom):
            rules.prop(p).some_values.append((y, r))
            if y != OWL.Thing:
                rules.cls(y).some_values.append((p, r))
        for y in tbox.objects(r, OWL.allValuesFrom):
            rules.prop(p).all_values.append((r, y))
            rules.cls(r).all_values.append((p, y))
        if any(_one(n) for n in tbox.objects(r, OWL.maxCardinality)):
            rules.prop(p).max_one.append((r, None))
            rules.cls(r).max_one.append((p, None))
            rules.equality = True
        if any(_one(n) for n in tbox.objects(r, OWL.maxQualifiedCardinality)):
            for c in tbox.objects(r, OWL.onClass):
                on_class = None if c == OWL.Thing else c
                rules.prop(p).max_one.append((r, on_class))
                rules.cls(r).max_one.append((p, on_class))
                if on_class is not None:
                    rules.cls(on_class).max_one_filler.append((p, r))
                rules.equality = True
