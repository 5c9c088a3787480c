"""The one registry of syntaxes, and content negotiation (RFC 9110 `Accept`).

Every syntax the project reads or writes is one :class:`Syntax` in :data:`SYNTAXES`: its
media type, the other media types clients use for it, its short names (``format=``, the
CLI), its file suffixes (the first is the one we write), the pyoxigraph format that parses
and serialises it, the rdflib parser and writer names, the EU file-type code and the W3C
format IRI that the catalog and VoID give. Looking a syntax up by media type or suffix goes
through pyoxigraph's own tables (`RdfFormat.from_media_type`, `from_extension`,
`QueryResultsFormat.from_media_type`) first, then the few extra names listed here; no other
module keeps a table of formats.

Two families are offered for query results:

* SPARQL results (SELECT, ASK): JSON, XML, CSV, TSV;
* RDF (CONSTRUCT, DESCRIBE, Graph Store GET): Turtle, N-Triples, JSON-LD, RDF/XML, TriG,
  N-Quads.

The first type of each list is the default (`Accept` missing or `*/*`). Engines serialise;
this module only decides which type to ask them for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

import pyoxigraph as ox

W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Syntax:
    """One syntax we read or write."""

    media_type: str
    name: str
    #: the file suffixes (with the dot); the first is the one we write
    suffixes: tuple[str, ...] = ()
    #: other media types clients send or ask for (answered with `media_type`)
    aliases: tuple[str, ...] = ()
    #: names for `format=` and the CLI; unique within a family (RDF or results), so `xml` is
    #: RDF/XML for CONSTRUCT and SPARQL XML for SELECT
    short_names: tuple[str, ...] = ()
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    #: rdflib's parser and writer names
    rdflib_parser: str | None = None
    rdflib_writer: str | None = None
    #: the code in the EU file-type authority list (catalog distributions)
    eu_file_type: str | None = None
    #: the local name under http://www.w3.org/ns/formats/ (VoID, service description)
    w3c_name: str | None = None

    @property
    def quads(self) -> bool:
        """Can say which graph a triple is in (TriG, N-Quads, JSON-LD)."""
        return self.rdf is not None and self.rdf.supports_datasets

    @property
    def suffix(self) -> str:
        return self.suffixes[0] if self.suffixes else ""

    @property
    def w3c_iri(self) -> str | None:
        return W3C_FORMATS + self.w3c_name if self.w3c_name else None


def _rdf(fmt: ox.RdfFormat, **extra: object) -> Syntax:
    return Syntax(
        media_type=fmt.media_type,
        name=fmt.name,
        rdf=fmt,
        **extra,  # type: ignore[arg-type]
    )


TURTLE_SYNTAX = _rdf(
    ox.RdfFormat.TURTLE,
    suffixes=(".ttl", ".turtle"),
    aliases=("application/x-turtle", "text/n3"),
    short_names=("turtle", "ttl", "n3"),  # N3 clients read Turtle (an N3 subset)
    rdflib_parser="turtle",
    rdflib_writer="turtle",
    eu_file_type="RDF_TURTLE",
    w3c_name="Turtle",
)
NTRIPLES_SYNTAX = _rdf(
    ox.RdfFormat.N_TRIPLES,
    suffixes=(".nt", ".ntriples"),
    aliases=("text/plain",),
    short_names=("nt", "ntriples", "n-triples"),
    rdflib_parser="nt",
    rdflib_writer="nt",
    eu_file_type="RDF_N_TRIPLES",
    w3c_name="N-Triples",
)
JSONLD_SYNTAX = _rdf(
    ox.RdfFormat.JSON_LD,
    suffixes=(".jsonld", ".json"),
    short_names=("jsonld", "json-ld", "json"),
    rdflib_parser="json-ld",
    rdflib_writer="json-ld",
    eu_file_type="JSON_LD",
    w3c_name="JSON-LD",
)
RDFXML_SYNTAX = _rdf(
    ox.RdfFormat.RDF_XML,
    suffixes=(".rdf", ".owl", ".xml"),
    aliases=("application/xml+rdf",),
    short_names=("rdfxml", "rdf", "rdf+xml", "xml"),
    rdflib_parser="xml",
    rdflib_writer="xml",
    eu_file_type="RDF_XML",
    w3c_name="RDF_XML",
)
TRIG_SYNTAX = _rdf(
    ox.RdfFormat.TRIG,
    suffixes=(".trig",),
    aliases=("application/x-trig",),
    short_names=("trig",),
    rdflib_parser="trig",
    rdflib_writer="trig",
    eu_file_type="RDF_TRIG",
    w3c_name="TriG",
)
NQUADS_SYNTAX = _rdf(
    ox.RdfFormat.N_QUADS,
    suffixes=(".nq",),
    aliases=("text/x-nquads",),
    short_names=("nq", "nquads", "n-quads"),
    rdflib_parser="nquads",
    rdflib_writer="nquads",
    eu_file_type="RDF_N_QUADS",
    w3c_name="N-Quads",
)
RESULTS_JSON_SYNTAX = Syntax(
    "application/sparql-results+json",
    "SPARQL JSON",
    suffixes=(".srj",),
    aliases=("application/json",),
    short_names=("json",),
    results=ox.QueryResultsFormat.JSON,
    w3c_name="SPARQL_Results_JSON",
)
RESULTS_XML_SYNTAX = Syntax(
    "application/sparql-results+xml",
    "SPARQL XML",
    suffixes=(".srx",),
    aliases=("application/xml", "text/xml"),
    short_names=("xml",),
    results=ox.QueryResultsFormat.XML,
    w3c_name="SPARQL_Results_XML",
)
CSV_SYNTAX = Syntax(
    "text/csv",
    "CSV",
    suffixes=(".csv",),
    short_names=("csv",),
    results=ox.QueryResultsFormat.CSV,
    eu_file_type="CSV",
    w3c_name="SPARQL_Results_CSV",
)
TSV_SYNTAX = Syntax(
    "text/tab-separated-values",
    "TSV",
    suffixes=(".tsv",),
    short_names=("tsv",),
    results=ox.QueryResultsFormat.TSV,
    eu_file_type="TSV",
    w3c_name="SPARQL_Results_TSV",
)
HTML_SYNTAX = Syntax("text/html", "HTML", suffixes=(".html",), eu_file_type="HTML")

#: every syntax; RDF first, in the order we offer them
SYNTAXES: tuple[Syntax, ...] = (
    TURTLE_SYNTAX,
    NTRIPLES_SYNTAX,
    JSONLD_SYNTAX,
    RDFXML_SYNTAX,
    TRIG_SYNTAX,
    NQUADS_SYNTAX,
    RESULTS_JSON_SYNTAX,
    RESULTS_XML_SYNTAX,
    CSV_SYNTAX,
    TSV_SYNTAX,
    HTML_SYNTAX,
)
#: the RDF syntaxes we read and write (pyoxigraph also knows N3, which we do not offer)
RDF_SYNTAXES: tuple[Syntax, ...] = tuple(s for s in SYNTAXES if s.rdf is not None)

JSON = RESULTS_JSON_SYNTAX.media_type
XML = RESULTS_XML_SYNTAX.media_type
CSV = CSV_SYNTAX.media_type
TSV = TSV_SYNTAX.media_type
TURTLE = TURTLE_SYNTAX.media_type
NTRIPLES = NTRIPLES_SYNTAX.media_type
JSONLD = JSONLD_SYNTAX.media_type
RDFXML = RDFXML_SYNTAX.media_type
TRIG = TRIG_SYNTAX.media_type
NQUADS = NQUADS_SYNTAX.media_type
HTML = HTML_SYNTAX.media_type

SELECT_TYPES: tuple[str, ...] = (JSON, XML, CSV, TSV)
#: CSV/TSV too (SPARQL 1.1 Protocol §2.1.6; Oxigraph writes a bare `true`/`false`)
ASK_TYPES: tuple[str, ...] = SELECT_TYPES
RDF_TYPES: tuple[str, ...] = tuple(s.media_type for s in RDF_SYNTAXES)
#: formats able to say which graph a triple is in (as query results: TriG, N-Quads)
DATASET_TYPES = frozenset({TRIG, NQUADS})
ERROR_TYPES: tuple[str, ...] = ("application/json", "text/plain")

_BY_TYPE = {s.media_type: s for s in SYNTAXES}
_BY_RDF = {s.rdf: s for s in RDF_SYNTAXES}
_BY_RESULTS = {s.results: s for s in SYNTAXES if s.results is not None}
_BY_SUFFIX = {suffix: s for s in SYNTAXES for suffix in s.suffixes}

#: other names clients use for the types above -> the type we answer with
ALIASES: dict[str, str] = {alias: s.media_type for s in SYNTAXES for alias in s.aliases}
#: short names for the CLI and uploads (a name in both families: the results syntax)
SHORT_NAMES: dict[str, str] = {n: s.media_type for s in SYNTAXES for n in s.short_names}


def _bare(media_type: str | None) -> str:
    return (media_type or "").split(";", 1)[0].strip().lower()


def by_media_type(media_type: str | None, among: Iterable[Syntax] = SYNTAXES) -> Syntax | None:
    """The syntax of a media type (parameters ignored; the other names pyoxigraph knows for
    it count, e.g. `application/x-turtle`) among `among`."""
    bare = _bare(media_type)
    found = _BY_TYPE.get(bare)
    if found is None and bare:
        rdf = ox.RdfFormat.from_media_type(bare)
        found = _BY_RDF.get(rdf) if rdf is not None else None
    if found is None and bare:
        results = ox.QueryResultsFormat.from_media_type(bare)
        found = _BY_RESULTS.get(results) if results is not None else None
    return found if found is not None and found in tuple(among) else None


def by_suffix(name: str | PurePath, among: Iterable[Syntax] = SYNTAXES) -> Syntax | None:
    """The syntax of a file name's suffix (or of a bare suffix, with or without its dot)."""
    text = str(name)
    suffix = PurePath(text).suffix.lower() if "." in text[1:] else "." + text.lstrip(".").lower()
    found = _BY_SUFFIX.get(suffix)
    if found is None and suffix:
        rdf = ox.RdfFormat.from_extension(suffix[1:])
        found = _BY_RDF.get(rdf) if rdf is not None else None
    return found if found is not None and found in tuple(among) else None


def by_short_name(name: str) -> Syntax | None:
    return _BY_TYPE.get(SHORT_NAMES.get(name.strip().lower(), ""))


def syntax(media_type: str) -> Syntax:
    """The syntax of one of our media types (KeyError for others)."""
    return _BY_TYPE[media_type]


def suffixes(among: Iterable[Syntax] = SYNTAXES) -> frozenset[str]:
    """Every file suffix (with the dot) of the syntaxes `among`."""
    return frozenset(suffix for s in among for suffix in s.suffixes)


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
    """`format=json` etc. -> the media type among `offered` that the name means there
    (`xml`: SPARQL XML among results, RDF/XML among RDF types); a media type, or a list of
    them as in `Accept`, is negotiated (NotAcceptable). UnknownFormat for other names."""
    key = name.strip().lower()
    if "/" in key:
        return negotiate(key, offered)
    for media_type in offered:
        if key in _BY_TYPE[media_type].short_names:
            return media_type
    known = "not offered for this result" if key in SHORT_NAMES else "not a format name"
    raise UnknownFormat(
        f"format {name!r} is {known}; use one of "
        + ", ".join(sorted(n for t in offered for n in _BY_TYPE[t].short_names))
    )


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
