"""A remote SPARQL 1.1 engine (Oxigraph server, Fuseki, GraphDB, Virtuoso, Neptune …).

Queries go to the query endpoint as a form POST with an explicit dataset (the default graph
is the union of our graphs whatever the engine's default); SELECT results come in a format
counted exactly while it streams into the spool (TSV; SPARQL XML for Virtuoso),
CONSTRUCT/DESCRIBE as N-Triples, cut off past the row limit; pyoxigraph then writes the
client's format. What differs between engines (result formats, own graphs, timeouts,
transactions, how large an insert may be) is the engine's dialect (:mod:`pob.store.dialects`);
with `store_user` set, writes authenticate (digest or basic, as the engine asks). Whole
graphs go by the Graph Store protocol, one request each (staged where it is not atomic:
pob.store.staging); `update` is one Update request (one transaction). A build PUTs the
curated graphs one by one, meta (the hash) last: readers may see a new `data` beside an old
`inferred` for a moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import tempfile
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from pob.core import formats
from pob.graph.prefixes import prefixes
from pob.settings import variable
from pob.store import conversions, engine_auth, ops, results, staging
from pob.store.base import Dataset, EngineQuery, Progress, QueryResult, Store, WriteHooks
from pob.store.bulk import file_ntriples
from pob.store.canonical import canonical_result
from pob.store.conversions import Pieces
from pob.store.dialects import Rows, dialect
from pob.store.errors import (
    EngineUnavailable,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    StoreError,
    UnknownGraph,
)

GRAPHS_TTL = 10.0
UpdateBody = str | bytes | AsyncIterator[bytes]


class RemoteStore(Store):
    def __init__(self, settings: Any, hooks: WriteHooks | None = None) -> None:
        super().__init__(settings, hooks)
        self.query_url: str = settings.store_query_url
        self.update_url: str = settings.store_update_url
        self.gsp_url: str = settings.store_gsp_url
        self.dialect = dialect(settings)
        self.auth: httpx.Auth | None = None
        self.client: httpx.AsyncClient | None = None
        self._graphs: tuple[float, frozenset[str]] | None = None
        self._spool = None

    async def open(self, workers: bool = True) -> None:
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(self.settings.query_timeout))
        if self.settings.store_user:
            user, password = self.settings.store_user, self.settings.store_password or ""
            self.auth = await engine_auth.credentials(self.http, self.update_url, user, password)
        if self.dialect.stages_inserts:  # leftovers of a cut-off write; engine down: next open
            with contextlib.suppress(StoreError):
                await staging.sweep(self)

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

    async def _form(self, dataset: Dataset, query: Any = None) -> list[tuple[str, str]]:
        """The dataset as protocol parameters, naming only our graphs: one a client names
        that is not (the engine's own, a staging graph, any other) is an empty graph. A
        client's FROM too (its text is sent without them): Virtuoso would merge FROM with
        the parameters, and read its own graphs. The library's own FROM goes as written."""
        if dataset.from_query and not hasattr(query, "from_graphs"):
            return []
        everything = sorted(await self.graphs())
        if dataset.from_query:
            default, named = list(query.from_graphs), list(query.from_named)
        else:
            default = everything if dataset.default is None else list(dataset.default)
            named = everything if dataset.named is None else list(dataset.named)
        ours, none = set(everything), [self.graph_iri("none")]
        # an empty graph set cannot be said in the protocol (Virtuoso reads no named graph
        # as every graph): an empty graph of ours stands for it
        default = [g for g in default if g in ours] or none
        named = [g for g in named if g in ours] or none
        return [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]

    async def query(
        self, query: EngineQuery, dataset: Dataset, media_type: str, max_rows: int | None
    ) -> QueryResult:
        background = getattr(query, "background", False)  # the feed's work: its own deadline
        timeout = self.settings.feed_timeout if background else self.settings.query_timeout
        text = getattr(query, "text_without_dataset", "") or query.text  # _form: the dataset
        form = [
            ("query", self.dialect.text(text)),
            *await self._form(dataset, query),
            *self.dialect.params(timeout, max_rows),
        ]
        kind = query.form
        select = self.dialect.select_type
        accept = {"SELECT": select, "ASK": media_type}.get(kind, formats.NTRIPLES)
        rows = self.dialect.select_rows() if kind == "SELECT" else Rows()
        limit = None if kind == "ASK" else max_rows
        try:
            spool = await asyncio.wait_for(self._fetch(form, accept, rows, limit, timeout), timeout)
        except TimeoutError:
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped") from None
        except ResultTooLarge:
            raise ResultTooLarge(max_rows or 0) from None
        if kind == "ASK":
            return spool.result(media_type)
        if kind == "SELECT":
            return await asyncio.to_thread(
                conversions.convert_results, spool, select, media_type, rows.count
            )
        return await asyncio.to_thread(conversions.convert_ntriples, spool, media_type, rows.count)

    async def _fetch(
        self,
        form: list[tuple[str, str]],
        accept: str,
        rows: Rows,
        limit: int | None,
        timeout: float | None = None,
    ) -> results.Spool:
        """The engine's answer in a spool, its rows counted (`rows`) and cut off past
        `limit` (ResultTooLarge)."""
        spool = results.Spool(None)
        waits = httpx.Timeout(timeout) if timeout is not None else httpx.USE_CLIENT_DEFAULT
        try:
            async with self.http.stream(
                "POST",
                self.query_url,
                data=conversions.form_fields(form),
                headers={"Accept": accept},
                timeout=waits,
            ) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise self._engine_error(response)
                self.dialect.check(response)
                async for chunk in response.aiter_bytes():
                    spool.write(rows.feed(chunk))
                    if limit is not None and rows.count > limit:
                        raise ResultTooLarge(0)
                spool.write(rows.flush())
                if limit is not None and rows.count > limit:
                    raise ResultTooLarge(0)
        except httpx.TimeoutException:
            spool.drop()
            raise TimeoutError from None
        except httpx.HTTPError as exc:
            spool.drop()
            raise self._unanswered(exc, False) from exc
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
        write = method != "GET" and url != self.query_url
        if write:  # a large load takes minutes: not the public queries' deadline
            kwargs.setdefault("timeout", self.settings.store_write_timeout)
        try:
            response = await self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise self._unanswered(exc, write) from exc
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
            rows = await self._select(self.dialect.graphs_query)
            found = frozenset(
                r["g"]["value"]
                for r in rows
                if r.get("g", {}).get("type") == "uri"
                and not self.dialect.hidden(r["g"]["value"])
                and not staging.staged(self, r["g"]["value"])
            )
            self._graphs = (now, found)
        return self._graphs[1]

    async def triple_counts(self) -> dict[str, int]:
        rows = await self._select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        graphs = await self.graphs(refresh=True)
        counts = dict.fromkeys(graphs, 0)
        counts.update(
            {r["g"]["value"]: int(r["n"]["value"]) for r in rows if r["g"]["value"] in graphs}
        )
        return counts

    async def recorded_hash(self) -> str | None:
        rows = await self._select(ops.hash_query(self.graph_iri("meta")))
        return rows[0]["h"]["value"] if rows else None

    async def get_graph(self, graph: str | None, media_type: str) -> QueryResult:
        if graph is None:
            form = [
                ("query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"),
                *await self._form(Dataset()),
                *self.dialect.params(self.settings.query_timeout, None),
            ]
            spool = await self._fetch(form, formats.NTRIPLES, Rows(), None)
        else:
            response = await self._call(
                "GET",
                self.gsp_url,
                params={"graph": graph},
                headers={"Accept": formats.NTRIPLES},
                auth=self.auth or httpx.USE_CLIENT_DEFAULT,
            )
            spool = results.Spool(None)
            spool.write(response.content)
        return await asyncio.to_thread(
            conversions.convert_graph, spool, media_type, graph, prefixes(self.settings.base)
        )

    async def canonical_graph(self, graph: str, media_type: str) -> QueryResult:
        if graph not in await self.graphs(refresh=True):
            raise UnknownGraph(f"graph <{graph}> is not in this store")
        result = await self.background_query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
            "CONSTRUCT",
            formats.NTRIPLES,
        )
        return await asyncio.to_thread(canonical_result, result, media_type, self.settings.base)

    # -- writes -------------------------------------------------------------------------

    async def _send(self, method: str, graph: str, ntriples: bytes | Pieces, empty: bool) -> bool:
        existed = graph in await self.graphs(refresh=True)
        if self.dialect.stages_inserts:  # its Graph Store is not atomic: pob.store.staging
            replace = [graph] if method == "PUT" else []
            await staging.insert(self, {graph: ntriples}, replace, hooked=False)
        else:
            size = len(ntriples) if isinstance(ntriples, bytes) else ntriples.size
            headers = {"Content-Type": formats.NTRIPLES, "Content-Length": str(size)}
            target = {"params": {"graph": graph}, "content": ntriples, "headers": headers}
            await self._call(method, self.gsp_url, auth=self.auth, **target)
        await self._mark(graph, empty)
        return not existed

    async def _mark(self, graph: str, empty: bool) -> None:
        """Note or forget an empty graph (engines that keep none: pob.store.dialects)."""
        self._graphs = None
        if text := self.dialect.mark(graph, empty):
            headers = {"Content-Type": "application/sparql-update"}
            await self._call("POST", self.update_url, content=text, headers=headers, auth=self.auth)

    async def put_graph(self, graph: str, ntriples: bytes) -> bool:
        return await self._send("PUT", graph, ntriples, not ntriples.strip())

    async def post_graph(self, graph: str, ntriples: bytes) -> bool:
        return await self._send("POST", graph, ntriples, not ntriples.strip())

    async def delete_graph(self, graph: str) -> None:
        try:
            await self._call("DELETE", self.gsp_url, params={"graph": graph}, auth=self.auth)
        except UnknownGraph:  # no triples: maybe an empty graph the engine cannot keep
            if graph not in await self.graphs(refresh=True):
                raise
        await self._mark(graph, False)

    async def remove(self, graphs: Sequence[str], delete: str = "", where: str = "") -> None:
        """One request to the update endpoint, as the engine's dialect writes the removal
        (one transaction); then the graphs' notes as empty graphs forgotten, if any."""
        if not graphs and not delete:
            return
        await self._update(self.dialect.removal(graphs, delete, where))
        for graph in graphs:
            await self._mark(graph, False)

    async def insert(self, graphs: Mapping[str, bytes]) -> None:
        """One SPARQL Update ``INSERT DATA`` (one transaction), streamed to the engine piece
        by piece, never built as one string; staged where the dialect asks (pob.store.staging)."""
        if self.dialect.stages_inserts:
            await staging.insert(self, graphs)
            return
        before, after = self.dialect.insert_frame()
        blocks = [before, *ops.graph_blocks(graphs, b"GRAPH "), after]
        if self.auth is not None:  # digest auth sends the body twice: one replayable body
            await self._update(b"".join(blocks))
            return

        async def pieces() -> AsyncIterator[bytes]:
            for piece in blocks:
                yield piece

        # its length up front: an engine may not read a chunked body
        await self._update(pieces(), sum(len(piece) for piece in blocks))

    async def update(self, sparql: str) -> None:
        """One request to the Update endpoint: one transaction. QuerySyntaxError if the
        engine refuses it (400), else EngineUnavailable (it cannot tell which failed)."""
        await self._update(sparql)

    async def _update(
        self, body: UpdateBody, length: int | None = None, hooked: bool = True
    ) -> None:
        """Send an update (a text, as the engine's dialect writes it, or pieces of one
        `length` bytes long), the hooks around it unless the caller calls them."""
        hooks = self.hooks if hooked else None
        if hooks is not None:
            await asyncio.to_thread(hooks.before)
        if isinstance(body, str):
            body = self.dialect.check_update(body).encode("utf-8")
        headers = {"Content-Type": "application/sparql-update"}
        if length is not None:
            headers["Content-Length"] = str(length)
        try:
            response = await self.http.post(
                self.update_url,
                content=body,
                headers=headers,
                auth=self.auth or httpx.USE_CLIENT_DEFAULT,
                timeout=self.settings.store_write_timeout,
            )
        except httpx.HTTPError as exc:
            raise self._unanswered(exc, True) from exc
        finally:
            self._graphs = None
        if response.status_code >= 400:
            raise self._engine_error(response, "update")
        if hooks is not None:
            await asyncio.to_thread(hooks.after)

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
            body = Pieces(spool, spool.tell())
            spool.seek(0)
            await self._send("PUT" if replace else "POST", graph, body, count == 0)
        return (await self.triple_counts()).get(graph, 0)

    def _unanswered(self, exc: httpx.HTTPError, write: bool) -> EngineUnavailable:
        if not isinstance(exc, httpx.TimeoutException):
            detail = str(exc) or type(exc).__name__  # some say nothing (a closed connection)
            return EngineUnavailable(f"the remote store did not answer: {detail}")
        name = "store_write_timeout" if write else "query_timeout"
        wait = f"{getattr(self.settings, name):g} s ({variable(name)})"
        return EngineUnavailable(f"the remote store did not answer within {wait}")

    def _engine_error(self, response: httpx.Response, what: str = "query") -> Exception:
        text = response.text.strip()[:2000]
        if response.status_code == 400:
            line, column = self.dialect.syntax_position(text)
            return QuerySyntaxError(f"the engine refused the {what}: {text}", line, column)
        return EngineUnavailable(f"the remote store answered {response.status_code}: {text}")

    async def replace_curated(self, graphs: Mapping[str, bytes]) -> None:
        names = sorted(graphs, key=lambda n: n == "meta")  # meta (the hash) last
        for name in names:
            await self.put_graph(self.graph_iri(name), graphs[name])
