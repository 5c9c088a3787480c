"""/id/{type}/{key}: every IRI we mint answers here, as a page or as RDF.

The IRI is ``{base}id/{type}/{key}`` for the configured base, whatever address the service
runs at (with the canonical base the w3id.org redirect brings clients here). Direct content
negotiation, no 303: see server/README.md. Their JSON-LD is compacted with the project's
context, which ``/context.jsonld`` serves (``{base}context.jsonld``, :mod:`pob.graph.context`).
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pob.core import formats
from pob.graph.context import context_bytes, to_jsonld
from pob.graph.labels import Link
from pob.publish.resources import (
    GraphView,
    describe,
    fetch_resource,
    national_network,
    resource_graph,
    with_triples,
)
from pob.publish.snapshot import Feed, current_feed, serialise
from pob.store.base import Store
from server.deps import SettingsDep, StoreDep
from server.errors import error_response
from server.negotiation import (
    DOCUMENT_TYPES,
    EXTENSION,
    HTML,
    choose,
    document_headers,
    split_suffix,
)
from server.pages import Page, choose_language

router = APIRouter(tags=["Linked data"])
#: links in the neighbourhood picture, grouped by property (all are listed in text too)
GRAPH_LIMIT = 400


def alternates(path: str, offered: tuple[str, ...] = DOCUMENT_TYPES) -> list[dict[str, str]]:
    return [
        {"type": t, "href": f"{path}.{EXTENSION[t]}", "label": formats.syntax(t).name}
        for t in offered
    ]


async def view_for(store: Store, feed: Feed, iri: str) -> GraphView:
    """The feed's view, plus what the graphs it does not hold say about `iri` (if anything):
    submissions and loaded graphs are read per resource, never held; the store's list of
    graphs now (not the snapshot's), so a page follows a write at once."""
    stored = sorted(await store.graphs() - store.curated)
    if not stored:
        return feed.view
    extra = await fetch_resource(store, iri, stored)
    if len(extra) == 0:
        return feed.view
    return await asyncio.to_thread(with_triples, feed.view, extra)


def network_link(feed: Feed, lang: str) -> Link | None:
    node = feed.cached(("network",), lambda: national_network(feed.view))
    return feed.view.namer.link(node, lang) if node is not None else None


def _graph_data(r: Any, edges: tuple[Any, ...], page: Page) -> dict[str, Any]:
    """The picture's data: the resource and one group per property and direction (links
    from it, links to it), each with its neighbours; the script draws a group as a compound
    node with a count that opens and closes."""
    groups: dict[tuple[str, bool], dict[str, Any]] = {}
    for e in edges:
        incoming = e.object.iri == r.iri and e.subject.iri != r.iri
        other = e.subject if incoming else e.object
        group = groups.setdefault(
            (e.predicate.iri, incoming),
            {"property": e.predicate.label.value, "incoming": incoming, "members": []},
        )
        group["members"].append(
            {
                "id": other.iri,
                "label": other.label.value,
                "href": page.href(other.href),
                "inferred": e.inferred,
            }
        )
    out = []
    for i, g in enumerate(groups.values()):
        key = "neighbourhood_group_in" if g["incoming"] else "neighbourhood_group_out"
        label = page.t(key, property=g["property"], count=len(g["members"]))
        out.append({"key": f"g{i}", "label": label, **g})
    return {"center": {"id": r.iri, "label": r.label.value}, "groups": out}


def not_found(request: Request, html: bool, iri: str, feed: Feed | None = None) -> Response:
    """404 as a page for browsers, else the usual JSON / plain-text error."""
    if html:
        lang, explicit = choose_language(request)
        page = Page(request, lang, explicit)
        network = network_link(feed, lang) if feed is not None else None
        return page.render("ld_error.html", status=404, iri=iri, network=network)
    return error_response(
        request.headers.get("accept"),
        404,
        "Not Found",
        f"<{iri}> is not in the knowledge graph",
        head=request.method == "HEAD",
    )


def describe_response(
    request: Request,
    feed: Feed,
    view: GraphView,
    iri: str,
    path: str,
    suffix: str | None,
    extra_headers: dict[str, str] | None = None,
) -> Response:
    """The document about `iri` (served at `path`) in the chosen format; 404 if unknown."""
    choice = choose(request, DOCUMENT_TYPES, suffix)
    if not view.knows(iri):
        return not_found(request, choice.media_type == HTML, iri, feed)
    headers = {**document_headers(path, DOCUMENT_TYPES, choice), **(extra_headers or {})}
    if choice.media_type == HTML:
        lang, explicit = choose_language(request)
        page = Page(request, lang, explicit)
        r = describe(view, iri, lang)
        edges = r.neighbourhood(GRAPH_LIMIT + 1)
        shown = edges[:GRAPH_LIMIT]
        query = quote(r.sparql, safe="")
        return page.render(
            "resource.html",
            headers=headers,
            r=r,
            edges=shown,
            edges_cut=len(edges) > GRAPH_LIMIT,
            graph=_graph_data(r, shown, page),
            alternates=alternates(path),
            sparql_ui=f"/query?query={query}",
            sparql_result=f"/sparql?query={query}&format=turtle",
            network=network_link(feed, lang),
        )
    inference = request.query_params.get("inference", "true").lower() != "false"
    graph = resource_graph(view, iri, inference)
    if choice.media_type == formats.JSONLD:  # compact, with the project's context by IRI
        body = to_jsonld(graph, feed.settings.base)
    else:
        body = serialise(graph, choice.media_type)
    headers["Content-Length"] = str(len(body))
    return Response(
        b"" if request.method == "HEAD" else body,
        media_type=formats.content_type(choice.media_type),
        headers=headers,
    )


@router.api_route(
    "/id/{kind}/{key}",
    methods=["GET", "HEAD"],
    name="resource",
    summary="A resource of the knowledge graph (page or RDF)",
    response_class=Response,
)
async def resource(
    kind: str, key: str, request: Request, store: StoreDep, settings: SettingsDep
) -> Response:
    """`{base}id/{kind}/{key}` as HTML (browsers), Turtle, JSON-LD, N-Triples or RDF/XML by
    `Accept`, a suffix (`.ttl`, `.jsonld`, `.nt`, `.rdf`, `.html`) or `?format=`.
    `inference=false` leaves the inferred triples out of the RDF."""
    feed = await current_feed(store, settings)
    iri = f"{settings.base}id/{kind}/{key}"
    stem, suffix = split_suffix(key)
    view = await view_for(store, feed, iri)
    if suffix is not None and not view.knows(iri):
        iri = f"{settings.base}id/{kind}/{stem}"
        view = await view_for(store, feed, iri)
    else:
        stem, suffix = key, None
    return describe_response(request, feed, view, iri, f"/id/{kind}/{stem}", suffix)


@router.api_route(
    "/context.jsonld",
    methods=["GET", "HEAD"],
    summary="The project's JSON-LD context",
    response_class=Response,
)
async def context(request: Request, settings: SettingsDep) -> Response:
    """The JSON-LD context that `{base}context.jsonld` names: every project prefix and short
    terms (`label`, `description`, `source`, `municipality` …); the JSON-LD of resources and
    `pob export --format jsonld` use it, and uploads may name it."""
    body = context_bytes(settings.base)
    etag = '"' + hashlib.sha256(body).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    headers["Content-Length"] = str(len(body))
    return Response(
        b"" if request.method == "HEAD" else body,
        media_type=formats.JSONLD,
        headers=headers,
    )
