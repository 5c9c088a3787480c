"""A lean ASGI path for SPARQL queries, in front of the FastAPI app.

A query (GET /sparql with a `query` parameter, POST /sparql) is answered here without
FastAPI's routing, dependencies, middleware stack and response classes: measured on a
point lookup, those cost about a third of the server process's CPU per request. The query
operation is the route's own (:func:`server.query_core.answer`: the same library calls and
the same error answers), and the CORS headers are those of the app's `CORSMiddleware`
(`tests/server/test_fastpath.py` compares the two paths answer by answer). Everything else
(the service description and the query page at GET /sparql without a query, HEAD, OPTIONS,
every other path) goes to the app unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request

from server import query_core
from server.responses import Answer, Headers

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: what server/app.py gives `CORSMiddleware` (allow every origin, no credentials)
EXPOSE = b"Content-Length, X-Result-Rows, WWW-Authenticate, Link, ETag"


class SparqlFastPath:
    """ASGI app: SPARQL queries answered directly, everything else passed to `app`."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != "/sparql"
            or scope["method"] not in ("GET", "POST")
            or (scope["method"] == "GET" and b"query" not in scope["query_string"])
            or self.app.dependency_overrides
        ):
            await self.app(scope, receive, send)
            return
        await self._query(scope, receive, send)

    async def _query(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        state = self.app.state
        got = await query_core.answer(request, state.store, state.settings)
        if not isinstance(got, Answer):  # a GET without a query: the service description
            await self.app(scope, receive, send)
            return
        origin = request.headers.get("origin")
        if got.chunks is not None:  # a spool file: streamed as the route streams it
            await got.response()(scope, receive, _cors_send(send, origin))
            return
        headers = _cors_headers(got.headers, origin)
        await send({"type": "http.response.start", "status": got.status, "headers": headers})
        await send({"type": "http.response.body", "body": got.body or b""})


def _cors_headers(headers: Headers, origin: str | None) -> Headers:
    """`headers` with what the app's `CORSMiddleware` adds to a simple response: `Origin`
    in `Vary`, and (for a cross-origin request) the allowed origin and exposed headers."""
    vary = [v for k, v in headers if k == b"vary"]
    if origin is not None:
        headers = [
            (k, v)
            for k, v in headers
            if k not in (b"access-control-allow-origin", b"access-control-expose-headers")
        ]
        headers += [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-expose-headers", EXPOSE),
        ]
    merged = b", ".join([*vary, b"Origin"])
    if vary:
        first = next(i for i, (k, _) in enumerate(headers) if k == b"vary")
        headers = [(k, v) for i, (k, v) in enumerate(headers) if k != b"vary" or i == first]
        headers[first] = (b"vary", merged)
    else:
        headers = [*headers, (b"vary", merged)]
    return headers


def _cors_send(send: Send, origin: str | None) -> Send:
    """`send` with :func:`_cors_headers` applied to the response's start."""

    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = _cors_headers(list(message.get("headers", [])), origin)
            message = {**message, "headers": headers}
        await send(message)

    return sender


def wrap(app: FastAPI) -> SparqlFastPath:
    """`app` with SPARQL queries answered in front of it."""
    return SparqlFastPath(app)
