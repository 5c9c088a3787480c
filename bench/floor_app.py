"""The floor app of `bench.floor`: a SPARQL GET endpoint with nothing but the engine.

    BENCH_FLOOR_STORE=var/.../current [BENCH_FLOOR_MEMORY=1] \\
        python -m uvicorn bench.floor_app:app --http httptools --loop uvloop --no-access-log

It opens our store version read-only (with ``BENCH_FLOOR_MEMORY=1``: copied into memory
first, as the service's replicas are) and answers ``GET /sparql?query=...`` with the
engine's SPARQL JSON over the union default graph, as `pob serve` queries it. Nothing else
a service owes its users is done: no guard, no limits, no timeout, no negotiation, no
dataset parameters, no CORS, no errors beyond a bare 400. Never a service: a measuring rod
for what one Python process on pyoxigraph can give a point lookup on this machine.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox

from bench.contenders import replica_of

Message = MutableMapping[str, Any]
JSON = b"application/sparql-results+json"


def open_store() -> ox.Store:
    """The store `BENCH_FLOOR_STORE` names, read-only; in memory if `BENCH_FLOOR_MEMORY`."""
    disk = ox.Store.read_only(os.environ["BENCH_FLOOR_STORE"])
    if os.environ.get("BENCH_FLOOR_MEMORY") != "1":
        return disk
    with tempfile.TemporaryDirectory() as spool:
        return replica_of(disk, Path(spool))


STORE = open_store()


async def app(
    scope: MutableMapping[str, Any],
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    if scope["type"] != "http":
        return
    status, body = 200, b""
    try:
        query = parse_qs(scope["query_string"].decode("utf-8"))["query"][0]
        result = STORE.query(query, use_default_graph_as_union=True)
        out = io.BytesIO()
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            result.serialize(out, ox.QueryResultsFormat.JSON)
        else:
            result.serialize(out, ox.RdfFormat.N_TRIPLES)
        body = out.getvalue()
    except (KeyError, UnicodeDecodeError, SyntaxError) as exc:
        status, body = 400, str(exc).encode()
    headers = [(b"content-type", JSON), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
