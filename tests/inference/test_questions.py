"""Questions that only the inferred graph answers."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF

from pob.graph.namespaces import ORG, POB
from pob.graph.prefixes import sparql_prologue
from pob.graph.reasoning import fast_closure
from pob.graph.sources import data_graph, ontology_graph

MEMBER_OF = (
    sparql_prologue()
    + "SELECT ?municipality ?organisation "
    + "WHERE { ?municipality a pob:Municipality ; org:memberOf ?organisation }"
)


def test_memberships_of_municipalities_are_inferred() -> None:
    """org:memberOf is never written (docs/modelling.md); the property chain gives it."""
    ontology, data = ontology_graph(), data_graph()
    assert not list(data.triples((None, ORG.memberOf, None)))
    assert not list(data.query(MEMBER_OF))
    stated = {
        (member, organisation)
        for mship in data.subjects(ORG.member, None)
        for member in data.objects(mship, ORG.member)
        for organisation in data.objects(mship, ORG.organization)
        if (member, RDF.type, POB.Municipality) in data
    }
    assert stated, "the curated data has memberships of municipalities"
    merged = Graph()
    for part in (data, fast_closure(ontology, data)):
        for t in part:
            merged.add(t)
    answered = {(row[0], row[1]) for row in merged.query(MEMBER_OF)}  # type: ignore[index]
    assert answered == stated
