"""A remote SPARQL 1.1 engine (Oxigraph server, Fuseki, GraphDB, Virtuoso, Neptune …).

Queries go to the query endpoint as a form POST with an explicit dataset (so the default
graph is the union of our graphs whatever the engine's own default is); SELECT results are
asked for as TSV and CONSTRUCT/DESCRIBE as N-Triples, both one row (triple) per line, so
they are counted exactly while they stream into the spool and cut off past the row limit;
pyoxigraph then writes the format the client asked for. Writes of whole graphs use the
Graph Store protocol: one PUT / POST / DELETE per graph, each atomic in the engine;
`update` is one request to the engine's SPARQL Update endpoint (one transaction). A build
PUTs the curated graphs one after the other (meta last, so the recorded hash only changes
after every graph is in): readers may see a new `data` beside an old `inferred` for a
moment.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import httpx
import pyoxigraph as ox

from pob.core import formats
from pob.graph.namespaces import prefixes
from pob.store import ops, results
from pob.store.base import Dataset, EngineQuery, Progress, QueryResult, Store, WriteHooks
from pob.store.bulk import file_ntriples
from pob.store.errors import (
    EngineUnavailable,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    UnknownGraph,
)

GRAPHS_TTL = 10.0


class RemoteStore(Store):
    def __init__(self, settings: Any, hooks: WriteHooks | None = None) -> None:
        super().__init__(settings, hooks)
        self.query_url: str = settings.store_query_url
        self.update_url: str = settings.store_update_url
        self.gsp_url: str = settings.store_gsp_url
        self.client: httpx.AsyncClient | None = None
        self._graphs: tuple[float, frozenset[str]] | None = None
        self._spool = None

    async def open(self, workers: bool = True) -> None:
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(self.settings.query_timeout))

    async def close(self) -> None:
        if self.client is not None:
            await self.client.aclose()
            self.client = None

    @property
    def http(self) -> httpx.AsyncClient:
        if self.client is None:
            raise EngineUnavailable("the remote store is not open")
        return self.client

    # -- queries ------------------------------------------------------------------------

    async def _form(self, dataset: Dataset) -> list[tuple[str, str]]:
        if dataset.from_query:
            return []
        everything = sorted(await self.graphs())
        default = everything if dataset.default is None else list(dataset.default)
        named = everything if dataset.named is None else list(dataset.named)
        if not default and not named:  # an empty dataset cannot be said in the protocol
            default = [self.graph_iri("none")]
        return [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]

    async def query(
        self, query: EngineQuery, dataset: Dataset, media_type: str, max_rows: int | None
    ) -> QueryResult:
        form = [("query", query.text), *await self._form(dataset)]
        kind = query.form
        accept = {"SELECT": formats.TSV, "ASK": media_type}.get(kind, formats.NTRIPLES)
        lines = None if max_rows is None or kind == "ASK" else max_rows + (kind == "SELECT")
        try:
            spool = await asyncio.wait_for(
                self._fetch(form, accept, lines), self.settings.query_timeout
            )
        except TimeoutError:
            raise QueryTimeout(
                f"the query ran longer than {self.settings.query_timeout:g} s and was stopped"
            ) from None
        except ResultTooLarge:
            raise ResultTooLarge(max_rows or 0) from None
        if kind == "ASK":
            return spool.result(media_type)
        if kind == "SELECT":
            return await asyncio.to_thread(results.convert_tsv, spool, media_type, None)
        return await asyncio.to_thread(_convert_ntriples, spool, media_type, spool.lines)

    async def _fetch(
        self, form: list[tuple[str, str]], accept: str, lines: int | None
    ) -> results.Spool:
        spool = results.Spool(None, lines)
        try:
            async with self.http.stream(
                "POST", self.query_url, data=_multi(form), headers={"Accept": accept}
            ) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise _engine_error(response)
                async for chunk in response.aiter_bytes():
                    try:
                        spool.write(chunk)
                    except results.TooManyRows:
                        raise ResultTooLarge(0) from None
        except httpx.TimeoutException:
            spool.drop()
            raise TimeoutError from None
        except httpx.HTTPError as exc:
            spool.drop()
            raise EngineUnavailable(f"the remote store did not answer: {exc}") from exc
        except BaseException:  # too many rows, an engine error, or cancelled at the deadline
            spool.drop()
            raise
        return spool

    async def _select(self, text: str) -> list[dict[str, Any]]:
        response = await self._call(
            "POST",
            self.query_url,
            data={"query": text},
            headers={"Accept": formats.JSON},
        )
        bindings: list[dict[str, Any]] = json.loads(response.content)["results"]["bindings"]
        return bindings

    async def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise EngineUnavailable(f"the remote store did not answer: {exc}") from exc
        if response.status_code == 404 and method in ("GET", "DELETE"):
            raise UnknownGraph(f"graph <{kwargs.get('params', {}).get('graph')}> is not there")
        if response.status_code >= 400:
            raise EngineUnavailable(
                f"the remote store answered {response.status_code}: {response.text[:500]}"
            )
        return response

    async def graphs(self, refresh: bool = False) -> frozenset[str]:
        now = time.monotonic()
        if refresh or self._graphs is None or now - self._graphs[0] > GRAPHS_TTL:
            rows = await self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
            found = frozenset(r["g"]["value"] for r in rows if r.get("g", {}).get("type") == "uri")
            self._graphs = (now, found)
        return self._graphs[1]

    async def triple_counts(self) -> dict[str, int]:
        rows = await self._select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        counts = dict.fromkeys(await self.graphs(refresh=True), 0)
        counts.update({r["g"]["value"]: int(r["n"]["value"]) for r in rows})
        return counts

    async def recorded_hash(self) -> str | None:
        rows = await self._select(ops.hash_query(self.graph_iri("meta")))
        return rows[0]["h"]["value"] if rows else None

    async def get_graph(self, graph: str | None, media_type: str) -> QueryResult:
        if graph is None:
            form = [
                ("query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"),
                *await self._form(Dataset()),
            ]
            spool = await self._fetch(form, formats.NTRIPLES, None)
        else:
            response = await self._call(
                "GET", self.gsp_url, params={"graph": graph}, headers={"Accept": formats.NTRIPLES}
            )
            spool = results.Spool(None)
            spool.write(response.content)
        return await asyncio.to_thread(
            _convert_graph, spool, media_type, graph, prefixes(self.settings.base)
        )

    # -- writes -------------------------------------------------------------------------

    async def _send(self, method: str, graph: str, ntriples: bytes | AsyncIterator[bytes]) -> bool:
        existed = graph in await self.graphs(refresh=True)
        await self._call(
            method,
            self.gsp_url,
            params={"graph": graph},
            content=ntriples,
            headers={"Content-Type": formats.NTRIPLES},
        )
        self._graphs = None
        return not existed

    async def put_graph(self, graph: str, ntriples: bytes) -> bool:
        return await self._send("PUT", graph, ntriples)

    async def post_graph(self, graph: str, ntriples: bytes) -> bool:
        return await self._send("POST", graph, ntriples)

    async def delete_graph(self, graph: str) -> None:
        await self._call("DELETE", self.gsp_url, params={"graph": graph})
        self._graphs = None

    async def insert(self, graphs: Mapping[str, bytes]) -> None:
        """One SPARQL Update ``INSERT DATA`` (one transaction), streamed to the engine piece
        by piece rather than built as one string."""

        async def pieces() -> AsyncIterator[bytes]:
            yield b"INSERT DATA {\n"
            for piece in ops.graph_blocks(graphs, b"GRAPH "):
                yield piece
            yield b"}\n"

        await self._update(pieces())

    async def update(self, sparql: str) -> None:
        """One request to the engine's SPARQL Update endpoint: one transaction.
        QuerySyntaxError if the engine refuses it (400); EngineUnavailable if it fails
        otherwise (the engine's answer does not tell a failed operation from a failed
        engine)."""
        await self._update(sparql.encode("utf-8"))

    async def _update(self, body: bytes | AsyncIterator[bytes]) -> None:
        if self.hooks is not None:
            await asyncio.to_thread(self.hooks.before)
        try:
            response = await self.http.post(
                self.update_url,
                content=body,
                headers={"Content-Type": "application/sparql-update"},
            )
        except httpx.HTTPError as exc:
            raise EngineUnavailable(f"the remote store did not answer: {exc}") from exc
        finally:
            self._graphs = None
        if response.status_code >= 400:
            raise _engine_error(response, "update")
        if self.hooks is not None:
            await asyncio.to_thread(self.hooks.after)

    async def load_files(
        self,
        graph: str,
        files: Sequence[Path],
        replace: bool = False,
        progress: Progress | None = None,
    ) -> int:
        """Every file parsed here first (errors name the file, line and column; nothing is
        sent then), their N-Triples spooled into one temporary file, then sent to the
        engine's Graph Store in ONE request (PUT to replace, POST to add): one transaction
        in the engine, so all of the files or none."""
        report = progress or (lambda description, advance: None)
        with tempfile.TemporaryFile(prefix="pob-load-") as spool:
            count = 0
            for path in files:
                report(f"parse {path.name}", 0)
                ntriples, triples = await asyncio.to_thread(file_ntriples, path)
                spool.write(ntriples)
                count += triples
                report(None, path.stat().st_size)
            report(f"write {count:,} triples", 0)
            spool.seek(0)
            await self._send("PUT" if replace else "POST", graph, _pieces(spool))
        return (await self.triple_counts()).get(graph, 0)

    async def replace_curated(self, graphs: Mapping[str, bytes]) -> None:
        names = sorted(graphs, key=lambda n: n == "meta")  # meta (the hash) last
        for name in names:
            await self.put_graph(self.graph_iri(name), graphs[name])


async def _pieces(handle: IO[bytes], size: int = 1 << 20) -> AsyncIterator[bytes]:
    """A file's bytes in pieces, for a streamed request body."""
    while chunk := await asyncio.to_thread(handle.read, size):
        yield chunk


