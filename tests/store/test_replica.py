"""The in-memory read replica (pob/store/replica.py) in a real query worker: it holds the
same quads as the store on disk, answers once loaded, is dropped before a write and never
answers with the data of an older version; and the memory budget decides."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from pob.core import formats
from pob.store.base import Dataset
from pob.store.query_worker import Where
from pob.store.replica import REPLICA_BYTES_PER_QUAD, Replica, replica_fits
from pob.store.workers import WorkerPool
from tests.conftest import child_processes

EX = "http://example.org/"
G1, G2 = ox.NamedNode(f"{EX}g1"), ox.NamedNode(f"{EX}g2")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def make_store(path: Path, triples: int) -> None:
    store = ox.Store(str(path))
    store.bulk_extend(
        ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(i)), graph)
        for i in range(triples)
        for graph in ((G1,) if i % 3 else (G1, G2))  # every third triple in both graphs
    )
    store.flush()
    del store


def wait_for(check: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the replica was not loaded in time"
        time.sleep(0.05)


def test_the_copy_holds_every_named_graph(tmp_path: Path) -> None:
    make_store(tmp_path / "store", 3_000)
    disk = ox.Store.read_only(str(tmp_path / "store"))
    replica = Replica(tmp_path)
    replica.want("v1", disk)
    wait_for(lambda: replica.get("v1") is not None)
    copy = replica.get("v1")
    assert copy is not None and replica.get("v2") is None
    assert set(copy) == set(disk) and len(copy) == 4_000
    assert set(copy.named_graphs()) == {G1, G2}
    replica.drop()
    assert replica.get("v1") is None
    assert not list(tmp_path.glob("replica-*"))  # the dumps are gone


def test_the_copy_runs_at_the_process_priority(tmp_path: Path) -> None:
    """Not lower: a lowered thread holding the GIL on busy CPUs stalls the whole process
    (a priority inversion; bench/copy_priority.py)."""
    make_store(tmp_path / "store", 30_000)
    disk = ox.Store.read_only(str(tmp_path / "store"))
    replica = Replica(tmp_path)
    replica.want("v1", disk)
    thread = next(t for t in threading.enumerate() if t.name == "replica" and t.is_alive())
    assert thread.native_id is not None
    assert os.getpriority(os.PRIO_PROCESS, thread.native_id) == os.getpriority(
        os.PRIO_PROCESS, threading.get_native_id()
    )
    wait_for(lambda: replica.get("v1") is not None)
    replica.drop()


def in_process(path: Path) -> int:
    """COUNT on the union default graph, by pyoxigraph on the disk store itself."""
    store = ox.Store.read_only(str(path))
    result = store.query(COUNT, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    value = next(iter(result))["n"]
    assert isinstance(value, ox.Literal)
    return int(value.value)


def rows(body: bytes) -> int:
    result = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    assert isinstance(result, ox.QuerySolutions)
    value = next(iter(result))["n"]
    assert isinstance(value, ox.Literal)
    return int(value.value)


def test_a_worker_answers_from_the_replica_and_never_from_an_old_version(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store"
    make_store(path, 300)
    before = in_process(path)
    spool = tmp_path / "spool"
    spool.mkdir()

    async def body() -> None:
        pool = WorkerPool(1, "pob.store.query_worker", (str(spool),))
        await pool.start()
        try:

            async def ask(where: Where, kind: str = "query") -> Any:
                args = (COUNT, Dataset(), formats.JSON, None) if kind == "query" else ()
                return await pool.run((kind, tuple(where), args), timeout=10)

            v1 = Where(str(path), 1, replica=True)
            assert rows((await ask(v1)).body) == before  # from disk while the copy loads
            deadline = time.monotonic() + 30
            while not await ask(v1, "status"):
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)
            assert rows((await ask(v1)).body) == before  # from the replica
            assert await ask(v1._replace(replica=False), "status") is False
            # a write: the worker lets go of its handle and of the replica first
            await pool.run(("close", None, ()), timeout=10)
            store = ox.Store(str(path))
            store.add(
                ox.Quad(ox.NamedNode(f"{EX}new"), ox.NamedNode(f"{EX}p"), ox.Literal("x"), G2)
            )
            store.flush()
            del store
            after = in_process(path)
            assert after == before + 1
            v2 = v1._replace(generation=2)
            assert rows((await ask(v2)).body) == after  # at once, not the old copy
            deadline = time.monotonic() + 30
            while not await ask(v2, "status"):
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)
            assert rows((await ask(v2)).body) == after
        finally:
            await pool.close()

    asyncio.run(body())


@pytest.mark.parametrize(("growth", "retires"), [(0, True), (2**40, False)])
def test_the_feed_worker_retires_past_its_threshold(
    tmp_path: Path, growth: int, retires: bool
) -> None:
    """The feed's worker ends after a job that left it bigger than its threshold (the
    store passes RETIRE_GROWTH; here the test picks it), and the pool starts a fresh one;
    below it, the same process answers on."""
    make_store(tmp_path / "store", 3_000)  # opening it and counting grows the worker
    module = "pob.store.feed_worker"

    async def body() -> tuple[list[int], list[int], int]:
        pool = WorkerPool(1, module, (str(tmp_path), str(growth)))
        await pool.start()
        try:
            first = child_processes(os.getpid(), module.encode())
            job = (
                "query",
                tuple(Where(str(tmp_path / "store"), 1)),
                (COUNT, Dataset(), formats.JSON, None),
            )
            answer = await pool.run(job, timeout=20)
            deadline = time.monotonic() + 20
            while len(now := child_processes(os.getpid(), module.encode())) != 1 or (
                retires and now == first
            ):
                assert time.monotonic() < deadline, "no fresh worker after the retired one"
                await asyncio.sleep(0.05)
            again = await pool.run(job, timeout=20)  # the pool answers on either way
            assert rows(again.body) == rows(answer.body)
            return first, now, rows(answer.body)
        finally:
            await pool.close()

    first, after, counted = asyncio.run(body())
    assert counted == in_process(tmp_path / "store")
    assert (first != after) is retires


@pytest.mark.parametrize(
    ("quads", "workers", "budget", "fits"),
    [
        (500_000, 2, 1024, True),
        (600_000, 2, 1024, False),
        (400_000, 3, 1024, False),
        (0, 2, 1, True),
    ],
)
def test_the_budget_decides(quads: int, workers: int, budget: int, fits: bool) -> None:
    assert REPLICA_BYTES_PER_QUAD == 1000  # the table assumes it
    assert replica_fits(quads, workers, budget) is fits


def test_background_work_waits_for_a_gap_in_the_queries(tmp_path: Path) -> None:
    """`quiet()` (the feed's start-up build waits on it) returns only once client queries
    have paused for `idle` seconds, or at `limit` while they go on."""
    from pob.settings import Settings
    from pob.sparql import protocol as sparql
    from pob.store.embedded import EmbeddedStore

    settings = Settings(data_dir=tmp_path / "store", workers=1, query_timeout=5.0)

    async def body() -> None:
        store = EmbeddedStore(settings)
        await store.open()
        try:
            prepared = await sparql.prepare(store, settings, "ASK {}")
            ended: list[float] = []

            async def stream(seconds: float) -> None:
                until = time.monotonic() + seconds
                while time.monotonic() < until:
                    await sparql.execute(store, settings, prepared)
                    await asyncio.sleep(0.02)
                ended.append(time.monotonic())

            task = asyncio.create_task(stream(1.5))
            await asyncio.sleep(0.1)
            await store.quiet(idle=1.0, limit=60)
            assert ended, "quiet() returned while the queries went on"
            assert time.monotonic() - ended[0] >= 0.9
            task = asyncio.create_task(stream(20))
            await asyncio.sleep(0.1)
            began = time.monotonic()
            await store.quiet(idle=1.0, limit=1.0)  # the queries go on: the limit ends it
            assert time.monotonic() - began < 10 and not task.done()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await store.trusted_query("ASK {}", "ASK", formats.JSON)  # not a client's
            began = time.monotonic()
            await store.quiet(idle=0.0, limit=60)
            assert time.monotonic() - began < 10
        finally:
            await store.close()

    asyncio.run(body())


def test_a_killed_workers_dumps_are_removed_at_start(tmp_path: Path) -> None:
    from pob.store import layout

    spool = tmp_path / "spool"
    spool.mkdir()
    (spool / "replica-abc").write_bytes(b"<a> <b> <c> .\n")
    (spool / "result-abc").write_bytes(b"x")
    (spool / "other").write_bytes(b"kept")
    assert layout.spool_dir(tmp_path) == spool
    assert sorted(p.name for p in spool.iterdir()) == ["other"]
