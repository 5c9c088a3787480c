"""The clients people use, unchanged, against the real server (both stores).

* SPARQLWrapper in its default mode (it sends `format`, `output` and `results`, some twice,
  with names such as `xml`, `n3`, `rdf+xml`, `json-ld`) and with `setOnlyConneg(True)`
  (only `Accept`), for every return format it offers × SELECT / ASK / CONSTRUCT / DESCRIBE;
* rdflib's `SPARQLStore` (GET, POST, form POST; SELECT in each results format it reads);
* one client from another ecosystem: Comunica (`@comunica/query-sparql`, run by node).

Every answer is checked by converting it the way the client does (SPARQLWrapper's
`convert()`: a dict, a DOM, bytes, an rdflib graph) and comparing it with the endpoint's own
plain-protocol answer (SPARQL JSON, N-Triples) read by an independent parser: the same
rows, the same boolean, an isomorphic graph. A format that does not fit the query form
(Turtle for a SELECT, CSV for a CONSTRUCT) is refused with a 400 naming it when the client
says so in a parameter, and answered in the form's default format when the client only
sends `Accept: */*` (what SPARQLWrapper sends then).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import warnings
from typing import Any
from xml.dom.minidom import Document

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper import Wrapper as wrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from tests.conftest import ROOT
from tests.server.conftest import Service

PREFIXES = """PREFIX pob: <https://w3id.org/pob/ontology#>
PREFIX ps: <https://w3id.org/pob/id/partnership/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
"""
QUERIES = {
    # language tags, an integer, a literal with a newline, quotes and a tab, unbound cells
    "SELECT": PREFIXES
    + "SELECT ?p ?label ?count ?desc WHERE { ?p a pob:LocalPartnership ; rdfs:label ?label . "
    "OPTIONAL { ?p pob:memberCount ?count } OPTIONAL { ?p dct:description ?desc } }",
    "ASK": PREFIXES + "ASK { ps:netvaerket rdfs:label ?l }",
    # a blank node in the result
    "CONSTRUCT": PREFIXES
    + "CONSTRUCT { ?p rdfs:label ?l ; dct:relation ?b . ?b rdfs:label ?bl } WHERE { "
    "?p rdfs:label ?l . OPTIONAL { ?p dct:relation ?b . ?b rdfs:label ?bl } }",
    "DESCRIBE": PREFIXES + "DESCRIBE ps:netvaerket",
}
RESULT_FORMS = ("SELECT", "ASK")
#: every return format the installed SPARQLWrapper offers (its own list)
WRAPPER_FORMATS: list[str] = list(wrapper._allowedFormats)
#: the formats that fit each family (the others are refused when named in a parameter)
FITS = {
    "results": {"json", "xml", "csv", "tsv"},
    "rdf": {"json", "xml", "turtle", "n3", "rdf", "rdf+xml", "json-ld"},
}
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


def test_every_wrapper_format_is_tested() -> None:
    assert sorted(WRAPPER_FORMATS) == sorted(FITS["results"] | FITS["rdf"])
    assert len(WRAPPER_FORMATS) == 9


# -- the reference: the endpoint's plain answer, read by independent parsers ---------------


Row = frozenset[tuple[str, str]]


def reference(server: Service, form: str) -> Any:
    """Rows (SELECT), a boolean (ASK) or a graph (CONSTRUCT/DESCRIBE) from a plain request."""
    rdf = form not in RESULT_FORMS
    accept = "application/n-triples" if rdf else "application/sparql-results+json"
    response = server.client.get(
        "/sparql", params={"query": QUERIES[form]}, headers={"Accept": accept}
    )
    assert response.status_code == 200, response.text
    if rdf:
        graph = Graph().parse(data=response.content, format="nt")
        assert len(graph) > 0
        return graph
    doc = json.loads(response.content)
    if form == "ASK":
        return doc["boolean"]
    rows = sorted_rows({(k, v["value"]) for k, v in b.items()} for b in doc["results"]["bindings"])
    assert len(rows) >= 2 and any("\n" in value for row in rows for _, value in row)
    return rows


def sorted_rows(rows: Any) -> list[Row]:
    return sorted((frozenset(row) for row in rows), key=sorted)


def rows_of(converted: Any, media_type: str) -> list[Row]:
    """The rows of a converted SELECT result, as (variable, value) pairs of bound cells."""
    if isinstance(converted, dict):
        bindings = converted["results"]["bindings"]
        return sorted_rows({(k, v["value"]) for k, v in b.items()} for b in bindings)
    if isinstance(converted, Document):
        rows = []
        for result in converted.getElementsByTagName("result"):
            row = set()
            for binding in result.getElementsByTagName("binding"):
                term = next(n for n in binding.childNodes if n.nodeType == n.ELEMENT_NODE)
                text = "".join(c.data for c in term.childNodes if c.nodeType == c.TEXT_NODE)
                row.add((binding.getAttribute("name"), text))
            rows.append(row)
        return sorted_rows(rows)
    assert isinstance(converted, bytes), type(converted)
    if media_type == "text/csv":  # values as text; empty = unbound (the data has no "")
        reader = csv.DictReader(io.StringIO(converted.decode("utf-8")))
        return sorted_rows({(k, v) for k, v in r.items() if v} for r in reader)
    result = Result.parse(io.BytesIO(converted), format="tsv")
    assert result.vars is not None
    return sorted_rows(
        {(str(var), str(row[var])) for var in result.vars if row[var] is not None} for row in result
    )


def boolean_of(converted: Any) -> bool:
    if isinstance(converted, dict):
        return bool(converted["boolean"])
    if isinstance(converted, Document):
        return converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert isinstance(converted, bytes)
    assert converted.strip() in (b"true", b"false")
    return converted.strip() == b"true"


def graph_of(converted: Any, media_type: str) -> Graph:
    if isinstance(converted, Graph):  # SPARQLWrapper gives a ConjunctiveGraph
        graph = Graph()
        for triple in converted.triples((None, None, None)):
            graph.add(triple)
        return graph
    assert isinstance(converted, bytes), type(converted)
    return Graph().parse(data=converted, format=RDFLIB_FORMATS[media_type])


def check(server: Service, form: str, converted: Any, media_type: str) -> None:
    expected = reference(server, form)
    if form == "SELECT":
        assert rows_of(converted, media_type) == expected
    elif form == "ASK":
        assert boolean_of(converted) is expected is True
    else:
        assert isomorphic(graph_of(converted, media_type), expected)


# -- SPARQLWrapper ---------------------------------------------------------------------------


def wrapper_for(server: Service, form: str, fmt: str, conneg: bool) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setOnlyConneg(conneg)
    client.setQuery(QUERIES[form])
    client.setReturnFormat(fmt)
    return client


def run(client: SPARQLWrapper) -> tuple[Any, str]:
    """The converted result and its media type (SPARQLWrapper's warnings about formats that
    do not fit the query form are its own business)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = client.query()
        media_type = result.info()["content-type"].split(";")[0]
        return result.convert(), media_type


