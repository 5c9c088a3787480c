"""Reading a SPARQL 1.1 Protocol request from the raw bytes.

Parameters are split and percent-decoded here, not by the framework: FastAPI/Starlette
decode with ``errors="replace"``, which would turn an invalid UTF-8 query into a valid one
with U+FFFD in it. Here the bytes stay bytes until :func:`pob.sparql.guard.decode` refuses them.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from fastapi import Request

from pob.core import formats
from pob.settings import Settings
from server.errors import HTTPProblem

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
#: the parameters clients name the result format with (SPARQLWrapper sends all three)
FORMAT_PARAMETERS = ("format", "output", "results")


@dataclass
class Params:
    """Protocol parameters by name, every value as raw bytes, in order."""

    values: dict[str, list[bytes]] = field(default_factory=dict)

    def add(self, raw: bytes) -> None:
        for pair in raw.split(b"&"):
            if not pair:
                continue
            key, _, value = pair.partition(b"=")
            name = _text(_unquote(key), "a parameter name")
            self.values.setdefault(name, []).append(_unquote(value))

    def all(self, name: str) -> list[bytes]:
        return self.values.get(name, [])

    def texts(self, name: str) -> list[str]:
        return [_text(v, f"parameter {name!r}") for v in self.all(name)]

    def one(self, name: str) -> str | None:
        found = self.texts(name)
        if len(found) > 1:
            raise HTTPProblem(400, "Bad request", f"parameter {name!r} is given {len(found)} times")
        return found[0] if found else None


def _unquote(raw: bytes) -> bytes:
    """Form decoding of one name or value: `+` is a space, `%XX` a byte, and a `%` not
    followed by two hex digits stays as it is (as `urllib.parse.unquote_to_bytes` does).

    The escapes are decoded by the C codec of Python's `\\xXX` escapes, every backslash
    doubled first (4 against 1 µs for a 200-byte query, run on every request); when a `%`
    does not start a valid escape, `unquote_to_bytes` decodes it."""
    raw = raw.replace(b"+", b" ")
    if b"%" not in raw:
        return raw
    try:
        return codecs.escape_decode(raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0]
    except ValueError:  # a `%` without two hex digits after it
        return unquote_to_bytes(raw)


def _text(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPProblem(400, "Bad request", f"{what} is not valid UTF-8") from None


@dataclass
class QueryRequest:
    """What a /sparql request asks: the raw query (None: none given) and the dataset."""

    query: bytes | None
    params: Params
    default_uris: list[str]
    named_uris: list[str]
    inference: bool
    #: every value of `format`, `output` and `results`, in that order
    #: (:func:`pob.sparql.protocol.from_parameters` chooses)
    format_names: list[str]


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 past `limit` bytes (counted as it arrives)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPProblem(
            413, "Request too large", f"the body is over the limit of {limit:,} bytes"
        )
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPProblem(
                413, "Request too large", f"the body is over the limit of {limit:,} bytes"
            )
    return bytes(body)


async def parse(request: Request, settings: Settings) -> QueryRequest:
    """The query operation of a GET or POST to /sparql (400/403/413/415 when malformed)."""
    params = Params()
    params.add(request.scope.get("query_string", b""))
    body_query: bytes | None = None
    if request.method == "POST":
        media_type, options = formats.base_type(request.headers.get("content-type"))
        charset = options.get("charset", "utf-8").lower()
        if media_type == UPDATE:
            raise _read_only()
        if media_type not in (FORM, DIRECT):
            raise HTTPProblem(
                415,
                "Unsupported Media Type",
                f"POST a query as {FORM} or {DIRECT}, not "
                + (repr(media_type) if media_type else "without a Content-Type"),
            )
        if charset not in ("utf-8", "utf8"):
            raise HTTPProblem(415, "Unsupported Media Type", f"charset {charset!r}: use UTF-8")
        limit = settings.max_query_bytes * 3 + 64 * 1024 if media_type == FORM else None
        body = await read_body(request, limit or settings.max_query_bytes)
        if media_type == FORM:
            params.add(body)
        else:
            body_query = body
    values = params.values
    if body_query is None and len(values) == 1 and len(values.get("query", ())) == 1:
        # the common request (a GET with its query alone): nothing else to read or refuse
        return QueryRequest(
            query=values["query"][0],
            params=params,
            default_uris=[],
            named_uris=[],
            inference=True,
            format_names=[],
        )
    if "update" in values:
        if "query" in params.values or body_query is not None:
            raise HTTPProblem(
                400, "Bad request", "a request carries a query or an update, not both"
            )
        raise _read_only()
    queries = params.all("query")
    if body_query is not None:
        queries = [*queries, body_query]
    if len(queries) > 1:
        raise HTTPProblem(400, "Bad request", f"'query' is given {len(queries)} times; send one")
    inference = params.one("inference")
    if inference not in (None, "true", "false"):
        raise HTTPProblem(400, "Bad request", "inference must be true or false")
    return QueryRequest(
        query=queries[0] if queries else None,
        params=params,
        default_uris=params.texts("default-graph-uri"),
        named_uris=params.texts("named-graph-uri"),
        inference=inference != "false",
        format_names=[v for name in FORMAT_PARAMETERS for v in params.texts(name)],
    )


def _read_only() -> HTTPProblem:
    return HTTPProblem(
        403,
        "Read-only endpoint",
        "SPARQL Update is not accepted here; graphs are changed through the authenticated "
        "Graph Store endpoint (/store)",
    )
