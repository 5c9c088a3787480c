"""The service across restarts, and with other settings (embedded store).

* a restart reuses the store: the sources hash is recorded, nothing is rebuilt;
* changed sources are rebuilt on the next start, and accepted submissions are kept;
* no write token configured: writes are off; POB_PUBLIC_URL names the endpoint.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef

from tests.conftest import FIXTURES, Process, fixture_settings

BUILT = (
    "SELECT ?t ?h WHERE { GRAPH <https://w3id.org/pob/graph/meta> { "
    "<https://w3id.org/pob/graph/meta> <http://www.w3.org/ns/prov#wasGeneratedBy> ?b . "
    "?b <http://www.w3.org/ns/prov#endedAtTime> ?t ; <http://spdx.org/rdf/terms#checksum> ?c . "
    "?c <http://spdx.org/rdf/terms#checksumValue> ?h } }"
)
TOKEN = "lifecycle-token"


def last_build(url: str) -> tuple[str, str]:
    response = httpx.get(url + "/sparql", params={"query": BUILT})
    (row,) = json.loads(response.content)["results"]["bindings"]
    return row["t"]["value"], row["h"]["value"]


def ask(url: str, query: str) -> bool:
    response = httpx.get(url + "/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    value: bool = json.loads(response.content)["boolean"]
    return value


def test_restart_reuses_the_store_and_rebuilds_on_change(
    live_server: Callable[..., Process], tmp_path: Path
) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURES / "ontology", sources / "ontology")
    shutil.copytree(FIXTURES / "data", sources / "data")
    settings = fixture_settings(
        tmp_path / "store",
        ontology_dir=str(sources / "ontology"),
        data_ttl_dir=str(sources / "data"),
        write_token=TOKEN,
    )
    first = live_server(settings)
    built = last_build(first.url)
    submission = "http://example.org/submission/kept"
    response = httpx.put(
        first.url + "/store",
        params={"graph": submission},
        content=b'<http://example.org/s> <http://example.org/p> "kept" .',
        headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 201
    first.stop()

    second = live_server(settings)
    assert last_build(second.url) == built  # same time, same hash: not rebuilt
    second.stop()

    with (sources / "data" / "data.ttl").open("a") as handle:
        handle.write(
            "\n<https://w3id.org/pob/id/partnership/new> "
            "a <https://w3id.org/pob/ontology#Partnership> .\n"
        )
    third = live_server(settings)
    rebuilt = last_build(third.url)
    assert rebuilt[1] != built[1]
    assert ask(third.url, "ASK { <https://w3id.org/pob/id/partnership/new> ?p ?o }")
    assert ask(third.url, f'ASK {{ GRAPH <{submission}> {{ ?s ?p "kept" }} }}')
    third.stop()


@pytest.fixture(scope="module")
def read_only_server(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> Process:
    settings = fixture_settings(
        tmp_path_factory.mktemp("read-only"), public_url="https://pob.example.org/"
    )
    return live_server(settings)


def test_writes_off_without_token(read_only_server: Process) -> None:
    for method in ("PUT", "POST", "DELETE"):
        response = httpx.request(
            method,
            read_only_server.url + "/store",
            params={"graph": "http://example.org/g"},
            content=b"",
            headers={"Content-Type": "text/turtle", "Authorization": "Bearer anything"},
        )
        assert response.status_code == 403
        assert "write token" in json.loads(response.content)["error"]["detail"]


def test_public_url_names_the_endpoint(read_only_server: Process) -> None:
    response = httpx.get(read_only_server.url + "/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.content, format="turtle")
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = URIRef("https://pob.example.org/sparql")
    assert (endpoint, sd.endpoint, endpoint) in graph


def test_broken_sources_keep_the_last_good_store(
    live_server: Callable[..., Process], tmp_path: Path
) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURES / "ontology", sources / "ontology")
    shutil.copytree(FIXTURES / "data", sources / "data")
    settings = fixture_settings(
        tmp_path / "store",
        ontology_dir=str(sources / "ontology"),
        data_ttl_dir=str(sources / "data"),
    )
    first = live_server(settings)
    built = last_build(first.url)
    first.stop()
    (sources / "data" / "broken.ttl").write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b .\n"
    )
    second = live_server(settings)
    assert last_build(second.url) == built
    assert "build failed" in second.log.read_text()
    second.stop()
