"""A pool whose workers start on demand (`WorkerPool(idle_exit=...)`, the feed's worker):
an idle worker is stopped, and so is one that ends; the next job starts one and gets its
answer; a job in time keeps the worker; a write's drain starts none. And the embedded
store's feed runs on such a pool."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pob.settings import Settings
from pob.store import feed_worker, make_store
from pob.store.worker_replies import WorkerLost
from pob.store.workers import WorkerPool
from tests.conftest import child_processes

SLEEPY = "tests.store.sleepy_worker"
FEED = "pob.store.feed_worker"


def workers(module: str) -> list[int]:
    return child_processes(os.getpid(), module.encode())


async def until(module: str, count: int, within: float = 20.0) -> list[int]:
    """This process's workers of `module` once there are `count` of them."""
    deadline = time.monotonic() + within
    while len(found := workers(module)) != count:
        assert time.monotonic() < deadline, f"{len(found)} workers of {module}, not {count}"
        await asyncio.sleep(0.05)
    return found


@contextlib.asynccontextmanager
async def pool_of(size: int, idle_exit: float) -> AsyncIterator[WorkerPool]:
    """A started pool of `size` stand-in workers with `idle_exit`; every worker is gone
    once it is closed."""
    pool = WorkerPool(size, SLEEPY, idle_exit=idle_exit)
    await pool.start()
    try:
        yield pool
    finally:
        await pool.close()
    assert workers(SLEEPY) == []


def test_an_idle_worker_is_stopped_and_the_next_job_starts_one() -> None:
    async def body() -> None:
        async with pool_of(1, 0.3) as pool:
            first = await pool.run(("pid",), timeout=10)
            assert workers(SLEEPY) == [first]
            await until(SLEEPY, 0)  # idle past 0.3 s: stopped
            await asyncio.sleep(0.5)
            assert workers(SLEEPY) == []  # and not started again by itself
            second = await pool.run(("pid",), timeout=10)  # the job starts one
            assert second != first
            assert workers(SLEEPY) == [second]

    asyncio.run(body())


def test_jobs_in_time_keep_the_worker() -> None:
    """Every job starts the idle clock again: jobs 0.2 s apart for 2 s, one process."""

    async def body() -> None:
        async with pool_of(1, 0.8) as pool:
            seen = set()
            began = time.monotonic()
            while time.monotonic() - began < 2.0:
                seen.add(await pool.run(("pid",), timeout=10))
                await asyncio.sleep(0.2)
            assert len(seen) == 1

    asyncio.run(body())


def test_a_job_longer_than_the_idle_time_is_not_stopped() -> None:
    """The idle clock runs only while no job does: a 1 s job in a pool with 0.2 s of
    idle time gets its answer."""

    async def body() -> None:
        async with pool_of(1, 0.2) as pool:
            assert await pool.run(("sleep", 1.0), timeout=10) == 1.0

    asyncio.run(body())


def test_concurrent_jobs_start_as_many_workers_as_the_pool_holds() -> None:
    async def body() -> None:
        async with pool_of(2, 0.3) as pool:
            await until(SLEEPY, 0)
            slept = await asyncio.gather(*(pool.run(("sleep", 0.5), timeout=10) for _ in range(2)))
            assert slept == [0.5, 0.5]
            assert len(workers(SLEEPY)) == 2  # both ran at once, neither queued
            found = await asyncio.gather(*(pool.run(("pid",), timeout=10) for _ in range(4)))
            assert len(set(found)) <= 2

    asyncio.run(body())


def test_a_worker_that_ends_is_started_by_the_next_job() -> None:
    """A crash (or a retirement, or a kill at the deadline) leaves no worker running
    until a job needs one; that job gets its answer."""

    async def body() -> None:
        async with pool_of(1, 60) as pool:
            with pytest.raises(WorkerLost, match="stopped while running"):
                await pool.run(("crash",), timeout=10)
            await until(SLEEPY, 0)
            await asyncio.sleep(0.5)
            assert workers(SLEEPY) == []
            assert await pool.run(("echo", 7), timeout=10) == 7

    asyncio.run(body())


def test_a_drain_starts_no_worker_for_a_stopped_one() -> None:
    async def body() -> None:
        async with pool_of(1, 0.3) as pool:
            await until(SLEEPY, 0)
            async with pool.exclusive(("echo", None)):
                assert workers(SLEEPY) == []
            assert workers(SLEEPY) == []
            assert await pool.run(("echo", 3), timeout=10) == 3
            # and one drained while running keeps running after the block
            async with pool.exclusive(("echo", None)):
                pass
            assert len(workers(SLEEPY)) == 1

    asyncio.run(body())


def test_the_feed_worker_of_the_store_ends_when_idle_and_comes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embedded store's feed pool: after its work, no feed process holds memory; the
    next background job (a dump, a count) is answered by a fresh one."""
    monkeypatch.setattr(feed_worker, "IDLE_EXIT", 0.5)
    data = tmp_path / "data.nt"
    data.write_text("".join(f'<urn:s{i}> <urn:p> "{i}" .\n' for i in range(200)))
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

    async def body() -> None:
        store = make_store(Settings(data_dir=tmp_path / "store", workers=1))
        await store.open()
        try:
            await store.load_files("urn:g", [data])
            first = await store.background_select(count)
            assert first[0]["n"]["value"] == "200"
            await until(FEED, 0)
            again = await store.background_select(count)
            assert again == first
            assert len(workers(FEED)) == 1
        finally:
            await store.close()
        assert workers(FEED) == []

    asyncio.run(body())