CASES = [
    pytest.param(mode, form, fmt, id=f"{mode}-{form}-{fmt}")
    for mode in ("default", "conneg")
    for form in QUERIES
    for fmt in WRAPPER_FORMATS
]


def test_case_count() -> None:
    assert len(CASES) == 2 * 4 * 9


@pytest.mark.parametrize(("mode", "form", "fmt"), CASES)
def test_sparqlwrapper(server: Service, mode: str, form: str, fmt: str) -> None:
    client = wrapper_for(server, form, fmt, conneg=mode == "conneg")
    fits = fmt in FITS["results" if form in RESULT_FORMS else "rdf"]
    if mode == "default" and not fits:
        # the client names a format this query form does not have: a clear 400
        with pytest.raises(QueryBadFormed) as raised:
            run(client)
        message = str(raised.value)
        assert "is not offered for this result" in message and f"format \\'{fmt}\\'" in message
        return
    converted, media_type = run(client)
    # with only conneg, SPARQLWrapper has no media type for some formats (`json`, `rdf` for
    # CONSTRUCT) and sends `Accept: */*`
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        named = fits and (mode == "default" or client._getAcceptHeader() != "*/*")
    if named:  # the format asked for (`xml`: SPARQL XML or RDF/XML, by the query form)
        assert media_type in wrapper_media_types(form, fmt), media_type
    else:  # only `Accept: */*` was sent: the form's default
        assert media_type == (
            "application/sparql-results+json" if form in RESULT_FORMS else "text/turtle"
        )
    check(server, form, converted, media_type)


