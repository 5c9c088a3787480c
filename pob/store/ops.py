"""Plain operations on a pyoxigraph store: what the worker processes and the writer run."""

from __future__ import annotations

import gc
import io
import re
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from pob.core import formats
from pob.store import results
from pob.store.base import Dataset, QueryResult
from pob.store.errors import UnknownGraph

T = TypeVar("T")

PROV_GENERATED_BY = "http://www.w3.org/ns/prov#wasGeneratedBy"
SPDX_CHECKSUM = "http://spdx.org/rdf/terms#checksum"
SPDX_CHECKSUM_VALUE = "http://spdx.org/rdf/terms#checksumValue"


def run_query(
    store: ox.Store,
    text: str,
    dataset: Dataset,
    media_type: str,
    max_rows: int | None,
    base_iri: str | None = None,
    *,
    spool_dir: Path | None = None,
) -> QueryResult:
    return results.run_query(store, text, dataset, media_type, max_rows, spool_dir, base_iri)


def dump_graph(
    store: ox.Store,
    graph: str | None,
    media_type: str,
    prefixes: dict[str, str] | None = None,
    *,
    spool_dir: Path | None = None,
) -> QueryResult:
    """A named graph (or, for None, the union of all graphs) serialised in `media_type`.

    Turtle and TriG get the `prefixes` the graph uses (a first pass finds them)."""
    if graph is not None and not store.contains_named_graph(ox.NamedNode(graph)):
        raise UnknownGraph(f"graph <{graph}> is not in this store")
    if media_type not in (formats.TURTLE, formats.TRIG):
        prefixes = None
    elif prefixes:
        prefixes = used_prefixes(_triples(store, graph), prefixes)
    if graph is not None and media_type in formats.DATASET_TYPES:
        out = results.Spool(spool_dir)
        quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        ox.serialize(quads, out.io, results.rdf_format(media_type), prefixes=prefixes)
        return out.result(media_type)
    return results.write_triples(_triples(store, graph), media_type, spool_dir, prefixes=prefixes)


def _triples(store: ox.Store, graph: str | None) -> Iterator[ox.Triple]:
    if graph is not None:
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            yield quad.triple
        return
    solutions = store.query(
        "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }", use_default_graph_as_union=True
    )
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        yield ox.Triple(row[0], row[1], row[2])


