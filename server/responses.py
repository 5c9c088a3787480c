"""Sending a complete result: streamed from memory or its spool file in 64 KiB pieces.

An :class:`Answer` is a response before any framework sees it: the status, the headers as
ASGI sends them and the body. The FastAPI routes turn it into a Starlette response
(:meth:`Answer.response`); the query fast path (:mod:`server.fastpath`) sends it itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from fastapi.responses import Response, StreamingResponse

from pob.core import formats
from pob.store.base import QueryResult

Headers = list[tuple[bytes, bytes]]


@dataclass
class Answer:
    """A status, its headers (lower-case names, as ASGI sends them) and the body: whole in
    memory (`body`), or in pieces (`chunks`, from a result's spool file)."""

    status: int
    headers: Headers
    body: bytes | None = None
    chunks: Iterator[bytes] | None = None

    @classmethod
    def of(cls, response: Response) -> Answer:
        """The answer a complete Starlette response gives."""
        return cls(response.status_code, list(response.raw_headers), bytes(response.body))

    def response(self) -> Response:
        """As a Starlette response (what a route returns)."""
        response: Response
        if self.chunks is not None:
            response = StreamingResponse(self.chunks, status_code=self.status)
        else:
            response = Response(self.body or b"", status_code=self.status)
        response.raw_headers = list(self.headers)
        return response


@cache
def content_type(media_type: str) -> bytes:
    """`Content-Type` as Starlette's `Response` writes it (a charset for text/*)."""
    value = formats.content_type(media_type)
    if value.startswith("text/") and "charset=" not in value.lower():
        value += "; charset=utf-8"
    return value.encode("latin-1")


def result_answer(
    result: QueryResult,
    head: bool = False,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """The result with its Content-Type and Content-Length (the size is known: it is done)."""
    raw: Headers = [(b"content-length", str(result.size).encode()), (b"vary", b"Accept")]
    if result.rows is not None:
        raw.append((b"x-result-rows", str(result.rows).encode()))
    raw.append((b"content-type", content_type(result.media_type)))
    if headers:
        given = {name.lower().encode("latin-1"): value for name, value in headers.items()}
        raw = [(k, v) for k, v in raw if k not in given]
        raw += [(k, v.encode("latin-1")) for k, v in given.items()]
    if head:
        result.discard()
        return Answer(status, raw, b"")
    if result.body is not None:  # small: in memory already, sent in one piece
        return Answer(status, raw, result.body)
    return Answer(status, raw, chunks=result.chunks())


def result_response(
    result: QueryResult,
    head: bool = False,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """:func:`result_answer` as a Starlette response."""
    return result_answer(result, head, status, headers).response()
