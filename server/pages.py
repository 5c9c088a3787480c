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
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pob.core import templates, texts
from pob.core.links import web_href
from pob.core.texts import LANGUAGES
from server import i18n

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates.add_folder(TEMPLATES)
#: local pages that keep an explicitly chosen language on their links (and "/" itself)
_PAGE_PREFIXES = (
    "/id/", "/ontology", "/shapes", "/catalog", "/search", "/browse", "/queries", "/query",
    "/validate",
    "/?", "/#",
)  # fmt: skip
#: the main menu of every page (base.html): key (``nav_{key}`` in the words) → path
MENU: tuple[tuple[str, str], ...] = (
    ("home", "/"),
    ("search", "/search"),
    ("browse", "/browse"),
    ("queries", "/queries"),
    ("sparql", "/query"),
    ("validate", "/validate"),
    ("catalog", "/catalog"),
    ("ontology", "/ontology"),
    ("shapes", "/shapes"),
    ("docs", "/docs"),
)
#: the sections of :mod:`pob.core.texts` a page's ``t()`` looks in, in order
_SECTIONS = ("pages", "portal")
#: what every HTML answer carries (:class:`SecurityHeaders`): scripts from this server only,
#: styles from it or inline (cytoscape sets inline styles; the validation pages have a
#: ``<style>`` block), images from it or ``data:`` (the icon ``data:,``); a page that needs
#: more (the query UI reaches a SPARQL endpoint elsewhere) sets its own policy
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
    """Renders one template (extending ``base.html``, the one layout) with the words of one
    language."""

    menu = MENU

    def __init__(self, request: Request, lang: str, explicit: bool) -> None:
        self.request, self.lang, self.explicit = request, lang, explicit

    @classmethod
    def of(cls, request: Request) -> Page:
        """The page for `request`, in the language it chose (:func:`choose_language`)."""
        return cls(request, *choose_language(request))

    @property
    def words(self) -> frozenset[str]:
        """Every key :meth:`t` knows."""
        return frozenset(k for name in _SECTIONS for k in texts.section(name))

    def t(self, key: str, **values: Any) -> str:
        for name in _SECTIONS:
            entry = texts.section(name).get(key)
            if entry is not None:
                word: str = entry[self.lang]
                return word.format(**values) if values else word
        raise KeyError(f"no word {key!r} in the sections {', '.join(_SECTIONS)}")

    def href(self, href: str | None) -> str | None:
        """A link, with `?lang=` kept on our own pages when the reader chose a language; None
        if `href` may not be a link (:func:`pob.core.links.web_href`: show it as text)."""
        href = web_href(href)
        if href is None or not self.explicit:
            return href
        if href != "/" and not href.startswith(_PAGE_PREFIXES):
            return href
        path, hash_mark, fragment = href.partition("#")
        if "?" in path:
            if "lang=" in path:
                return href
            return f"{path}&lang={self.lang}{hash_mark}{fragment}"
        return f"{path}?lang={self.lang}{hash_mark}{fragment}"

    def switch(self, lang: str) -> str:
        """This page in another language: the same path and parameters, `lang` changed."""
        kept = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        return f"{self.request.url.path}?{urlencode([*kept, ('lang', lang)])}"

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
        all_headers = {"Content-Language": self.lang, **(headers or {})}
        vary = all_headers.get("Vary", "Accept")
        if "Accept-Language" not in vary:
            all_headers["Vary"] = f"{vary}, Accept-Language"
        return HTMLResponse(body, status_code=status, headers=all_headers)


def environment() -> Environment:
    """The one Jinja2 environment (:func:`pob.core.templates.environment`), with
    ``server/templates`` among its folders."""
    return templates.environment()


class SecurityHeaders:
    """ASGI middleware: every ``text/html`` answer gets :data:`SECURITY_HEADERS` (those a
    route set itself, such as the query UI's wider policy, are kept), so no page, form,
    report or error page can go without them. Other answers pass unchanged."""

    _HEADERS = tuple((k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items())

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sender(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if is_html(headers):
                    have = {k.lower() for k, _ in headers}
                    headers += [(k, v) for k, v in self._HEADERS if k not in have]
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sender)


def is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether raw ASGI `headers` say the body is HTML (``text/html`` or XHTML)."""
    for key, value in headers:
        if key.lower() == b"content-type":
            kind = value.split(b";")[0].strip().lower()
            return kind in (b"text/html", b"application/xhtml+xml")
    return False