def used_prefixes(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes whose namespace some IRI of `triples` is directly in."""
    by_namespace = {ns: prefix for prefix, ns in prefixes.items()}
    used: dict[str, str] = {}
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.Literal):
                term = term.datatype
            if isinstance(term, ox.NamedNode):
                iri = term.value
                namespace = iri[: max(iri.rfind("/"), iri.rfind("#")) + 1]
                if namespace in by_namespace:
                    used[by_namespace[namespace]] = namespace
    return used


def list_graphs(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def triple_counts(store: ox.Store) -> dict[str, int]:
    counts = dict.fromkeys(list_graphs(store), 0)
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        graph, n = row["g"], row["n"]
        if isinstance(graph, ox.NamedNode) and isinstance(n, ox.Literal):
            counts[graph.value] = int(n.value)
    return counts


def count_triples(store: ox.Store, spool_dir: Path | None = None) -> dict[str, int]:
    """:func:`triple_counts` as a worker job (`spool_dir` unused: the answer is small)."""
    return triple_counts(store)


def hash_query(meta: str) -> str:
    """SPARQL for the sources hash recorded by the last build in the meta graph."""
    return (
        f"SELECT ?h WHERE {{ GRAPH <{meta}> {{ <{meta}> <{PROV_GENERATED_BY}> ?build . "
        f"?build <{SPDX_CHECKSUM}> ?c . ?c <{SPDX_CHECKSUM_VALUE}> ?h }} }} LIMIT 1"
    )


def recorded_hash(store: ox.Store, meta: str) -> str | None:
    rows = store.query(hash_query(meta))
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        value = row["h"]
        return value.value if value is not None else None
    return None


def write_graph(store: ox.Store, graph: str, ntriples: bytes, replace: bool) -> bool:
    """Replace (or add to) a graph in one transaction; True if the graph is new.

    One SPARQL Update request is one transaction in Oxigraph, so a crash leaves either the
    old graph or the new one. `ntriples` must come from our own N-Triples serialiser.
    """
    name = ox.NamedNode(graph)
    created = not store.contains_named_graph(name)
    drop = f"DROP SILENT GRAPH <{graph}> ;\n" if replace else ""
    store.update(
        f"{drop}CREATE SILENT GRAPH <{graph}> ;\n"
        f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples.decode('utf-8')}\n}} }}"
    )
    return created


def drop_graph(store: ox.Store, graph: str) -> None:
    name = ox.NamedNode(graph)
    if not store.contains_named_graph(name):
        raise UnknownGraph(f"graph <{graph}> is not in this store")
    store.remove_graph(name)


def removal(graphs: Sequence[str], delete: str = "", where: str = "") -> str:
    """:meth:`pob.store.base.Store.remove` as an update of several operations, for an
    engine that runs them in one transaction (Oxigraph): the ``DELETE`` first (its
    ``WHERE`` sees the graphs as they were), then ``DROP SILENT GRAPH`` each graph (an
    engine that keeps empty graphs keeps one a ``DELETE`` has emptied)."""
    own_variables(delete, where)
    steps = [f"DELETE {{ {delete} }}\nWHERE {{ {where} }}"] if delete else []
    steps += [f"DROP SILENT GRAPH <{graph}>" for graph in graphs]
    return " ;\n".join(steps)


def own_variables(*texts: str) -> None:
    """Refuse a caller's pattern that uses the variables a removal names itself (``?_…``)."""
    for text in texts:
        if re.search(r"[?$]_", text):
            raise ValueError("the variables ?_… are the store's own in a removal")


def graph_blocks(graphs: Mapping[str, bytes], head: bytes = b"") -> Iterator[bytes]:
    """N-Triples per graph as ``<graph> { … }`` blocks (TriG, and the body of a SPARQL
    INSERT DATA when `head` is ``GRAPH``), piece by piece: the data is never copied."""
    for graph, data in graphs.items():
        yield head + f"<{graph}> {{\n".encode()
        yield data
        yield b"\n}\n"


class Chain(io.RawIOBase):
    """Byte strings read one after the other as one stream (no copy into one string)."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces = iter(pieces)
        self._current = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._current:
            piece = next(self._pieces, None)
            if piece is None:
                return 0
            self._current = memoryview(piece)
        n = min(len(buffer), len(self._current))
        buffer[:n] = self._current[:n]
        self._current = self._current[n:]
        return n


def insert_graphs(store: ox.Store, graphs: Mapping[str, bytes]) -> None:
    """Add N-Triples to named graphs in one transaction (pyoxigraph's ``load`` of one TriG
    stream: all or nothing)."""
    reader = io.BufferedReader(Chain(graph_blocks(graphs)), 1 << 20)
    store.load(reader, format=ox.RdfFormat.TRIG)


def with_store(path: Path, action: Callable[[ox.Store], T]) -> T:
    """`action` on the store opened read-write; closed again before this returns or raises.

    An exception's traceback holds the frames that saw the handle (the action's among
    them); they are cleared, or the read-write handle would outlive the write while the
    next reader opens the store (RocksDB then reports missing files as corruption)."""
    store = ox.Store(str(path))
    try:
        result = action(store)
        store.flush()
        return result
    except BaseException as exc:
        traceback.clear_frames(exc.__traceback__)
        raise
    finally:
        del store
        gc.collect()


def checkpoint(live: Path, version: Path) -> None:
    """Make `version` (an empty directory, replaced) a RocksDB checkpoint of the store in
    `live`: hard links to its files, about 0.05 s whatever the size.

    Taken through a read-only handle, so readers of `live` go on meanwhile. A read-only
    checkpoint leaves out what is only in the write-ahead log: the live store is never
    written in place, every version is flushed before it goes live (:func:`with_store`),
    and :func:`flush_log` flushes a store an earlier release wrote in place."""
    version.rmdir()
    source = ox.Store.read_only(str(live))
    try:
        source.backup(str(version))
    finally:
        del source
        gc.collect()


def staged(
    live: Path, version: Path, action: Callable[[ox.Store], T], before: Callable[[], None]
) -> T:
    """`action` on a checkpoint of `live` made in `version` (:func:`checkpoint`), flushed
    and closed after; `before` is called just before `action`. The live store is only read."""
    checkpoint(live, version)

    def run(store: ox.Store) -> T:
        before()
        return action(store)

    return with_store(version, run)


def flush_log(path: Path) -> bool:
    """Flush the store in `path` if its write-ahead log holds anything (a store an earlier
    release wrote in place, or a write killed between its commit and its flush); True if
    it did. Call it before any reader opens the store."""
    if not any(log.stat().st_size for log in path.glob("[0-9]*.log")):
        return False
    close_after(ox.Store(str(path)))
    return True


def close_after(store: ox.Store) -> None:
    store.flush()
    del store
    gc.collect()


def stage_curated(
    live: Path,
    version: Path,
    graphs: Mapping[str, bytes],
    curated: set[str],
    graph_iri: Callable[[str], str],
) -> None:
    """A build's new version: the curated `graphs` (by name) loaded, every other graph of
    the live version copied."""
    source = ox.Store.read_only(str(live))
    target = ox.Store(str(version))
    try:
        for name, ntriples in graphs.items():
            load_graph(target, graph_iri(name), ntriples)
        for graph in source.named_graphs():
            if isinstance(graph, ox.NamedNode) and graph.value not in curated:
                target.add_graph(graph)
                target.bulk_extend(source.quads_for_pattern(None, None, None, graph))
        target.flush()
    finally:
        del source, target
        gc.collect()


def load_graph(store: ox.Store, graph: str, ntriples: bytes) -> None:
    """Load one graph into a store being built (a hook the crash test patches)."""
    name = ox.NamedNode(graph)
    store.add_graph(name)
    store.load(ntriples, ox.RdfFormat.N_TRIPLES, to_graph=name)
