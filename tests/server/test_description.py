"""GET /sparql without a query: the SPARQL 1.1 Service Description (or a page for browsers)."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from tests.server.conftest import Service

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("*/*", "turtle"),
    ],
)
def test_service_description(
    client: httpx.Client, server: Service, accept: str, rdflib_format: str
) -> None:
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format=rdflib_format)
    endpoint = URIRef(server.url + "/sparql")
    assert (endpoint, RDF.type, SD.Service) in graph
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) in graph
    formats = set(graph.objects(endpoint, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.Turtle} <= formats
    dataset = graph.value(endpoint, SD.defaultDataset)
    names = {graph.value(n, SD.name) for n in graph.objects(dataset, SD.namedGraph)}
    assert {URIRef(server.graph(n)) for n in ("ontology", "data", "inferred", "meta")} <= names
    sizes = [
        int(graph.value(graph.value(n, SD.graph), VOID.triples))
        for n in graph.objects(dataset, SD.namedGraph)
    ]
    assert all(size >= 0 for size in sizes) and sum(sizes) > 0


def test_browser_gets_a_page(client: httpx.Client) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text.lower()  # the query UI (server/ui.py) is tested on its own


def test_head_description(client: httpx.Client) -> None:
    response = client.head("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) > 0


def test_description_not_acceptable(client: httpx.Client) -> None:
    assert client.get("/sparql", headers={"Accept": "image/png"}).status_code == 406


def test_description_says_unknown_graphs_are_empty(client: httpx.Client, server: Service) -> None:
    """Graphs the store does not hold are empty, never fetched: said in both languages, and
    the service does not claim sd:DereferencesURIs."""
    graph = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).content)
    endpoint = URIRef(server.url + "/sparql")
    comments = {c.language: str(c) for c in graph.objects(endpoint, RDFS.comment)}
    assert set(comments) == {"da", "en"}
    assert "empty graph: nothing is ever fetched" in comments["en"]
    assert "tom graf: intet hentes nogensinde" in comments["da"]
    assert (endpoint, SD.feature, SD.DereferencesURIs) not in graph
