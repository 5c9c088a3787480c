"""The open-data feed: /catalog (DCAT-AP 3.0.1, paged), /catalog/…, /.well-known/void,
/dumps/{path}.

The catalog and VoID come from :mod:`pob.publish.snapshot` (cached per snapshot / manifest key);
dumps
are the files :func:`pob.publish.dumps.build_dumps` listed in its manifest, served with
``ETag`` = their SHA-256 and ``Last-Modified`` = their recorded mtime, 304 for a current copy.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from rdflib import Graph, URIRef

from pob.core import formats
from pob.publish.catalog import PageNotFound, page_links
from pob.publish.catalog_pages import (
    datasets,
    downloads,
    human_size,
    parent_dataset,
    parts,
    shown_properties,
)
from pob.publish.resources import GraphView, describe
from pob.publish.snapshot import (
    Feed,
    FeedUnavailable,
    catalog_all,
    current_feed,
    refresh_feed,
    serialise,
    status,
    void_bytes,
)
from pob.settings import Settings
from pob.store.base import Store
from server.conditional import http_date, not_modified, not_modified_response, strong_etag
from server.deps import SettingsDep, StoreDep
from server.errors import HTTPProblem
from server.negotiation import (
    DOCUMENT_TYPES,
    HTML,
    SUFFIXES,
    choose,
    document_headers,
    split_suffix,
)
from server.pages import Page
from server.routes.resources import alternates, describe_response, network_link, not_found

router = APIRouter(tags=["Open data"])
CATALOG_TYPES: tuple[str, ...] = (
    formats.TURTLE,
    formats.RDFXML,
    formats.JSONLD,
    formats.NTRIPLES,
    HTML,
)
VOID_TYPES: tuple[str, ...] = CATALOG_TYPES[:-1]


def _page(request: Request) -> int | None:
    raw = request.query_params.getlist("page")
    if not raw:
        return None
    if len(raw) > 1 or not raw[0].isdigit() or int(raw[0]) < 1:
        raise HTTPProblem(400, "Bad request", f"page must be one whole number ≥ 1, not {raw!r}")
    return int(raw[0])


def _catalog_view(feed: Feed, key: str, graph: Graph) -> GraphView:
    url, base = feed.public_url, feed.settings.base
    return feed.cached(
        ("catalog-view", key),
        lambda: GraphView(base, graph, Graph(), Graph(), {url + "/": "/", base: "/"}),
    )


def _entry(
    request: Request,
    feed: Feed,
    view: GraphView,
    iri: str,
    path: str,
    suffix: str | None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The catalog, a dataset, distribution or the service: the page (rendered from the
    catalog graph, with a download per distribution) or, by the usual negotiation, RDF."""
    choice = choose(request, DOCUMENT_TYPES, suffix)
    if choice.media_type != HTML or not view.knows(iri):
        return describe_response(request, feed, view, iri, path, suffix, headers)
    page = Page.of(request)
    lang = page.lang
    r = describe(view, iri, lang)
    return page.render(
        "catalog.html",
        headers={**document_headers(path, DOCUMENT_TYPES, choice), **(headers or {})},
        r=r,
        properties=shown_properties(r.properties),
        datasets=datasets(view, iri, lang),
        downloads=downloads(view, iri, lang),
        parent=parent_dataset(view, iri, lang),
        parts=parts(view, iri, lang),
        size=lambda n: human_size(n, lang),
        alternates=alternates(path),
        network=network_link(feed, lang),
    )


def _unavailable(exc: FeedUnavailable) -> HTTPProblem:
    return HTTPProblem(503, "Feed unavailable", str(exc), headers={"Retry-After": "30"})


def _paging_links(feed: Feed, page: int | None) -> list[str]:
    links = page_links(
        1 + len(feed.submissions), page or 1, feed.settings.catalog_page_size, feed.public_url
    )
    out = [f'<{links.url(1)}>; rel="first"', f'<{links.url(links.last)}>; rel="last"']
    if links.next:
        out.append(f'<{links.next}>; rel="next"')
    if links.previous:
        out.append(f'<{links.previous}>; rel="prev"')
    return out


async def _catalog(request: Request, store: Store, settings: Settings, ext: str | None) -> Response:
    if ext is not None and ext.lower() not in SUFFIXES:
        raise HTTPProblem(404, "Not Found", f"no catalog with the suffix .{ext}")
    page = _page(request)
    feed = await current_feed(store, settings)
    choice = choose(request, CATALOG_TYPES, ext.lower() if ext else None)
    try:
        graph = feed.catalog(page)
    except PageNotFound as exc:
        raise HTTPProblem(404, "Not Found", f"no such catalog page: {exc}") from exc
    except FeedUnavailable as exc:
        raise _unavailable(exc) from exc
    headers = document_headers("/catalog", CATALOG_TYPES, choice)
    headers["Link"] += ", " + ", ".join(_paging_links(feed, page))
    iri = f"{feed.public_url}/catalog"
    if choice.media_type == HTML:
        view = _catalog_view(feed, f"page-{page}", graph)
        return _entry(request, feed, view, iri, "/catalog", ext, headers)
    body = feed.cached(
        ("catalog-bytes", page, choice.media_type), lambda: serialise(graph, choice.media_type)
    )
    headers["ETag"] = strong_etag(body)
    assert feed.manifest is not None  # feed.catalog() needs it
    headers["Last-Modified"] = http_date(feed.manifest.modified)
    return _body(request, body, choice.media_type, headers)


