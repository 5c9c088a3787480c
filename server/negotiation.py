"""Choosing the format of a linked-data document, and the headers that go with it.

Direct content negotiation (no 303, see server/README.md): the IRI itself answers with the
format chosen by, in order, a file suffix (``/id/municipality/varde.ttl``), ``?format=``
and ``Accept``. A negotiated answer carries ``Vary: Accept``, ``Content-Location`` (the
variant's own URL) and ``Link`` headers to every alternate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request

from pob.core import formats

HTML = formats.HTML
#: RDF first: `*/*` and no Accept get Turtle; browsers ask for text/html by name
DOCUMENT_TYPES: tuple[str, ...] = (
    formats.TURTLE,
    formats.JSONLD,
    formats.NTRIPLES,
    formats.RDFXML,
    HTML,
)
RDF_ONLY: tuple[str, ...] = DOCUMENT_TYPES[:-1]
#: file suffix (without the dot) -> media type, for the document types (pob.core.formats)
SUFFIXES: dict[str, str] = {
    suffix.lstrip("."): media_type
    for media_type in DOCUMENT_TYPES
    for suffix in formats.syntax(media_type).suffixes
}
#: media type -> the suffix of its own URL (`/id/municipality/varde.ttl`)
EXTENSION: dict[str, str] = {t: formats.syntax(t).suffix.lstrip(".") for t in DOCUMENT_TYPES}


@dataclass(frozen=True)
class Choice:
    media_type: str
    negotiated: bool  # by Accept (so the answer varies with it)


def split_suffix(name: str) -> tuple[str, str | None]:
    """`varde.ttl` -> ("varde", "ttl"); a name without a known suffix is returned whole."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem and ext.lower() in SUFFIXES:
        return stem, ext.lower()
    return name, None


def choose(request: Request, offered: Sequence[str], suffix: str | None = None) -> Choice:
    """Suffix, then `?format=`, then `Accept` (NotAcceptable / UnknownFormat otherwise)."""
    if suffix is not None:
        media_type = SUFFIXES[suffix]
        if media_type not in offered:
            raise formats.UnknownFormat(f"{suffix!r} is not offered here")
        return Choice(media_type, False)
    name = request.query_params.get("format")
    if name:
        if name.strip().lower() == "html" and HTML in offered:
            return Choice(HTML, False)
        return Choice(formats.from_short_name(name, offered), False)
    return Choice(formats.negotiate(request.headers.get("accept"), offered), True)


def document_headers(path: str, offered: Sequence[str], choice: Choice) -> dict[str, str]:
    """Vary, Content-Location and Link (alternates) for the document at `path`."""
    links = [
        f'<{path}.{EXTENSION[t]}>; rel="alternate"; type="{t}"'
        for t in offered
        if t != choice.media_type or choice.negotiated
    ]
    headers = {"Vary": "Accept", "Link": ", ".join(links)}
    if choice.negotiated:
        headers["Content-Location"] = f"{path}.{EXTENSION[choice.media_type]}"
    return headers


def prefers_html(request: Request) -> bool:
    """Does the client rather have a page than data (for error answers)?"""
    try:
        return formats.negotiate(request.headers.get("accept"), DOCUMENT_TYPES) == HTML
    except formats.NotAcceptable:
        return False
