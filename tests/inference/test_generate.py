"""bench.generate: seeded, POB-shaped, with the IRI rule, conforming to the shapes, and
with deliberate errors that validation finds."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from bench.generate import DAMAGE_KINDS, generate
from pob.graph.iri import check, mint
from pob.graph.namespaces import ORG, POB
from pob.graph.sources import data_graph, ontology_graph
from pob.validation.engine import validate
from pob.validation.report import Report

#: the member roles: those with org:roleProperty org:memberOf (ontology/codelists.ttl)
MEMBER_ROLES = set(ontology_graph().subjects(ORG.roleProperty, ORG.memberOf))


def first_findings(report: Report, n: int = 20) -> str:
    return "\n".join(report.to_text().splitlines()[: 1 + 2 * n])


def test_same_seed_same_graph() -> None:
    assert set(generate(1_000, seed=5)) == set(generate(1_000, seed=5))
    assert set(generate(1_000, seed=5)) != set(generate(1_000, seed=6))


def test_shape_and_iris() -> None:
    graph = generate(3_000, seed=2)
    assert 3_000 <= len(graph) < 3_400
    kinds = (POB.Municipality, POB.LocalPartnership, POB.Area, ORG.Membership, POB.Involvement)
    for kind in (*kinds, POB.Source, POB.Report, POB.Conclusion, POB.Grant):
        assert list(graph.subjects(RDF.type, kind)), kind
    for node in {n for t in graph for n in t if isinstance(n, URIRef)}:
        check(str(node))
    for mship in graph.subjects(RDF.type, ORG.Membership):
        for p in (ORG.organization, ORG.member, ORG.role):
            assert len(list(graph.objects(mship, p))) == 1
        assert graph.value(mship, ORG.role) in MEMBER_ROLES, mship
        assert (mship, RDF.type, POB.Involvement) not in graph
    roles = set()
    for involvement in graph.subjects(RDF.type, POB.Involvement):
        for p in (POB.heldIn, POB.holder, ORG.role):
            assert len(list(graph.objects(involvement, p))) == 1
        for p in (ORG.organization, ORG.member):
            assert graph.value(involvement, p) is None, (involvement, p)
        held_in = graph.value(involvement, POB.heldIn)
        assert (held_in, RDF.type, POB.LocalPartnership) in graph, involvement
        roles.add(graph.value(involvement, ORG.role))
    assert roles and not roles & MEMBER_ROLES
    assert mint("role", "initiativtager") in roles and mint("role", "leder") in roles


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


@pytest.mark.parametrize("seed", [1, 2], ids=lambda seed: f"seed{seed}")
def test_clean_data_conforms(seed: int) -> None:
    """Without errors the generated data conforms to the shapes, on its own and beside the
    curated data (as a submission is checked: no generated municipality takes a listed
    kommunekode)."""
    graph = generate(3_000, seed=seed)
    for extra in (None, data_graph()):
        report = validate(graph, extra=extra)
        assert report.conforms, first_findings(report)
        assert report.counts() == {"Violation": 0, "Warning": 0, "Info": 0}


def test_injected_errors_are_found() -> None:
    """Every deliberate error is found at its node, and nothing else is."""
    injected: list[tuple[str, URIRef]] = []
    graph = generate(5_000, seed=3, errors=0.1, injected=injected)
    assert {kind for kind, _ in injected} == set(DAMAGE_KINDS)
    report = validate(graph)
    assert not report.conforms
    found = {r.focus_node for r in report.results if r.severity == "Violation"}
    missed = sorted(str(node) for _, node in injected if node not in found)
    assert not missed, f"damage not found: {missed[:10]}"
    unexpected = found - {node for _, node in injected}
    assert not unexpected, first_findings(report)