def _multi(form: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form fields with repeated names, the way httpx takes them."""
    out: dict[str, list[str]] = {}
    for key, value in form:
        out.setdefault(key, []).append(value)
    return out


def _engine_error(response: httpx.Response, what: str = "query") -> Exception:
    text = response.text.strip()[:2000]
    if response.status_code == 400:
        error = results.syntax_error(SyntaxError(text))
        return QuerySyntaxError(f"the engine refused the {what}: {text}", error.line, error.column)
    return EngineUnavailable(f"the remote store answered {response.status_code}: {text}")


def _convert_graph(
    spool: results.Spool, media_type: str, graph: str | None, table: dict[str, str]
) -> QueryResult:
    """N-Triples of a graph dump → `media_type`, as the embedded store writes it."""
    if media_type == formats.NTRIPLES:
        return spool.result(media_type)
    with spool.reader() as source:
        triples = [q.triple for q in ox.parse(source, ox.RdfFormat.N_TRIPLES)]
    spool.drop()
    used = ops.used_prefixes(triples, table) if media_type in _PREFIXED else None
    if graph is not None and media_type in formats.DATASET_TYPES:
        name = ox.NamedNode(graph)
        out = results.Spool(None)
        quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
        ox.serialize(quads, out.io, results.rdf_format(media_type), prefixes=used)
        return out.result(media_type)
    return results.write_triples(triples, media_type, None, prefixes=used)


_PREFIXED = (formats.TURTLE, formats.TRIG)


def _convert_ntriples(spool: results.Spool, media_type: str, rows: int | None) -> QueryResult:
    if media_type == formats.NTRIPLES:
        return spool.result(media_type, rows)
    with spool.reader() as source:
        result = results.write_triples(
            (q.triple for q in ox.parse(source, ox.RdfFormat.N_TRIPLES)), media_type, None
        )
    spool.drop()
    result.rows = rows
    return result
