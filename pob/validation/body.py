"""A request body, read defensively: counted while it arrives (:func:`read_limited`), its
``multipart/form-data`` parts as bytes (:func:`parse_form`), and a Graph Store body as one
graph (:func:`graph_body`), parsed as an upload is (:func:`pob.validation.upload.parse_upload`)."""

from __future__ import annotations

from collections.abc import AsyncIterable
from dataclasses import dataclass

from pob.validation.content import ntriples
from pob.validation.upload import (
    NQUADS,
    NTRIPLES,
    TRIG,
    BadSyntax,
    EmptyDataset,
    TooLarge,
    UnsupportedFormat,
    UploadError,
    format_for,
    parse_upload,
)


async def read_limited(
    chunks: AsyncIterable[bytes], limit: int, declared: int | str | None = None
) -> bytes:
    """The body, refused with :class:`TooLarge` as soon as it grows past `limit` bytes.

    A declared `Content-Length` over the limit is refused before a byte is read."""
    check_declared(limit, declared)
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > limit:
            raise TooLarge(_too_large(limit))
    return bytes(body)


def check_declared(limit: int, declared: int | str | None) -> None:
    """:class:`TooLarge` if a declared `Content-Length` is over `limit`."""
    if declared is not None and str(declared).isdigit() and int(declared) > limit:
        raise TooLarge(_too_large(limit))


def _too_large(limit: int) -> str:
    return f"the upload is larger than the limit of {limit:,} bytes"


class NoDataset(UploadError):
    """A form sent with neither a file nor text."""

    title = "No dataset"


@dataclass
class FormPart:
    """One part of a ``multipart/form-data`` body, its content as bytes."""

    name: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None

    def text(self) -> str:
        return self.data.decode("utf-8", errors="strict")


def parse_form(body: bytes, content_type: str, max_parts: int = 16) -> dict[str, FormPart]:
    """The parts of a ``multipart/form-data`` body by name (the first of each name).

    Values stay bytes (Starlette would decode a field that is not UTF-8 as Latin-1 without a
    word), so the dataset in a pasted field is checked like an uploaded file."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise UploadError("multipart/form-data without a boundary")
    parts: list[FormPart] = []
    headers: dict[bytes, bytes] = {}
    field_name = b""
    chunks: list[bytes] = []

    def on_header_field(data: bytes, start: int, end: int) -> None:
        nonlocal field_name
        field_name += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        headers[field_name.lower()] = headers.get(field_name.lower(), b"") + data[start:end]

    def on_header_end() -> None:
        nonlocal field_name
        field_name = b""

    def on_part_begin() -> None:
        headers.clear()
        chunks.clear()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunks.append(data[start:end])

    def on_part_end() -> None:
        if len(parts) >= max_parts:
            raise UploadError(f"more than {max_parts} form fields")
        _, disposition = parse_options_header(headers.get(b"content-disposition", b""))
        name = disposition.get(b"name", b"").decode("utf-8", errors="replace")
        filename = disposition.get(b"filename")
        kind = headers.get(b"content-type")
        parts.append(
            FormPart(
                name=name,
                data=b"".join(chunks),
                filename=filename.decode("utf-8", errors="replace") if filename else None,
                content_type=kind.decode("latin-1").strip() if kind else None,
            )
        )

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except UploadError:
        raise
    except Exception as exc:  # python-multipart's own errors: a malformed body
        raise UploadError(f"malformed multipart/form-data: {exc}") from None
    out: dict[str, FormPart] = {}
    for part in parts:
        out.setdefault(part.name, part)
    return out


def graph_body(
    data: bytes, media_type: str | None, *, graph: str, max_triples: int, base: str
) -> bytes:
    """A Graph Store PUT/POST body as N-Triples: parsed as an upload is (the same formats,
    limits and errors, blank nodes renamed), relative IRIs against `graph`. A request
    carries one graph, so the quad formats are refused (415) and so is JSON-LD that names
    graphs; ``text/plain`` is N-Triples, and an empty body an empty graph."""
    kind, sep, params = (media_type or "").partition(";")
    if kind.strip().lower() == "text/plain":
        media_type = NTRIPLES.media_type + sep + params
    fmt = format_for(media_type)
    if fmt in (TRIG, NQUADS):
        raise UnsupportedFormat(
            f"a Graph Store request carries one graph: {fmt.media_type} names graphs; send "
            "Turtle, N-Triples, JSON-LD or RDF/XML"
        )
    try:
        upload = parse_upload(data, media_type, max_triples=max_triples, base=base, base_iri=graph)
    except EmptyDataset:
        return b""
    except BadSyntax as exc:
        source = f"{kind.strip()} body"
        raise BadSyntax(exc.format, exc.message, exc.line, exc.column, source=source) from None
    if upload.ignored_graphs:
        raise UploadError(
            f"the body names {len(upload.ignored_graphs)} graph(s) (<{upload.ignored_graphs[0]}>"
            "…); a Graph Store request carries one graph, the one ?graph= names"
        )
    return ntriples(upload.triples)
