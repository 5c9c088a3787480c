"""kill -9 of Virtuoso in the middle of a withdrawal leaves the submission whole or gone.

A withdrawal is one ``DELETE`` on Virtuoso (:meth:`pob.store.base.Store.remove`), which the
engine runs in one transaction. A dataset is submitted on a Virtuoso of its own
(engines/virtuoso.py, its database in this test's folder); its graph is then grown through
the Graph Store to `EXTRA` triples, so that the ``DELETE`` runs for a while (about 3 s on
one machine, under 1 s on a faster one). Write hooks (:class:`pob.store.base.WriteHooks`)
kill the engine once it has spent `WORK` seconds of CPU after the withdrawal's request is
sent, so in the middle of the work on any machine (a fixed delay once came after a fast
engine had finished). The engine is started again on the same database (it rolls its
transaction log forward): the graph and its record are both there, complete, or both gone;
a withdrawal of more than one operation would leave one without the other. The withdrawal
then goes through on the restarted engine.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from engines.virtuoso import Virtuoso, start
from pob.core import formats
from pob.settings import Settings
from pob.store import make_store
from pob.store.base import Store
from pob.store.build import build
from pob.store.errors import StoreError
from pob.validation.intake import Body
from pob.validation.records import Record
from pob.validation.submissions import NotFound, Submissions, Submitter
from tests.submissions.conftest import sources_dataset

pytestmark = pytest.mark.remote
#: triples added to the submission's graph, so that deleting them takes a while
EXTRA = 100_000
#: CPU seconds the engine spends on the write before it is killed
WORK = 0.2
ALICE = Submitter("alice")
T = TypeVar("T")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kill_when_busy(engine: Virtuoso, work: float = WORK, wait: float = 120) -> threading.Thread:
    """A started thread that kills the engine once it has spent `work` CPU seconds from
    now (or after `wait` s): in the middle of what it was just sent."""

    def watch() -> None:
        pid, began = engine.process.pid, time.monotonic()
        start = cpu_seconds(pid)
        while cpu_seconds(pid) - start < work and time.monotonic() - began < wait:
            time.sleep(0.005)
        engine.process.kill()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


class KillEngine:
    """Write hooks that, once armed, kill the engine in the middle of the next write."""

    def __init__(self, engine: Virtuoso) -> None:
        self.engine = engine
        self.armed = False
        self.timer: threading.Thread | None = None

    def before(self) -> None:
        if self.armed:
            self.timer = kill_when_busy(self.engine)

    def after(self) -> None:
        pass


def _on(
    engine: Virtuoso,
    work: Callable[[Submissions, Store, Settings], Awaitable[T]],
    hooks: KillEngine | None = None,
) -> T:
    """`work(submissions, store, settings)` on a store of `engine` (the real sources)."""

    async def run() -> T:
        settings = Settings(query_timeout=30.0, **engine.settings())  # type: ignore[arg-type]
        store = make_store(settings, hooks)
        await store.open()
        try:
            return await work(Submissions(store, settings), store, settings)
        finally:
            await store.close()

    return asyncio.run(run())


async def _state(store: Store, settings: Settings, record: Record) -> tuple[int | None, Graph]:
    """(triples in the submission's graph or None, the meta graph)."""
    counts = await store.triple_counts()
    data = (await store.get_graph(settings.graph("meta"), formats.NTRIPLES)).read()
    return counts.get(record.graph), Graph().parse(data=data, format="nt")


def test_kill_9_of_virtuoso_mid_withdrawal(tmp_path: Path) -> None:
    folder = tmp_path / "virtuoso"
    engine = start(folder, buffers=10_000)
    hooks = KillEngine(engine)
    try:

        async def submit_and_withdraw(
            submissions: Submissions, store: Store, settings: Settings
        ) -> tuple[Record, int | None, Graph]:
            await build(store, settings)
            body = Body(sources_dataset(20), formats.NTRIPLES)
            record, created, _ = await submissions.submit(body, ALICE)
            assert created
            extra = "".join(f'<urn:x:s{i}> <urn:x:p> "{i}" .\n' for i in range(EXTRA))
            await store.post_graph(record.graph, extra.encode())
            count, meta = await _state(store, settings, record)
            assert count == record.triples + EXTRA
            hooks.armed = True
            with pytest.raises(StoreError, match=r"did not answer: \S"):  # killed meanwhile
                await submissions.withdraw(record.id, ALICE)
            return record, count, meta

        record, count, meta = _on(engine, submit_and_withdraw, hooks)
        assert hooks.timer is not None
        hooks.timer.join()
        assert engine.process.wait(timeout=30) == -signal.SIGKILL
    finally:
        engine.stop()

    engine = start(folder, buffers=10_000, wait=300)  # the transaction log rolled forward
    try:

        async def after(submissions: Submissions, store: Store, settings: Settings) -> None:
            found, left = await _state(store, settings, record)
            try:
                await submissions.get(record.id)
                recorded = True
            except NotFound:
                recorded = False
            assert (found is not None) == recorded, f"graph: {found} triples, record: {recorded}"
            if recorded:  # untouched: every triple of the graph and the meta graph as before
                assert found == count
                assert isomorphic(left, meta)
                await submissions.withdraw(record.id, ALICE)
                assert (await _state(store, settings, record))[0] is None
                with pytest.raises(NotFound):
                    await submissions.get(record.id)

        _on(engine, after)
    finally:
        engine.stop()