def wrapper_media_types(form: str, fmt: str) -> set[str]:
    """What SPARQLWrapper accepts as an answer to `fmt` (its own lists)."""
    if form in RESULT_FORMS:
        return {
            "json": set(wrapper._SPARQL_JSON),
            "xml": set(wrapper._SPARQL_XML),
            "csv": set(wrapper._CSV),
            "tsv": set(wrapper._TSV),
        }[fmt]
    return {
        "json": set(wrapper._RDF_JSONLD),
        "json-ld": set(wrapper._RDF_JSONLD),
        "xml": set(wrapper._RDF_XML),
        "rdf": set(wrapper._RDF_XML),
        "rdf+xml": set(wrapper._RDF_XML),
        "turtle": set(wrapper._RDF_TURTLE),
        "n3": set(wrapper._RDF_N3),
    }[fmt]


@pytest.mark.parametrize("request_method", ["urlencoded", POSTDIRECTLY])
def test_sparqlwrapper_post_construct_as_xml(server: Service, request_method: str) -> None:
    """CONSTRUCT as XML, posted: the usual way to get an rdflib graph through SPARQLWrapper."""
    client = wrapper_for(server, "CONSTRUCT", "xml", conneg=False)
    client.setMethod(POST)
    client.setRequestMethod(request_method)
    converted, media_type = run(client)
    assert media_type == "application/rdf+xml"
    check(server, "CONSTRUCT", converted, media_type)


def test_sparqlwrapper_dataset(server: Service) -> None:
    """`addDefaultGraph` is the protocol's default-graph-uri; a graph not in the store is
    empty."""
    query = "ASK { ?s ?p ?o }"
    for graph, expected in ((server.graph("data"), True), ("http://example.org/none", False)):
        client = SPARQLWrapper(server.url + "/sparql", returnFormat="json")
        client.setQuery(query)
        client.addDefaultGraph(graph)
        converted, _ = run(client)
        assert converted["boolean"] is expected


# -- rdflib's SPARQLStore ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("return_format", ["xml", "json", "csv", "tsv"])
def test_sparqlstore_select(server: Service, method: str, return_format: str) -> None:
    store = SPARQLStore(server.url + "/sparql", method=method, returnFormat=return_format)
    result = Graph(store=store).query(QUERIES["SELECT"])
    rows = sorted_rows(
        {(str(var), str(row[var])) for var in result.vars or () if row[var] is not None}
        for row in result
    )
    assert rows == reference(server, "SELECT")


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("form", ["ASK", "CONSTRUCT", "DESCRIBE"])
def test_sparqlstore_other_forms(server: Service, method: str, form: str) -> None:
    store = SPARQLStore(server.url + "/sparql", method=method)
    result = Graph(store=store).query(QUERIES[form])
    if form == "ASK":
        assert result.askAnswer is reference(server, "ASK") is True
    else:
        assert result.graph is not None
        assert isomorphic(result.graph, reference(server, form))


def test_sparqlstore_as_a_graph(server: Service) -> None:
    """rdflib writes its own queries for `triples()` and `len()`; a graph's identifier becomes
    default-graph-uri."""
    store = SPARQLStore(server.url + "/sparql")
    subject = URIRef("https://w3id.org/pob/id/partnership/netvaerket")
    found, expected = Graph(), Graph()
    for triple in Graph(store=store).triples((subject, None, None)):
        found.add(triple)
    for triple in reference(server, "DESCRIBE").triples((subject, None, None)):
        expected.add(triple)
    assert len(found) > 0 and isomorphic(found, expected)
    data = Graph(store=store, identifier=URIRef(server.graph("data")))
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    plain = server.client.get(
        "/sparql", params={"query": count, "default-graph-uri": server.graph("data")}
    )
    expected_count = int(json.loads(plain.content)["results"]["bindings"][0]["n"]["value"])
    assert expected_count > 0
    assert len(data) == expected_count


# -- Comunica (node) -------------------------------------------------------------------------

COMUNICA = ROOT / "node_modules" / ".bin" / "comunica-sparql"


