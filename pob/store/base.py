"""The one store interface, and the values that cross it.

Two implementations: :class:`pob.store.embedded.EmbeddedStore` (a persistent pyoxigraph
store queried by worker processes) and :class:`pob.store.remote.RemoteStore` (any SPARQL
1.1 engine over the Query, Update and Graph Store protocols). Both let the engine
serialise results, hand back a *complete* result (in memory or in a spool file) and write
whole graphs atomically. Callers get a store from :func:`pob.store.make_store` and use
only this interface; tests/store/test_contract.py runs the same tests on both.
"""

from __future__ import annotations

import contextlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pob.core import formats

if TYPE_CHECKING:
    from pob.settings import Settings

CURATED = ("ontology", "data", "inferred", "meta")
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset of one query.

    ``default``/``named`` None mean "every graph in the store"; ``from_query`` means the
    query's own FROM / FROM NAMED clauses say it (nothing is passed to the engine).
    """

    default: tuple[str, ...] | None = None
    named: tuple[str, ...] | None = None
    from_query: bool = False

    @property
    def is_union(self) -> bool:
        return self.default is None and not self.from_query


@dataclass
class QueryResult:
    """A complete result: bytes in memory or a spool file the caller streams, then drops."""

    media_type: str
    body: bytes | None = None
    path: Path | None = None
    rows: int | None = None

    @property
    def size(self) -> int:
        if self.body is not None:
            return len(self.body)
        return self.path.stat().st_size if self.path else 0

    def chunks(self) -> Iterator[bytes]:
        """The result in pieces of 64 KiB; the spool file is removed afterwards."""
        try:
            if self.body is not None:
                for start in range(0, len(self.body), CHUNK):
                    yield self.body[start : start + CHUNK]
            elif self.path is not None:
                with self.path.open("rb") as handle:
                    while chunk := handle.read(CHUNK):
                        yield chunk
        finally:
            self.discard()

    def read(self) -> bytes:
        return b"".join(self.chunks())

    def discard(self) -> None:
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            self.path = None


class EngineQuery(Protocol):
    """What an engine needs of a query. The SPARQL wing's checked queries
    (:class:`pob.sparql.guard.CheckedQuery`) are such; so is :class:`TrustedQuery`."""

    @property
    def text(self) -> str: ...

    @property
    def form(self) -> str: ...

    @property
    def base_iri(self) -> str | None: ...

    # optional: `cheap` (bool), a scheduling hint the embedded store reads with getattr


@dataclass(frozen=True)
class TrustedQuery:
    """One of the library's own queries (feed, VoID, pages, submissions): written here, so
    it is not checked by the guard that stands before clients' queries."""

    text: str
    form: str
    base_iri: str | None = None
    #: run in the embedded store's fast lane first (docs/architecture.md)
    cheap: bool = False
    #: background work (the feed's dumps and statistics): not under the public query
    #: timeout but `settings.feed_timeout`, and in the embedded store in a worker of its
    #: own, so it never takes a worker from the public queries
    background: bool = False


class WriteHooks(Protocol):
    """Called inside a write transaction (:meth:`Store.update`), in the code that writes,
    just before the engine writes and just after. The service has none; the crash test
    injects one (through :func:`pob.store.make_store`) to kill the process mid-write."""

    def before(self) -> None: ...

    def after(self) -> None: ...


#: called as a bulk load goes on: (what it does now or None, bytes of input done)
Progress = Callable[[str | None, int], None]


