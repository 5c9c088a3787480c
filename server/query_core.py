"""The SPARQL 1.1 Protocol query operation, written once.

Both ways a query reaches the service answer it with :func:`answer`: the FastAPI route
(:mod:`server.routes.sparql`) and the lean ASGI path in front of the app
(:mod:`server.fastpath`). It reads the request (:func:`server.protocol.parse`: query,
default-graph-uri, named-graph-uri, format/output/results, inference), decodes and checks the query
(:mod:`pob.sparql.guard`), prepares and runs it (:mod:`pob.sparql.protocol`) and gives the
:class:`~server.responses.Answer`: the result, or the error answer of :mod:`server.errors`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from pob.settings import Settings
from pob.sparql import guard
from pob.sparql import protocol as sparql
from pob.store.base import Store
from server import errors, protocol
from server.errors import HTTPProblem
from server.protocol import QueryRequest
from server.responses import Answer, result_answer


async def answer(request: Request, store: Store, settings: Settings) -> Answer | QueryRequest:
    """The answer to a query request (GET, HEAD or POST to /sparql), errors included; or,
    for a GET or HEAD that carries no query, the parsed request: it asks for the service
    description, which the route gives."""
    head = request.method == "HEAD"
    accept = request.headers.get("accept")
    try:
        parsed = await protocol.parse(request, settings)
        if parsed.query is None:
            if request.method != "POST":
                return parsed
            raise HTTPProblem(400, "Bad request", "no 'query' parameter: nothing to run")
        text = guard.decode(parsed.query, settings.max_query_bytes)
        prepared = await sparql.prepare(
            store,
            settings,
            text,
            accept=accept,
            format_names=parsed.format_names,
            default_uris=parsed.default_uris,
            named_uris=parsed.named_uris,
            inference=parsed.inference,
            base_iri=endpoint_url(request, settings.public_url),
        )
        result = await sparql.execute(store, settings, prepared)
    except errors.KNOWN as exc:
        return Answer.of(errors.answer(exc, accept, head))
    return result_answer(result, head)


def endpoint_url(request: Request, public_url: str | None) -> str:
    """The endpoint's own address: POB_PUBLIC_URL, or what the request was sent to.

    What `request.url_for("sparql")` gives, without its search through every route, and
    remembered per scheme, host, server and root path (Starlette builds `base_url` through
    two URL objects every time, and this runs for every query)."""
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
