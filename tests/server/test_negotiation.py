"""Result formats by `Accept`, each parsed back by an independent parser.

SPARQL JSON and XML are checked against their specs' structure (json, xml.etree); CSV and
TSV with the csv module; RDF formats with rdflib, compared by graph isomorphism.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from tests.server.conftest import Service

PREFIXES = """PREFIX pob: <https://w3id.org/pob/ontology#>
PREFIX ps: <https://w3id.org/pob/id/partnership/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
"""
SELECT = (
    PREFIXES
    + """SELECT ?label ?count ?desc ?none WHERE {
  ps:bymidte-hilleroed rdfs:label ?label ; pob:memberCount ?count ; dct:description ?desc .
} ORDER BY ?label"""
)
DESC = 'Line one\nline two, with "quotes"\tand a tab'
CONSTRUCT = PREFIXES + (
    "CONSTRUCT { ?p rdfs:label ?l ; pob:x ?b } "
    "WHERE { ?p rdfs:label ?l . OPTIONAL { ?p dct:relation ?b } }"
)
DESCRIBE = PREFIXES + "DESCRIBE ps:bymidte-hilleroed"
SR = "{http://www.w3.org/2005/sparql-results#}"


def get(client: httpx.Client, query: str, accept: str | None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", params={"query": query, **params}, headers=headers)


def media(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return response.headers["content-type"].split(";")[0]


def check_json(body: bytes) -> list[dict[str, str]]:
    doc = json.loads(body)
    assert doc["head"]["vars"] == ["label", "count", "desc", "none"]
    rows = []
    for binding in doc["results"]["bindings"]:
        row = {}
        for var, term in binding.items():
            assert var in doc["head"]["vars"]
            assert term["type"] in ("uri", "literal", "bnode", "triple")
            row[var] = term["value"]
            if var == "label":
                assert term["xml:lang"] in ("da", "en")
            if var == "count":
                assert term["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
        assert "none" not in binding
        rows.append(row)
    return rows


def check_xml(body: bytes) -> list[dict[str, str]]:
    root = ET.fromstring(body)
    assert root.tag == f"{SR}sparql"
    names = [v.get("name") for v in root.find(f"{SR}head").iter(f"{SR}variable")]  # type: ignore[union-attr]
    assert names == ["label", "count", "desc", "none"]
    rows = []
    for result in root.find(f"{SR}results").iter(f"{SR}result"):  # type: ignore[union-attr]
        row = {}
        for binding in result.iter(f"{SR}binding"):
            (term,) = list(binding)
            assert term.tag in (f"{SR}uri", f"{SR}literal", f"{SR}bnode")
            row[binding.get("name", "")] = term.text or ""
        rows.append(row)
    return rows


def check_csv(body: bytes) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    header, *lines = list(reader)
    assert header == ["label", "count", "desc", "none"]
    return [{k: v for k, v in zip(header, line, strict=True) if v} for line in lines]


def check_tsv(body: bytes) -> list[dict[str, str]]:
    header, *lines = body.decode("utf-8").rstrip("\n").split("\n")
    assert header.split("\t") == ["?label", "?count", "?desc", "?none"]
    rows = []
    for line in lines:
        cells = line.split("\t")
        assert len(cells) == 4
        row = {}
        for name, cell in zip(["label", "count", "desc"], cells, strict=False):
            # TSV writes terms in Turtle syntax (numbers may be bare)
            graph = Graph().parse(data=f"<urn:s> <urn:p> {cell} .", format="turtle")
            row[name] = str(next(iter(graph.objects())))
        rows.append(row)
    return rows


EXPECTED = [
    {"label": "Bymidte Hillerød", "count": "42", "desc": DESC},
    {"label": "Hillerød town centre", "count": "42", "desc": DESC},
]


@pytest.mark.parametrize(
    ("accept", "expected", "check"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", check_json),
        ("application/sparql-results+xml", "application/sparql-results+xml", check_xml),
        ("text/csv", "text/csv", check_csv),
        ("text/tab-separated-values", "text/tab-separated-values", check_tsv),
        (None, "application/sparql-results+json", check_json),
        ("*/*", "application/sparql-results+json", check_json),
        ("application/json", "application/sparql-results+json", check_json),
    ],
    ids=["json", "xml", "csv", "tsv", "no-accept", "any", "json-alias"],
)
def test_select_formats(client: httpx.Client, accept: str | None, expected: str, check) -> None:  # type: ignore[no-untyped-def]
    response = get(client, SELECT, accept)
    assert media(response) == expected
    assert response.headers["x-result-rows"] == "2"
    assert check(response.content) == EXPECTED


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("*/*", "json"),
    ],
)
def test_ask_formats(client: httpx.Client, accept: str, expected: str) -> None:
    response = get(client, "ASK { ?s ?p ?o }", accept)
    if expected == "json":
        assert media(response) == "application/sparql-results+json"
        assert json.loads(response.content) == {"head": {}, "boolean": True}
    else:
        assert media(response) == "application/sparql-results+xml"
        root = ET.fromstring(response.content)
        assert root.find(f"{SR}boolean").text == "true"  # type: ignore[union-attr]


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values"])
@pytest.mark.parametrize(
    ("query", "answer"), [("ASK {}", b"true"), ("ASK { <urn:x> ?p ?o }", b"false")]
)
def test_ask_as_csv_and_tsv(client: httpx.Client, accept: str, query: str, answer: bytes) -> None:
    """SPARQL 1.1 Protocol §2.1.6 allows CSV/TSV for ASK; the body is Oxigraph's bare
    boolean (the CSV/TSV results spec defines no ASK form)."""
    response = get(client, query, accept)
    assert media(response) == accept
    assert response.content.strip() == answer


def test_ask_has_no_rdf(client: httpx.Client) -> None:
    response = get(client, "ASK {}", "text/turtle")
    assert response.status_code == 406


RDF = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
    ("application/trig", "trig"),
    ("application/n-quads", "nquads"),
]


def parse_rdf(body: bytes, rdflib_format: str) -> Graph:
    if rdflib_format in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(data=body, format=rdflib_format)
        graph = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    return Graph().parse(data=body, format=rdflib_format)


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
@pytest.mark.parametrize(("accept", "rdflib_format"), RDF, ids=[f for _, f in RDF])
def test_graph_formats(client: httpx.Client, query: str, accept: str, rdflib_format: str) -> None:
    reference = get(client, query, "application/n-triples")
    expected = Graph().parse(data=reference.content, format="nt")
    assert len(expected) > 0
    response = get(client, query, accept)
    assert media(response) == accept
    assert isomorphic(parse_rdf(response.content, rdflib_format), expected)


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_graph_default_is_turtle(client: httpx.Client, query: str) -> None:
    assert media(get(client, query, "*/*")) == "text/turtle"
    assert media(get(client, query, None)) == "text/turtle"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+xml;q=0.9, application/sparql-results+json;q=0.5", "xml"),
        ("text/*", "csv"),
        ("application/*;q=0.2, text/tab-separated-values", "tab-separated-values"),
        ("text/csv;q=0, text/*;q=0.5", "tab-separated-values"),
        ("text/html, */*;q=0.1", "sparql-results+json"),
        ("image/png, application/sparql-results+xml; q=0.3", "xml"),
    ],
    ids=["q-values", "text-wildcard", "specific-beats-wildcard", "q-zero", "browser", "mixed"],
)
def test_q_values_and_wildcards(client: httpx.Client, accept: str, expected: str) -> None:
    assert media(get(client, SELECT, accept)).endswith(expected)


def test_not_acceptable_lists_offers(client: httpx.Client) -> None:
    response = get(client, SELECT, "image/png")
    assert response.status_code == 406
    body = json.loads(response.content)["error"]
    assert body["offered"] == [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ]


def test_not_acceptable_for_graphs(client: httpx.Client) -> None:
    response = get(client, CONSTRUCT, "text/csv")
    assert response.status_code == 406
    assert "text/turtle" in json.loads(response.content)["error"]["offered"]


@pytest.mark.parametrize(
    ("name", "expected"), [("csv", "text/csv"), ("xml", "application/sparql-results+xml")]
)
def test_format_parameter_overrides_accept(client: httpx.Client, name: str, expected: str) -> None:
    response = get(client, SELECT, "application/sparql-results+json", format=name)
    assert media(response) == expected


def test_unknown_format_parameter(client: httpx.Client) -> None:
    assert get(client, SELECT, None, format="turtle").status_code == 400


def test_vary_accept(client: httpx.Client, server: Service) -> None:
    assert "Accept" in get(client, SELECT, None).headers["vary"]
