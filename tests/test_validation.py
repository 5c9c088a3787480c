"""pob.validation.engine: profiles, inference, reference data, the report and its formats."""

from __future__ import annotations

import json

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from pob.graph.iri import rebase
from pob.graph.prefixes import CANONICAL_BASE
from pob.graph.sources import normalise, parse_text
from pob.validation.engine import validate
from pob.validation.report import render_path
from pob.validation.shapes import default_shapes

PREFIXES = """\
@prefix concl: <https://w3id.org/pob/id/conclusion/> .
@prefix country: <https://w3id.org/pob/id/country/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix mun: <https://w3id.org/pob/id/municipality/> .
@prefix pob: <https://w3id.org/pob/ontology#> .
@prefix pub: <https://w3id.org/pob/id/publication/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix reg: <https://w3id.org/pob/id/region/> .
@prefix schema: <https://schema.org/> .
@prefix src: <https://w3id.org/pob/id/source/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

src:test a pob:Source ;
    dct:title "Testkilde" ;
    schema:url "https://example.org/kilde"^^xsd:anyURI .
"""
POB = "https://w3id.org/pob/ontology#"
MUN = URIRef("https://w3id.org/pob/id/municipality/testrup")


def graph(turtle: str) -> Graph:
    return normalise(parse_text(PREFIXES + turtle, "turtle"))


#: a Danish municipality without an English name: one warning, nothing else
ONLY_A_WARNING = graph("""
country:danmark a pob:Country ;
    rdfs:label "Danmark"@da , "Denmark"@en ;
    dct:source src:test .
reg:hovedstaden a pob:Region ;
    rdfs:label "Region Hovedstaden"@da , "Capital Region of Denmark"@en ;
    dct:source src:test .
mun:testrup a pob:Municipality ;
    rdfs:label "Testrup Kommune"@da ;
    pob:kommunekode "999" ;
    pob:region reg:hovedstaden ;
    pob:country country:danmark ;
    dct:source src:test .
""")

#: typed by nothing: only inference makes it a municipality (rdfs:domain of pob:kommunekode)
UNTYPED_CODE = graph("""
mun:testrup rdfs:label "Testrup Kommune"@da , "Testrup Municipality"@en ;
    pob:kommunekode "12" ;
    dct:source src:test .
""")


def test_core_profile_conforms_with_a_warning() -> None:
    report = validate(ONLY_A_WARNING)
    assert report.conforms
    assert report.counts() == {"Violation": 0, "Warning": 1, "Info": 0}
    (result,) = report.results
    assert result.focus_node == MUN
    assert result.source_shape == URIRef(CANONICAL_BASE + "shapes#LabelledRecommendedLabelEn")
    assert result.severity == "Warning"


def test_strict_profile_turns_warnings_into_violations() -> None:
    report = validate(ONLY_A_WARNING, profile="strict")
    assert not report.conforms
    assert report.counts() == {"Violation": 1, "Warning": 0, "Info": 0}
    (result,) = report.results
    assert result.severity == "Violation"
    assert result.source_shape == URIRef(CANONICAL_BASE + "shapes#LabelledRecommendedLabelEn")
    # the W3C report says so too
    assert set(report.graph.objects(None, SH.resultSeverity)) == {SH.Violation}
    assert (None, SH.conforms, Literal(False)) in report.graph


def test_strict_leaves_infos_alone() -> None:
    data = graph("""
country:danmark a pob:Country ;
    rdfs:label "Danmark"@da , "Denmark"@en ;
    dct:source src:test .
mun:testrup a pob:Municipality ;
    rdfs:label "Testrup Kommune"@da , "Testrup Municipality"@en ;
    pob:country country:danmark ;
    dct:source src:test .
""")
    report = validate(data, profile="strict")
    assert report.conforms
    assert report.counts()["Info"] == 2  # no region, no kommunekode


@pytest.mark.parametrize("inference", ["rdfs", "owlrl"])
def test_inference_finds_what_none_does_not(inference: str) -> None:
    def pattern_results(inf: str) -> list[str]:
        report = validate(UNTYPED_CODE, inference=inf)  # type: ignore[arg-type]
        return [
            r.constraint_component
            for r in report.results
            if r.path == POB + "kommunekode" and r.focus_node == MUN
        ]

    assert pattern_results("none") == []
    assert pattern_results(inference) == ["PatternConstraintComponent"]


def test_owlrl_infers_an_inverse_that_none_lacks() -> None:
    data = graph("""
pub:rapporten a pob:Report ;
    rdfs:label "Rapporten"@da , "The report"@en ;
    pob:hasConclusion concl:rapporten-1 ;
    dct:source src:test .
concl:rapporten-1 a pob:Conclusion ;
    rdfs:label "Samarbejde virker"@da , "Collaboration works"@en ;
    pob:position "1"^^xsd:positiveInteger ;
    dct:source src:test .
""")
    missing = [r.constraint_component for r in validate(data).results]
    assert missing == ["MinCountConstraintComponent"]  # no pob:conclusionOf
    assert validate(data, inference="owlrl").results == []  # owl:inverseOf pob:hasConclusion


def test_only_the_submissions_own_nodes_are_reported() -> None:
    reference = graph("""
mun:andeby a pob:Municipality ;
    rdfs:label "Andeby Kommune"@da ;
    pob:kommunekode "1" .
""")
    submission = graph("""
mun:testrup a pob:Municipality ;
    rdfs:label "Testrup Kommune"@da , "Testrup Municipality"@en ;
    pob:kommunekode "2" ;
    dct:source src:test .
""")
    alone = validate(reference)
    assert {r.focus_node for r in alone.results} == {
        URIRef("https://w3id.org/pob/id/municipality/andeby")
    }
    report = validate(submission, extra=reference)
    assert {r.focus_node for r in report.results} == {MUN}
    assert len(list(report.graph.objects(None, SH.result))) == len(report.results)


