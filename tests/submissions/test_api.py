"""POST /api/validate over a real server on the curated sources."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import SH

from tests.submissions.conftest import (
    EXAMPLES,
    EXAMPLES_DIR,
    Service,
    expectation,
    findings_of,
    media_type,
)

BAD = EXAMPLES_DIR / "bad-wrong-kommunekode.ttl"
DATES = EXAMPLES_DIR / "bad-dates-out-of-order.ttl"


def post(service: Service, body: bytes, content_type: str, **params: str) -> dict:
    response = service.client.post(
        "/api/validate", content=body, params=params, headers={"Content-Type": content_type}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_json_summary(embedded: Service) -> None:
    summary = post(embedded, BAD.read_bytes(), "text/turtle", lang="da")
    assert summary["conforms"] is False
    # the pattern, and a second code beside the reference list's "849" (data/ttl/municipalities.ttl)
    assert summary["counts"] == {"Violation": 2, "Warning": 0, "Info": 0}
    components = {r["constraintComponent"] for r in summary["results"]}
    assert components == {"PatternConstraintComponent", "MaxCountConstraintComponent"}
    (result,) = [
        r for r in summary["results"] if r["constraintComponent"] == "PatternConstraintComponent"
    ]
    assert result["focusNode"] == "https://w3id.org/pob/id/municipality/jammerbugt"
    assert result["path"] == "https://w3id.org/pob/ontology#kommunekode"
    assert result["value"] == "0849"
    assert result["constraintComponent"] == "PatternConstraintComponent"
    assert result["message"].startswith("Kommunekode (pob:kommunekode)")
    assert result["messages"]["en"].startswith("Municipality code")
    assert summary["format"] == "Turtle" and summary["triples"] == 10


@pytest.mark.parametrize("fmt", ["N-Triples", "N-Quads", "TriG", "JSON-LD", "RDF/XML"])
def test_every_format_gives_the_same_findings(embedded: Service, fmt: str) -> None:
    triples = [q.triple for q in ox.parse(BAD.read_bytes(), ox.RdfFormat.TURTLE)]
    kind = {
        f.name: f
        for f in (
            ox.RdfFormat.N_TRIPLES,
            ox.RdfFormat.N_QUADS,
            ox.RdfFormat.TRIG,
            ox.RdfFormat.JSON_LD,
            ox.RdfFormat.RDF_XML,
        )
    }[fmt]
    if kind in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        graph = ox.NamedNode("http://example.org/their-graph")
        body = ox.serialize([ox.Quad(*t, graph) for t in triples], format=kind)
    else:
        body = ox.serialize(triples, format=kind)
    assert body is not None
    summary = post(embedded, body, kind.media_type)
    turtle = post(embedded, BAD.read_bytes(), "text/turtle")
    assert findings_of(summary) == findings_of(turtle)
    if kind in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        assert "graph names are ignored" in summary["notes"][0]


def test_multipart_upload_with_form_options(embedded: Service) -> None:
    response = embedded.client.post(
        "/api/validate",
        files={"file": (BAD.name, BAD.read_bytes(), "application/octet-stream")},
        data={"profile": "strict", "lang": "da", "inference": "none"},
    )
    assert response.status_code == 200
    summary = response.json()
    assert summary["profile"] == "strict"
    assert summary["results"][0]["message"].startswith("Kommunekode")


def test_multipart_pasted_turtle(embedded: Service) -> None:
    response = embedded.client.post(
        "/api/validate", data={"data": BAD.read_text(encoding="utf-8")}, files={"x": ("", b"")}
    )
    assert response.status_code == 200
    assert response.json()["conforms"] is False


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_w3c_report(embedded: Service, accept: str, kind: str) -> None:
    response = embedded.client.post(
        "/api/validate",
        content=BAD.read_bytes(),
        headers={"Content-Type": "text/turtle", "Accept": accept},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    report = Graph().parse(data=response.text, format=kind)
    (root,) = report.subjects(predicate=None, object=SH.ValidationReport)
    results = list(report.objects(root, SH.result))
    assert len(results) == 2  # the pattern, and two codes (see test_json_summary)
    for result in results:
        messages = {m.language for m in report.objects(result, SH.resultMessage)}
        assert messages == {"da", "en"}


def test_html_report(embedded: Service) -> None:
    response = embedded.client.post(
        "/api/validate",
        content=BAD.read_bytes(),
        params={"lang": "da"},
        headers={"Content-Type": "text/turtle", "Accept": "text/html"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'data-component="PatternConstraintComponent"' in response.text
    assert 'href="/shapes#MunicipalityKommunekode"' in response.text
    assert "Kommunekode (pob:kommunekode)" in response.text


def test_inference_comparison_side_by_side(embedded: Service) -> None:
    """owl:inverseOf: pob:conclusionOf follows from the report's pob:hasConclusion."""
    body = b"""@prefix concl: <https://w3id.org/pob/id/conclusion/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix pob: <https://w3id.org/pob/ontology#> .
@prefix pub: <https://w3id.org/pob/id/publication/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix src: <https://w3id.org/pob/id/source/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
pub:testrapport a pob:Report ; rdfs:label "Testrapport"@da , "Test report"@en ;
    pob:hasConclusion concl:testrapport-1 ; dct:source src:report .
concl:testrapport-1 a pob:Conclusion ; rdfs:label "Samarbejde virker"@da , "It works"@en ;
    dct:source src:report .
"""
    without = post(embedded, body, "text/turtle")
    assert {r["constraintComponent"] for r in without["results"]} == {"MinCountConstraintComponent"}
    summary = post(embedded, body, "text/turtle", inference="owlrl")
    assert summary["inference"] == "owlrl" and summary["conforms"] is True
    comparison = summary["withoutInference"]
    assert comparison["conforms"] is False
    assert [r["path"] for r in comparison["disappeared"]] == [
        "https://w3id.org/pob/ontology#conclusionOf"
    ]
    assert comparison["appeared"] == []
    html = embedded.client.post(
        "/api/validate",
        content=body,
        params={"inference": "owlrl", "lang": "en"},
        headers={"Content-Type": "text/turtle", "Accept": "text/html"},
    ).text
    assert "Disappear with inference (1)" in html and "Without inference" in html


