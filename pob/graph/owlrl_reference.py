"""owlrl's OWL-RL closure, kept apart from the asserted data: the reference.

:func:`closure` returns only the *new* triples that owlrl's OWL 2 RL closure of
ontology + data entails, minus trivia that help nobody (axiomatic triples about RDF/RDFS/OWL
built-ins, ``x owl:sameAs x``, literal-typing triples).

Nothing serves these triples: the store build, the service and ``pob export`` / ``pob infer``
infer with :func:`pob.graph.reasoning.fast_closure` (through
:func:`pob.graph.curated.inferred_of`). :func:`closure` is the oracle it is tested against
(tests/inference/, bench/inference.py) and its fallback for an ontology its compiled rules
do not cover; :func:`_trivial` is the filter both share.
"""

from __future__ import annotations

from typing import Literal as TypingLiteral

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

Regime = TypingLiteral["none", "rdfs", "owlrl"]

_BUILTIN_PREFIXES = (str(RDF), str(RDFS), str(OWL), str(XSD))


def _trivial(s: object, p: object, o: object) -> bool:
    """Triples the closure adds that carry no domain knowledge."""
    if isinstance(s, Literal) or (isinstance(s, BNode) and p == RDF.type):
        return True
    if p == OWL.sameAs and s == o:
        return True
    if isinstance(s, URIRef) and str(s).startswith(_BUILTIN_PREFIXES):
        return True  # facts about RDF/RDFS/OWL/XSD built-ins themselves
    if p == RDF.type and o in (OWL.Thing, RDFS.Resource, RDFS.Class, OWL.Class, RDF.Property):
        return True
    if p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty):
        return s == o or o in (OWL.Thing, RDFS.Resource)
    return p == RDF.type and isinstance(o, URIRef) and str(o).startswith(str(XSD))


def closure(ontology: Graph, data: Graph, regime: Regime = "owlrl") -> Graph:
    """The triples entailed by ontology + data under `regime` that neither asserts."""
    inferred = Graph()
    if regime == "none":
        return inferred
    work = Graph()
    for triple in ontology:
        work.add(triple)
    for triple in data:
        work.add(triple)
    semantics = owlrl.OWLRL_Semantics if regime == "owlrl" else owlrl.RDFS_Semantics
    owlrl.DeductiveClosure(semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    known_bnodes = {n for g in (ontology, data) for t in g for n in t if isinstance(n, BNode)}
    for s, p, o in work:
        if (s, p, o) in data or (s, p, o) in ontology or _trivial(s, p, o):
            continue
        if isinstance(s, BNode) and s not in known_bnodes:
            continue  # owlrl's diagnostics ([] err:error "...") are not entailments
        inferred.add((s, p, o))
    for prefix, ns in data.namespaces():
        inferred.bind(prefix, ns, override=True)
    return inferred


def entailed(ontology: Graph, data: Graph, regime: Regime = "owlrl") -> Graph:
    """Data plus its inferred triples (a new graph)."""
    out = Graph()
    for triple in data:
        out.add(triple)
    for triple in closure(ontology, data, regime):
        out.add(triple)
    return out
