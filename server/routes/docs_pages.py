"""/ontology and /shapes: the vocabulary and the validation rules, for people and programs.

``{base}ontology#Term`` and ``{base}shapes#Name`` are hash IRIs: a client fetches the
document (``/ontology``, ``/shapes``) and finds the term by its anchor. Browsers get HTML,
RDF clients the graph (the ontology graph of the store; the shape files), negotiated like
the resources; the owl:versionIRI ``/ontology/{version}`` answers with the same document.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from pob.core import formats, texts
from pob.graph.namespaces import bind_all
from pob.publish.ontology_docs import ontology_doc
from pob.publish.shape_docs import merged, other_terms, shape_files, shapes_doc
from pob.publish.snapshot import Feed, current_feed, serialise
from pob.settings import Settings
from pob.store.base import Store
from server.deps import SettingsDep, StoreDep
from server.errors import HTTPProblem
from server.negotiation import DOCUMENT_TYPES, HTML, SUFFIXES, choose, document_headers
from server.pages import Page, choose_language
from server.routes.resources import alternates, network_link

router = APIRouter(tags=["Linked data"])
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def _suffix(ext: str | None) -> str | None:
    if ext is not None and ext.lower() not in SUFFIXES:
        raise HTTPProblem(404, "Not Found", f"no document with the suffix .{ext}")
    return ext.lower() if ext else None


def _rdf(request: Request, body: bytes, media_type: str, headers: dict[str, str]) -> Response:
    headers["Content-Length"] = str(len(body))
    return Response(
        b"" if request.method == "HEAD" else body,
        media_type=formats.content_type(media_type),
        headers=headers,
    )


def _ontology_graph(feed: Feed) -> Graph:
    graph = bind_all(Graph(), feed.settings.base)
    graph += feed.graphs.get(feed.settings.graph("ontology"), Graph())
    return graph


async def _ontology(
    request: Request, store: Store, settings: Settings, ext: str | None
) -> Response:
    feed = await current_feed(store, settings)
    choice = choose(request, DOCUMENT_TYPES, _suffix(ext))
    headers = document_headers("/ontology", DOCUMENT_TYPES, choice)
    if choice.media_type != HTML:
        body = feed.cached(
            ("ontology-rdf", choice.media_type),
            lambda: serialise(_ontology_graph(feed), choice.media_type),
        )
        return _rdf(request, body, choice.media_type, headers)
    lang, explicit = choose_language(request)
    doc = feed.cached(
        ("ontology-doc", lang),
        lambda: ontology_doc(
            _ontology_graph(feed), feed.view.union, feed.view.shapes, settings.base, lang
        ),
    )
    return Page(request, lang, explicit).render(
        "ontology.html",
        headers=headers,
        doc=doc,
        alternates=alternates("/ontology"),
        network=network_link(feed, lang),
    )


@router.api_route("/ontology", methods=["GET", "HEAD"], summary="The ontology")
async def ontology(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The POB ontology and its code lists: HTML documentation or RDF by `Accept`."""
    return await _ontology(request, store, settings, None)


@router.api_route("/ontology.{ext}", methods=["GET", "HEAD"], include_in_schema=False)
async def ontology_file(
    ext: str, request: Request, store: StoreDep, settings: SettingsDep
) -> Response:
    return await _ontology(request, store, settings, ext)


@router.api_route("/ontology/{version}", methods=["GET", "HEAD"], include_in_schema=False)
async def ontology_version(
    version: str, request: Request, store: StoreDep, settings: SettingsDep
) -> Response:
    """The owl:versionIRI of the current ontology (older versions are not kept)."""
    stem, ext = version, ""
    for suffix in SUFFIXES:
        if version.endswith("." + suffix):
            stem, ext = version[: -len(suffix) - 1], suffix
    feed = await current_feed(store, settings)
    iri = URIRef(f"{settings.base}ontology/{stem}")
    if not _VERSION.match(stem) or (None, OWL.versionIRI, iri) not in _ontology_graph(feed):
        raise HTTPProblem(404, "Not Found", f"<{iri}> is not the current ontology version")
    return await _ontology(request, store, settings, ext or None)


async def _shapes(request: Request, store: Store, settings: Settings, ext: str | None) -> Response:
    feed = await current_feed(store, settings)
    choice = choose(request, DOCUMENT_TYPES, _suffix(ext))
    headers = document_headers("/shapes", DOCUMENT_TYPES, choice)
    files = shape_files(settings.base)
    if choice.media_type != HTML:
        body = feed.cached(
            ("shapes-rdf", choice.media_type),
            lambda: serialise(merged(files), choice.media_type),
        )
        return _rdf(request, body, choice.media_type, headers)
    lang, explicit = choose_language(request)
    docs = feed.cached(
        ("shapes-doc", lang), lambda: shapes_doc(files, feed.view.union, settings.base, lang)
    )
    others = feed.cached(
        ("shapes-others", lang), lambda: other_terms(files, feed.view.union, settings.base, lang)
    )
    return Page(request, lang, explicit).render(
        "shapes.html",
        headers=headers,
        files=docs,
        others=others,
        iri=f"{settings.base}shapes",
        known_files=set(texts.section("pages")),
        alternates=alternates("/shapes"),
        network=network_link(feed, lang),
    )


@router.api_route("/shapes", methods=["GET", "HEAD"], summary="The SHACL shapes")
async def shapes(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The validation shapes: HTML (anchors `#ShapeName`) or RDF by `Accept`."""
    return await _shapes(request, store, settings, None)


@router.api_route("/shapes.{ext}", methods=["GET", "HEAD"], include_in_schema=False)
async def shapes_file(
    ext: str, request: Request, store: StoreDep, settings: SettingsDep
) -> Response:
    return await _shapes(request, store, settings, ext)
