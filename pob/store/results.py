"""Serialising results with pyoxigraph into a spool, counting rows on the way.

Row counting must be exact and cheap, so every SELECT result is first written by the
engine as TSV (one row per line: the TSV format escapes newlines in literals), counted while
it is written and cut off at `max_rows + 1`; other result formats are then produced from
that TSV by pyoxigraph (`parse_query_results` → `serialize`). CONSTRUCT/DESCRIBE triples
pass through a counting generator into pyoxigraph's RDF serialiser. Measured on 200,000
rows: TSV 177 ms, JSON 283 ms, TSV→JSON 209 ms, so JSON costs ~35 % more than written
directly, and nothing extra for small results (see docs/architecture.md).

A result bounded in bytes and held in memory (the server process's own answers,
:mod:`pob.store.inline`) is the exception: there the TSV pass is a fixed cost of about a
third of the query's (33 us of 92 on a 15-row point lookup), so SPARQL JSON and XML are
written by the engine directly, cut off by the byte bound, and their rows counted from the
finished answer (:func:`count_rows`).
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from pob.core import formats
from pob.store.base import Dataset, QueryResult
from pob.store.errors import QuerySyntaxError, ResultTooLarge

#: results up to this size stay in memory; larger ones go to a spool file
SPILL_BYTES = 1024 * 1024


def results_format(media_type: str) -> ox.QueryResultsFormat:
    """pyoxigraph's format for one of our SPARQL results media types (pob.core.formats)."""
    found = formats.syntax(media_type).results
    if found is None:
        raise KeyError(media_type)
    return found


def rdf_format(media_type: str) -> ox.RdfFormat:
    """pyoxigraph's format for one of our RDF media types (pob.core.formats)."""
    found = formats.syntax(media_type).rdf
    if found is None:
        raise KeyError(media_type)
    return found


class TooManyRows(Exception):
    """Raised by a counting :class:`Spool` past its line limit."""


class Spool(io.RawIOBase):
    """A binary sink: memory first, a temp file once it grows past `SPILL_BYTES`.

    With `max_lines` set it counts newlines and raises once there are more; with
    `max_bytes`, once more bytes than that are written.
    """

    def __init__(
        self, directory: Path | None, max_lines: int | None = None, max_bytes: int | None = None
    ) -> None:
        super().__init__()
        self.directory = directory
        self.max_lines = max_lines
        self.max_bytes = max_bytes
        self.lines = self.size = 0
        self._memory: io.BytesIO | None = io.BytesIO()
        self._file: IO[bytes] | None = None
        self.path: Path | None = None

    def writable(self) -> bool:
        return True

    @property
    def io(self) -> IO[bytes]:
        """This spool as the binary file pyoxigraph writes to."""
        return cast(IO[bytes], self)

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if self.max_lines is not None:
            self.lines += chunk.count(b"\n")
            if self.lines > self.max_lines:
                raise TooManyRows
        if self.max_bytes is not None:
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise TooManyRows
        if self._memory is not None:
            self._memory.write(chunk)
            if self._memory.tell() > SPILL_BYTES:
                handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open on purpose
                    dir=self.directory, prefix="result-", delete=False
                )
                handle.write(self._memory.getvalue())
                self._file, self.path, self._memory = handle, Path(handle.name), None
        else:
            assert self._file is not None
            self._file.write(chunk)
        return len(chunk)

    def reader(self) -> IO[bytes]:
        """Read back what was written (closes the writing side)."""
        if self._memory is not None:
            return io.BytesIO(self._memory.getvalue())
        assert self._file is not None and self.path is not None
        self._file.close()
        return self.path.open("rb")

    def result(self, media_type: str, rows: int | None = None) -> QueryResult:
        if self._memory is not None:
            return QueryResult(media_type, body=self._memory.getvalue(), rows=rows)
        assert self._file is not None
        self._file.close()
        return QueryResult(media_type, path=self.path, rows=rows)

    def drop(self) -> None:
        if self._file is not None:
            self._file.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


#: a JSON string (quotes inside one are always escaped as \\")
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
#: every byte but a quote and `{ } [` (bytes.translate deletes these)
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"{}[')


def count_rows(body: bytes, results: ox.QueryResultsFormat) -> int:
    """The solutions in a complete SPARQL JSON or XML answer as the engine writes it.

    XML: one `<result>` element a solution (a `<` in text or an attribute is written
    `&lt;`). JSON, its strings blanked first (a literal may hold any characters): the
    first solution opens with `[{`, each later one with `},{`; nothing else in the
    engine's compact JSON (no white space) has either: variables are an array of strings,
    a term is an object after a colon."""
    if results == ox.QueryResultsFormat.XML:
        return body.count(b"<result>")
    if results != ox.QueryResultsFormat.JSON:
        raise ValueError(f"rows are counted in SPARQL JSON or XML, not {results}")
    if b"\\" not in body:
        # no escape: every quote opens or closes a string. Kept: quotes and `{ } [`, each
        # string then `""` unless it holds a bracket, and `""` made `.` (so `},"v":{`
        # does not become `}{`); a quote left means a string holds a bracket (the
        # left-to-right pairing cannot skip a string: its opening quote pairs with the
        # next character or stays)
        skeleton = body.translate(None, _NOT_STRUCTURE).replace(b'""', b".")
        if b'"' not in skeleton:
            return skeleton.count(b"[{") + skeleton.count(b"}{")
    bare = _JSON_STRING.sub(b'""', body)  # an escape, or a bracket in a string
    return bare.count(b"[{") + bare.count(b"},{")


