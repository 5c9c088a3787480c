"""`pob load` into the embedded store: stage a new store version, bulk load, swap.

Loading in one transaction is atomic but slow (about 10 k triples/s); Oxigraph's bulk
loader is about five times faster but not transactional. So the load goes into a new
store version beside the live one (:mod:`pob.store.layout`), and the `current` link moves
only once every file is in: a crash, a kill or a syntax error leaves the live store as it
was, and the half-built version is removed on the next open.

The new version starts as one of (measured on 0.5 M-triple graphs, see
docs/performance.md):

* ``snapshot``: a RocksDB checkpoint of the live store (`Store.backup` through a read-only
  handle: hard links, about 0.05 s whatever the size), then the files are bulk loaded on
  top. Used when adding to a
  graph, and when replacing a graph that does not exist;
* ``drop``: the same checkpoint, then the old graph removed in one transaction (40 to
  90 µs a quad) before the load: when the graph replaced is small next to the rest;
* ``copy``: a fresh store with every other graph copied over (`bulk_extend`, about 27 µs
  a quad): when the graph replaced is a large part of the store.

Oxigraph normalises literals when it stores them (``"x"^^xsd:string`` is ``"x"``, the
integer-derived types become canonical ``xsd:integer``, decimals canonical), so the bulk
loader stores the same terms as the transactional path and as :mod:`pob.graph.sources`.
"""

from __future__ import annotations

import gc
import mmap
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, BinaryIO, Literal, cast

import pyoxigraph as ox

from pob.core import formats
from pob.core.scan import position, xml_declaration
from pob.graph.sources import ParseError
from pob.store import ops
from pob.store.base import Progress

#: the syntaxes of the files `pob load` reads (one graph a file), told by suffix
FILE_SYNTAXES = (
    formats.TURTLE_SYNTAX,
    formats.NTRIPLES_SYNTAX,
    formats.JSONLD_SYNTAX,
    formats.RDFXML_SYNTAX,
)


def file_syntax(path: Path) -> formats.Syntax | None:
    """The syntax of a file `pob load` reads, from its suffix (None: not one of them)."""
    return formats.by_suffix(path.name, FILE_SYNTAXES)


#: how the new version starts (see above)
Plan = Literal["snapshot", "drop", "copy"]

#: removing a quad in a transaction costs 1.4 to 3.5 times copying one with `bulk_extend`
#: (38 to 92 µs against 26 to 28 µs, measured on 0.5 M-quad graphs on 2 shared CPUs)
DROP_OVER_COPY = 2.0


def snapshot(live: Path, version: Path, graph: str, replace: bool) -> Plan:
    """Start `version` from the live store, which readers go on reading
    (:func:`pob.store.ops.checkpoint`)."""
    source = ox.Store.read_only(str(live))
    try:
        plan = _plan(source, graph, replace)
    finally:
        del source
        gc.collect()
    if plan != "copy":
        ops.checkpoint(live, version)
    return plan


def _plan(store: ox.Store, graph: str, replace: bool) -> Plan:
    if not replace or not store.contains_named_graph(ox.NamedNode(graph)):
        return "snapshot"
    counts = ops.triple_counts(store)
    size = counts.get(graph, 0)
    others = sum(counts.values()) - size
    return "drop" if size * DROP_OVER_COPY < others else "copy"


def stage(
    live: Path,
    version: Path,
    graph: str,
    files: Sequence[Path],
    plan: Plan,
    progress: Progress | None = None,
) -> int:
    """Fill `version` (started by :func:`snapshot`): the other graphs, then `files`.

    Returns how many triples `graph` has now."""
    progress = progress or _quiet
    name = ox.NamedNode(graph)
    target = ox.Store(str(version))
    try:
        if plan == "copy":
            progress("copy the other graphs", 0)
            _copy_except(live, target, name)
        elif plan == "drop":
            progress(f"drop the old {graph}", 0)
            target.remove_graph(name)
        for path in files:
            progress(f"load {path.name}", 0)
            load_file(target, name, path, progress)
        target.add_graph(name)  # also when every file was empty
        progress("write", 0)
        target.flush()
        # the bulk loader adds its files beside the ones the copy holds, unmerged: measured
        # at 5 M triples, a path query took 4.2 s on such a store and 1.4 s after this
        # compaction (9.6 s; part of the load, before the swap)
        progress("optimise", 0)
        target.optimize()
        return count(target, graph)
    except BaseException as exc:
        # the traceback's frames hold the store open, and the caller removes the directory
        traceback.clear_frames(exc.__traceback__)
        raise
    finally:
        del target
        gc.collect()


