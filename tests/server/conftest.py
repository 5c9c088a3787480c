"""The service under test: one uvicorn server per store kind, on the fixture sources.

`server` is parametrised over the embedded store and a remote `oxigraph serve`; every HTTP
test runs against both. Small limits make the limits testable: a 1 s query timeout and
50 result rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from engines.oxigraph import Oxigraph
from tests.conftest import Process, fixture_settings

TOKEN = "test-write-token"
MAX_ROWS = 50
TIMEOUT = 1.0
MAX_UPLOAD = 200_000
BASE = "https://w3id.org/pob/"


@dataclass
class Service:
    kind: str
    url: str
    process: Process
    client: httpx.Client

    def graph(self, name: str) -> str:
        return f"{BASE}graph/{name}"


@pytest.fixture(
    scope="session", params=["embedded", pytest.param("remote", marks=pytest.mark.remote)]
)
def server(
    request: pytest.FixtureRequest,
    live_server: Callable[..., Process],
    oxigraph: Callable[[], Oxigraph],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Service]:
    kind: str = request.param
    extra = {}
    if kind == "remote":
        extra["store_url"] = oxigraph().url
    settings = fixture_settings(
        tmp_path_factory.mktemp(f"{kind}-store"),
        write_token=TOKEN,
        max_result_rows=MAX_ROWS,
        query_timeout=TIMEOUT,
        max_upload_bytes=MAX_UPLOAD,
        **extra,
    )
    process = live_server(settings)
    with httpx.Client(base_url=process.url, timeout=30) as client:
        yield Service(kind, process.url, process, client)


@pytest.fixture
def client(server: Service) -> httpx.Client:
    return server.client
