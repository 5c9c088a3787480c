"""Media types and content negotiation (RFC 9110 `Accept` with q-values and wildcards).

Two families are offered:

* SPARQL results (SELECT, ASK): JSON, XML, CSV, TSV (CSV/TSV only for SELECT);
* RDF (CONSTRUCT, DESCRIBE, Graph Store GET): Turtle, N-Triples, JSON-LD, RDF/XML, TriG,
  N-Quads.

The first type of each list is the default (`Accept` missing or `*/*`). Engines serialise;
this module only decides which type to ask them for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"
TRIG = "application/trig"
NQUADS = "application/n-quads"
HTML = "text/html"

SELECT_TYPES: tuple[str, ...] = (JSON, XML, CSV, TSV)
ASK_TYPES: tuple[str, ...] = (JSON, XML)
RDF_TYPES: tuple[str, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG, NQUADS)
#: formats able to say which graph a triple is in
DATASET_TYPES = frozenset({TRIG, NQUADS})
ERROR_TYPES: tuple[str, ...] = ("application/json", "text/plain")

#: other names clients use for the types above -> the type we answer with
ALIASES: dict[str, str] = {
    "application/json": JSON,
    "application/xml": XML,
    "text/xml": XML,
    "application/x-turtle": TURTLE,
    "text/n3": TURTLE,
    "text/plain": NTRIPLES,
    "application/x-trig": TRIG,
    "text/x-nquads": NQUADS,
    "application/xml+rdf": RDFXML,
}

#: short names for `format=` (and the CLI)
SHORT_NAMES: dict[str, str] = {
    "json": JSON,
    "xml": XML,
    "csv": CSV,
    "tsv": TSV,
    "turtle": TURTLE,
    "ttl": TURTLE,
    "nt": NTRIPLES,
    "ntriples": NTRIPLES,
    "jsonld": JSONLD,
    "json-ld": JSONLD,
    "rdfxml": RDFXML,
    "rdf": RDFXML,
    "trig": TRIG,
    "nq": NQUADS,
    "nquads": NQUADS,
}

#: the body type of an upload (Graph Store PUT/POST) -> is it a quad format
UPLOAD_TYPES: dict[str, bool] = {
    TURTLE: False,
    NTRIPLES: False,
    JSONLD: False,
    RDFXML: False,
    TRIG: True,
    NQUADS: True,
    "application/x-turtle": False,
    "text/plain": False,
}


class NotAcceptable(ValueError):
    """Nothing offered fits the `Accept` header."""

    def __init__(self, offered: Sequence[str]) -> None:
        self.offered = tuple(offered)
        super().__init__("none of the offered media types is acceptable: " + ", ".join(offered))


class UnknownFormat(ValueError):
    """A `format=` name we do not know, or that does not fit the query form."""


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...] = ()

    def matches(self, media_type: str) -> int:
        """How specifically this range matches `media_type` (-1: not at all)."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """The ranges of an `Accept` header; malformed parts are skipped, bad q counts as 1."""
    ranges: list[MediaRange] = []
    for part in (header or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        kind = pieces[0].lower()
        if "/" not in kind:
            continue
        main, _, sub = kind.partition("/")
        q = 1.0
        params: list[tuple[str, str]] = []
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            key = key.strip().lower()
            if key == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 1.0
            elif key:
                params.append((key, value.strip().strip('"')))
        ranges.append(MediaRange(main, sub, q, tuple(params)))
    return ranges


def _quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    best, best_q = -1, 0.0
    for r in ranges:
        level = r.matches(media_type)
        if level > best:
            best, best_q = level, r.q
    return best_q if best >= 0 else 0.0


def negotiate(accept: str | None, offered: Sequence[str]) -> str:
    """The offered type the client prefers (ties: our order); no header: the first."""
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    best, best_q = "", 0.0
    for media_type in offered:
        q = _quality(ranges, media_type)
        for alias, target in ALIASES.items():
            if target == media_type and any(r.matches(alias) == 2 for r in ranges):
                q = max(q, _quality(ranges, alias))
        if q > best_q:
            best, best_q = media_type, q
    if not best:
        raise NotAcceptable(offered)
    return best


def offered_for(form: str) -> tuple[str, ...]:
    """The media types offered for a query form."""
    form = form.upper()
    if form == "SELECT":
        return SELECT_TYPES
    if form == "ASK":
        return ASK_TYPES
    return RDF_TYPES


def from_short_name(name: str, offered: Sequence[str]) -> str:
    """`format=json` etc. -> a media type that `offered` contains."""
    media_type = SHORT_NAMES.get(name.strip().lower()) or ALIASES.get(name.strip().lower())
    if media_type is None and name in offered:
        media_type = name
    if media_type is None or media_type not in offered:
        raise UnknownFormat(
            f"format {name!r} is not offered here; use one of "
            + ", ".join(sorted(k for k, v in SHORT_NAMES.items() if v in offered))
        )
    return media_type


def choose(form: str, accept: str | None, short_name: str | None = None) -> str:
    """The media type of a query result: `format=` wins over `Accept`."""
    offered = offered_for(form)
    if short_name:
        return from_short_name(short_name, offered)
    return negotiate(accept, offered)


def error_type(accept: str | None) -> str:
    """`application/json` or `text/plain` for an error body (JSON unless text is preferred)."""
    try:
        return negotiate(accept, ERROR_TYPES)
    except NotAcceptable:
        return ERROR_TYPES[0]


def content_type(media_type: str) -> str:
    """The `Content-Type` header value (text types say their charset)."""
    if media_type.startswith("text/") or media_type in (JSON, XML, JSONLD, RDFXML):
        return f"{media_type}; charset=utf-8"
    return media_type


def base_type(header: str | None) -> tuple[str, dict[str, str]]:
    """`text/turtle; charset=utf-8` -> ("text/turtle", {"charset": "utf-8"})."""
    if not header:
        return "", {}
    main, *rest = header.split(";")
    params: dict[str, str] = {}
    for piece in rest:
        key, _, value = piece.partition("=")
        if key.strip():
            params[key.strip().lower()] = value.strip().strip('"')
    return main.strip().lower(), params
