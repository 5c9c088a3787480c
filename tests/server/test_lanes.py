"""The fast lane (pob/store/embedded.py): queries the guard judges cheap never wait behind
heavy ones, and a query misjudged as cheap still gets its answer from the pool (and goes
there directly the next time).

The classifier (`pob.sparql.guard.is_cheap`) is tested on its own; the lane on a live
server (embedded store: the remote store has no workers) with both pool workers busy."""

from __future__ import annotations

import concurrent.futures
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from pob.sparql import guard
from tests.conftest import Process, child_processes, fixture_settings
from tests.server.test_limits import POINT, slow_query

BUDGET = 20.0


@pytest.mark.parametrize(
    "query",
    [
        "ASK {}",
        "ASK { ?s ?p ?o }",
        POINT,
        "PREFIX ex: <http://example.org/> SELECT * { ex:a ?p ?o }",
        "SELECT * { ?s ?p ?o } LIMIT 10",
        "DESCRIBE <http://example.org/a>",
        "CONSTRUCT { ?s ?p ?o } WHERE { <http://example.org/a> ?p ?o }",
    ],
)
def test_cheap(query: str) -> None:
    assert guard.check(query).cheap


@pytest.mark.parametrize(
    "query",
    [
        slow_query(3),  # COUNT
        "SELECT ?s { ?s ?p ?o }",  # no bound term, no LIMIT
        "SELECT ?o { <http://example.org/a> <http://example.org/p>* ?o }",
        "SELECT ?o { <http://example.org/a> <http://example.org/p>+ ?o } LIMIT 1",
        "SELECT ?o { <http://example.org/a> ?p ?o } ORDER BY ?o LIMIT 1",
        "SELECT DISTINCT ?o { <http://example.org/a> ?p ?o } LIMIT 1",
        "SELECT ?p (SAMPLE(?o) AS ?x) { <http://example.org/a> ?p ?o } GROUP BY ?p",
        "SELECT ?o { { SELECT ?o { ?s ?p ?o } } <http://example.org/a> ?p ?o } LIMIT 1",
        "SELECT ?x { <http://example.org/a> ?p ?o BIND(?o + 1 AS ?x) } LIMIT 1",
    ],
)
def test_not_cheap(query: str) -> None:
    assert not guard.check(query).cheap


@pytest.fixture(scope="module")
def busy_server(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    data_dir: Path = tmp_path_factory.mktemp("lanes")
    server = live_server(fixture_settings(data_dir, query_timeout=BUDGET, workers=2))
    yield server
    server.stop()


def _heavy(url: str, query: str) -> tuple[int, float, bytes]:
    started = time.monotonic()
    with httpx.Client(base_url=url, timeout=60) as client:
        response = client.post("/sparql", data={"query": query})
    return response.status_code, time.monotonic() - started, response.content


def test_cheap_queries_do_not_wait_behind_heavy_ones(busy_server: Process) -> None:
    heavy = slow_query(300)  # a COUNT over a 300³ product: over 5 s here, two at once
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        pending = [pool.submit(_heavy, busy_server.url, heavy) for _ in range(2)]
        time.sleep(0.5)  # both pool workers are taken
        times: list[float] = []
        with httpx.Client(base_url=busy_server.url, timeout=30) as client:
            for i in range(20):
                query = "ASK {}" if i % 2 == 0 else POINT
                started = time.monotonic()
                response = client.get("/sparql", params={"query": query})
                times.append(time.monotonic() - started)
                assert response.status_code == 200, response.text
                answer = json.loads(response.content)
                assert answer.get("boolean") is True or answer["results"]["bindings"]
            print(f"cheap queries: first {times[0]:.3f} s, max {max(times):.3f} s")
            assert not any(p.done() for p in pending), "the heavy queries ended too soon"
        results = [p.result() for p in pending]
    print(
        f"cheap queries beside two heavy ones: max {max(times):.3f} s, "
        f"heavy {[round(r[1], 1) for r in results]} s"
    )
    assert max(times) < 1.0, times
    for status, _, body in results:  # answered, or stopped at the timeout on a busy machine
        assert status in (200, 503), body


def _lane_workers(server: Process) -> set[int]:
    """The pids of the server's fast-lane worker processes."""
    return set(child_processes(server.process.pid, b"pob.store.lane_worker"))


def test_misjudged_query_moves_to_the_pool(busy_server: Process) -> None:
    values = " ".join(str(i) for i in range(220))
    # judged cheap (an ASK), but it reads 10.6 M rows: killed in the lane, then answered
    misjudged = (
        f"ASK {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?d {{ {values} }} "
        "FILTER(?a - ?b - ?d = 10000) }"
    )
    assert guard.check(misjudged).cheap
    lane_before = _lane_workers(busy_server)
    assert len(lane_before) == 1
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        # the pool's two workers busy, so cheap queries take the lane
        heavy = [pool.submit(_heavy, busy_server.url, slow_query(250)) for _ in range(2)]
        time.sleep(0.5)
        pending = pool.submit(_heavy, busy_server.url, misjudged)
        time.sleep(0.2)
        times = []
        with httpx.Client(base_url=busy_server.url, timeout=30) as client:
            while not pending.done():
                started = time.monotonic()
                response = client.get("/sparql", params={"query": "ASK {}"})
                times.append(time.monotonic() - started)
                assert response.status_code == 200
                time.sleep(0.05)
        status, elapsed, body = pending.result()
        for done in heavy:
            assert done.result()[0] in (200, 503)
    print(f"misjudged query: {elapsed:.2f} s; ASK {{}} meanwhile max {max(times):.3f} s")
    assert status == 200, body
    assert json.loads(body)["boolean"] is False
    assert elapsed > 1.0  # it did not finish in the lane
    # it was stopped there: the lane has a new worker
    lane_after = _lane_workers(busy_server)
    assert len(lane_after) == 1 and lane_after != lane_before
    # the lane is blocked at most its deadline and a worker's restart
    assert times and max(times) < 3.0, times


def test_a_misjudged_query_goes_straight_to_the_pool_the_next_time(
    busy_server: Process,
) -> None:
    """Lost once in the lane (killed there, answered by the pool), the same query sent again
    while the pool is busy is not taken by the lane: its worker stays (pob/store/misjudged.py)."""
    values = " ".join(str(i) for i in range(221))  # not the query of the test above
    misjudged = (
        f"ASK {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?d {{ {values} }} "
        "FILTER(?a - ?b - ?d = 10000) }"
    )
    assert guard.check(misjudged).cheap
    lanes = []
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        for _ in range(2):
            lanes.append(_lane_workers(busy_server))
            heavy = [pool.submit(_heavy, busy_server.url, slow_query(250)) for _ in range(2)]
            time.sleep(0.5)  # the pool's two workers busy: a cheap query would take the lane
            status, _, body = pool.submit(_heavy, busy_server.url, misjudged).result()
            assert status == 200 and json.loads(body)["boolean"] is False, body
            for done in heavy:
                assert done.result()[0] in (200, 503)
        lanes.append(_lane_workers(busy_server))
    print(f"lane workers: {lanes}")
    assert all(len(found) == 1 for found in lanes), lanes
    assert lanes[1] != lanes[0]  # the first time it was killed in the lane
    assert lanes[2] == lanes[1]  # the second time the lane never had it
