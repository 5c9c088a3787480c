"""Servers for the linked-data and open-data-feed tests.

* `own_server`: the real curated sources with the base IRI set to the server's own address,
  so every IRI we mint is fetched at itself;
* `feed_server`: the small fixture sources with a write and a submit token and one dataset
  per catalog page, so a submission (POST /api/datasets) pages the catalog and rebuilds the
  dumps.

The browser test uses `curated_server` (tests/browser/conftest.py): the canonical base
https://w3id.org/pob/, served under /id/… on 127.0.0.1.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from rdflib import Graph

from tests.conftest import FIXTURES, Process, fixture_settings, free_port

TOKEN = "linked-data-token"
SUBMIT = "linked-data-submit"
SOURCE_CLASS = """@prefix pob: <https://w3id.org/pob/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
pob:Source a owl:Class ; rdfs:label "Kilde"@da, "Source"@en .
"""


@dataclass
class Served:
    url: str
    base: str
    process: Process
    client: httpx.Client


@pytest.fixture(scope="session")
def own_server(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = {
        "data_dir": str(tmp_path_factory.mktemp("own-base-store")),
        "port": port,
        "base": url + "/",
        "query_timeout": 10.0,
        "workers": 2,
    }
    process = live_server(settings, 300)
    with httpx.Client(base_url=url, timeout=60) as client:
        yield Served(url, url + "/", process, client)


@pytest.fixture(scope="session")
def own_graph(own_server: Served) -> Graph:
    """The curated graphs (ontology + data, asserted) with the server's own base."""
    from pob.graph.curated import curated

    return curated(own_server.base).merged(inference=False)


@pytest.fixture(scope="session")
def feed_server(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    # the fixture ontology and pob:Source, so that a small dataset with a source conforms
    ontology = tmp_path_factory.mktemp("feed-ontology")
    shutil.copy(FIXTURES / "ontology" / "ontology.ttl", ontology / "ontology.ttl")
    (ontology / "source.ttl").write_text(SOURCE_CLASS, encoding="utf-8")
    settings = fixture_settings(
        tmp_path_factory.mktemp("feed-store"),
        ontology_dir=str(ontology),
        write_token=TOKEN,
        submit_token=f"tester:{SUBMIT}",
        catalog_page_size=1,
    )
    process = live_server(settings)
    with httpx.Client(base_url=process.url, timeout=60) as client:
        yield Served(process.url, "https://w3id.org/pob/", process, client)
