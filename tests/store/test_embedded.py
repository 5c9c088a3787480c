"""The embedded store's own promises: a restart reuses the store; a crash mid-build leaves
the last good store answering; one process owns the directory."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path

import pytest

from pob.settings import Settings
from pob.sparql import protocol as sparql
from pob.store import layout, ops
from pob.store.build import build
from pob.store.embedded import EmbeddedStore
from pob.store.errors import StoreLocked
from tests.conftest import FIXTURES


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "store",
        ontology_dir=FIXTURES / "ontology",
        data_ttl_dir=FIXTURES / "data",
        queries_dir=FIXTURES / "queries",
        query_timeout=2.0,
        workers=1,
    )


async def ask(store: EmbeddedStore, settings: Settings, query: str) -> bool:
    prepared = await sparql.prepare(store, settings, query)
    value: bool = json.loads((await sparql.execute(store, settings, prepared)).read())["boolean"]
    return value


NEW = "ASK { <https://w3id.org/pob/id/partnership/new> ?p ?o }"
OLD = "ASK { <https://w3id.org/pob/id/partnership/netvaerket> ?p ?o }"


def test_restart_reuses_the_store(settings: Settings) -> None:
    async def run() -> None:
        first = EmbeddedStore(settings)
        await first.open(workers=False)
        assert (await build(first, settings)).rebuilt
        version = layout.current(first.data_dir)
        await first.close()
        second = EmbeddedStore(settings)
        await second.open(workers=False)
        assert (await build(second, settings)).rebuilt is False
        assert layout.current(second.data_dir) == version
        await second.close()

    asyncio.run(run())


def test_crash_mid_build_leaves_the_last_good_store(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "data.ttl").write_bytes((FIXTURES / "data" / "data.ttl").read_bytes())
    settings = dataclasses.replace(settings, data_ttl_dir=data)

    async def run() -> None:
        store = EmbeddedStore(settings)
        await store.open()
        await build(store, settings)
        good = layout.current(store.data_dir)
        assert await ask(store, settings, OLD)

        with (data / "data.ttl").open("a") as handle:
            handle.write(
                "\n<https://w3id.org/pob/id/partnership/new> "
                "a <https://w3id.org/pob/ontology#Partnership> .\n"
            )
        loaded: list[str] = []
        real = ops.load_graph

        def failing(target: object, graph: str, ntriples: bytes) -> None:
            if len(loaded) == 2:
                raise OSError("disk full (simulated)")
            loaded.append(graph)
            real(target, graph, ntriples)  # type: ignore[arg-type]

        monkeypatch.setattr(ops, "load_graph", failing)
        with pytest.raises(OSError, match="simulated"):
            await build(store, settings)
        assert len(loaded) == 2  # half of the four graphs were written
        assert layout.current(store.data_dir) == good
        assert await ask(store, settings, OLD)
        assert not await ask(store, settings, NEW)
        monkeypatch.setattr(ops, "load_graph", real)
        await store.close()

        again = EmbeddedStore(settings)
        await again.open()  # the half-built version is removed
        assert [p for p in (again.data_dir / "stores").iterdir()] == [good]
        assert (await build(again, settings)).rebuilt
        assert await ask(again, settings, NEW)
        await again.close()

    asyncio.run(run())


def test_one_process_owns_the_directory(settings: Settings) -> None:
    async def run() -> None:
        first = EmbeddedStore(settings)
        await first.open(workers=False)
        with pytest.raises(StoreLocked):
            await EmbeddedStore(settings).open(workers=False)
        await first.close()
        second = EmbeddedStore(settings)
        await second.open(workers=False)
        await second.close()

    asyncio.run(run())


def test_writes_while_queries_run(settings: Settings) -> None:
    """Writes drain the worker pool; queries before and after see a consistent store."""
    # the point is consistency, not speed: on a loaded machine a query may wait for a few
    # drains (each write closes and reopens the workers' handles) longer than 1 s
    settings = dataclasses.replace(settings, query_timeout=30.0)

    async def run() -> None:
        store = EmbeddedStore(settings)
        await store.open()
        await build(store, settings)
        graph = "http://example.org/g"
        line = '<http://example.org/s{}> <http://example.org/p> "x" .\n'

        async def writer() -> None:
            for i in range(5):
                await store.post_graph(graph, line.format(i).encode())

        async def reader() -> list[bool]:
            return [await ask(store, settings, OLD) for _ in range(20)]

        _, answers = await asyncio.gather(writer(), reader())
        assert all(answers)
        assert (await store.triple_counts())[graph] == 5
        await store.close()

    asyncio.run(run())
