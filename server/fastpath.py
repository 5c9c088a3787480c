"""A lean ASGI path for SPARQL queries, in front of the FastAPI app.

A query (GET /sparql with a `query` parameter, POST /sparql) is answered here without
FastAPI's routing, dependencies, middleware stack and response classes: measured on a
point lookup, those cost about a third of the server process's CPU per request. The work
is the same library calls as the route in :mod:`server.routes.sparql` (:mod:`server.protocol`,
:mod:`pob.sparql.guard`, :mod:`pob.sparql.protocol`), errors are the same answers
(:mod:`server.errors`),
and the CORS headers are those of the app's `CORSMiddleware` (`tests/server/test_fastpath.py`
compares the two paths answer by answer). Everything else (the service description and
the query page at GET /sparql without a query, HEAD, OPTIONS, every other path) goes to
the app unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request

from pob.core import formats
from pob.sparql import guard
from pob.sparql import protocol as sparql
from server import errors, protocol
from server.errors import HTTPProblem
from server.responses import result_response

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
        self._content_types: dict[str, bytes] = {}

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
        settings, store = state.settings, state.store
        accept = request.headers.get("accept")
        origin = request.headers.get("origin")
        try:
            parsed = await protocol.parse(request, settings)
            if parsed.query is None:
                if scope["method"] == "GET":  # a service description after all
                    await self.app(scope, receive, send)
                    return
                raise HTTPProblem(400, "Bad request", "no 'query' parameter: nothing to run")
            text = guard.decode(parsed.query, settings.max_query_bytes)
            prepared = await sparql.prepare(
                store,
                settings,
                text,
                accept=accept,
                format_name=parsed.format_name,
                default_uris=parsed.default_uris,
                named_uris=parsed.named_uris,
                inference=parsed.inference,
                base_iri=_endpoint(request, settings.public_url),
            )
            result = await sparql.execute(store, settings, prepared)
        except errors.KNOWN as exc:
            response = errors.answer(exc, accept)
            await response(scope, receive, _cors_send(send, origin))
            return
        if result.body is None:  # a spool file: streamed as the route streams it
            response = result_response(result)
            await response(scope, receive, _cors_send(send, origin))
            return
        headers = [
            (b"content-length", str(len(result.body)).encode()),
            (b"vary", b"Accept, Origin"),
        ]
        if result.rows is not None:
            headers.append((b"x-result-rows", str(result.rows).encode()))
        headers.append((b"content-type", self._content_type(result.media_type)))
        if origin is not None:
            headers += [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-expose-headers", EXPOSE),
            ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": result.body})

    def _content_type(self, media_type: str) -> bytes:
        """`Content-Type` as Starlette's `Response` writes it (a charset for text/*)."""
        found = self._content_types.get(media_type)
        if found is None:
            value = formats.content_type(media_type)
            if value.startswith("text/") and "charset=" not in value.lower():
                value += "; charset=utf-8"
            found = self._content_types[media_type] = value.encode("latin-1")
        return found


def _endpoint(request: Request, public_url: str | None) -> str:
    """As :func:`server.routes.sparql.endpoint_url`, remembered per scheme, host, server
    and root path (Starlette builds `base_url` through two URL objects every time)."""
    if public_url:
        return public_url.rstrip("/") + "/sparql"
    scope = request.scope
    host = request.headers.get("host")
    if host is None or len(host) > 256:
        return f"{request.base_url}sparql"
    key = (
        scope.get("scheme"),
        host,
        scope.get("server"),
        scope.get("root_path"),
        scope.get("app_root_path"),
    )
    found = _ENDPOINTS.get(key)
    if found is None:
        if len(_ENDPOINTS) >= 64:
            _ENDPOINTS.clear()
        found = _ENDPOINTS[key] = f"{request.base_url}sparql"
    return found


_ENDPOINTS: dict[tuple[Any, ...], str] = {}


def _cors_send(send: Send, origin: str | None) -> Send:
    """`send` with the headers the app's `CORSMiddleware` adds to a simple response."""

    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", [])]
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
                headers.append((b"vary", merged))
            message = {**message, "headers": headers}
        await send(message)

    return sender


def wrap(app: FastAPI) -> SparqlFastPath:
    return SparqlFastPath(app)
