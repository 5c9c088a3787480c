"""One smoke test on the real sources: build the store from ontology/ and data/ttl/, serve
it, and run every named query of queries/ (counts are not hard-coded: the data changes)."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from pob.graph.sources import QUERIES_DIR
from pob.sparql.named import load_queries
from tests.conftest import Process

QUERIES = load_queries(QUERIES_DIR)


@pytest.fixture(scope="module")
def real(live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory) -> Process:
    settings = {"data_dir": str(tmp_path_factory.mktemp("real-store")), "workers": 2}
    return live_server(settings, wait=300)


def test_real_build_answers(real: Process) -> None:
    query = (
        "SELECT (COUNT(DISTINCT ?p) AS ?all) (COUNT(DISTINCT ?l) AS ?local) WHERE { "
        "?p a <https://w3id.org/pob/ontology#Partnership> . OPTIONAL { ?l a "
        "<https://w3id.org/pob/ontology#LocalPartnership> } }"
    )
    response = httpx.get(real.url + "/sparql", params={"query": query})
    row = json.loads(response.content)["results"]["bindings"][0]
    assert int(row["all"]["value"]) > 0
    for name in ("ontology", "data", "inferred", "meta"):
        graph = f"https://w3id.org/pob/graph/{name}"
        count = f"SELECT (COUNT(*) AS ?n) FROM <{graph}> {{ ?s ?p ?o }}"
        doc = httpx.get(real.url + "/sparql", params={"query": count}).json()
        assert int(doc["results"]["bindings"][0]["n"]["value"]) > 0, name


def test_every_named_query_runs(real: Process) -> None:
    assert len(QUERIES) > 0
    listed = httpx.get(real.url + "/api/queries").json()["queries"]
    assert sorted(q["name"] for q in listed) == sorted(QUERIES)
    for name, query in QUERIES.items():
        response = httpx.get(real.url + f"/api/queries/{name}", timeout=30)
        required = [p.name for p in query.params if p.default is None]
        if required:
            assert response.status_code == 400, name
            assert response.json()["error"]["parameter"] == required[0]
        else:
            assert response.status_code == 200, (name, response.text)


def test_openapi_lists_real_queries(real: Process) -> None:
    paths = httpx.get(real.url + "/openapi.json").json()["paths"]
    assert all(f"/api/queries/{name}" in paths for name in QUERIES)
