"""Server-rendered pages of the linked data: the page language, the words (the ``pages``
section of :mod:`pob.core.texts`) and the rendering (the one Jinja2 environment of
:mod:`pob.core.templates`, to which importing this module adds ``server/templates``).

The language is chosen as on the query UI (:func:`server.i18n.choose`): ``?lang=da|en`` when
given (and then kept on the links between pages), else the best of Danish and English in
``Accept-Language``, else Danish.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment

from pob.core import templates, texts
from pob.core.texts import LANGUAGES
from server import i18n

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates.add_folder(TEMPLATES)
#: local pages that keep an explicitly chosen language on their links
_PAGE_PREFIXES = ("/id/", "/ontology", "/shapes", "/catalog")
#: the pages load scripts and styles from this server only (cytoscape sets inline styles)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def choose_language(request: Request) -> tuple[str, bool]:
    """The page language (the query UI's rule, :func:`server.i18n.choose`), and whether the
    request chose it with `?lang=`."""
    asked = request.query_params.get("lang")
    lang = i18n.choose(asked, request.headers.get("accept-language"))
    return lang, (asked or "").strip().lower() == lang


class Page:
    """Renders one template with the words of one language."""

    def __init__(self, request: Request, lang: str, explicit: bool) -> None:
        self.request, self.lang, self.explicit = request, lang, explicit

    def t(self, key: str, **values: Any) -> str:
        word: str = texts.section("pages")[key][self.lang]
        return word.format(**values) if values else word

    def href(self, href: str | None) -> str | None:
        """A link, with `?lang=` kept on our own pages when the reader chose a language."""
        if href is None or not self.explicit or not href.startswith(_PAGE_PREFIXES):
            return href
        path, hash_mark, fragment = href.partition("#")
        if "?" in path:
            return href
        return f"{path}?lang={self.lang}{hash_mark}{fragment}"

    def switch(self, lang: str) -> str:
        """This page in another language."""
        return f"{self.request.url.path}?lang={lang}"

    def render(
        self,
        template: str,
        status: int = 200,
        headers: dict[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        body = (
            environment()
            .get_template(template)
            .render(page=self, t=self.t, lang=self.lang, langs=LANGUAGES, **context)
        )
        all_headers = {"Content-Language": self.lang, **SECURITY_HEADERS, **(headers or {})}
        vary = all_headers.get("Vary", "Accept")
        if "Accept-Language" not in vary:
            all_headers["Vary"] = f"{vary}, Accept-Language"
        return HTMLResponse(body, status_code=status, headers=all_headers)


def environment() -> Environment:
    """The one Jinja2 environment (:func:`pob.core.templates.environment`), with
    ``server/templates`` among its folders."""
    return templates.environment()
