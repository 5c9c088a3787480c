"""/api/queries: the named queries of `queries/` (one route each, so /docs shows them)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from pob.sparql import protocol as sparql
from pob.sparql.named import NamedQuery, bind
from server.deps import SettingsDep, StoreDep, get_settings, get_store
from server.errors import HTTPProblem
from server.responses import result_response

#: query parameters every named query takes besides its own
CONTROL = ("format", "inference")
SPARQL_QUERY = "application/sparql-query"


def build_router(queries: dict[str, NamedQuery]) -> APIRouter:
    """The list route, one GET route per named query, and a 404 for other names."""
    router = APIRouter(prefix="/api/queries", tags=["Named queries"])

    @router.get("", summary="List the named queries")
    async def list_queries(request: Request) -> JSONResponse:
        """Every named query with its header: titles and descriptions (da, en), parameters,
        what it returns, and the path to run it."""
        items = []
        for query in queries.values():
            header = query.header()
            header["path"] = f"/api/queries/{query.name}"
            header["sparql"] = f"/api/queries/{query.name}/sparql"
            items.append(header)
        return JSONResponse({"queries": items})

    for query in queries.values():
        router.add_api_route(
            f"/{query.name}",
            _runner(query),
            methods=["GET", "HEAD"],
            name=f"query-{query.name}",
            summary=query.title.get("en", query.name),
            description=_describe(query),
            response_class=Response,
        )

    @router.get(
        "/{name}/sparql",
        summary="The SPARQL text of a named query",
        response_class=PlainTextResponse,
        responses={200: {"content": {SPARQL_QUERY: {"schema": {"type": "string"}}}}},
    )
    async def query_text(name: str, request: Request, settings: SettingsDep) -> Response:
        """The query with its parameters bound (given values, else the defaults): what
        GET /api/queries/{name} would run. The query UI loads its examples from here."""
        query = queries.get(name)
        if query is None:
            raise HTTPProblem(
                404, "Not Found", f"no named query {name!r}; GET /api/queries lists them"
            )
        text = bind(query, _values(request), settings.base)
        return Response(text, media_type=f"{SPARQL_QUERY}; charset=utf-8")

    @router.get("/{name}", include_in_schema=False)
    async def unknown(name: str) -> Response:
        raise HTTPProblem(404, "Not Found", f"no named query {name!r}; GET /api/queries lists them")

    return router


def _values(request: Request) -> dict[str, str]:
    """The named query's own parameters from the query string (each at most once)."""
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in CONTROL:
            continue
        if key in values:
            raise HTTPProblem(
                400,
                "Bad parameter",
                f"parameter {key!r} is given twice",
                extra={"parameter": key},
            )
        values[key] = value
    return values


def _describe(query: NamedQuery) -> str:
    lines = [
        query.description.get("en", ""),
        "",
        f"*Dansk:* {query.title.get('da', '')}. {query.description.get('da', '')}",
        "",
        f"Returns: {query.returns}",
    ]
    return "\n".join(lines)


def _runner(query: NamedQuery) -> Callable[..., Awaitable[Response]]:
    async def run(request: Request, store: StoreDep, settings: SettingsDep, **_: Any) -> Response:
        text = bind(query, _values(request), settings.base)
        inference = request.query_params.get("inference", "true")
        if inference not in ("true", "false"):
            raise HTTPProblem(
                400,
                "Bad parameter",
                "inference must be true or false",
                extra={"parameter": "inference"},
            )
        prepared = await sparql.prepare(
            store,
            settings,
            text,
            accept=request.headers.get("accept"),
            format_name=request.query_params.get("format"),
            inference=inference == "true",
        )
        result = await sparql.execute(store, settings, prepared)
        return result_response(result, head=request.method == "HEAD")

    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        inspect.Parameter("store", inspect.Parameter.KEYWORD_ONLY, annotation=StoreDep),
        inspect.Parameter("settings", inspect.Parameter.KEYWORD_ONLY, annotation=SettingsDep),
    ]
    for param in query.params:
        description = f"({param.type}) {param.description.get('en', '')}".strip()
        parameters.append(
            inspect.Parameter(
                param.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=str | None,
                default=Query(param.default, description=description),
            )
        )
    parameters.append(
        inspect.Parameter(
            "format",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=str | None,
            default=Query(None, description="json, xml, csv or tsv (overrides Accept)"),
        )
    )
    parameters.append(
        inspect.Parameter(
            "inference",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=bool,
            default=Query(True, description="false: leave out the inferred graph"),
        )
    )
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__name__ = f"run_{query.name.replace('-', '_')}"
    return run


__all__ = ["build_router", "get_settings", "get_store"]
