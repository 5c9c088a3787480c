"""A submitted dataset, read defensively: format, text, syntax, triples, contexts.

The body itself is read by :mod:`pob.validation.body` (counted while it arrives, never read
whole past the limit; multipart forms). :func:`parse_upload` tells the format from the
media type (or the file name of a multipart upload), refuses binary and non-UTF-8 input
with the line and column of the first bad byte, parses with pyoxigraph (syntax errors name
the format, line and column), stops counting past the triple limit, writes numeric
literals in canonical form, and merges the graphs of TriG / N-Quads input into one graph
(the names are reported as ignored: the service decides where a submission goes).

JSON-LD never fetches anything: every ``@context`` (and ``@import``) that names a URL is
replaced by a local copy from ``data/contexts/`` (:data:`LOCAL_CONTEXTS`), or refused with
an error naming the URL. pyoxigraph itself has no document loader, so nothing else can
reach the network.

Hostile input is refused before it is parsed, with a 400 naming the line and column
(docs/security.md): RDF/XML with a DTD or entity declarations (:func:`pob.core.scan.
xml_declaration`: "billion laughs", external entities), JSON nested deeper than
:data:`MAX_JSON_DEPTH`, integers longer than :data:`MAX_INTEGER_DIGITS`; a single token
longer than pyoxigraph's buffer (:data:`PARSER_BUFFER`) is a 400 too.

Every error is an :class:`UploadError` carrying the HTTP status the service answers with.
What is done with the triples afterwards (canonical form, relabelling, N-Triples) is
:mod:`pob.validation.content`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from pob.core import formats
from pob.core.formats import Syntax
from pob.core.problems import Problem
from pob.core.scan import json_too_deep, position, xml_declaration
from pob.graph.prefixes import CANONICAL_BASE
from pob.graph.sources import ROOT
from pob.validation.content import CANONICAL_TYPES, canonical_literal

CONTEXTS_DIR = ROOT / "data" / "contexts"
#: context URL (under the canonical base) -> the local copy in data/contexts/
LOCAL_CONTEXTS: dict[str, str] = {"context.jsonld": "pob.jsonld"}
MAX_CONTEXT_DEPTH = 8
#: arrays and objects nested deeper than this in JSON-LD are refused before parsing
MAX_JSON_DEPTH = 64
#: integer literals (xsd:integer and the types derived from it) with a longer lexical form
#: are refused (Python converts at most 4,300 digits to an int)
MAX_INTEGER_DIGITS = 4000
#: pyoxigraph's parser buffer: a single token (IRI, literal, comment) longer is refused
PARSER_BUFFER = 16 * 2**20
_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


#: the syntaxes an upload may be in (pob.core.formats): every RDF syntax we offer
FORMATS: tuple[Syntax, ...] = formats.RDF_SYNTAXES
TURTLE, TRIG, NQUADS = formats.TURTLE_SYNTAX, formats.TRIG_SYNTAX, formats.NQUADS_SYNTAX
NTRIPLES, JSONLD, RDFXML = formats.NTRIPLES_SYNTAX, formats.JSONLD_SYNTAX, formats.RDFXML_SYNTAX
#: media types that say nothing about the syntax (the file name decides)
GENERIC_TYPES = frozenset({"", "application/octet-stream", "text/plain"})


# ----------------------------------------------------------------------------- errors


class UploadError(Problem, ValueError):
    """Input we refuse, with the HTTP status to answer and where it went wrong."""

    status = 400
    title = "Bad input"

    def extra(self) -> dict[str, Any]:  # the web form says what to do, in plain words
        return {"validator": "/validate"}


class TooLarge(UploadError):
    status = 413
    title = "Upload too large"


class TooManyTriples(UploadError):
    status = 413
    title = "Too many triples"


class UnsupportedFormat(UploadError):
    status = 415
    title = "Unsupported Media Type"


class NotText(UploadError):
    """Binary or non-UTF-8 input."""

    title = "Not UTF-8 text"


class RemoteContext(UploadError):
    """A JSON-LD context we would have to fetch."""

    title = "Remote JSON-LD context"

    def __init__(self, url: str, base: str = CANONICAL_BASE) -> None:
        self.url = url
        super().__init__(
            f"the JSON-LD context {url} would have to be fetched; this service never fetches "
            "contexts. Put the context inline (an object under @context) or use one we keep "
            "a local copy of: " + ", ".join(local_context_urls(base))
        )


class BadSyntax(UploadError):
    """Not valid RDF in the format it claims."""

    title = "Bad RDF"

    def __init__(
        self,
        fmt: Syntax,
        message: str,
        line: int | None = None,
        column: int | None = None,
        *,
        source: str | None = None,
    ) -> None:
        self.format_name = fmt.name  # a name, so the error can travel from a worker
        self.message = message
        where = ""
        if line is not None:
            where = f" at line {line}" + (f", column {column}" if column is not None else "")
        said = f"{source}: " if source else ""
        super().__init__(f"{said}{fmt.name} syntax error{where}: {message}", line, column)

    @property
    def format(self) -> Syntax:
        return next(f for f in FORMATS if f.name == self.format_name)

    def extra(self) -> dict[str, Any]:
        return {**super().extra(), "format": self.format_name}


class EmptyDataset(UploadError):
    status = 422
    title = "Empty dataset"


def local_context_urls(base: str = CANONICAL_BASE) -> list[str]:
    """The context URLs we answer from local copies, for `base`."""
    return sorted(base + name for name in LOCAL_CONTEXTS)


# ----------------------------------------------------------------------------- reading


def format_for(media_type: str | None, filename: str | None = None) -> Syntax:
    """The format a media type names; a generic one (octet-stream) defers to the file name."""
    kind = (media_type or "").split(";", 1)[0].strip().lower()
    if kind in GENERIC_TYPES:
        found = formats.by_suffix(filename, FORMATS) if filename else None
    else:
        found = formats.by_media_type(kind, FORMATS)
    if found is not None:
        return found
    offered = ", ".join(f.media_type for f in FORMATS)
    said = f"{kind!r}" if kind else "no Content-Type"
    if filename:
        said += f" (file {filename!r})"
    raise UnsupportedFormat(f"cannot read {said}; send one of {offered}")


_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def check_text(data: bytes, charset: str | None = None) -> bytes:
    """`data` without a UTF-8 byte-order mark; :class:`NotText` if binary or not UTF-8."""
    if charset and charset.strip().strip('"').lower() not in ("utf-8", "utf8"):
        raise NotText(f"charset {charset!r}: send UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    control = _CONTROL.search(data)
    if control is not None:
        line, column = position(data, control.start())
        raise NotText(
            f"binary input: byte 0x{data[control.start()]:02x} at line {line}, column "
            f"{column} is not text; send RDF as UTF-8 text",
            line,
            column,
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = position(data, exc.start)
        raise NotText(
            f"not UTF-8: byte 0x{data[exc.start]:02x} at line {line}, column {column}",
            line,
            column,
        ) from None
    declared = _XML_ENCODING.match(data)
    if declared and declared.group(1).decode().lower() not in ("utf-8", "utf8"):
        raise NotText(f"the XML declaration says {declared.group(1).decode()}; send UTF-8")
    return data


# ----------------------------------------------------------------------------- JSON-LD


def _local_context(url: str, base: str) -> Any:
    for name, filename in LOCAL_CONTEXTS.items():
        if url in (base + name, CANONICAL_BASE + name):
            text = (CONTEXTS_DIR / filename).read_text(encoding="utf-8")
            return json.loads(text.replace(CANONICAL_BASE, base))["@context"]
    raise RemoteContext(url, base)


def _resolve(context: Any, base: str, depth: int) -> Any:
    if depth > MAX_CONTEXT_DEPTH:
        raise UploadError(f"JSON-LD contexts nested more than {MAX_CONTEXT_DEPTH} deep")
    if isinstance(context, str):
        return _resolve(_local_context(context, base), base, depth + 1)
    if isinstance(context, list):
        out: list[Any] = []
        for item in context:
            resolved = _resolve(item, base, depth)
            out.extend(resolved if isinstance(resolved, list) else [resolved])
        return out
    if isinstance(context, dict):
        context = dict(context)
        if "@import" in context:
            imported = _resolve(context.pop("@import"), base, depth + 1)
            if not isinstance(imported, dict):
                raise UploadError("a JSON-LD @import must name a single context object")
            context = {**imported, **context}
        for key, value in context.items():  # scoped contexts in term definitions
            if isinstance(value, dict) and "@context" in value:
                context[key] = {**value, "@context": _resolve(value["@context"], base, depth)}
        return context
    return context


def inline_contexts(document: Any, base: str = CANONICAL_BASE) -> Any:
    """`document` with every ``@context`` URL replaced by its local copy (the loader).

    :class:`RemoteContext` names the first URL without one."""
    if isinstance(document, list):
        return [inline_contexts(item, base) for item in document]
    if isinstance(document, dict):
        out = {key: inline_contexts(value, base) for key, value in document.items()}
        if "@context" in document:
            out["@context"] = _resolve(document["@context"], base, 0)
        return out
    return document


class _LongInteger(ValueError):
    def __init__(self, digits: str) -> None:
        self.digits = digits


def _json_int(digits: str) -> int:
    if len(digits) > MAX_INTEGER_DIGITS:
        raise _LongInteger(digits)
    return int(digits)


def _jsonld(text: bytes, base: str) -> bytes:
    # json.loads first: linear in C, and after it every string is known to be closed, so the
    # depth scan (which skips strings) is linear too; a scan of unparsed input could be fed
    # unterminated strings that make it quadratic
    too_deep = f"arrays and objects nested more than {MAX_JSON_DEPTH} deep"
    try:
        document = json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise BadSyntax(JSONLD, exc.msg, exc.lineno, exc.colno) from None
    except _LongInteger as exc:
        raise _long_integer(JSONLD, text, exc.digits) from None
    except RecursionError:  # deeper than Python's recursion limit: where is not known
        raise BadSyntax(JSONLD, too_deep) from None
    deep = json_too_deep(text, MAX_JSON_DEPTH)
    if deep is not None:
        where = position(text, deep) if deep >= 0 else (None, None)
        raise BadSyntax(JSONLD, too_deep, *where)
    try:
        return json.dumps(inline_contexts(document, base)).encode("utf-8")
    except RecursionError:  # not reached past the depth check; never a 500
        raise BadSyntax(JSONLD, too_deep) from None


def _long_integer(fmt: Syntax, text: bytes, lexical: str) -> BadSyntax:
    """The refusal of an integer longer than :data:`MAX_INTEGER_DIGITS` (where it is, if
    the text has it as written)."""
    found = text.find(lexical.strip().encode("ascii", errors="replace"))
    line, column = position(text, found) if found >= 0 else (None, None)
    message = (
        f"an integer of {len(lexical.strip()):,} digits; this service reads integers of at "
        f"most {MAX_INTEGER_DIGITS:,} digits"
    )
    return BadSyntax(fmt, message, line, column)


# ----------------------------------------------------------------------------- parsing


@dataclass
class Upload:
    """A parsed submission: its triples (blank nodes as written) and what we noticed."""

    triples: list[ox.Triple]
    format: Syntax
    size: int
    ignored_graphs: list[str] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        if not self.ignored_graphs:
            return []
        names = ", ".join(f"<{g}>" for g in self.ignored_graphs[:5])
        more = f" and {len(self.ignored_graphs) - 5} more" if len(self.ignored_graphs) > 5 else ""
        return [
            f"the {self.format.name} input names {len(self.ignored_graphs)} graph(s) ({names}"
            f"{more}); graph names are ignored: all triples are validated, and stored, as one "
            "graph that this service names"
        ]


def parse_upload(
    data: bytes,
    media_type: str | None,
    *,
    filename: str | None = None,
    max_triples: int = 500_000,
    base: str = CANONICAL_BASE,
    base_iri: str | None = None,
) -> Upload:
    """Check and parse an uploaded dataset (see the module docstring for what is refused);
    relative IRIs resolve against `base_iri` (none: they are a syntax error)."""
    fmt = format_for(media_type, filename)
    charset = None
    if media_type and "charset=" in media_type.lower():
        charset = media_type.lower().split("charset=", 1)[1].split(";", 1)[0]
    text = check_text(data, charset)
    if fmt is RDFXML:
        declared = xml_declaration(text)
        if declared is not None:
            line, column = position(text, declared[1])
            raise BadSyntax(
                fmt,
                f"<!{declared[0]}>: DTDs and entity declarations are not accepted (RDF/XML "
                "needs none; entity expansion can exhaust the service)",
                line,
                column,
            )
    if fmt is JSONLD:
        text = _jsonld(text, base)
    triples: list[ox.Triple] = []
    graphs: dict[str, None] = {}
    try:
        for quad in ox.parse(text, fmt.rdf, base_iri=base_iri, rename_blank_nodes=True):
            if len(triples) >= max_triples:
                raise TooManyTriples(
                    f"the dataset has more than {max_triples:,} triples; split it or ask for a "
                    "higher limit"
                )
            triple = quad.triple
            obj = triple.object
            if isinstance(obj, ox.Literal) and obj.datatype.value in CANONICAL_TYPES:
                if len(obj.value) > MAX_INTEGER_DIGITS and obj.datatype.value != _DECIMAL:
                    raise _long_integer(fmt, text, obj.value)
                triple = ox.Triple(triple.subject, triple.predicate, canonical_literal(obj))
            triples.append(triple)
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                graphs[getattr(quad.graph_name, "value", str(quad.graph_name))] = None
    except SyntaxError as exc:
        raise BadSyntax(fmt, _message(exc), exc.lineno, exc.offset) from None
    except MemoryError as exc:  # pyoxigraph: "Reached the buffer maximal size of 16777216"
        if "buffer maximal size" not in str(exc):
            raise
        message = (
            f"a single token (an IRI, a literal or a comment) is longer than "
            f"{PARSER_BUFFER // 2**20} MiB, the most the parser reads at once"
        )
        raise BadSyntax(fmt, message) from None
    if not triples:
        raise EmptyDataset(f"the {fmt.name} input holds no triples")
    return Upload(triples, fmt, len(data), list(graphs))


def read_path(
    path: Path, fmt: str | None = None, *, max_triples: int = 10_000_000, base: str = CANONICAL_BASE
) -> Upload:
    """A file read the way the service reads an upload (the CLI's `pob validate`)."""
    media_type = None
    if fmt:  # a short name (turtle, ttl, nt, jsonld, rdfxml, …), a suffix (xml) or a media type
        named = formats.by_short_name(fmt)
        named = named if named in FORMATS else formats.by_suffix(fmt, FORMATS)
        media_type = named.media_type if named is not None else fmt
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UploadError(f"cannot read: {exc.strerror}") from None
    return parse_upload(data, media_type, filename=path.name, max_triples=max_triples, base=base)


def _message(exc: SyntaxError) -> str:
    text = (exc.msg or str(exc)).strip()
    text = re.sub(r"\s*\(line \d+\)$", "", text)
    return re.sub(r"^Parser error at line \d+ (column \d+|between columns \d+ and \d+): ", "", text)