class Store(ABC):
    """A store of named graphs that runs SPARQL queries with limits."""

    def __init__(self, settings: Settings, hooks: WriteHooks | None = None) -> None:
        self.settings = settings
        self.hooks = hooks

    def graph_iri(self, name: str) -> str:
        return self.settings.graph(name)

    @property
    def curated(self) -> frozenset[str]:
        """The graphs only the build writes."""
        return frozenset(self.graph_iri(n) for n in CURATED)

    @abstractmethod
    async def open(self, workers: bool = True) -> None:
        """Start what the store needs (worker processes, HTTP clients); `workers=False`
        for one-off commands that run their few reads in this process."""

    @abstractmethod
    async def close(self) -> None:
        """Stop it again."""

    @abstractmethod
    async def query(
        self, query: EngineQuery, dataset: Dataset, media_type: str, max_rows: int | None
    ) -> QueryResult:
        """Run a query (checked by the guard, or trusted); the engine serialises into
        `media_type`.

        Raises QueryTimeout, ResultTooLarge, QuerySyntaxError, EngineUnavailable.
        """

    async def trusted_query(self, text: str, form: str, media_type: str) -> QueryResult:
        """One of the library's own queries over the union of all graphs, no row limit
        (still stopped at the query timeout)."""
        return await self.query(TrustedQuery(text, form.upper()), Dataset(), media_type, None)

    async def quiet(self, idle: float = 0.5, limit: float = 30.0) -> None:
        """Return once no client query has started for `idle` seconds, or after `limit`
        seconds at most: work in the background (the open-data feed after a start) waits
        for a gap in the queries instead of competing with them. A store that does not
        follow its queries returns at once."""
        return None

    async def select(self, text: str) -> list[dict[str, Any]]:
        """The bindings (SPARQL JSON results) of one of the library's own SELECT queries."""
        result = await self.trusted_query(text, "SELECT", formats.JSON)
        rows: list[dict[str, Any]] = json.loads(result.read())["results"]["bindings"]
        return rows

    async def background_query(self, text: str, form: str, media_type: str) -> QueryResult:
        """One of the library's own queries as background work (:attr:`TrustedQuery.background`):
        stopped at `settings.feed_timeout`, never at the public query timeout."""
        query = TrustedQuery(text, form.upper(), background=True)
        return await self.query(query, Dataset(), media_type, None)

    async def background_select(self, text: str) -> list[dict[str, Any]]:
        """:meth:`select` as background work."""
        result = await self.background_query(text, "SELECT", formats.JSON)
        rows: list[dict[str, Any]] = json.loads(result.read())["results"]["bindings"]
        return rows

    @abstractmethod
    async def canonical_graph(self, graph: str, media_type: str) -> QueryResult:
        """Graph `graph` (Turtle or N-Triples) as background work, byte-stable: blank
        nodes labelled canonically, triples sorted (:mod:`pob.store.canonical`), so the
        same triples give the same bytes in any store. UnknownGraph if it is not there."""

    @abstractmethod
    async def graphs(self, refresh: bool = False) -> frozenset[str]:
        """The IRIs of the named graphs in the store (cached; `refresh` asks again)."""

    @abstractmethod
    async def triple_counts(self) -> dict[str, int]:
        """Triples per named graph."""

    @abstractmethod
    async def get_graph(self, graph: str | None, media_type: str) -> QueryResult:
        """One named graph, or (None) the default graph: the union of all graphs."""

    @abstractmethod
    async def put_graph(self, graph: str, ntriples: bytes) -> bool:
        """Replace a graph atomically; True if it did not exist before."""

    @abstractmethod
    async def post_graph(self, graph: str, ntriples: bytes) -> bool:
        """Add triples to a graph atomically; True if it did not exist before."""

    @abstractmethod
    async def delete_graph(self, graph: str) -> None:
        """Remove a graph (UnknownGraph if it is not there)."""

    @abstractmethod
    async def update(self, sparql: str) -> None:
        """Run one SPARQL Update as one transaction: all of it or none, also across a crash.
        Only the library writes this way (submissions); clients never reach it.

        The hooks (if any) are called just before the engine writes and just after it has;
        QuerySyntaxError if the engine cannot parse the update, another StoreError if it
        fails; nothing is written either way."""

    @abstractmethod
    async def remove(self, graphs: Sequence[str], delete: str = "", where: str = "") -> None:
        """Remove the named `graphs` and, in the same transaction, the triples that
        ``DELETE { delete } WHERE { where }`` finds: all of it or none, also across a crash
        (a submission's graph and its provenance record). Afterwards the graphs are not
        listed by :meth:`graphs`. Each engine does it its own way (:mod:`pob.store.ops`,
        :mod:`pob.store.dialects`): where an update of several operations is one
        transaction, ``DELETE … ; DROP SILENT GRAPH <g>``; on Virtuoso one ``DELETE`` that
        also takes every triple of the graphs (it drops a graph with its last triple).
        `delete` and `where` may not use variables named ``?_…`` (the store's own). The
        hooks are called as for :meth:`update`; a StoreError if it fails, nothing written."""

    @abstractmethod
    async def insert(self, graphs: Mapping[str, bytes]) -> None:
        """Add N-Triples (from our own serialiser) to named graphs, all of them in one
        transaction: everything or nothing, also across a crash (a submission's graph and
        its provenance). The hooks are called as for :meth:`update`. Cheaper than an
        INSERT DATA :meth:`update` of the same triples: the data is streamed to the engine,
        never copied into one SPARQL string (docs/performance.md, "Memory of a
        submission"). StoreError if the engine refuses it; nothing is written then."""

    @abstractmethod
    async def load_files(
        self,
        graph: str,
        files: Sequence[Path],
        replace: bool = False,
        progress: Progress | None = None,
    ) -> int:
        """Load RDF files (format from the suffix) into `graph`, added to it or replacing
        it; returns the triples `graph` has now. ParseError names the file, line and
        column."""

    @abstractmethod
    async def replace_curated(self, graphs: Mapping[str, bytes]) -> None:
        """Put the curated graphs (name -> N-Triples) in place, keeping every other graph."""

    @abstractmethod
    async def recorded_hash(self) -> str | None:
        """The sources hash of the last complete build (from the meta graph)."""
