"""/queries and /queries/{name}: the named queries as pages (HTML), in the shared layout.

A page shows the query's title and description in the page language, a form from its
typed parameters (an ``iri`` parameter whose header names a class offers the things of
that class, :func:`pob.publish.query_pages.choices`), the answer as a table whose IRIs
link to their local pages (the same rows as ``/api/queries/{name}``:
:func:`pob.publish.query_pages.answer`), downloads (links to the API with ``format=``),
a chart when the header asks for one (Chart.js from npm, served from ``/static/vendor``),
and the SPARQL text with a link that opens it in the query UI.

A parameter of type ``lang`` is the page language: ``?lang=`` sets both. A bad value is
said on the page (400) with the form as sent; so is a query the service refused (a
timeout: 503).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pob.core import texts
from pob.core.problems import Problem
from pob.publish import query_pages
from pob.sparql.named import NamedQuery, ParameterError, bind
from server.deps import SettingsDep, StoreDep
from server.pages import Page

router = APIRouter(tags=["Named queries"], include_in_schema=False)


def _values(request: Request, query: NamedQuery, lang: str) -> dict[str, str]:
    """The query's parameters from the query string (else their defaults); a ``lang``
    parameter is the page language."""
    values: dict[str, str] = {}
    for param in query.params:
        if param.type == "lang":
            values[param.name] = lang
            continue
        given = request.query_params.get(param.name)
        if given is not None and given.strip():
            values[param.name] = given.strip()
        elif param.default is not None:
            values[param.name] = param.default
    return values


@router.get("/queries", response_class=HTMLResponse, summary="The named queries (HTML)")
async def index(request: Request) -> Response:
    """Every named query with its title and description, each a link to its page."""
    page = Page.of(request)
    queries: dict[str, NamedQuery] = request.app.state.queries
    return page.render(
        "named_index.html",
        nav="queries",
        q=texts.words("named", page.lang),
        queries=list(queries.values()),
    )


@router.get("/queries/{name}", response_class=HTMLResponse, summary="A named query (HTML)")
async def query_page(
    name: str, request: Request, store: StoreDep, settings: SettingsDep
) -> Response:
    """The named query's page: form, answer, downloads, chart, SPARQL."""
    page = Page.of(request)
    words = texts.words("named", page.lang)
    queries: dict[str, NamedQuery] = request.app.state.queries
    query = queries.get(name)
    if query is None:
        return page.render(
            "named_index.html",
            status=404,
            nav="queries",
            q=words,
            queries=list(queries.values()),
            missing=words["not_found"].format(name=name),
        )
    values = _values(request, query, page.lang)
    inference = request.query_params.get("inference", "true") != "false"
    status, error, result, text = 200, None, None, None
    try:
        text = bind(query, values, settings.base)
        result = await query_pages.answer(store, settings, query, values, inference)
    except ParameterError as exc:
        status, error = 400, (words["bad_value"].format(name=exc.param), exc.message)
    except Problem as exc:
        status, error = exc.status, (words["failed"], exc.detail)
    controls = {**values, **({} if inference else {"inference": "false"})}
    api = f"/api/queries/{name}?" + urlencode(controls)
    context: dict[str, Any] = {
        "query": query,
        "q": words,
        "values": values,
        "inference": inference,
        "choices": {
            p.name: await query_pages.choices(store, p, page.lang, settings.base)
            for p in query.params
        },
        "result": result,
        "error": error,
        "sparql": text,
        "editor": "/query?" + urlencode({"query": text, "lang": page.lang}) if text else None,
        "api": api,
        "downloads": [
            (label, f"{api}&format={short}") for short, label in query_pages.download_formats()
        ],
        "chart": None,
        "chart_json": None,
    }
    if result is not None and query.chart is not None and result.rows:
        data = query_pages.chart_data(query.chart, result)
        context["chart"] = query.chart
        # </ cannot end the script element early: the JSON is data, never run
        context["chart_json"] = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return page.render("named_query.html", status=status, nav="queries", **context)
