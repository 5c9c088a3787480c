"""The query UI: the page a browser gets at `/` and at GET /sparql (server-rendered).

YASGUI (npm `@triply/yasgui`, copied to `static/vendor/` by `python -m server.assets`) is served
by the app itself. The page carries its configuration as JSON: the endpoint, the named
queries (from the same registry as GET /api/queries) and our prefixes, so YASGUI needs no
outside address (its prefix.cc and LOV look-ups are switched off in `static/ui/query.js`).
Words come from :mod:`server.i18n` (the ``ui`` section of :mod:`pob.core.texts`); the page
is rendered in the shared layout (:class:`server.pages.Page`, ``base.html``). It lives at
`/query` (and GET /sparql for a browser); `/query?query=…` opens the page with that query in
the editor (not run): how other pages link into it (`/?query=…`, the old address, redirects).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response

from pob.graph.prefixes import prefixes
from pob.sparql.named import NamedQuery
from server import i18n
from server.pages import Page

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
#: the words the page's script shows (status messages)
_SCRIPT_WORDS = (
    "tab_name",
    "loading",
    "loaded",
    "linked",
    "running",
    "done_rows",
    "done",
    "failed",
)

DEFAULT_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# {comment}
SELECT ?class (COUNT(?thing) AS ?things)
WHERE {{ ?thing a ?class }}
GROUP BY ?class
ORDER BY DESC(?things)
LIMIT 25
"""


def _examples(queries: dict[str, NamedQuery], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "name": q.name,
            "title": q.title.get(lang, q.name),
            "description": q.description.get(lang, ""),
            "sparql": f"/api/queries/{q.name}/sparql",
            "run": f"/api/queries/{q.name}",
            "lang_param": any(p.name == "lang" and p.type == "lang" for p in q.params),
        }
        for q in sorted(queries.values(), key=lambda q: q.title.get(lang, q.name).casefold())
    ]


def _security_headers(endpoint: str) -> dict[str, str]:
    """The page may reach only this server (and the endpoint, if published elsewhere)."""
    parts = urlsplit(endpoint)
    connect = "'self'" + (f" {parts.scheme}://{parts.netloc}" if parts.netloc else "")
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:; font-src 'self' data:; connect-src {connect}; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


def query_page(request: Request, endpoint: str) -> Response:
    """The query UI in the language asked for (`?lang=`), preferred or Danish, in the shared
    layout (``base.html``)."""
    page = Page.of(request)
    lang = page.lang
    words = i18n.strings(lang)
    settings = request.app.state.settings
    queries: dict[str, NamedQuery] = request.app.state.queries
    examples = _examples(queries, lang)
    linked = request.query_params.get("query")  # `/query?query=…`: a link into the editor
    if linked is not None and len(linked.encode("utf-8")) > settings.max_query_bytes:
        linked = None
    config = {
        "lang": lang,
        "endpoint": endpoint,
        "base": settings.base,
        "linkedQuery": linked,
        "prefixes": prefixes(settings.base),
        "defaultQuery": DEFAULT_QUERY.format(comment=words["default_query_comment"]),
        "examples": examples,
        "words": {key: words[key] for key in _SCRIPT_WORDS},
        # YASGUI's own English words and their translation (the ``yasgui`` words)
        "yasgui": i18n.yasgui_translation(lang),
    }
    headers = {"Cache-Control": "no-cache", **_security_headers(endpoint)}
    return page.render(
        "query.html",
        headers=headers,
        ui=words,
        nav="sparql",
        wide=True,
        path=request.url.path,
        endpoint=endpoint,
        examples=examples,
        config=config,
    )