def count(store: ox.Store, graph: str) -> int:
    """How many triples `graph` has."""
    rows = store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        n = row["n"]
        return int(n.value) if isinstance(n, ox.Literal) else 0
    return 0


def _copy_except(live: Path, target: ox.Store, name: ox.NamedNode) -> None:
    source = ox.Store.read_only(str(live))
    try:
        for graph in source.named_graphs():
            if graph != name:
                target.add_graph(graph)
                target.bulk_extend(source.quads_for_pattern(None, None, None, graph))
        target.bulk_extend(source.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    finally:
        del source
        gc.collect()


def file_ntriples(path: Path) -> tuple[bytes, int]:
    """A file's triples (its syntax by suffix, :func:`file_syntax`) as N-Triples, and how
    many there are: named graphs refused, blank nodes given fresh labels (so two loads
    never share one), relative IRIs against the file's URI. ParseError names the file,
    line and column."""
    refuse_declarations(path)
    try:
        triples = [
            q.triple
            for q in ox.parse(
                path.read_bytes(),
                _rdf_format(path),
                base_iri=path.resolve().as_uri(),
                without_named_graphs=True,
                rename_blank_nodes=True,
            )
        ]
    except SyntaxError as exc:
        raise ParseError(str(path), exc.msg or str(exc), exc.lineno, exc.offset) from exc
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples)


def _rdf_format(path: Path) -> ox.RdfFormat:
    syntax = file_syntax(path)
    if syntax is None or syntax.rdf is None:
        raise ParseError(str(path), f"cannot tell the RDF format from {path.suffix!r}")
    return syntax.rdf


def load_file(store: ox.Store, name: ox.NamedNode, path: Path, progress: Progress) -> None:
    """Bulk load one file into graph `name` (ParseError, with file, line and column)."""
    rdf_format = _rdf_format(path)
    base_iri = path.resolve().as_uri()
    refuse_declarations(path)
    with path.open("rb") as handle:
        reader = cast(IO[bytes], _Counting(handle, progress))  # read() is all it needs
        try:
            if rdf_format == ox.RdfFormat.JSON_LD:
                # JSON-LD may carry named graphs, which the bulk loader would keep
                store.bulk_extend(_into(name, reader, rdf_format, base_iri))
            else:
                store.bulk_load(reader, rdf_format, base_iri=base_iri, to_graph=name)
        except SyntaxError as exc:
            raise ParseError(str(path), exc.msg or str(exc), exc.lineno, exc.offset) from exc


def refuse_declarations(path: Path) -> None:
    """ParseError if an RDF/XML file has a DTD or entity declarations (entity expansion
    can exhaust memory; :func:`pob.core.scan.xml_declaration`). The file is mapped, not
    read whole."""
    if file_syntax(path) is not formats.RDFXML_SYNTAX or path.stat().st_size == 0:
        return
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        found = xml_declaration(data)
        if found is not None:
            line, column = position(data, found[1])
            message = f"<!{found[0]}>: DTDs and entity declarations are not accepted"
            raise ParseError(str(path), message, line, column)


def _into(
    name: ox.NamedNode, reader: IO[bytes], rdf_format: ox.RdfFormat, base_iri: str
) -> Iterator[ox.Quad]:
    for quad in ox.parse(
        reader,
        rdf_format,
        base_iri=base_iri,
        without_named_graphs=True,
        rename_blank_nodes=True,
    ):
        yield ox.Quad(quad.subject, quad.predicate, quad.object, name)


def _quiet(description: str | None, advance: int) -> None:
    return None


class _Counting:
    """A binary file that reports how much has been read (for the progress bar)."""

    def __init__(self, handle: BinaryIO, progress: Progress) -> None:
        self._handle = handle
        self._progress = progress

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        if chunk:
            self._progress(None, len(chunk))
        return chunk
