"""/sparql: the SPARQL 1.1 Protocol query operation (:mod:`server.query_core`, shared with
the fast path in front of the app), and the service description."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pob.core import formats
from pob.sparql import protocol as sparql_protocol
from pob.sparql import service_description as description
from server import protocol, query_core, ui
from server.deps import SettingsDep, StoreDep
from server.query_core import endpoint_url
from server.responses import Answer

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
        "description": "Overrides Accept. SELECT/ASK: json, xml, csv, tsv. CONSTRUCT/DESCRIBE: "
        "turtle (ttl, n3), nt, json-ld (jsonld, json), rdfxml (rdf, rdf+xml, xml), trig, nq. "
        "A media type works too. Repeatable, and `output` / `results` are read the same way "
        "after it: the first value offered for the query form decides.",
        "schema": {"type": "array", "items": {"type": "string"}},
        "explode": True,
    },
    *(
        {
            "name": name,
            "in": "query",
            "description": "The same as `format` (the name some clients use); `format` first.",
            "schema": {"type": "array", "items": {"type": "string"}},
            "explode": True,
        }
        for name in ("output", "results")
    ),
]
_BODY = {
    "required": False,
    "content": {
        protocol.FORM: {"schema": {"type": "object", "properties": {"query": {"type": "string"}}}},
        protocol.DIRECT: {"schema": {"type": "string"}},
    },
}


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
    got = await query_core.answer(request, store, settings)
    if isinstance(got, Answer):
        return got.response()
    return await _describe(request, store, settings, request.method == "HEAD", got.format_names)


async def _describe(
    request: Request, store: Any, settings: Any, head: bool, format_names: list[str]
) -> Response:
    endpoint = endpoint_url(request, settings.public_url)
    # `format=turtle` etc. overrides Accept (a link a browser can follow)
    media_type = sparql_protocol.from_parameters(
        format_names, description.DESCRIPTION_TYPES
    ) or formats.negotiate(
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
