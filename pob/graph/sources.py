"""Reading the hand-edited sources: `ontology/`, `data/ttl/`, `shapes/`.

Every reader parses with rdflib, reports syntax errors with file, line and column
(:class:`ParseError`), normalises literals (RDF 1.1: ``"x"^^xsd:string`` is ``"x"``) and
moves IRIs from the canonical base to the configured one (:func:`pob.graph.iri.rebase`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Dataset, Graph, Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from pob.core import formats
from pob.graph.iri import rebase
from pob.graph.namespaces import bind_all
from pob.graph.prefixes import CANONICAL_BASE

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = ROOT / "data" / "ttl"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"

#: the file suffixes of the RDF syntaxes we read (pob.core.formats)
SUFFIXES = formats.suffixes(formats.RDF_SYNTAXES)
#: rdflib parser names of the source syntaxes whose graph names are read (TriG, N-Quads)
QUAD_FORMATS = frozenset({formats.TRIG_SYNTAX.rdflib_parser, formats.NQUADS_SYNTAX.rdflib_parser})


class ParseError(ValueError):
    """Input that is not valid RDF, with where it went wrong."""

    def __init__(
        self, source: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.source = source
        self.message = message
        self.line = line
        self.column = column
        where = source
        if line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        super().__init__(f"{where}: {message}")


def format_for(path: str | Path, explicit: str | None = None) -> str:
    """The rdflib parser name for a file, from `explicit` or the file suffix."""
    parsers = {s.rdflib_parser for s in formats.RDF_SYNTAXES} | {"n3"}
    if explicit:
        named = formats.by_short_name(explicit)
        name = named.rdflib_parser if named is not None and named.rdf is not None else explicit
        if name not in parsers:
            raise ParseError(str(path), f"unknown RDF format {explicit!r}")
        return str(name)
    found = formats.by_suffix(Path(path).name, formats.RDF_SYNTAXES)
    if found is None or found.rdflib_parser is None:
        suffix = Path(path).suffix.lower()
        raise ParseError(str(path), f"cannot tell the RDF format from suffix {suffix!r}")
    return found.rdflib_parser


_LINE_PATTERNS = (
    re.compile(r"line[:\s]+(\d+)(?:[,:\s]+(?:col(?:umn)?)?[:\s]*(\d+))?", re.I),
    re.compile(r":(\d+):(\d+)"),
)


def _where(exc: BaseException) -> tuple[int | None, int | None]:
    line = getattr(exc, "lineno", None) or getattr(exc, "line", None)
    col = getattr(exc, "colno", None) or getattr(exc, "column", None)
    if isinstance(line, int):
        return line, col if isinstance(col, int) else None
    text = str(exc)
    for pattern in _LINE_PATTERNS:
        m = pattern.search(text)
        if m:
            return int(m.group(1)), int(m.group(2)) if m.group(2) else None
    return None, None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())[:500]


def parse_text(text: str, fmt: str, source: str = "<input>", base_iri: str | None = None) -> Graph:
    """Parse RDF text (triples; quad formats are merged), literals normalised, or raise
    :class:`ParseError`."""
    try:
        if fmt in QUAD_FORMATS:
            ds = Dataset()
            ds.parse(data=text, format=fmt, publicID=base_iri)
            graph = Graph()
            for s, p, o, _ in ds.quads((None, None, None, None)):
                graph.add((s, p, o))
        else:
            graph = Graph()
            graph.parse(data=text, format=fmt, publicID=base_iri)
    except Exception as exc:  # rdflib raises many kinds; all mean "not valid RDF"
        line, col = _where(exc)
        raise ParseError(source, _first_line(exc), line, col) from exc
    return normalise(graph)


def parse_file(path: str | Path, fmt: str | None = None) -> Graph:
    """Parse one file, naming it in any error."""
    path = Path(path)
    name = format_for(path, fmt)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParseError(str(path), f"cannot read: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ParseError(str(path), "not UTF-8 text", line) from exc
    return parse_text(text, name, str(path), base_iri=path.resolve().as_uri())


#: integer-derived XSD types: Oxigraph stores them all as xsd:integer
INTEGER_TYPES = frozenset(
    XSD[name]
    for name in [
        "positiveInteger",
        "nonNegativeInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
)


def _canonical_decimal(lexical: str) -> str | None:
    try:
        value = Decimal(lexical.strip())
    except InvalidOperation:
        return None  # ill-typed: leave it for validation to report
    if not value.is_finite():
        return None
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def normalise_literal(node: Node) -> Node:
    """One form per value, the one Oxigraph stores, so rdflib, pyshacl and Oxigraph agree.

    * RDF 1.1: ``"x"^^xsd:string`` is the plain literal ``"x"``;
    * integer-derived types (``xsd:positiveInteger`` …) become ``xsd:integer`` in canonical
      form, and ``xsd:decimal`` its canonical form (``"1000000.0"`` → ``"1000000"``), as
      Oxigraph does on load. Ill-typed lexical forms are left alone.
    """
    if not isinstance(node, Literal) or node.datatype is None:
        return node
    if node.datatype == XSD.string:
        return Literal(str(node))
    if node.datatype in INTEGER_TYPES or node.datatype == XSD.integer:
        if re.fullmatch(r"\s*[+-]?\d+\s*", str(node)):
            return Literal(str(int(str(node))), datatype=XSD.integer)
        return node
    if node.datatype == XSD.decimal:
        canonical = _canonical_decimal(str(node))
        if canonical is not None and canonical != str(node):
            return Literal(canonical, datatype=XSD.decimal)
    return node


def _needs_normalising(node: Node) -> bool:
    return isinstance(node, Literal) and normalise_literal(node) is not node


def normalise(graph: Graph) -> Graph:
    """Rewrite literals in place so rdflib, pyshacl and Oxigraph agree on them."""
    odd = [(s, p, o) for s, p, o in graph if _needs_normalising(o)]
    for s, p, o in odd:
        graph.remove((s, p, o))
        graph.add((s, p, normalise_literal(o)))
    return graph


def rdf_files(folder: Path) -> list[Path]:
    """The RDF files of a folder (recursively), sorted for stable builds."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def load_folder(folder: Path, base: str = CANONICAL_BASE) -> Graph:
    graph = Graph()
    for path in rdf_files(folder):
        graph += parse_file(path)
    graph = normalise(rebase(graph, base))
    return bind_all(graph, base)


def ontology_graph(base: str = CANONICAL_BASE) -> Graph:
    """The ontology and its code lists."""
    return load_folder(ONTOLOGY_DIR, base)


def data_graph(base: str = CANONICAL_BASE) -> Graph:
    """The curated, asserted data (`data/ttl/`)."""
    return load_folder(DATA_DIR, base)


def shapes_graph(base: str = CANONICAL_BASE) -> Graph:
    """All SHACL shapes (`shapes/`)."""
    return load_folder(SHAPES_DIR, base)


def content_hash(paths: Iterable[Path], extra: str = "") -> str:
    """SHA-256 over the names and bytes of `paths` (and `extra`, e.g. the base IRI)."""
    digest = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def sources_hash(base: str = CANONICAL_BASE) -> str:
    """The hash that decides whether the store must be rebuilt."""
    files = [*rdf_files(ONTOLOGY_DIR), *rdf_files(DATA_DIR), *rdf_files(SHAPES_DIR)]
    return content_hash(files, extra=base)
