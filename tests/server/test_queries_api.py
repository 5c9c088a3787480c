"""/api/queries: the named queries (here the fixture folder tests/server/fixtures/queries)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Graph, URIRef

from tests.conftest import FIXTURES

NAMES = sorted(p.stem for p in (FIXTURES / "queries").glob("*.rq"))


def test_fixture_queries_found() -> None:
    assert NAMES == ["describe-partnership", "larger-than", "partnerships"]


def test_list(client: httpx.Client) -> None:
    response = client.get("/api/queries")
    assert response.status_code == 200
    listed = {q["name"]: q for q in response.json()["queries"]}
    assert sorted(listed) == NAMES
    larger = listed["larger-than"]
    assert larger["title"] == {
        "da": "Partnerskaber med mindst et antal medlemmer",
        "en": "Partnerships with at least a number of members",
    }
    assert larger["path"] == "/api/queries/larger-than"
    assert [(p["name"], p["type"], p["required"]) for p in larger["params"]] == [
        ("members", "integer", True),
        ("municipality", "iri", False),
    ]


def rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    doc = json.loads(response.content)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def test_run_with_default(client: httpx.Client) -> None:
    labels = [r["label"] for r in rows(client.get("/api/queries/partnerships"))]
    assert labels == ["Bymidte Hillerød", "Handelsby Aarhus", "Netværket"]


def test_run_with_parameter(client: httpx.Client) -> None:
    labels = [r["label"] for r in rows(client.get("/api/queries/partnerships?lang=en"))]
    assert labels == ["Hillerød town centre"]


def test_typed_parameters(client: httpx.Client) -> None:
    found = rows(client.get("/api/queries/larger-than", params={"members": "10"}))
    assert [r["partnership"] for r in found] == [
        "https://w3id.org/pob/id/partnership/bymidte-hilleroed"
    ]
    aarhus = "https://w3id.org/pob/id/municipality/aarhus"
    found = rows(
        client.get("/api/queries/larger-than", params={"members": "1", "municipality": aarhus})
    )
    assert [r["count"] for r in found] == ["7"]


def test_inference_false(client: httpx.Client) -> None:
    labels = rows(client.get("/api/queries/partnerships?inference=false"))
    assert [r["label"] for r in labels] == ["Netværket"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({}, "members"),
        ({"members": "ten"}, "members"),
        ({"members": "1", "municipality": "not an iri"}, "municipality"),
        ({"members": "1", "colour": "red"}, "colour"),
        ({"members": "1) } ; DROP ALL #"}, "members"),
    ],
    ids=["missing", "not-integer", "not-iri", "unknown", "injection"],
)
def test_bad_parameter_named(client: httpx.Client, params: dict[str, str], name: str) -> None:
    response = client.get("/api/queries/larger-than", params=params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["parameter"] == name
    assert name in error["detail"]


def test_injection_in_a_string_stays_a_value(client: httpx.Client) -> None:
    response = client.get("/api/queries/partnerships", params={"lang": 'da") } #'})
    assert response.status_code == 400
    assert response.json()["error"]["parameter"] == "lang"


@pytest.mark.parametrize(
    ("how", "media"),
    [
        ({"params": {"format": "csv"}}, "text/csv"),
        ({"params": {"format": "tsv"}}, "text/tab-separated-values"),
        (
            {"headers": {"Accept": "application/sparql-results+xml"}},
            "application/sparql-results+xml",
        ),
        ({"headers": {"Accept": "text/csv"}}, "text/csv"),
    ],
    ids=["format-csv", "format-tsv", "accept-xml", "accept-csv"],
)
def test_formats(client: httpx.Client, how: dict[str, dict[str, str]], media: str) -> None:
    response = client.get("/api/queries/partnerships", **how)  # type: ignore[arg-type]
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    text = response.content.decode()
    if media == "text/csv":
        header, *lines = list(csv.reader(io.StringIO(text, newline="")))
        assert header == ["partnership", "label"] and len(lines) == 3
    elif media.endswith("xml"):
        results = ET.fromstring(response.content).iter(
            "{http://www.w3.org/2005/sparql-results#}result"
        )
        assert len(list(results)) == 3
    else:
        assert text.splitlines()[0] == "?partnership\t?label"


def test_construct_query(client: httpx.Client) -> None:
    response = client.get("/api/queries/describe-partnership", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    subject = URIRef("https://w3id.org/pob/id/partnership/bymidte-hilleroed")
    assert set(graph.subjects()) == {subject}


def test_unknown_query(client: httpx.Client) -> None:
    response = client.get("/api/queries/no-such-query")
    assert response.status_code == 404
    assert "no-such-query" in response.json()["error"]["detail"]


def test_openapi_mentions_every_query(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    for name in NAMES:
        assert f"/api/queries/{name}" in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/api/queries/larger-than"]["get"]["parameters"]}
    assert {"members", "municipality", "format", "inference"} <= params
    assert "/sparql" in spec["paths"] and "/store" in spec["paths"]


def test_docs_page(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 200
