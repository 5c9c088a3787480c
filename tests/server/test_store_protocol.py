"""/store: the SPARQL 1.1 Graph Store HTTP Protocol, on both stores."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from tests.server.conftest import MAX_UPLOAD, TOKEN, Service

AUTH = {"Authorization": f"Bearer {TOKEN}"}
TURTLE = b"""@prefix ex: <http://example.org/> .
ex:a ex:p "one" ; ex:q [ ex:r 1 ] .
"""
MORE = b'<http://example.org/b> <http://example.org/p> "two"@en .\n'


@pytest.fixture
def graph_iri(client: httpx.Client) -> Iterator[str]:
    iri = f"http://example.org/submission/{uuid.uuid4().hex}"
    yield iri
    client.delete("/store", params={"graph": iri}, headers=AUTH)


def put(
    client: httpx.Client,
    iri: str,
    body: bytes,
    media: str = "text/turtle",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return client.put(
        "/store",
        params={"graph": iri},
        content=body,
        headers={"Content-Type": media, **(headers if headers is not None else AUTH)},
    )


def fetch(client: httpx.Client, iri: str, accept: str = "application/n-triples") -> Graph:
    response = client.get("/store", params={"graph": iri}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    fmt = {
        "application/n-triples": "nt",
        "text/turtle": "turtle",
        "application/ld+json": "json-ld",
        "application/rdf+xml": "xml",
    }[accept]
    return Graph().parse(data=response.content, format=fmt)


def test_get_curated_graph(client: httpx.Client, server: Service) -> None:
    graphs = [
        fetch(client, server.graph("data"), accept)
        for accept in (
            "application/n-triples",
            "text/turtle",
            "application/ld+json",
            "application/rdf+xml",
        )
    ]
    assert len(graphs[0]) > 10
    assert all(isomorphic(graphs[0], g) for g in graphs[1:])


def test_get_turtle_uses_prefixes(client: httpx.Client, server: Service) -> None:
    response = client.get(
        "/store", params={"graph": server.graph("data")}, headers={"Accept": "text/turtle"}
    )
    assert b"@prefix ps: <https://w3id.org/pob/id/partnership/>" in response.content
    assert b"@prefix grant:" not in response.content  # only the prefixes it uses


def test_get_default_is_the_union(client: httpx.Client, server: Service) -> None:
    response = client.get("/store?default", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    union = Graph().parse(data=response.content, format="nt")
    data = fetch(client, server.graph("data"))
    inferred = fetch(client, server.graph("inferred"))
    assert len(inferred) > 0
    for triple in [*inferred, *(t for t in data if not any(isinstance(x, BNode) for x in t))]:
        assert triple in union


def test_head_graph(client: httpx.Client, server: Service) -> None:
    response = client.head("/store", params={"graph": server.graph("data")})
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize("query", ["", "?graph=http://example.org/g&default"], ids=["none", "both"])
def test_graph_or_default_required(client: httpx.Client, query: str) -> None:
    assert client.get("/store" + query).status_code == 400


def test_unknown_graph(client: httpx.Client) -> None:
    assert client.get("/store", params={"graph": "http://example.org/nothing"}).status_code == 404


def test_put_post_delete(client: httpx.Client, server: Service, graph_iri: str) -> None:
    assert put(client, graph_iri, TURTLE).status_code == 201
    assert len(fetch(client, graph_iri)) == 3
    assert put(client, graph_iri, MORE, "application/n-triples").status_code == 204
    assert len(fetch(client, graph_iri)) == 1  # replaced
    response = client.post(
        "/store",
        params={"graph": graph_iri},
        content=TURTLE,
        headers={"Content-Type": "text/turtle", **AUTH},
    )
    assert response.status_code == 204
    assert len(fetch(client, graph_iri)) == 4  # added
    # the new graph is queryable, named and in the union
    ask = f"ASK {{ GRAPH <{graph_iri}> {{ <http://example.org/b> ?p ?o }} }}"
    assert json.loads(client.get("/sparql", params={"query": ask}).content)["boolean"] is True
    assert client.delete("/store", params={"graph": graph_iri}, headers=AUTH).status_code == 204
    assert client.get("/store", params={"graph": graph_iri}).status_code == 404
    assert client.delete("/store", params={"graph": graph_iri}, headers=AUTH).status_code == 404


def test_post_keeps_blank_nodes_apart(client: httpx.Client, graph_iri: str) -> None:
    body = b'_:x <http://example.org/p> "1" .'
    for status in (201, 204):
        response = client.post(
            "/store",
            params={"graph": graph_iri},
            content=body,
            headers={"Content-Type": "application/n-triples", **AUTH},
        )
        assert response.status_code == status
    assert len(fetch(client, graph_iri)) == 2


@pytest.mark.parametrize(
    ("media", "body"),
    [
        ("application/ld+json", b'{"@id": "http://example.org/a", "http://example.org/p": "x"}'),
        (
            "application/rdf+xml",
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a">'
            b"<ex:p>x</ex:p></rdf:Description></rdf:RDF>",
        ),
    ],
    ids=["json-ld", "rdf-xml"],
)
def test_put_other_formats(client: httpx.Client, graph_iri: str, media: str, body: bytes) -> None:
    assert put(client, graph_iri, body, media).status_code == 201
    assert len(fetch(client, graph_iri)) == 1


def test_write_needs_token(client: httpx.Client, graph_iri: str) -> None:
    response = put(client, graph_iri, TURTLE, headers={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    wrong = put(client, graph_iri, TURTLE, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert client.delete("/store", params={"graph": graph_iri}).status_code == 401
    assert client.get("/store", params={"graph": graph_iri}).status_code == 404  # nothing written


@pytest.mark.parametrize("name", ["ontology", "data", "inferred", "meta"])
def test_curated_graphs_protected(client: httpx.Client, server: Service, name: str) -> None:
    before = fetch(client, server.graph(name))
    assert put(client, server.graph(name), MORE, "application/n-triples").status_code == 403
    assert (
        client.delete("/store", params={"graph": server.graph(name)}, headers=AUTH).status_code
        == 403
    )
    assert isomorphic(fetch(client, server.graph(name)), before)


def test_default_graph_not_writable(client: httpx.Client) -> None:
    response = client.put(
        "/store?default", content=MORE, headers={"Content-Type": "application/n-triples", **AUTH}
    )
    assert response.status_code == 403


def test_bad_rdf_names_format_line_column_and_writes_nothing(
    client: httpx.Client, graph_iri: str
) -> None:
    assert put(client, graph_iri, TURTLE).status_code == 201
    response = put(
        client, graph_iri, b'@prefix ex: <http://example.org/> .\nex:a ex:p "x" ;\n  ex:q .\n'
    )
    assert response.status_code == 400
    error = json.loads(response.content)["error"]
    assert "text/turtle" in error["detail"]
    assert error["where"]["line"] == 3 and error["where"]["column"] >= 1
    assert len(fetch(client, graph_iri)) == 3  # the previous content is untouched


@pytest.mark.parametrize(
    "media", ["text/csv", "application/trig", None], ids=["csv", "trig", "none"]
)
def test_unsupported_body_type(client: httpx.Client, graph_iri: str, media: str | None) -> None:
    headers = {**AUTH, **({"Content-Type": media} if media else {})}
    response = client.put("/store", params={"graph": graph_iri}, content=TURTLE, headers=headers)
    assert response.status_code == 415


def test_upload_size_limit(client: httpx.Client, graph_iri: str) -> None:
    line = b'<http://example.org/a> <http://example.org/p> "' + b"x" * 100 + b'" .\n'
    body = line * (MAX_UPLOAD // len(line) + 1)
    assert put(client, graph_iri, body, "application/n-triples").status_code == 413
    assert client.get("/store", params={"graph": graph_iri}).status_code == 404


def test_graph_must_be_an_iri(client: httpx.Client) -> None:
    assert put(client, "not an iri", TURTLE).status_code == 400


@pytest.mark.parametrize(
    "name",
    ["submission/s1", "submission/not-an-id!", "anything", "meta/extra", ""],
    ids=["submission", "bad-id", "other", "below-meta", "namespace"],
)
@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_the_graph_namespace_is_refused(
    client: httpx.Client, server: Service, name: str, method: str
) -> None:
    """No client write under {base}graph/: a submission goes through /api/datasets."""
    iri = server.graph(name)
    response = client.request(
        method,
        "/store",
        params={"graph": iri},
        content=MORE if method != "DELETE" else None,
        headers={**AUTH, "Content-Type": "application/n-triples"},
    )
    assert response.status_code == 403, response.text
    error = json.loads(response.content)["error"]
    assert error["title"] == "Graph is reserved"
    assert f"<{iri}>" in error["detail"]
    assert "POST /api/datasets" in error["detail"]
    assert "DELETE /api/datasets/{id}" in error["detail"]
    assert client.get("/store", params={"graph": iri}).status_code == 404  # nothing written


def test_the_graph_namespace_is_refused_in_any_case(client: httpx.Client) -> None:
    iri = "HTTPS://W3ID.ORG/POB/GRAPH/submission/s2"
    assert put(client, iri, MORE, "application/n-triples").status_code == 403
    assert client.get("/store", params={"graph": iri}).status_code == 404
