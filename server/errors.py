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

from pob import formats
from pob.guard import GuardError
from pob.queries import ParameterError
from pob.sources import ParseError
from pob.store.errors import StoreError
from pob.store.upload import UnsupportedFormat


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
    return error_response(
        request.headers.get("accept"), status, title, detail, head=request.method == "HEAD", **kw
    )


def install(app: FastAPI) -> None:
    """Map library exceptions to HTTP answers."""

    @app.exception_handler(HTTPProblem)
    async def problem(request: Request, exc: HTTPProblem) -> Response:
        return _respond(
            request, exc.status, exc.title, exc.detail, headers=exc.headers, extra=exc.extra
        )

    @app.exception_handler(GuardError)
    async def guard(request: Request, exc: GuardError) -> Response:
        return _respond(
            request, exc.status, exc.title, exc.detail, line=exc.line, column=exc.column
        )

    @app.exception_handler(StoreError)
    async def store(request: Request, exc: StoreError) -> Response:
        return _respond(
            request, exc.status, exc.title, exc.detail, line=exc.line, column=exc.column
        )

    @app.exception_handler(formats.NotAcceptable)
    async def not_acceptable(request: Request, exc: formats.NotAcceptable) -> Response:
        return _respond(
            request, 406, "Not Acceptable", str(exc), extra={"offered": list(exc.offered)}
        )

    @app.exception_handler(formats.UnknownFormat)
    async def unknown_format(request: Request, exc: formats.UnknownFormat) -> Response:
        return _respond(request, 400, "Unknown format", str(exc))

    @app.exception_handler(ParameterError)
    async def parameter(request: Request, exc: ParameterError) -> Response:
        return _respond(request, 400, "Bad parameter", str(exc), extra={"parameter": exc.param})

    @app.exception_handler(ParseError)
    async def parse(request: Request, exc: ParseError) -> Response:
        return _respond(request, 400, "Bad RDF", str(exc), line=exc.line, column=exc.column)

    @app.exception_handler(UnsupportedFormat)
    async def unsupported(request: Request, exc: UnsupportedFormat) -> Response:
        return _respond(request, 415, "Unsupported Media Type", str(exc))

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