def comunica(server: Service, query: str, media_type: str) -> bytes:
    node = shutil.which("node")
    assert node, "node is not installed (the README's prerequisites)"
    assert COMUNICA.is_file(), f"{COMUNICA} is missing: run `make deps-js` (npm ci)"
    done = subprocess.run(
        [node, str(COMUNICA), f"sparql@{server.url}/sparql", "-t", media_type, query],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout


@pytest.mark.parametrize("form", list(QUERIES))
def test_comunica(server: Service, form: str) -> None:
    if form in RESULT_FORMS:
        doc = json.loads(comunica(server, QUERIES[form], "application/sparql-results+json"))
        converted: Any = doc
        if form == "SELECT":  # Comunica's own JSON writer drops language tags: compare values
            converted = {"results": {"bindings": doc["results"]["bindings"]}}
        check(server, form, converted, "application/sparql-results+json")
    else:
        body = comunica(server, QUERIES[form], "application/n-triples")
        check(server, form, body, "application/n-triples")


# -- what the parameters mean, at the HTTP level -------------------------------------------


def get(server: Service, form: str, *params: tuple[str, str]) -> httpx.Response:
    return server.client.get("/sparql", params=[("query", QUERIES[form]), *params])


@pytest.mark.parametrize(
    ("form", "params", "expected"),
    [
        ("SELECT", [("output", "xml")], "application/sparql-results+xml"),
        ("SELECT", [("results", "csv")], "text/csv"),
        (
            "ASK",
            [("format", "tsv"), ("format", "text/tab-separated-values")],
            "text/tab-separated-values",
        ),
        ("CONSTRUCT", [("format", "xml")], "application/rdf+xml"),
        ("CONSTRUCT", [("output", "json")], "application/ld+json"),
        ("CONSTRUCT", [("format", "n3")], "text/turtle"),
        (
            "DESCRIBE",
            [("format", "rdf+xml"), ("format", "application/rdf+xml")],
            "application/rdf+xml",
        ),
        (
            "DESCRIBE",
            [("format", "json-ld"), ("format", "application/ld+json,application/x-json+ld")],
            "application/ld+json",
        ),
        ("CONSTRUCT", [("format", "N-Triples")], "application/n-triples"),
        # repeated with different values: the first that fits decides, `format` first
        (
            "SELECT",
            [("results", "csv"), ("format", "xml"), ("format", "json")],
            "application/sparql-results+xml",
        ),
        ("SELECT", [("format", "turtle"), ("output", "tsv")], "text/tab-separated-values"),
        ("SELECT", [("format", ""), ("output", "csv")], "text/csv"),
        ("CONSTRUCT", [("format", "bogus"), ("output", "nt")], "application/n-triples"),
    ],
    ids=lambda v: "-".join(f"{k}={x}" for k, x in v) if isinstance(v, list) else None,
)
def test_format_parameters(
    server: Service, form: str, params: list[tuple[str, str]], expected: str
) -> None:
    response = get(server, form, *params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize(
    ("form", "params", "status", "says"),
    [
        ("SELECT", [("format", "turtle")], 400, "'turtle' is not offered for this result"),
        ("CONSTRUCT", [("output", "csv")], 400, "'csv' is not offered for this result"),
        ("SELECT", [("format", "jsn")], 400, "'jsn' is not a format name"),
        ("SELECT", [("format", "jsn"), ("results", "turtle")], 400, "'jsn'"),
        ("SELECT", [("format", "image/png")], 406, "none of the offered media types"),
    ],
    ids=["rdf-for-select", "csv-for-construct", "unknown", "none-fits", "media-type"],
)
def test_format_parameters_refused(
    server: Service, form: str, params: list[tuple[str, str]], status: int, says: str
) -> None:
    response = get(server, form, *params)
    assert response.status_code == status, response.text
    assert says in json.loads(response.content)["error"]["detail"]


#: Apache Jena's default `Accept` headers (`org.apache.jena.riot.WebContent`: what
#: `QueryExecutionHTTP` / `RDFConnection` send; Jena itself is not run here)
JENA_ACCEPT = {
    "SELECT": "application/sparql-results+json,application/sparql-results+xml;q=0.9,"
    "text/tab-separated-values;q=0.7,text/csv;q=0.5,application/json;q=0.2,"
    "application/xml;q=0.2,*/*;q=0.1",
    "ASK": "application/sparql-results+json,application/sparql-results+xml;q=0.9,"
    "application/json;q=0.2,application/xml;q=0.2,*/*;q=0.1",
    "CONSTRUCT": "text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,"
    "application/rdf+xml;q=0.7,*/*;q=0.3",
    "DESCRIBE": "text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,"
    "application/rdf+xml;q=0.7,*/*;q=0.3",
}


@pytest.mark.parametrize("form", list(JENA_ACCEPT))
def test_jena_accept_headers(server: Service, form: str) -> None:
    response = server.client.get(
        "/sparql", params={"query": QUERIES[form]}, headers={"Accept": JENA_ACCEPT[form]}
    )
    assert response.status_code == 200, response.text
    media_type = response.headers["content-type"].split(";")[0]
    expected = "application/sparql-results+json" if form in RESULT_FORMS else "text/turtle"
    assert media_type == expected
    converted = json.loads(response.content) if form in RESULT_FORMS else response.content
    check(server, form, converted, media_type)