def _body(request: Request, body: bytes, media_type: str, headers: dict[str, str]) -> Response:
    if not_modified(request, headers["ETag"], headers.get("Last-Modified")):
        return not_modified_response(headers)
    headers["Content-Length"] = str(len(body))
    return Response(
        b"" if request.method == "HEAD" else body,
        media_type=formats.content_type(media_type),
        headers=headers,
    )


@router.api_route("/catalog", methods=["GET", "HEAD"], summary="DCAT-AP catalog")
async def catalog(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The DCAT-AP 3.0.1 catalog of the graph's datasets, distributions and SPARQL service.
    Turtle (default), RDF/XML, JSON-LD, N-Triples or HTML by `Accept`; `?page=N` when there
    are more datasets than a page holds (hydra:PagedCollection and `Link` rel=first/last/
    next/prev)."""
    return await _catalog(request, store, settings, None)


@router.api_route("/catalog.{ext}", methods=["GET", "HEAD"], include_in_schema=False)
async def catalog_file(
    ext: str, request: Request, store: StoreDep, settings: SettingsDep
) -> Response:
    return await _catalog(request, store, settings, ext)


@router.api_route("/catalog/{rest:path}", methods=["GET", "HEAD"], summary="Catalog entry")
async def catalog_entry(
    rest: str, request: Request, store: StoreDep, settings: SettingsDep
) -> Response:
    """A dataset, distribution or the data service of the catalog (its part of the graph)."""
    feed = await current_feed(store, settings)
    try:
        graph = catalog_all(feed)
    except FeedUnavailable as exc:
        raise _unavailable(exc) from exc
    view = _catalog_view(feed, "all", graph)
    iri, stem, suffix = f"{feed.public_url}/catalog/{rest}", rest, None
    if (URIRef(iri), None, None) not in graph:
        stem, suffix = split_suffix(rest)
        iri = f"{feed.public_url}/catalog/{stem}"
    if (URIRef(iri), None, None) not in graph:
        html = choose(request, CATALOG_TYPES, suffix).media_type == HTML
        return not_found(request, html, iri, feed)
    return _entry(request, feed, view, iri, f"/catalog/{stem}", suffix)


@router.api_route("/.well-known/void", methods=["GET", "HEAD"], summary="VoID description")
async def void(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The VoID description: triples, entities, class and property partitions, example
    resources, the SPARQL endpoint and the dumps. Turtle by default."""
    feed = await current_feed(store, settings)
    choice = choose(request, VOID_TYPES)
    try:
        body = await void_bytes(store, feed, choice.media_type)
    except FeedUnavailable as exc:
        raise _unavailable(exc) from exc
    assert feed.manifest is not None
    headers = {
        "Vary": "Accept",
        "ETag": strong_etag(body),
        "Last-Modified": http_date(feed.manifest.modified),
    }
    return _body(request, body, choice.media_type, headers)


@router.get("/dumps", summary="The dump files, and what is missing")
async def dumps(store: StoreDep, settings: SettingsDep) -> JSONResponse:
    """The files of the dumps (path, dataset, media type, bytes, SHA-256, triples or rows)
    and what the feed lacks and why (`missing`: a submission whose dump is being made or
    failed, a graph not yet counted for VoID, with the reason); `current` is false while
    the snapshot is older than the store."""
    feed = await current_feed(store, settings)
    return JSONResponse(await status(store, settings, feed), headers={"Cache-Control": "no-cache"})


@router.api_route("/dumps/{path:path}", methods=["GET", "HEAD"], summary="A dump file")
async def dump(path: str, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """One file of the dumps (only those the manifest lists), with ETag = its SHA-256."""
    feed = await current_feed(store, settings)
    for attempt in range(2):
        if feed.manifest is None:
            raise _unavailable(FeedUnavailable(feed.dumps_error or "the dumps are not built"))
        entry = feed.manifest.file(path)
        if entry is None:
            raise HTTPProblem(404, "Not Found", f"no dump file {path!r}; see /catalog")
        root = feed.dumps_dir.resolve()
        file = (root / entry.path).resolve()
        if file.is_relative_to(root) and file.is_file() and file.stat().st_size == entry.byte_size:
            break
        if attempt == 0:  # changed or removed behind our back: rebuild once
            feed = await refresh_feed(store, settings)
    else:
        raise _unavailable(FeedUnavailable(f"the dump file {path} is not intact"))
    headers = {
        "ETag": f'"{entry.sha256}"',
        "Last-Modified": http_date(entry.modified),
        "Content-Length": str(entry.byte_size),
        "Cache-Control": "public, no-cache",
    }
    if not_modified(request, headers["ETag"], headers["Last-Modified"]):
        return not_modified_response(headers)
    media_type = formats.content_type(entry.media_type)
    if request.method == "HEAD":
        return Response(b"", media_type=media_type, headers=headers)
    return FileResponse(file, media_type=media_type, headers=headers)
