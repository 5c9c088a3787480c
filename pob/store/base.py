"""The one store interface, and the values that cross it.

Two implementations: :class:`pob.store.embedded.EmbeddedStore` (a persistent pyoxigraph
store queried by worker processes) and :class:`pob.store.remote.RemoteStore` (any SPARQL
1.1 engine over the Query, Update and Graph Store protocols). Both let the engine
serialise results, hand back a *complete* result (in memory or in a spool file) and write
whole graphs atomically.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pob.sparql.guard import CheckedQuery, GuardError

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


def resolve_dataset(
    query: CheckedQuery,
    graphs: Iterable[str],
    default_uris: Iterable[str] = (),
    named_uris: Iterable[str] = (),
    inference: bool = True,
    inferred: str | None = None,
) -> Dataset:
    """The dataset a request asks for; every graph it names must be in the store.

    Precedence (SPARQL 1.1 Protocol §2.1.4): the protocol's `default-graph-uri` /
    `named-graph-uri` over the query's FROM / FROM NAMED over the service default (the union
    of all graphs). `inference=false` sets the default graph to every graph but `inferred`.
    """
    known = set(graphs)
    default, named = tuple(default_uris), tuple(named_uris)
    if not inference and (default or named or query.has_dataset):
        raise GuardError(
            "inference=false chooses the default graph itself; it cannot be combined with "
            "default-graph-uri, named-graph-uri, FROM or FROM NAMED (name the graphs instead)"
        )
    asked = (default + named) if (default or named) else query.from_graphs + query.from_named
    for iri in asked:
        if iri not in known:
            raise GuardError(
                f"graph <{iri}> is not in this store; this endpoint reads only its own graphs "
                "(the service description at GET /sparql lists them)"
            )
    if default or named:
        return Dataset(default=default, named=named)
    if query.has_dataset:
        return Dataset(from_query=True)
    if not inference:
        return Dataset(default=tuple(sorted(g for g in known if g != inferred)))
    return Dataset()


class Store(ABC):
    """A store of named graphs that runs SPARQL queries with limits."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

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
        self, query: CheckedQuery, dataset: Dataset, media_type: str, max_rows: int | None
    ) -> QueryResult:
        """Run a checked query; the engine serialises into `media_type`.

        Raises QueryTimeout, ResultTooLarge, QuerySyntaxError, EngineUnavailable.
        """

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
    async def replace_curated(self, graphs: Mapping[str, bytes]) -> None:
        """Put the curated graphs (name -> N-Triples) in place, keeping every other graph."""

    @abstractmethod
    async def recorded_hash(self) -> str | None:
        """The sources hash of the last complete build (from the meta graph)."""
