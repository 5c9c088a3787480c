"""The lean ASGI path for queries (server/fastpath.py) answers exactly as the FastAPI route.

Every request goes through both: the FastAPI app alone, and the app behind the fast path
(what `pob serve` runs), on the same embedded store; status, headers and body must match.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from pob.settings import Settings
from pob.store import make_store
from server.app import create_app
from server.fastpath import SparqlFastPath, wrap
from tests.conftest import fixture_settings

SELECT = "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }"
#: 10 × 100 × 50 rows: over a MiB of SPARQL JSON, so the result is a spool file
BIG = (
    "SELECT * WHERE { VALUES ?a { "
    + " ".join(str(i) for i in range(10))
    + " } VALUES ?b { "
    + " ".join(str(i) for i in range(100))
    + " } VALUES ?c { "
    + " ".join(f'"c{i}"' for i in range(50))
    + " } }"
)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
ORIGIN = {"Origin": "https://example.org"}

CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("get-select", "GET", {"params": {"query": SELECT}}),
    ("get-select-origin", "GET", {"params": {"query": SELECT}, "headers": ORIGIN}),
    (
        "get-ask-xml",
        "GET",
        {"params": {"query": "ASK {}"}, "headers": {"Accept": "application/xml"}},
    ),
    ("get-csv", "GET", {"params": {"query": SELECT}, "headers": {"Accept": "text/csv"}}),
    ("get-tsv-format", "GET", {"params": {"query": SELECT, "format": "tsv"}}),
    (
        "get-construct",
        "GET",
        {"params": {"query": "CONSTRUCT { <urn:a> <urn:b> ?x } WHERE { VALUES ?x { 1 } }"}},
    ),
    ("get-big", "GET", {"params": {"query": BIG}}),
    ("get-big-origin", "GET", {"params": {"query": BIG}, "headers": ORIGIN}),
    ("get-syntax-error", "GET", {"params": {"query": "SELECT * WHERE { ?s ?p }"}}),
    (
        "get-syntax-error-plain",
        "GET",
        {"params": {"query": "SELECT * WHERE {"}, "headers": {"Accept": "text/plain", **ORIGIN}},
    ),
    ("get-update", "GET", {"params": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}),
    ("get-update-param", "GET", {"params": {"update": "CLEAR ALL"}}),
    ("get-service", "GET", {"params": {"query": "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"}}),
    ("get-two-queries", "GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}),
    (
        "get-not-acceptable",
        "GET",
        {"params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}},
    ),
    ("get-unknown-format", "GET", {"params": {"query": "ASK {}", "format": "png"}}),
    (
        "get-formats-as-sparqlwrapper-sends",
        "GET",
        {
            "params": [
                ("query", SELECT),
                *(
                    (name, v)
                    for name in ("format", "output", "results")
                    for v in ("tsv", "text/tab-separated-values")
                ),
            ]
        },
    ),
    ("post-form-output", "POST", {"data": {"query": "ASK {}", "output": "xml"}}),
    ("get-format-not-for-form", "GET", {"params": {"query": SELECT, "format": "turtle"}}),
    ("get-unknown-graph", "GET", {"params": {"query": "ASK {}", "default-graph-uri": "urn:no"}}),
    ("get-bad-inference", "GET", {"params": {"query": "ASK {}", "inference": "maybe"}}),
    ("get-bad-utf8", "GET", {"url": "/sparql?query=ASK%20%7B%7D%20%23%FF"}),
    ("post-form-too-large", "POST", {"data": {"query": "ASK {} #" + "é" * 60_000}}),
    ("get-query-word-elsewhere", "GET", {"params": {"format": "query"}}),
    ("get-description", "GET", {"headers": {"Accept": "text/turtle"}}),
    ("post-form", "POST", {"data": {"query": SELECT}}),
    ("post-form-origin", "POST", {"data": {"query": SELECT}, "headers": ORIGIN}),
    ("post-direct", "POST", {"content": b"ASK {}", "headers": DIRECT}),
    (
        "post-direct-latin1",
        "POST",
        {
            "content": b"ASK {}",
            "headers": {"Content-Type": DIRECT["Content-Type"] + "; charset=latin-1"},
        },
    ),
    ("post-no-query", "POST", {"data": {"format": "json"}}),
    (
        "post-update",
        "POST",
        {"content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
    ),
    ("post-wrong-type", "POST", {"content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}),
    ("post-too-large", "POST", {"content": b"ASK {} #" + b"x" * 100_000, "headers": DIRECT}),
    ("head", "HEAD", {"params": {"query": SELECT}}),
    (
        "options-preflight",
        "OPTIONS",
        {"headers": {**ORIGIN, "Access-Control-Request-Method": "POST"}},
    ),
]


def _answer(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, sorted(response.headers.multi_items()), response.content


async def _both(tmp_path: Path) -> list[tuple[str, Any, Any]]:
    values = fixture_settings(tmp_path / "data")
    for key in ("data_dir", "ontology_dir", "data_ttl_dir", "queries_dir"):
        values[key] = Path(values[key])
    settings = Settings(**values)
    store = make_store(settings)
    await store.open()
    try:
        app = create_app(settings, store=store)
        fast = wrap(app)
        assert isinstance(fast, SparqlFastPath)
        answers = []
        base = "http://testserver"
        async with (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base) as plain,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=fast), base_url=base) as lean,
        ):
            for name, method, kw in CASES:
                kw = dict(kw)
                url = kw.pop("url", "/sparql")
                got = [_answer(await c.request(method, url, **kw)) for c in (plain, lean)]
                answers.append((name, got[0], got[1]))
        return answers
    finally:
        await store.close()


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Any]]:
    found = asyncio.run(_both(tmp_path_factory.mktemp("fastpath")))
    return {name: (plain, lean) for name, plain, lean in found}


@pytest.mark.parametrize("name", [case[0] for case in CASES])
def test_same_answer(answers: dict[str, tuple[Any, Any]], name: str) -> None:
    plain, lean = answers[name]
    assert lean[0] == plain[0]
    assert lean[1] == plain[1]
    assert lean[2] == plain[2]


def test_cases_cover_the_fast_path(answers: dict[str, tuple[Any, Any]]) -> None:
    statuses = {answers[name][0][0] for name in answers}
    assert {200, 400, 403, 406, 413, 415} <= statuses
    big = answers["get-big"][0]
    assert big[0] == 200 and len(big[2]) > 1024 * 1024  # streamed from a spool file
    origin = dict(answers["get-select-origin"][1][1])
    assert origin["access-control-allow-origin"] == "*"
    assert origin["vary"] == "Accept, Origin"
