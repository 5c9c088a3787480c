"""Inserts staged in graphs of their own, for engines that cannot take a large update.

Virtuoso's SPARQL compiler takes at most about 1,000 triples in one `INSERT … WHERE { }`
and its parser about 5,000 lines of one update, so a submission of a few thousand triples
could not be written there in one update. Its Graph Store protocol takes any size but is
not atomic (a PUT killed midway leaves the graph empty: its old triples are gone, the new
ones not there), and one `INSERT … WHERE` copies any number of triples in one transaction.
So `RemoteStore.insert` and its Graph Store writes (`put_graph`, `post_graph`, `load_files`,
the build's `replace_curated`) on such an engine (`Dialect.stages_inserts`):

1. POSTs each graph's N-Triples to a staging graph of its own,
   `{base}graph/staging/{run}/{n}` (the reserved namespace: no client can write there,
   pob.store.writes; never listed by `RemoteStore.graphs`, so never in a dataset, the
   catalog or a dump);
2. sends one update (`Dialect.staged_insert`) that copies every staging graph into its
   target (for a Graph Store PUT, deleting the target's triples in the same update): the
   transaction. A crash or a refusal before it leaves the targets as they were; blank
   nodes stay the same nodes across graphs;
3. removes the staging graphs, whatever happened. One left by a crash between 1 and 3 is
   removed by :func:`sweep` when the store opens, once it is older than an hour (`STALE`)
   and than twice the time a write may take (`store_write_timeout`, the whole of steps
   1-2; so two hours by default).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Collection, Iterable, Mapping
from typing import Any, Protocol

import httpx

from pob.core import formats
from pob.settings import variable
from pob.store.base import WriteHooks
from pob.store.dialects import Dialect
from pob.store.errors import EngineUnavailable, UnknownGraph

#: seconds after which a staging graph is taken to be left over (a write of the largest
#: upload takes a few minutes; docs/performance.md)
STALE = 3600.0


class Sized(Protocol):
    """A request body sent in pieces, of a known size."""

    size: int

    def __aiter__(self) -> AsyncIterator[bytes]: ...


class RemoteStore(Protocol):
    """What staging uses of :class:`pob.store.remote.RemoteStore` (which imports this)."""

    settings: Any
    gsp_url: str
    auth: httpx.Auth | None
    dialect: Dialect
    hooks: WriteHooks | None

    def graph_iri(self, name: str) -> str: ...
    async def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response: ...
    async def _update(self, body: str, length: None = None, hooked: bool = True) -> None: ...
    async def _select(self, text: str) -> list[dict[str, Any]]: ...


def prefix(store: RemoteStore) -> str:
    """Where staging graphs live: under the store's reserved `{base}graph/`."""
    return store.graph_iri("staging/")


def staged(store: RemoteStore, graph: str) -> bool:
    """Whether `graph` is a staging graph (hidden from every listing)."""
    return graph.startswith(prefix(store))


async def insert(
    store: RemoteStore,
    graphs: Mapping[str, bytes | Sized],
    replace: Collection[str] = (),
    hooked: bool = True,
) -> None:
    """N-Triples into graphs by staging (module docstring), the graphs in `replace` emptied
    first in the same transaction (a Graph Store PUT); a StoreError if the engine refuses a
    step, and the targets are untouched then. A body is bytes or streamed pieces with a
    `size` (a spooled load). The write hooks around it all if `hooked` (as for
    `Store.insert`; the Graph Store writes call none)."""
    hooks = store.hooks if hooked else None
    run = f"{int(time.time())}-{uuid.uuid4().hex}"  # when: see sweep
    stages = {
        target: f"{prefix(store)}{run}/{n}"
        for n, (target, body) in enumerate(graphs.items())
        if (body.strip() if isinstance(body, bytes) else body.size)
    }
    if not stages and not replace:
        return
    if hooks is not None:  # around the whole write, as for an update
        await asyncio.to_thread(hooks.before)
    deadline = store.settings.store_write_timeout  # the whole write: sweep's age rests on it
    try:
        async with asyncio.timeout(deadline):
            for target, stage in stages.items():
                body = graphs[target]
                size = len(body) if isinstance(body, bytes) else body.size
                await store._call(
                    "POST",
                    store.gsp_url,
                    params={"graph": stage},
                    content=body,
                    headers={"Content-Type": formats.NTRIPLES, "Content-Length": str(size)},
                    auth=store.auth,
                )
            await store._update(store.dialect.staged_insert(stages, replace), hooked=False)
    except TimeoutError:
        raise EngineUnavailable(
            f"the remote store did not finish the write within {deadline:g} s "
            f"({variable('store_write_timeout')})"
        ) from None
    finally:
        await _drop(store, stages.values())
    if hooks is not None:
        await asyncio.to_thread(hooks.after)


async def sweep(store: RemoteStore, older_than: float | None = None) -> int:
    """Remove the staging graphs that inserts cut off left behind, those begun more than
    `older_than` seconds ago (default: `STALE`, or twice the write deadline if longer);
    how many. The age keeps a sweep (every open of the store, a CLI command's too) from
    removing the staging graphs of a write under way in another process, which would
    then copy nothing."""
    if older_than is None:
        older_than = max(STALE, 2 * store.settings.store_write_timeout)
    rows = await store._select(store.dialect.graphs_query)
    now = time.time()
    left = [
        graph
        for r in rows
        if staged(store, graph := r.get("g", {}).get("value", ""))
        and now - _begun(store, graph) > older_than
    ]
    await _drop(store, left)
    return len(left)


def _begun(store: RemoteStore, graph: str) -> float:
    """When the insert that staged `graph` began (its run's name starts with the time);
    0 for a name in no known form, so that it counts as old."""
    stamp = graph[len(prefix(store)) :].split("-", 1)[0]
    return float(stamp) if stamp.isdigit() else 0.0


async def _drop(store: RemoteStore, graphs: Iterable[str]) -> None:
    for graph in graphs:
        with contextlib.suppress(UnknownGraph, EngineUnavailable):
            await store._call("DELETE", store.gsp_url, params={"graph": graph}, auth=store.auth)
