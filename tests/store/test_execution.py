"""The worker pool: hard deadlines, dead workers replaced, exclusive access for writes."""

from __future__ import annotations

import asyncio
import time

import pytest

from pob.store.errors import EngineUnavailable, QueryTimeout
from pob.store.workers import WorkerPool

MODULE = "tests.store.sleepy_worker"


def run(body: object) -> None:
    asyncio.run(body)  # type: ignore[arg-type]


def test_answers() -> None:
    async def body() -> None:
        pool = WorkerPool(2, MODULE)
        await pool.start()
        assert await pool.run(("echo", 42), timeout=5) == 42
        await pool.close()

    run(body())


def test_deadline_kills_and_replaces_while_others_answer() -> None:
    async def body() -> None:
        pool = WorkerPool(2, MODULE)
        await pool.start()
        started = time.monotonic()
        slow = asyncio.create_task(pool.run(("sleep", 60), timeout=1))
        await asyncio.sleep(0.1)
        fast_started = time.monotonic()
        assert await pool.run(("echo", 1), timeout=5) == 1
        assert time.monotonic() - fast_started < 0.5
        with pytest.raises(QueryTimeout):
            await slow
        assert time.monotonic() - started < 2
        await asyncio.sleep(1.5)  # the replacement starts in the background
        answers = await asyncio.gather(*(pool.run(("echo", i), timeout=5) for i in range(4)))
        assert answers == [0, 1, 2, 3]
        await pool.close()

    run(body())


def test_waiting_for_a_worker_counts_toward_the_deadline() -> None:
    async def body() -> None:
        pool = WorkerPool(1, MODULE)
        await pool.start()
        busy = asyncio.create_task(pool.run(("sleep", 3), timeout=10))
        await asyncio.sleep(0.1)
        with pytest.raises(QueryTimeout, match="no query worker"):
            await pool.run(("echo", 1), timeout=0.5)
        await busy
        await pool.close()

    run(body())


def test_crashed_worker_is_replaced() -> None:
    async def body() -> None:
        pool = WorkerPool(1, MODULE)
        await pool.start()
        with pytest.raises(EngineUnavailable):
            await pool.run(("crash",), timeout=5)
        assert await pool.run(("echo", "again"), timeout=10) == "again"
        await pool.close()

    run(body())


def test_exclusive_waits_for_running_jobs_and_holds_new_ones() -> None:
    async def body() -> None:
        pool = WorkerPool(2, MODULE)
        await pool.start()
        events: list[str] = []

        async def job() -> None:
            await pool.run(("sleep", 0.5), timeout=5)
            events.append("job done")

        async def write() -> None:
            await asyncio.sleep(0.1)
            async with pool.exclusive():
                events.append("write")
                await asyncio.sleep(0.3)
            events.append("write done")

        async def later() -> None:
            await asyncio.sleep(0.2)
            await pool.run(("echo", 0), timeout=5)
            events.append("later job")

        await asyncio.gather(job(), write(), later())
        assert events == ["job done", "write", "write done", "later job"]
        await pool.close()

    run(body())


def test_exclusive_with_quiesce_keeps_the_workers() -> None:
    async def body() -> None:
        pool = WorkerPool(2, MODULE)
        await pool.start()
        before = {w.process.pid for w in list(pool._idle._queue)}  # type: ignore[attr-defined]
        async with pool.exclusive(quiesce=("echo", "close your handles")):
            pass
        after = {w.process.pid for w in list(pool._idle._queue)}  # type: ignore[attr-defined]
        assert before == after
        assert await pool.run(("echo", 7), timeout=5) == 7
        await pool.close()

    run(body())


def test_queries_are_not_starved_by_a_burst_of_writes() -> None:
    async def body() -> None:
        pool = WorkerPool(1, MODULE)
        await pool.start()

        async def writes() -> None:
            for _ in range(10):
                async with pool.exclusive(quiesce=("echo", None)):
                    await asyncio.sleep(0.05)

        async def reads() -> list[int]:
            await asyncio.sleep(0.01)
            return [await pool.run(("echo", i), timeout=2) for i in range(5)]

        _, answers = await asyncio.gather(writes(), reads())
        assert answers == [0, 1, 2, 3, 4]
        await pool.close()

    run(body())
