"""Sending a complete result: streamed from memory or its spool file in 64 KiB pieces."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.responses import Response, StreamingResponse

from pob.core import formats
from pob.store.base import QueryResult


def result_response(
    result: QueryResult,
    head: bool = False,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The result with its Content-Type and Content-Length (the size is known: it is done)."""
    all_headers = {"Content-Length": str(result.size), "Vary": "Accept", **(headers or {})}
    if result.rows is not None:
        all_headers["X-Result-Rows"] = str(result.rows)
    content_type = formats.content_type(result.media_type)
    if head:
        result.discard()
        return Response(b"", status_code=status, media_type=content_type, headers=all_headers)
    if result.body is not None:  # small: in memory already, sent in one piece
        return Response(
            result.body, status_code=status, media_type=content_type, headers=all_headers
        )
    return StreamingResponse(
        result.chunks(), status_code=status, media_type=content_type, headers=all_headers
    )
