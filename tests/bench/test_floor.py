"""bench.floor's floor app on a real HTTP server (127.0.0.1), and its table."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from bench.floor import REFERENCE, SERVERS, Measured, start_floor, table
from bench.generate import generate
from bench.load import JSON, Server
from bench.service import GRAPH, POINT, QUERIES, bench_queries


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5,000 generated triples in the benchmark graph of an on-disk store, as ours holds them."""
    location = tmp_path_factory.mktemp("floor") / "store"
    store = ox.Store(str(location))
    data = generate(5_000, seed=1).serialize(format="nt", encoding="utf-8")
    store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
    store.flush()
    del store
    return location


@pytest.fixture(params=["floor-disk", "floor-mem"])
def floor(request: pytest.FixtureRequest, store_dir: Path, tmp_path: Path) -> Iterator[Server]:
    server = start_floor(request.param, store_dir, tmp_path / "floor.log", wait=120)
    yield server
    server.stop()


def test_the_floor_answers_the_lookup_as_the_engine_does(floor: Server, store_dir: Path) -> None:
    """The lookup's answer over HTTP is the engine's own, over the union default graph (its
    rows in the order its copy holds them)."""
    store = ox.Store.read_only(str(store_dir))
    query = next(q.text for q in bench_queries(store, QUERIES) if q.name == POINT)
    expected = io.BytesIO()
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    solutions.serialize(expected, ox.QueryResultsFormat.JSON)
    response = httpx.get(floor.endpoint, params={"query": query})
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    got, wanted = response.json(), json.loads(expected.getvalue())
    assert got["head"] == wanted["head"]
    rows = sorted(json.dumps(row, sort_keys=True) for row in got["results"]["bindings"])
    assert rows == sorted(json.dumps(row, sort_keys=True) for row in wanted["results"]["bindings"])
    assert len(rows) > 5


def test_the_floor_refuses_what_it_cannot_read(floor: Server) -> None:
    assert httpx.get(floor.endpoint, params={"query": "SELECT nonsense"}).status_code == 400
    assert httpx.get(floor.endpoint).status_code == 400


def test_the_table_gives_each_ratio_against_oxigraph_in_memory() -> None:
    found = {name: Measured([1000.0, 1100.0, 900.0], 100.0) for name in SERVERS}
    found[REFERENCE] = Measured([10_000.0], 50.0)
    found["ours-disk"] = Measured([2_000.0, 2_400.0, 2_200.0], 250.0)
    found["ours"] = Measured([3_500.0], 160.0)
    found["floor-mem"] = Measured([4_100.0], 120.0)
    text = table(found, "header")
    rows = {line.split("|")[1].strip(" `"): line for line in text.splitlines() if "| `" in line}
    assert "| 2,200 | 2,000, 2,400, 2,200 | 0.22× ✗ | 250 |" in rows["ours-disk"]
    assert "| 3,500 | 3,500 | 0.35× ✓ | 160 |" in rows["ours"]
    assert "0.10×" in rows["floor-disk"] and "✓" not in rows["floor-disk"]
    assert "The floor's best: 0.41×." in text
