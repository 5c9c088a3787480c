"""Store tests run on both implementations: the embedded pyoxigraph store and a remote
engine, `oxigraph serve` and Virtuoso open source (each started once by a fixture, emptied
before each test).

Each test runs its async body in one event loop with `with_store(settings, body)`: the
store is made (by `make_store`, with the write `hooks` given), opened (and built from the
fixture sources unless `built=False`), handed to `body`, and closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from engines.oxigraph import Oxigraph
from engines.virtuoso import Virtuoso
from pob.settings import Settings
from pob.store import make_store
from pob.store.base import Store, WriteHooks
from pob.store.build import build
from tests.conftest import FIXTURES

T = TypeVar("T")


@pytest.fixture(scope="session")
def store_engine(oxigraph: Callable[[], Oxigraph]) -> Oxigraph:
    return oxigraph()


@pytest.fixture(scope="session")
def virtuoso_engine(virtuoso: Callable[[], Virtuoso]) -> Virtuoso:
    return virtuoso()


@pytest.fixture(
    params=[
        "embedded",
        pytest.param("remote", marks=pytest.mark.remote),
        pytest.param("virtuoso", marks=pytest.mark.remote),
    ]
)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    extra: dict[str, Any] = {}
    if request.param == "remote":
        engine: Oxigraph = request.getfixturevalue("store_engine")
        engine.clear()
        extra["store_url"] = engine.url
    elif request.param == "virtuoso":
        server: Virtuoso = request.getfixturevalue("virtuoso_engine")
        server.clear()
        extra.update(server.settings())
    yield Settings(
        data_dir=tmp_path / "store",
        ontology_dir=FIXTURES / "ontology",
        data_ttl_dir=FIXTURES / "data",
        queries_dir=FIXTURES / "queries",
        query_timeout=1.0,
        max_result_rows=50,
        workers=2,
        **extra,
    )


def with_store(
    settings: Settings,
    body: Callable[[Store], Awaitable[T]],
    built: bool = True,
    hooks: WriteHooks | None = None,
) -> T:
    async def run() -> T:
        store = make_store(settings, hooks)
        await store.open()
        try:
            if built:
                await build(store, settings)
            return await body(store)
        finally:
            await store.close()

    return asyncio.run(run())
