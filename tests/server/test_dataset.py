"""The dataset of a query: the union by default, `inference=false`, the protocol's
`default-graph-uri`/`named-graph-uri`, FROM / FROM NAMED, and their precedence."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.server.conftest import Service

COUNT = (
    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/pob/ontology#Partnership> }"
)


def count(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return int(json.loads(response.content)["results"]["bindings"][0]["n"]["value"])


def run(client: httpx.Client, query: str = COUNT, **params: object) -> httpx.Response:
    return client.get("/sparql", params={"query": query, **params})  # type: ignore[arg-type]


def test_default_graph_is_the_union_with_inference(client: httpx.Client) -> None:
    # two local partnerships are partnerships only through the inferred graph
    assert count(run(client)) == 3


def test_inference_false(client: httpx.Client) -> None:
    assert count(run(client, inference="false")) == 1
    assert count(run(client, inference="true")) == 3


def test_default_graph_uri_without_inferred(client: httpx.Client, server: Service) -> None:
    graphs = [server.graph("ontology"), server.graph("data")]
    assert count(run(client, **{"default-graph-uri": graphs})) == 1


def test_default_graph_uri_inferred_only(client: httpx.Client, server: Service) -> None:
    assert count(run(client, **{"default-graph-uri": server.graph("inferred")})) == 2


def test_from_clauses(client: httpx.Client, server: Service) -> None:
    query = COUNT.replace(" WHERE", f" FROM <{server.graph('data')}> WHERE")
    assert count(run(client, query)) == 1


def test_protocol_dataset_overrides_from(client: httpx.Client, server: Service) -> None:
    query = COUNT.replace(" WHERE", f" FROM <{server.graph('ontology')}> WHERE")
    assert count(run(client, query, **{"default-graph-uri": server.graph("inferred")})) == 2


def test_named_graphs_only(client: httpx.Client, server: Service) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    response = run(client, query, **{"named-graph-uri": [server.graph("data")]})
    rows = json.loads(response.content)["results"]["bindings"]
    assert [r["g"]["value"] for r in rows] == [server.graph("data")]
    # with only named graphs given, the default graph is empty
    assert count(run(client, **{"named-graph-uri": server.graph("data")})) == 0


def test_all_graphs_are_named_graphs_by_default(client: httpx.Client, server: Service) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    graphs = {
        r["g"]["value"] for r in json.loads(run(client, query).content)["results"]["bindings"]
    }
    assert {server.graph(n) for n in ("ontology", "data", "inferred", "meta")} <= graphs


@pytest.mark.parametrize(
    "extra",
    [{"default-graph-uri": "ontology"}, {"named-graph-uri": "data"}],
    ids=["default", "named"],
)
def test_inference_false_with_dataset_refused(
    client: httpx.Client, server: Service, extra: dict[str, str]
) -> None:
    params = {key: server.graph(value) for key, value in extra.items()}
    response = run(client, inference="false", **params)
    assert response.status_code == 400


def test_inference_must_be_boolean(client: httpx.Client) -> None:
    assert run(client, inference="maybe").status_code == 400


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("default-graph-uri", "", "empty"),
        ("named-graph-uri", "", "empty"),
        ("default-graph-uri", "graph/relative", "'graph/relative'"),
        ("named-graph-uri", "http://example.org/a b", "'http://example.org/a b'"),
    ],
)
def test_a_graph_name_must_be_an_absolute_iri(
    client: httpx.Client, name: str, value: str, shown: str
) -> None:
    """Found by schemathesis: an empty `default-graph-uri` was a 500. A value that is not an
    absolute IRI is a 400 naming the parameter, by GET and by POST."""
    for response in (
        run(client, **{name: value}),
        client.post("/sparql", params={name: value}, data={"query": COUNT}),
    ):
        assert response.status_code == 400, response.text
        assert f"{name} must be a graph's absolute IRI; it is {shown}" in response.text
