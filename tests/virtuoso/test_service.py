"""The service end to end on Virtuoso open source: `pob serve --store …/sparql`.

One Virtuoso (engines/virtuoso.py) and one `pob serve --store http://127.0.0.1:PORT/sparql`
process (credentials in POB_STORE_USER / POB_STORE_PASSWORD) on the real curated sources.
Every named query gives its expected answer (tests/queries/expected, the same cases as
tests/queries/test_expected.py); a linked-data page, the catalog, a submission and its
withdrawal work; the answers are the engine's, not a fork of the expected ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, RDF

from engines.virtuoso import Virtuoso
from tests.conftest import ROOT, Process, _wait, free_port
from tests.queries.test_expected import CASES, assert_rows
from tests.submissions.conftest import EXAMPLES_DIR, sources_dataset, warned_dataset

pytestmark = pytest.mark.remote
POB = Path(sys.executable).parent / "pob"
TOKEN = "s3cret-virtuoso"
BASE = "https://w3id.org/pob/"
VIRTRDF = "http://www.openlinksw.com/schemas/virtrdf#"


@pytest.fixture(scope="module")
def service(
    virtuoso: Callable[[], Virtuoso], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[httpx.Client, Virtuoso]]:
    engine = virtuoso()
    folder = tmp_path_factory.mktemp("pob-on-virtuoso")
    port = free_port()
    env = {
        **os.environ,
        "POB_STORE_USER": engine.user,
        "POB_STORE_PASSWORD": engine.password,
        "POB_SUBMIT_TOKEN": f"alice:{TOKEN}",
        "POB_DUMPS_DIR": str(folder / "dumps"),
        "POB_QUERY_TIMEOUT": "20",
        "PYTHONUNBUFFERED": "1",
    }
    log = folder / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(POB), "serve", "--store", engine.url, "--port", str(port), "--no-access-log"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = Process(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait(server.url + "/sparql?query=ASK%7B%7D", process, log, 600)
        with httpx.Client(base_url=server.url, timeout=120) as client:
            yield client, engine
    finally:
        server.stop()


def _value(binding: dict[str, str]) -> str:
    return binding["value"]


@pytest.mark.parametrize(("name", "index", "case"), CASES, ids=[f"{n}[{i}]" for n, i, _ in CASES])
def test_named_query_on_virtuoso(
    service: tuple[httpx.Client, Virtuoso], name: str, index: int, case: dict[str, Any]
) -> None:
    client, _ = service
    params = {**case.get("params", {}), "inference": str(case.get("inference", True)).lower()}
    response = client.get(
        f"/api/queries/{name}", params=params, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    if "boolean" in body:
        assert body["boolean"] is case["boolean"]
        return
    rows = [{k: _value(v) for k, v in b.items()} for b in body["results"]["bindings"]]
    assert_rows(rows, case)


def test_the_cases_were_collected() -> None:
    assert len(CASES) >= 12


def test_linked_data_page_and_rdf(service: tuple[httpx.Client, Virtuoso]) -> None:
    client, _ = service
    page = client.get("/id/municipality/varde", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    assert "Varde" in page.text
    turtle = client.get("/id/municipality/varde", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert len(graph) > 3
    assert any("varde" in str(s) for s in graph.subjects())


def test_catalog(service: tuple[httpx.Client, Virtuoso]) -> None:
    client, _ = service
    response = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.text, format="turtle")
    assert list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) >= 1


def test_submission_written_in_one_update(service: tuple[httpx.Client, Virtuoso]) -> None:
    client, engine = service
    good = EXAMPLES_DIR / "good-platssamverkan-gamlestaden.ttl"
    body = good.read_bytes().replace(
        b"Gamlestaden place", f"Gamlestaden {uuid.uuid4().hex[:6]}".encode()
    )
    response = client.post(
        "/api/datasets",
        content=body,
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 201, response.text
    record = response.json()
    graph = record["graph"]
    assert graph == f"{BASE}graph/submission/{record['id']}"
    assert graph in engine.graphs()  # in the engine itself
    listed = client.get("/api/datasets").json()
    assert record["id"] in json.dumps(listed)
    stored = client.get("/store", params={"graph": graph}, headers={"Accept": "text/turtle"})
    assert stored.status_code == 200
    assert len(Graph().parse(data=stored.text, format="turtle")) == record["triples"]
    # the union default graph holds it, Virtuoso's own graphs do not show
    count = client.get(
        "/sparql",
        params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{VIRTRDF}QuadMap> }}"},
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    assert count["results"]["bindings"][0]["n"]["value"] == "0"
    again = client.post(
        "/api/datasets",
        content=body,
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
    )
    assert again.status_code == 200 and again.json()["created"] is False


def test_a_dataset_names_only_our_graphs(service: tuple[httpx.Client, Virtuoso]) -> None:
    """A graph a client names that is not ours (Virtuoso's own schema graph) is an empty
    graph, by FROM, FROM NAMED or the protocol's parameters; our graphs read as named.
    (Virtuoso itself reads its own graphs, and merges FROM with `default-graph-uri`.)"""
    client, _ = service

    def count(query: str, **params: str) -> int:
        answer = client.get(
            "/sparql",
            params={"query": query, **params},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert answer.status_code == 200, answer.text
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])

    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    graph = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(f"SELECT (COUNT(*) AS ?n) FROM <{VIRTRDF}> WHERE {{ ?s ?p ?o }}") == 0
    assert (
        count(f"SELECT (COUNT(*) AS ?n) FROM NAMED <{VIRTRDF}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
        == 0
    )
    assert count(everything, **{"default-graph-uri": VIRTRDF}) == 0
    assert count(graph, **{"named-graph-uri": VIRTRDF}) == 0
    data = f"{BASE}graph/data"
    in_data = count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{data}> {{ ?s ?p ?o }} }}")
    assert in_data > 1_000
    assert count(f"SELECT (COUNT(*) AS ?n) FROM <{data}> WHERE {{ ?s ?p ?o }}") == in_data
    # FROM and the parameters: the parameters win (SPARQL 1.1 Protocol 2.1.4), not a merge
    both = f"SELECT (COUNT(*) AS ?n) FROM <{data}> WHERE {{ ?s ?p ?o }}"
    assert count(both, **{"default-graph-uri": VIRTRDF}) == 0


def test_a_large_submission(service: tuple[httpx.Client, Virtuoso]) -> None:
    """Past the ~1,000 triples Virtuoso's update compiler takes in one INSERT: staged
    through the Graph Store and copied in one update (pob.store.staging)."""
    client, engine = service
    response = client.post(
        "/api/datasets",
        content=sources_dataset(1_500),
        headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["triples"] == 4_500
    stored = client.get(
        "/store", params={"graph": record["graph"]}, headers={"Accept": "application/n-triples"}
    )
    assert stored.status_code == 200
    assert len(Graph().parse(data=stored.text, format="nt")) == 4_500
    assert not [g for g in engine.graphs() if g.startswith(f"{BASE}graph/staging/")]


def _until(check: Callable[[], bool], what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.2)


def test_withdrawal_on_virtuoso(service: tuple[httpx.Client, Virtuoso]) -> None:
    """Submit, then withdraw: the graph leaves the engine, the record leaves the meta graph
    (which is as before the submission, the other records untouched), and the catalog no
    longer lists the dataset."""
    client, engine = service
    meta_iri = f"{BASE}graph/meta"

    def meta() -> Graph:
        answer = client.get("/store", params={"graph": meta_iri}, headers={"Accept": "text/turtle"})
        answer.raise_for_status()
        return Graph().parse(data=answer.text, format="turtle")

    def listed() -> set[str]:
        catalog = client.get("/catalog", headers={"Accept": "text/turtle"})
        catalog.raise_for_status()
        graph = Graph().parse(data=catalog.text, format="turtle")
        return {str(d) for d in graph.subjects(RDF.type, DCAT.Dataset)}

    before = meta()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = client.post(
        "/api/datasets",
        content=warned_dataset(2),
        headers={"Content-Type": "application/n-triples", **auth},
    )
    assert response.status_code == 201, response.text
    record = response.json()
    sid, graph = record["id"], record["graph"]
    assert len(record["warnings"]) == 2  # its record holds a report with results
    assert graph in engine.graphs()
    page = f"/catalog/dataset/submission/{sid}"
    _until(lambda: client.get(page).status_code == 200, "the catalog describes it")
    assert any(d.endswith(page) for d in listed())

    assert client.delete(f"/api/datasets/{sid}", headers=auth).status_code == 204
    assert graph not in engine.graphs()  # in the engine itself
    assert isomorphic(meta(), before)
    assert client.get(f"/api/datasets/{sid}").status_code == 404
    assert sid not in json.dumps(client.get("/api/datasets").json())
    sparql = client.get(
        "/sparql",
        params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"},
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    assert graph not in {b["g"]["value"] for b in sparql["results"]["bindings"]}
    _until(lambda: client.get(page).status_code == 404, "the catalog forgets it")
    assert not any(d.endswith(page) for d in listed())
