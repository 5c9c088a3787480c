"""bench.generate: seeded, POB-shaped, with the IRI rule and deliberate errors."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import RDF

from bench.generate import DAMAGE_KINDS, generate
from pob.graph.iri import check
from pob.graph.namespaces import ORG, POB
from pob.graph.sources import data_graph


def test_same_seed_same_graph() -> None:
    assert set(generate(1_000, seed=5)) == set(generate(1_000, seed=5))
    assert set(generate(1_000, seed=5)) != set(generate(1_000, seed=6))


def test_shape_and_iris() -> None:
    graph = generate(3_000, seed=2)
    assert 3_000 <= len(graph) < 3_400
    for kind in (POB.Municipality, POB.LocalPartnership, POB.Area, ORG.Membership, POB.Source):
        assert list(graph.subjects(RDF.type, kind)), kind
    for node in {n for t in graph for n in t if isinstance(n, URIRef)}:
        check(str(node))
    for mship in graph.subjects(RDF.type, ORG.Membership):
        for p in (ORG.organization, ORG.member, ORG.role):
            assert len(list(graph.objects(mship, p))) == 1


def test_errors_are_injected_and_listed() -> None:
    injected: list[tuple[str, URIRef]] = []
    generate(5_000, seed=1, errors=0.1, injected=injected)
    assert {kind for kind, _ in injected} == set(DAMAGE_KINDS)
    clean: list[tuple[str, URIRef]] = []
    generate(5_000, seed=1, injected=clean)
    assert clean == []


def test_refers_to_curated_municipalities() -> None:
    curated = data_graph()
    graph = generate(3_000, seed=4, refer_to=curated)
    municipalities = set(curated.subjects(RDF.type, POB.Municipality))
    assert municipalities & set(graph.objects(None, POB.municipality))
