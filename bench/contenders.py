"""The stores and servers `bench.service` compares, made from one N-Triples file.

* `ours`: `pob serve` on the embedded store as configured by default (in-memory replicas
  in its query workers when the store fits `POB_REPLICA_MEMORY`); the data in one named
  graph beside the curated graphs;
* `ours-disk`: the same with `POB_REPLICA_MEMORY=0`, every query on the store on disk (a
  copy of the directory);
* `ours-remote`: `pob serve --store` in front of `oxigraph serve --location` holding the
  same quads;
* `oxigraph-disk`: `oxigraph serve --location` as a user would run it, everything in the
  default graph;
* `oxigraph-mem`: `oxigraph serve` without a location (in memory), loaded over its Graph
  Store, everything in the default graph;
* `pyoxigraph-disk`, `pyoxigraph-mem`: pyoxigraph in this process, `Store(path)` and
  `Store()`, everything in the default graph;
* `pyoxigraph-disk-union`, `pyoxigraph-mem-union`: the same laid out as ours (named
  graphs, the union as the default graph): the per-query target's reference.

The Oxigraph stores are optimised after loading (`oxigraph optimize`, `Store.optimize()`:
Oxigraph's advice after a bulk load for a read-heavy store); ours is left as `pob load`
leaves it (which compacts too).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

from bench.load import Server
from bench.load import start as start_server
from engines.oxigraph import OXIGRAPH
from engines.oxigraph import start as start_oxigraph
from pob.store import layout
from pob.store.replica import Replica

#: outside {base}graph/, which only the service writes (pob.store.writes)
GRAPH = "https://w3id.org/pob/benchmark"
#: the HTTP servers, in the order they take turns
SERVERS = ("ours", "ours-disk", "ours-remote", "oxigraph-disk", "oxigraph-mem")
IN_PROCESS = ("pyoxigraph-disk", "pyoxigraph-mem", "pyoxigraph-disk-union", "pyoxigraph-mem-union")


def run(command: list[str], timeout: float = 3600, env: dict[str, str] | None = None) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, timeout=timeout, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - began


def load_ours(nt: Path, data_dir: Path) -> float:
    """`pob build` (untimed), then `pob load` of the data into its own graph (timed)."""
    pob = [sys.executable, "-m", "pob"]
    run([*pob, "build", "--data-dir", str(data_dir)])
    return run([*pob, "load", str(nt), "--graph", GRAPH, "--data-dir", str(data_dir)])


def curated(data_dir: Path, nq: Path, nt: Path) -> int:
    """Everything in our store but the benchmark graph: as N-Quads (graphs kept) and as
    N-Triples (for the stores that hold everything in the default graph)."""
    current = layout.current(data_dir)
    assert current is not None
    store = ox.Store.read_only(str(current))
    quads = [q for q in store if q.graph_name != ox.NamedNode(GRAPH)]
    ox.serialize(quads, str(nq), ox.RdfFormat.N_QUADS)
    ox.serialize([q.triple for q in quads], str(nt), ox.RdfFormat.N_TRIPLES)
    del store
    return len(quads)


def load_oxigraph(files: list[tuple[Path, str | None]], location: Path) -> float:
    """`oxigraph load` of each (file, graph or None: the default graph); the first file
    is timed; then `oxigraph optimize` (untimed)."""
    seconds = 0.0
    for n, (path, graph) in enumerate(files):
        took = run(
            [str(OXIGRAPH), "load", "--location", str(location), "--file", str(path)]
            + (["--graph", graph] if graph else [])
        )
        seconds = took if n == 0 else seconds
    run([str(OXIGRAPH), "optimize", "--location", str(location)])
    return seconds


def load_pyoxigraph(nt: Path, curated_nt: Path, location: Path | None) -> tuple[ox.Store, float]:
    """A pyoxigraph store on disk (`location`) or in memory (None), everything in the
    default graph; the bulk load of `nt` is timed."""
    store = ox.Store(None if location is None else str(location))
    began = time.perf_counter()
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    seconds = time.perf_counter() - began
    store.bulk_load(path=str(curated_nt), format=ox.RdfFormat.N_TRIPLES)
    if location is not None:
        store.optimize()
    return store, seconds


def load_pyoxigraph_named(nt: Path, curated_nq: Path, location: Path | None) -> ox.Store:
    """A pyoxigraph store laid out as ours (the data in its graph beside the curated
    graphs, queried with the union as the default graph), on disk or in memory."""
    store = ox.Store(None if location is None else str(location))
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
    store.bulk_load(path=str(curated_nq), format=ox.RdfFormat.N_QUADS)
    if location is not None:
        store.optimize()
    return store


def replica_of(disk: ox.Store, spool: Path) -> ox.Store:
    """An in-memory copy of `disk` made as the service's replicas are made
    (:class:`pob.store.replica.Replica`: one named graph at a time, dumped and loaded), so
    that its quads are in the same order: an in-memory store scans them in the order they
    were added, and an ASK that finds a match early in one order can read for 100 times
    longer in another (measured: ask-person-chair 0.1 ms one way, 22 ms the other)."""
    spool.mkdir(parents=True, exist_ok=True)
    replica = Replica(spool)
    replica.want("bench", disk)
    deadline = time.monotonic() + 3600
    while (copy := replica.get("bench")) is None:
        if time.monotonic() > deadline:
            raise TimeoutError("the in-memory copy took more than an hour")
        time.sleep(0.2)
    replica.drop()  # the thread lets go of `disk`; the copy is ours
    return copy


def post_default(endpoint_root: str, files: list[Path]) -> float:
    """Load N-Triples into a running `oxigraph serve`'s default graph (Graph Store POST)."""
    began = time.perf_counter()
    for path in files:
        with path.open("rb") as body:
            response = httpx.post(
                f"{endpoint_root}/store?default",
                content=body.read(),
                headers={"Content-Type": "application/n-triples"},
                timeout=3600,
            )
        response.raise_for_status()
    return time.perf_counter() - began


def pob_server(
    name: str,
    port: int,
    work: Path,
    workers: int,
    env: dict[str, str],
    data_dir: Path | None = None,
) -> Server:
    """`pob serve` for one of our contenders (its own dumps directory), on `data_dir`
    (default: the contender's own, `work / name`)."""
    command = [sys.executable, "-m", "pob", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--no-access-log"]
    extra = {**env, "POB_DUMPS_DIR": str(work / f"{name}-dumps")}
    if name == "ours-remote":
        command += ["--store", env["BENCH_REMOTE"]]
    else:
        command += ["--data-dir", str(data_dir or work / name)]
    if name == "ours-disk":
        extra["POB_REPLICA_MEMORY"] = "0"
    return start_server(
        name,
        command,
        f"http://127.0.0.1:{port}/sparql",
        work / f"{name}.log",
        wait=600,
        env={**os.environ, **extra},
    )


def oxigraph_server(name: str, location: Path | None, work: Path) -> Server:
    engine = start_oxigraph(work / f"{name}.log", location, wait=300)
    return Server(name, engine.query_url, engine.process, engine.log)


def copy_store(source: Path, target: Path) -> None:
    """A copy of our data directory (its own lock), the `current` link kept relative."""
    shutil.copytree(source, target, symlinks=True)
    (target / "server.lock").unlink(missing_ok=True)
