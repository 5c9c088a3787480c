"""A remote engine's answer, rewritten in the format the client asked for.

:class:`pob.store.remote.RemoteStore` asks an engine for N-Triples (graphs, CONSTRUCT,
DESCRIBE) or its SELECT results format, spools the answer (:mod:`pob.store.results`) and
converts it here, writing what the embedded store would write for the same request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import IO

import pyoxigraph as ox

from pob.core import formats
from pob.store import ops, results
from pob.store.base import QueryResult


def convert_graph(
    spool: results.Spool, media_type: str, graph: str | None, table: dict[str, str]
) -> QueryResult:
    """N-Triples of a graph dump → `media_type`, as the embedded store writes it."""
    if media_type == formats.NTRIPLES:
        return spool.result(media_type)
    with spool.reader() as source:
        triples = [q.triple for q in ox.parse(source, ox.RdfFormat.N_TRIPLES)]
    spool.drop()
    used = ops.used_prefixes(triples, table) if media_type in PREFIXED else None
    if graph is not None and media_type in formats.DATASET_TYPES:
        name = ox.NamedNode(graph)
        out = results.Spool(None)
        quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
        ox.serialize(quads, out.io, results.rdf_format(media_type), prefixes=used)
        return out.result(media_type)
    return results.write_triples(triples, media_type, None, prefixes=used)


PREFIXED = (formats.TURTLE, formats.TRIG)


def convert_results(spool: results.Spool, source: str, media_type: str, rows: int) -> QueryResult:
    """SELECT results as the engine wrote them (`source`) → `media_type`."""
    if media_type == source:
        return spool.result(media_type, rows)
    out = results.Spool(None)
    with spool.reader() as reader:
        parsed = ox.parse_query_results(reader, results.results_format(source))
        parsed.serialize(out.io, results.results_format(media_type))
    spool.drop()
    return out.result(media_type, rows)


def convert_ntriples(spool: results.Spool, media_type: str, rows: int | None) -> QueryResult:
    if media_type == formats.NTRIPLES:
        return spool.result(media_type, rows)
    with spool.reader() as source:
        result = results.write_triples(
            (q.triple for q in ox.parse(source, ox.RdfFormat.N_TRIPLES)), media_type, None
        )
    spool.drop()
    result.rows = rows
    return result


def form_fields(form: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form fields with repeated names, the way httpx takes them."""
    out: dict[str, list[str]] = {}
    for key, value in form:
        out.setdefault(key, []).append(value)
    return out


class Pieces:
    """A file's bytes in pieces, for a streamed request body of a known `size`."""

    def __init__(self, handle: IO[bytes], size: int) -> None:
        self.handle, self.size = handle, size

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while chunk := await asyncio.to_thread(self.handle.read, 1 << 20):
            yield chunk
