"""Validators and conditional requests (RFC 9110 §8.8, §13): ETag, Last-Modified, 304."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request
from fastapi.responses import Response


def strong_etag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()}"'


def http_date(value: str | datetime) -> str:
    """An ISO timestamp (or datetime) as an HTTP date."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_datetime(value.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _etag_listed(header: str, etag: str) -> bool:
    """Weak comparison, as If-None-Match asks for."""
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


def not_modified(request: Request, etag: str, last_modified: str | None) -> bool:
    """True if the client's copy is current: If-None-Match wins over If-Modified-Since."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        return _etag_listed(inm, etag)
    ims = request.headers.get("if-modified-since")
    if ims is None or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(ims)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    modified = parsedate_to_datetime(last_modified)
    return modified <= since


def not_modified_response(headers: dict[str, str]) -> Response:
    keep = ("ETag", "Last-Modified", "Vary", "Cache-Control", "Content-Location", "Link")
    return Response(status_code=304, headers={k: v for k, v in headers.items() if k in keep})
