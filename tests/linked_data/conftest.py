"""Servers for the linked-data and open-data-feed tests.

* `own_server`: the real curated sources with the base IRI set to the server's own address,
  so every IRI we mint is fetched at itself;
* `feed_server`: the small fixture sources with a write token and one dataset per catalog
  page, so a submission written through /store pages the catalog and rebuilds the dumps.

The browser test uses `curated_server` (tests/browser/conftest.py): the canonical base
https://w3id.org/pob/, served under /id/… on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from rdflib import Graph

from tests.conftest import Process, fixture_settings, free_port

TOKEN = "linked-data-token"


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
    settings = fixture_settings(
        tmp_path_factory.mktemp("feed-store"), write_token=TOKEN, catalog_page_size=1
    )
    process = live_server(settings)
    with httpx.Client(base_url=process.url, timeout=60) as client:
        yield Served(process.url, "https://w3id.org/pob/", process, client)