def test_syntax_error_is_400_with_format_line_and_column(embedded: Service) -> None:
    response = embedded.client.post(
        "/api/validate",
        content=b"@prefix ex: <http://e/> .\nex:a ex:b ex:c ;\n  ex:d .\n",
        headers={"Content-Type": "text/turtle"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["where"] == {"line": 3, "column": 8}
    assert error["format"] == "Turtle"
    assert "line 3, column 8" in error["detail"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "words"),
    [
        (b"\x00\x01\x02binary", "text/turtle", 400, "binary"),
        (b'<http://a> <http://p> "\xe6" .', "text/turtle", 400, "not UTF-8"),
        (
            json.dumps({"@context": "https://schema.org/", "name": "x"}).encode(),
            "application/ld+json",
            400,
            "https://schema.org/",
        ),
        (b"<http://a> <http://p> <http://b> .", "image/png", 415, "text/turtle"),
        (b"# no triples\n", "text/turtle", 422, "no triples"),
    ],
)
def test_bad_input(
    embedded: Service, body: bytes, content_type: str, status: int, words: str
) -> None:
    response = embedded.client.post(
        "/api/validate", content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == status, response.text
    assert words in response.json()["error"]["detail"]


def test_bad_options_are_400(embedded: Service) -> None:
    response = embedded.client.post(
        "/api/validate",
        content=BAD.read_bytes(),
        params={"inference": "full"},
        headers={"Content-Type": "text/turtle"},
    )
    assert response.status_code == 400
    assert "inference" in response.json()["error"]["detail"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_get_their_expected_verdict(embedded: Service, path) -> None:  # type: ignore[no-untyped-def]
    expected = expectation(path)
    summary = post(embedded, path.read_bytes(), media_type(path))
    assert summary["conforms"] is expected.conforms
    got = {(f, p, c, s) for f, p, _, c, s in findings_of(summary)}
    if expected.conforms:
        assert got == set()
    else:
        assert got == set(expected.findings)