def test_reference_data_satisfies_class_constraints() -> None:
    """A submission may point to nodes that only `extra` describes."""
    reference = graph("""
reg:hovedstaden a pob:Region ;
    rdfs:label "Region Hovedstaden"@da , "Capital Region of Denmark"@en ;
    dct:source src:test .
""")
    submission = graph("""
mun:testrup a pob:Municipality ;
    rdfs:label "Testrup Kommune"@da , "Testrup Municipality"@en ;
    pob:region reg:hovedstaden ;
    dct:source src:test .
""")
    without = {r.source_shape for r in validate(submission).results}
    with_extra = {r.source_shape for r in validate(submission, extra=reference).results}
    region_class = URIRef(CANONICAL_BASE + "shapes#MunicipalityRegion")
    assert region_class in without
    assert region_class not in with_extra


def test_to_json() -> None:
    report = validate(UNTYPED_CODE, inference="owlrl")
    out = report.to_json("da")
    json.dumps(out)  # JSON-ready
    assert set(out) == {"conforms", "profile", "inference", "counts", "results"}
    assert out["inference"] == "owlrl"
    assert out["counts"] == report.counts()
    assert len(out["results"]) == len(report.results)
    pattern = next(r for r in out["results"] if r["constraintComponent"].startswith("Pattern"))
    assert pattern == {
        "severity": "Violation",
        "focusNode": str(MUN),
        "path": POB + "kommunekode",
        "value": "12",
        "valueIsLiteral": True,
        "constraintComponent": "PatternConstraintComponent",
        "sourceShape": CANONICAL_BASE + "shapes#MunicipalityKommunekode",
        "sourceConstraint": None,
        "message": pattern["messages"]["da"],
        "messages": pattern["messages"],
    }
    assert pattern["message"].startswith("Kommunekode")


def test_messages_in_danish_and_english() -> None:
    report = validate(UNTYPED_CODE, inference="owlrl")
    assert report.results
    for result in report.results:
        assert set(result.messages) >= {"da", "en"}
        assert result.messages["da"] != result.messages["en"]
        assert result.message("da") == result.messages["da"]
        assert result.message("fr") == result.messages["en"]  # unknown language: English


def test_sparql_messages_are_filled_in() -> None:
    data = graph("""
mun:testrup a pob:Municipality ;
    rdfs:label "Testrup Kommune"@da , "Testrup Municipality"@en ;
    pob:kommuneKode "999" ;
    dct:source src:test .
""")
    (closure,) = [r for r in validate(data).results if r.constraint_component.startswith("SPARQL")]
    assert closure.value == URIRef(POB + "kommuneKode")
    assert POB + "kommuneKode" in closure.messages["da"]
    assert "Ukendt egenskab" in closure.messages["da"]
    assert "Unknown property" in closure.messages["en"]


def test_to_text() -> None:
    report = validate(ONLY_A_WARNING)
    english = report.to_text("en")
    danish = report.to_text("da")
    assert english.startswith("Conforms: yes (Violation: 0, Warning: 1, Info: 0)")
    assert danish.startswith("Overholder reglerne: ja (Overtrædelse: 0, Advarsel: 1, Oplysning: 0)")
    assert "mun:testrup rdfs:label" in english
    assert "pobsh:LabelledRecommendedLabelEn" in english
    assert "engelsk navn" in danish


def test_shapes_without_messages_fall_back_to_pyshacl() -> None:
    shapes = graph("""
@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:shape> a sh:NodeShape ;
    sh:targetClass pob:Municipality ;
    sh:property [ sh:path pob:region ; sh:minCount 1 ] .
""")
    report = validate(graph("mun:x a pob:Municipality ."), shapes=shapes)
    (result,) = report.results
    assert result.messages["da"] == result.messages["en"] != ""


def test_render_path() -> None:
    g = Graph()
    a, b = URIRef("urn:a"), URIRef("urn:b")
    inverse, seq, alt, star = BNode(), BNode(), BNode(), BNode()
    g.add((inverse, SH.inversePath, a))
    Collection(g, seq, [a, inverse])
    alt_list = BNode()
    Collection(g, alt_list, [a, b])
    g.add((alt, SH.alternativePath, alt_list))
    g.add((star, SH.zeroOrMorePath, b))
    assert render_path(g, a) == "urn:a"
    assert render_path(g, inverse) == "^<urn:a>"
    assert render_path(g, seq) == "<urn:a>/^<urn:a>"
    assert render_path(g, alt) == "<urn:a>|<urn:b>"
    assert render_path(g, star) == "<urn:b>*"
    assert (seq, RDF.first, a) in g


def test_another_base() -> None:
    """IRIs, and the SPARQL inside the shapes, follow a configured base."""
    base = "https://example.org/pob/"
    report = validate(rebase(UNTYPED_CODE, base), inference="rdfs", base=base)
    violations = report.by_severity("Violation")
    assert [r.constraint_component for r in violations] == ["PatternConstraintComponent"]
    assert str(violations[0].focus_node).startswith(base)
    typo = rebase(graph('mun:testrup pob:kommuneKode "1" ; dct:source src:test .'), base)
    (closure,) = validate(typo, base=base).by_severity("Violation")
    assert closure.value == URIRef(base + "ontology#kommuneKode")


def test_shapes_are_read_once() -> None:
    assert default_shapes() is default_shapes()
    assert default_shapes(profile="strict") is not default_shapes()


def test_unknown_options_are_refused() -> None:
    with pytest.raises(ValueError, match="profile"):
        validate(Graph(), profile="lenient")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="inference"):
        validate(Graph(), inference="full")  # type: ignore[arg-type]