def query_options(dataset: Dataset) -> dict[str, Any]:
    """Keyword arguments of `pyoxigraph.Store.query` for a dataset."""
    if dataset.from_query:
        return {}
    if dataset.is_union:
        return {"use_default_graph_as_union": True}
    options: dict[str, Any] = {"default_graph": [ox.NamedNode(g) for g in dataset.default or ()]}
    if dataset.named is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named]
    return options


def syntax_error(exc: SyntaxError) -> QuerySyntaxError:
    """The engine's message, with line and column when it gives them ("error at 3:17")."""
    message = str(exc)
    found = re.search(r"at (\d+):(\d+)", message)
    if found:
        return QuerySyntaxError(message, int(found.group(1)), int(found.group(2)))
    return QuerySyntaxError(message, getattr(exc, "lineno", None), getattr(exc, "offset", None))


def write_solutions_tsv(
    solutions: ox.QuerySolutions,
    spool_dir: Path | None,
    max_rows: int | None,
    max_bytes: int | None = None,
) -> Spool:
    """The engine's TSV, counted (header + one line a row)."""
    spool = Spool(spool_dir, None if max_rows is None else max_rows + 1, max_bytes)
    try:
        solutions.serialize(spool.io, ox.QueryResultsFormat.TSV)
    except TooManyRows:
        spool.drop()
        raise ResultTooLarge(max_rows or 0) from None
    return spool


def convert_tsv(tsv: Spool, media_type: str, spool_dir: Path | None) -> QueryResult:
    """Counted TSV → the asked-for result format."""
    rows = max(tsv.lines - 1, 0)
    if media_type == formats.TSV:
        return tsv.result(media_type, rows)
    out = Spool(spool_dir)
    with tsv.reader() as source:
        parsed = ox.parse_query_results(source, ox.QueryResultsFormat.TSV)
        parsed.serialize(out.io, results_format(media_type))
    tsv.drop()
    return out.result(media_type, rows)


def write_triples(
    triples: Iterable[ox.Triple],
    media_type: str,
    spool_dir: Path | None,
    max_rows: int | None = None,
    prefixes: dict[str, str] | None = None,
    max_bytes: int | None = None,
) -> QueryResult:
    """Serialise triples (counted) in an RDF format."""
    spool = Spool(spool_dir, max_bytes=max_bytes)
    quads = media_type in formats.DATASET_TYPES
    rows = [0]

    def counting() -> Iterator[Any]:
        for rows[0], triple in enumerate(triples, 1):
            if max_rows is not None and rows[0] > max_rows:
                raise TooManyRows
            yield ox.Quad(triple.subject, triple.predicate, triple.object) if quads else triple

    try:
        ox.serialize(counting(), spool.io, rdf_format(media_type), prefixes=prefixes)
    except TooManyRows:
        spool.drop()
        raise ResultTooLarge(max_rows or 0) from None
    return spool.result(media_type, rows[0])


def run_query(
    store: ox.Store,
    text: str,
    dataset: Dataset,
    media_type: str,
    max_rows: int | None,
    spool_dir: Path | None,
    base_iri: str | None = None,
    max_bytes: int | None = None,
) -> QueryResult:
    """Run one query on a pyoxigraph store into a complete, counted result (ResultTooLarge
    past `max_rows` rows or triples, or, with `max_bytes`, past that many bytes of it)."""
    try:
        result = store.query(text, base_iri=base_iri, **query_options(dataset))
    except SyntaxError as exc:
        raise syntax_error(exc) from None
    if isinstance(result, ox.QueryBoolean):
        out = Spool(spool_dir)
        result.serialize(out.io, results_format(media_type))
        return out.result(media_type)
    if isinstance(result, ox.QuerySolutions):
        direct = results_format(media_type)
        if max_bytes is not None and max_bytes <= SPILL_BYTES and direct in _COUNTED:
            return _written_directly(result, direct, media_type, max_rows, max_bytes)
        tsv = write_solutions_tsv(result, spool_dir, max_rows, max_bytes)
        return convert_tsv(tsv, media_type, spool_dir)
    return write_triples(result, media_type, spool_dir, max_rows, max_bytes=max_bytes)


#: the result formats whose rows :func:`count_rows` counts
_COUNTED = (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML)


def _written_directly(
    solutions: ox.QuerySolutions,
    results: ox.QueryResultsFormat,
    media_type: str,
    max_rows: int | None,
    max_bytes: int,
) -> QueryResult:
    """A SELECT answer in memory, written by the engine in `results` (cut off past
    `max_bytes`), its rows counted after (ResultTooLarge past `max_rows`)."""
    spool = Spool(None, max_bytes=max_bytes)
    try:
        solutions.serialize(spool.io, results)
    except TooManyRows:
        raise ResultTooLarge(max_rows or 0) from None
    found = spool.result(media_type)
    assert found.body is not None  # never spilled: max_bytes <= SPILL_BYTES
    found.rows = count_rows(found.body, results)
    if max_rows is not None and found.rows > max_rows:
        raise ResultTooLarge(max_rows)
    return found
