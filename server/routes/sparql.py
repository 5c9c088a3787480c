"""/sparql: the SPARQL 1.1 Protocol query operation, and the service description."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pob.core import formats
from pob.sparql import guard
from pob.sparql import protocol as sparql
from pob.sparql import service_description as description
from server import protocol, ui
from server.deps import SettingsDep, StoreDep
from server.errors import HTTPProblem
from server.responses import result_response

router = APIRouter(tags=["SPARQL"])

_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "query",
        "in": "query",
        "description": "A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE). Without it, "
        "GET answers with the service description (or, for a browser, the query page).",
        "schema": {"type": "string"},
    },
    {
        "name": "default-graph-uri",
        "in": "query",
        "description": "A graph of the default graph (repeatable); only graphs in this store.",
        "schema": {"type": "array", "items": {"type": "string"}},
        "explode": True,
    },
    {
        "name": "named-graph-uri",
        "in": "query",
        "description": "A named graph of the dataset (repeatable); only graphs in this store.",
        "schema": {"type": "array", "items": {"type": "string"}},
        "explode": True,
    },
    {
        "name": "inference",
        "in": "query",
        "description": "false: the default graph is every graph except the inferred one.",
        "schema": {"type": "boolean", "default": True},
    },
    {
        "name": "format",
        "in": "query",
        "description": "Overrides Accept: json, xml, csv, tsv, turtle, nt, jsonld, rdfxml, "
        "trig, nq.",
        "schema": {"type": "string"},
    },
]
_BODY = {
    "required": False,
    "content": {
        protocol.FORM: {"schema": {"type": "object", "properties": {"query": {"type": "string"}}}},
        protocol.DIRECT: {"schema": {"type": "string"}},
    },
}


def endpoint_url(request: Request, public_url: str | None) -> str:
    """The endpoint's own address: POB_PUBLIC_URL, or what the request was sent to."""
    if public_url:
        return public_url.rstrip("/") + "/sparql"
    # what `request.url_for("sparql")` gives, without its search through every route
    # (measured ~50 µs a request, and this runs for every query)
    return f"{request.base_url}sparql"


@router.api_route(
    "/sparql",
    methods=["GET", "HEAD", "POST"],
    name="sparql",
    summary="SPARQL 1.1 query endpoint",
    response_class=Response,
    openapi_extra={"parameters": _PARAMETERS, "requestBody": _BODY},
)
async def sparql_endpoint(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The W3C SPARQL 1.1 Protocol: GET `?query=`, POST form-encoded, POST
    `application/sparql-query`. Results by `Accept` (SELECT/ASK: SPARQL JSON, XML, CSV, TSV;
    CONSTRUCT/DESCRIBE: Turtle, N-Triples, JSON-LD, RDF/XML, TriG, N-Quads). Read-only."""
    parsed = await protocol.parse(request, settings)
    head = request.method == "HEAD"
    if parsed.query is None:
        if request.method == "POST":
            raise HTTPProblem(400, "Bad request", "no 'query' parameter: nothing to run")
        return await _describe(request, store, settings, head, parsed.format_name)
    text = guard.decode(parsed.query, settings.max_query_bytes)
    prepared = await sparql.prepare(
        store,
        settings,
        text,
        accept=request.headers.get("accept"),
        format_name=parsed.format_name,
        default_uris=parsed.default_uris,
        named_uris=parsed.named_uris,
        inference=parsed.inference,
        base_iri=endpoint_url(request, settings.public_url),
    )
    return result_response(await sparql.execute(store, settings, prepared), head)


async def _describe(
    request: Request, store: Any, settings: Any, head: bool, format_name: str | None = None
) -> Response:
    endpoint = endpoint_url(request, settings.public_url)
    if format_name:  # `format=turtle` etc. overrides Accept (a link a browser can follow)
        media_type = formats.from_short_name(format_name, description.DESCRIPTION_TYPES)
    else:
        media_type = formats.negotiate(
            request.headers.get("accept"), (*description.DESCRIPTION_TYPES, formats.HTML)
        )
    if media_type == formats.HTML:
        return ui.query_page(request, endpoint)
    graph = description.service_description(
        endpoint, settings.base, await store.triple_counts(), settings.graph("inferred")
    )
    body = description.serialise(graph, media_type)
    headers = {"Vary": "Accept", "Content-Length": str(len(body))}
    return Response(
        b"" if head else body, media_type=formats.content_type(media_type), headers=headers
    )
