"""The portal's own pages: `/` (home), `/search` and `/api/search`, `/browse` and
`/browse/{class}`; `/?query=…` (the query UI's old address) redirects to `/query?query=…`.

Thin: each route reads its parameters, calls one function of :mod:`pob.publish.portal` or
:mod:`pob.publish.finder` (SPARQL on the store) and renders a page in the shared layout, or
JSON.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from pob.publish import finder, portal
from pob.publish.snapshot import version_of
from server.deps import SettingsDep, StoreDep
from server.pages import Page

router = APIRouter(tags=["Portal"])
_CHART_WORDS = ("chart_publications", "chart_events", "chart_partnerships", "chart_bases")


@router.get("/", include_in_schema=False)
async def home(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The home page: what the graph holds, the network on a map, the timeline, the
    models compared, the conclusions, and the doors to the rest of the service."""
    if "query" in request.query_params:  # the query UI's old address: links into the editor
        return RedirectResponse(f"/query?{request.url.query}", status_code=308)
    page = Page.of(request)
    figures = await portal.home(store, settings.base, page.lang)
    data = {
        "points": [
            {"label": p.item.label, "href": page.href(p.item.href), "lat": p.lat, "lon": p.lon}
            for p in figures.points
        ],
        "timeline": [{"date": d.date, "kind": d.kind} for d in figures.timeline],
        "models": [
            {"label": m.item.label, "partnerships": m.partnerships, "bases": m.legal_bases}
            for m in figures.models
        ],
        "words": {k: page.t(k) for k in _CHART_WORDS},
    }
    return page.render("home.html", nav="home", home=figures, data=data, network=figures.network)


def _hits(hits: list[finder.Hit]) -> list[dict[str, Any]]:
    return [
        {
            "iri": h.item.iri,
            "label": h.item.label,
            "href": h.item.href,
            "type": h.kind,
            "matched": h.matched,
        }
        for h in hits
    ]


@router.get("/search", include_in_schema=False)
async def search_page(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Search by name (labels and alternative labels, Danish and English, forgiving of case
    and accents)."""
    page = Page.of(request)
    text = request.query_params.get("q", "")
    hits = await finder.search(store, settings.base, text, page.lang, await version_of(store))
    return page.render("search.html", nav="search", search_text=text, hits=hits)


@router.get("/api/search", summary="Search the knowledge graph by name")
async def search_api(
    request: Request, store: StoreDep, settings: SettingsDep, q: str = "", lang: str = "da"
) -> Response:
    """Resources whose label or alternative label (any language) matches `q`, forgiving of
    case and accents (`hillerod` finds Hillerød, `bid` finds the BID model), best first;
    labels in `lang` (da, en)."""
    chosen = Page.of(request).lang
    hits = await finder.search(store, settings.base, q, chosen, await version_of(store))
    return JSONResponse({"query": q, "lang": chosen, "results": _hits(hits)})


@router.get("/browse", include_in_schema=False)
async def browse_index(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Every class of the graph's resources, with counts."""
    page = Page.of(request)
    kinds = await portal.kinds(store, settings.base, page.lang)
    return page.render("browse_index.html", nav="browse", kinds=kinds)


@router.get("/browse/{name}", include_in_schema=False)
async def browse_class(
    name: str, request: Request, store: StoreDep, settings: SettingsDep
) -> Response:
    """The resources of one class (`pob:Partnership`), filtered by facets (`?region=…`)."""
    page = Page.of(request)
    filters = finder.facet_filters(dict(request.query_params), settings.base)
    result = await finder.browse(store, settings.base, name, filters, page.lang)

    def link(key: str | None = None, iri: str | None = None) -> str:
        """This class with the filters, `key` set to `iri` (None: dropped)."""
        chosen = {k: v for k, v in filters.items() if k != key}
        if key is not None and iri is not None:
            chosen[key] = iri
        query = urlencode(
            [(k, finder.facet_param(chosen[k], settings.base)) for k in sorted(chosen)]
        )
        return f"/browse/{quote(result.kind.key, safe=':')}" + (f"?{query}" if query else "")

    return page.render(
        "browse.html",
        nav="browse",
        b=result,
        link=link,
        param=lambda iri: finder.facet_param(iri, settings.base),
    )
