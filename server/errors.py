"""Error responses: JSON or plain text by `Accept`, always before any result byte.

JSON: ``{"error": {"status", "title", "detail", "where": {"line", "column"}}}`` (``where``
only when a position is known).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from pob.core import formats
from pob.core.problems import Problem
from pob.graph.sources import ParseError
from pob.sparql.named import ParameterError


class HTTPProblem(Exception):
    """An error a route raises with its status (and extra headers)."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})
        super().__init__(detail)


def error_response(
    accept: str | None,
    status: int,
    title: str,
    detail: str,
    line: int | None = None,
    column: int | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
    head: bool = False,
) -> Response:
    media_type = formats.error_type(accept)
    if media_type == "text/plain":
        where = f" (line {line}, column {column})" if line is not None else ""
        body = f"{status} {title}: {detail}{where}\n".encode()
    else:
        error: dict[str, Any] = {"status": status, "title": title, "detail": detail}
        if line is not None:
            error["where"] = {"line": line, "column": column}
        error.update(extra or {})
        body = json.dumps({"error": error}, ensure_ascii=False).encode()
    all_headers = {"Content-Length": str(len(body)), "Vary": "Accept", **(headers or {})}
    return Response(
        b"" if head else body,
        status_code=status,
        media_type=formats.content_type(media_type),
        headers=all_headers,
    )


def _respond(request: Request, status: int, title: str, detail: str, **kw: Any) -> Response:
    if wants_html(request):
        return html_error(request, status, detail, kw.get("headers"))
    return error_response(
        request.headers.get("accept"), status, title, detail, head=request.method == "HEAD", **kw
    )


def wants_html(request: Request) -> bool:
    """Whether the client is a browser asking for a page: ``text/html`` named in `Accept`
    and preferred to JSON and plain text (``*/*`` alone keeps the JSON error body)."""
    accept = request.headers.get("accept") or ""
    if "text/html" not in accept.lower():
        return False
    try:
        offered = (*formats.ERROR_TYPES, formats.HTML)
        return formats.negotiate(accept, offered) == formats.HTML
    except formats.NotAcceptable:
        return False


def html_error(
    request: Request, status: int, detail: str, headers: Mapping[str, str] | None = None
) -> Response:
    """The error as a page in the shared layout, in the reader's language: what happened in
    their words, the service's own detail (English) below, ways on (home, search)."""
    from server.pages import Page  # the pages import the texts; errors load before them

    page = Page.of(request)
    kept = {k: v for k, v in (headers or {}).items() if k.lower() != "content-length"}
    response = page.render(
        "error.html", status=status, headers=kept, status_code=status, detail=detail
    )
    if request.method == "HEAD":
        response.body = b""
        response.headers["content-length"] = "0"
    return response


#: the errors :func:`answer` turns into a response (library refusals and the routes' own)
KNOWN: tuple[type[Exception], ...] = (
    HTTPProblem,
    Problem,
    formats.NotAcceptable,
    formats.UnknownFormat,
    ParameterError,
    ParseError,
)


def answer(exc: Exception, accept: str | None, head: bool = False) -> Response:
    """The response to one of :data:`KNOWN` (the app's handlers and the query fast path)."""
    if isinstance(exc, HTTPProblem):
        return error_response(
            accept, exc.status, exc.title, exc.detail, None, None, exc.headers, exc.extra, head
        )
    if isinstance(exc, Problem):
        return error_response(
            accept, exc.status, exc.title, exc.detail, exc.line, exc.column, exc.headers(),
            exc.extra(), head,
        )  # fmt: skip
    if isinstance(exc, formats.NotAcceptable):
        offered = {"offered": list(exc.offered)}
        return error_response(accept, 406, "Not Acceptable", str(exc), extra=offered, head=head)
    if isinstance(exc, formats.UnknownFormat):
        return error_response(accept, 400, "Unknown format", str(exc), head=head)
    if isinstance(exc, ParameterError):
        named = {"parameter": exc.param}
        return error_response(accept, 400, "Bad parameter", str(exc), extra=named, head=head)
    if isinstance(exc, ParseError):
        return error_response(accept, 400, "Bad RDF", str(exc), exc.line, exc.column, head=head)
    raise TypeError(f"no answer for {type(exc).__name__}")


def install(app: FastAPI) -> None:
    """Map library exceptions to HTTP answers."""

    async def known(request: Request, exc: Exception) -> Response:
        response = answer(exc, request.headers.get("accept"), request.method == "HEAD")
        if wants_html(request):
            detail = getattr(exc, "detail", None) or str(exc)
            return html_error(request, response.status_code, detail, _extra_headers(response))
        return response

    for kind in KNOWN:
        app.add_exception_handler(kind, known)

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: HTTPException) -> Response:
        return _respond(
            request,
            exc.status_code,
            _TITLES.get(exc.status_code, "Error"),
            str(exc.detail),
            headers=exc.headers or {},
        )

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError) -> Response:
        return _respond(request, 400, "Bad request", str(exc.errors()))


_TITLES = {404: "Not Found", 405: "Method Not Allowed", 400: "Bad request"}


def _extra_headers(response: Response) -> dict[str, str]:
    """The headers of an error answer that a page keeps (Allow, Retry-After,
    WWW-Authenticate …), not those of its JSON body."""
    skip = {"content-length", "content-type", "vary"}
    return {k: v for k, v in response.headers.items() if k.lower() not in skip}
