"""OWL-RL inference is kept apart from the asserted data and adds real answers."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from pob.graph.curated import curated, memory_store, select
from pob.graph.namespaces import ORG, POB
from pob.graph.owlrl_reference import closure, entailed

VARDE = URIRef("https://w3id.org/pob/id/municipality/varde")
NETWORK = URIRef("https://w3id.org/pob/id/partnership/netvaerk-for-privat-offentlige-bysamarbejder")

QUESTION = f"""
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?c WHERE {{ <{VARDE}> org:memberOf ?c }}
"""


def test_inferred_graph_is_disjoint_from_asserted() -> None:
    kg = curated()
    assert len(kg.inferred) > 100
    for triple in kg.inferred:
        assert triple not in kg.data
        assert triple not in kg.ontology


def test_a_question_only_the_inferred_graph_answers() -> None:
    kg = curated()
    assert (VARDE, ORG.memberOf, None) not in kg.data
    assert select(memory_store(inference=False), QUESTION) == []
    answers = {row["c"] for row in select(memory_store(inference=True), QUESTION)}
    assert str(NETWORK) in answers
    assert "https://w3id.org/pob/id/partnership/partnerskab-for-levende-bymidter" in answers


def test_inverse_and_chain_and_subclass() -> None:
    kg = curated()
    assert (NETWORK, ORG.hasMember, VARDE) in kg.inferred
    assert (VARDE, RDF.type, ORG.Organization) in kg.inferred
    # pob:addressesChallenge ⊑ org:purpose
    assert any(kg.inferred.triples((NETWORK, ORG.purpose, None)))


def test_trivia_are_left_out() -> None:
    kg = curated()
    assert not any(kg.inferred.triples((None, RDF.type, OWL.Thing)))
    assert not any(kg.inferred.triples((None, OWL.sameAs, None)))
    assert not any(s == o for s, p, o in kg.inferred.triples((None, RDFS.subClassOf, None)))
    assert not any(isinstance(s, Literal) for s in kg.inferred.subjects())


def test_regimes() -> None:
    onto = Graph()
    onto.add((POB.Municipality, RDFS.subClassOf, ORG.Organization))
    data = Graph()
    data.add((VARDE, RDF.type, POB.Municipality))
    assert len(closure(onto, data, "none")) == 0
    assert (VARDE, RDF.type, ORG.Organization) in closure(onto, data, "rdfs")
    assert (VARDE, RDF.type, ORG.Organization) in closure(onto, data, "owlrl")
    assert (VARDE, RDF.type, POB.Municipality) in entailed(onto, data)
