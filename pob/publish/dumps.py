"""Dump files of the knowledge graph for download, with a manifest of sizes and checksums.

:func:`build_dumps` writes, under one output folder:

* ``pob.ttl``, ``pob.nt``, ``pob.jsonld``: the asserted graph (ontology + data), the main dump;
* ``pob-inferred.ttl``, ``pob-inferred.nt``: only the OWL-RL triples the store adds, a
  distribution of its own (load it beside the main dump to get what the endpoint answers);
* ``csv/<table>.csv``: tables of the main classes (:mod:`pob.publish.tables`), with IRIs;
* ``submissions/<id>.ttl``: one Turtle dump per accepted submission (graph ``submission/<id>``);
  given as a :class:`SpooledGraph` it is the store's own Turtle serialisation, moved into
  place as it is (never parsed here);
* ``manifest.json``: per file its byte size, SHA-256 and modification time, per dataset its
  triple count and temporal extent, and the content key the files were built from.

The content key is a SHA-256 over the canonical, sorted N-Triples of every input graph (blank
nodes canonicalised with :func:`rdflib.compare.to_canonical_graph`), the base, the public URL
and :data:`FORMAT_VERSION`. When the key and the files on disk match the manifest, nothing is
written, so mtimes (and the HTTP ``Last-Modified``/``ETag`` built from them) stay put. Each
file is written to a temporary file beside it and moved into place with :func:`os.replace`;
the manifest is written last, so a crash leaves either the old manifest (the next build sees
its key or checksums differ and rebuilds) or a complete new set.

Memory: the curated parts (ontology, data, inferred: about 5,000 triples, parsed from the
sources so the dumps keep the sources' literal forms) are rdflib graphs, and only they get
the formats that need rdflib (JSON-LD, the CSV tables). Submissions can be any size, so the
feed (:mod:`pob.publish.snapshot`) streams each one from the store as Turtle (Oxigraph serialises,
in
its worker process or over the Graph Store protocol) into a spool file and passes a
:class:`SpooledGraph`: its key is the SHA-256 of those bytes, its triple count the store's,
its temporal extent from a SPARQL query. The server process never holds a submission graph.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.compare import to_canonical_graph

from pob.core import formats
from pob.core.formats import Syntax
from pob.graph.iri import normalise_base
from pob.graph.namespaces import bind_all
from pob.publish.extent import temporal_extent
from pob.publish.manifest import (
    FORMAT_VERSION,
    MANIFEST_NAME,
    DatasetSummary,
    DumpFile,
    DumpManifest,
    dumps_lock,
    load_manifest,
    normalise_public_url,
)
from pob.publish.stable import canonical, stable_bytes
from pob.publish.tables import write_tables

CURATED = "curated"
SUBMISSION_PREFIX = "submission/"
MAIN_PARTS = ("ontology", "data")
INFERRED_PART = "inferred"
SUBMISSION_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


#: the syntaxes of the dumps (pob.core.formats); Turtle is written as the sources are
TURTLE, NTRIPLES, JSONLD = formats.TURTLE_SYNTAX, formats.NTRIPLES_SYNTAX, formats.JSONLD_SYNTAX
CSV = formats.CSV_SYNTAX
TURTLE_WRITER = "longturtle"


def graph_digest(graph: Graph) -> str:
    """SHA-256 over the canonical N-Triples lines of `graph`, sorted."""
    lines = sorted(
        f"{s.n3()} {p.n3()} {o.n3()} .\n"
        for s, p, o in to_canonical_graph(graph).triples((None, None, None))
    )
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()


def content_key(graphs: Mapping[str, GraphLike], base: str, public_url: str) -> str:
    """The key that decides whether the dumps must be rebuilt."""
    digest = hashlib.sha256(f"pob-dumps v{FORMAT_VERSION}\n{base}\n{public_url}\n".encode())
    for name in sorted(graphs):
        graph = graphs[name]
        part = f"turtle:{graph.digest}" if isinstance(graph, SpooledGraph) else graph_digest(graph)
        digest.update(f"{name}\n{part}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class SpooledGraph:
    """A graph the store already serialised as Turtle into `path` (never parsed here).

    `digest` is the SHA-256 of the file (it stands for the graph in the content key; the
    store writes the same bytes for the same content), `triples` the store's count."""

    path: Path
    triples: int
    digest: str
    temporal: tuple[Literal, Literal] | None = None


GraphLike = Graph | SpooledGraph


def _summary(name: str, graph: GraphLike, base: str) -> DatasetSummary:
    if isinstance(graph, SpooledGraph):
        extent, triples = graph.temporal, graph.triples
    else:
        extent, triples = temporal_extent(graph, base), len(graph)
    if extent is None:
        return DatasetSummary(name, triples)
    s, e = extent
    return DatasetSummary(name, triples, (str(s), str(s.datatype)), (str(e), str(e.datatype)))


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _mtime_iso(path: Path) -> str:
    stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
    return stamp.isoformat().replace("+00:00", "Z")


def atomic_write(path: Path, data: bytes | Path) -> None:
    """Write `data` (bytes, or the content of a file) to `path` through a temporary file in
    the same folder, fsync and os.replace: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, Path):
                with data.open("rb") as source:
                    shutil.copyfileobj(source, handle, 1 << 20)
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _intact(out_dir: Path, manifest: DumpManifest) -> bool:
    """Every file of the manifest is on disk with its recorded size and checksum."""
    for f in manifest.files:
        path = out_dir / f.path
        digest, size = hashlib.sha256(), 0
        try:
            with path.open("rb") as handle:  # in pieces: a submission's dump can be big
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
                    size += len(chunk)
        except OSError:
            return False
        if size != f.byte_size or digest.hexdigest() != f.sha256:
            return False
    return True


class _Writer:
    """Writes files under `out_dir` and records them."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.files: list[DumpFile] = []

    def write(
        self, rel: str, data: bytes, dataset: str, part: str, media: str, ftype: str, items: int
    ) -> None:
        path = self.out_dir / rel
        atomic_write(path, data)
        self.files.append(
            DumpFile(
                path=rel,
                dataset=dataset,
                part=part,
                media_type=media,
                file_type=ftype,
                byte_size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                modified=_mtime_iso(path),
                items=items,
            )
        )

    def move(
        self, rel: str, source: Path, dataset: str, part: str, syntax: Syntax, items: int
    ) -> None:
        """Put a file the store serialised in place (copied atomically)."""
        path = self.out_dir / rel
        atomic_write(path, source)
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        self.files.append(
            DumpFile(
                path=rel,
                dataset=dataset,
                part=part,
                media_type=syntax.media_type,
                file_type=syntax.eu_file_type or "",
                byte_size=size,
                sha256=digest.hexdigest(),
                modified=_mtime_iso(path),
                items=items,
            )
        )

    def rdf(
        self, stem: str, graph: Graph, dataset: str, part: str, syntax: Syntax, base: str
    ) -> None:
        data = serialize(graph, syntax, base)
        self.write(
            stem + syntax.suffix,
            data,
            dataset,
            part,
            syntax.media_type,
            syntax.eu_file_type or "",
            len(graph),
        )


def serialize(graph: Graph, syntax: Syntax, base: str) -> bytes:
    """`graph` in one dump syntax, byte-stable (:func:`pob.publish.stable.stable_bytes`)."""
    return stable_bytes(graph, syntax, base)


def _union(parts: Iterable[Graph], base: str) -> Graph:
    out = bind_all(Graph(), base)
    for g in parts:
        out += g
    return out


def _check_names(graphs: Mapping[str, GraphLike]) -> list[str]:
    """The submission ids among the graph names; unknown names are an error."""
    ids: list[str] = []
    for name in graphs:
        if name in (*MAIN_PARTS, INFERRED_PART):
            continue
        if name.startswith(SUBMISSION_PREFIX) and SUBMISSION_ID_RE.match(
            name[len(SUBMISSION_PREFIX) :]
        ):
            ids.append(name[len(SUBMISSION_PREFIX) :])
            continue
        raise ValueError(
            f"unknown graph {name!r}: expected ontology, data, inferred or submission/<id>"
        )
    return sorted(ids)


def build_dumps(
    out_dir: Path,
    base: str,
    public_url: str,
    graphs: Mapping[str, GraphLike] | None = None,
    *,
    force: bool = False,
) -> DumpManifest:
    """Write the dumps of `graphs` (default: the curated graphs) unless they are current.

    `graphs` maps names to graphs: ``ontology`` and ``data`` make the main dump,
    ``inferred`` its own distribution, ``submission/<id>`` one Turtle file each (from a
    :class:`SpooledGraph`: its file as the store wrote it; the curated parts must be
    rdflib graphs).
    Returns the manifest (the existing one, untouched, when nothing changed).
    """
    base = normalise_base(base)
    public_url = normalise_public_url(public_url)
    if graphs is None:
        from pob.graph.curated import curated  # deferred: parsing the sources is slow

        graphs = curated(base).parts()
    submission_ids = _check_names(graphs)
    out_dir = Path(out_dir)
    key = content_key(graphs, base, public_url)
    with dumps_lock(out_dir):
        return _build(out_dir, base, public_url, graphs, submission_ids, key, force)


def _build(
    out_dir: Path,
    base: str,
    public_url: str,
    graphs: Mapping[str, GraphLike],
    submission_ids: list[str],
    key: str,
    force: bool,
) -> DumpManifest:
    """:func:`build_dumps` with the folder's lock held."""
    old = load_manifest(out_dir)
    if not force and old is not None and old.key == key and _intact(out_dir, old):
        return old

    curated_parts = {
        p: g for p in (*MAIN_PARTS, INFERRED_PART) if isinstance(g := graphs.get(p), Graph)
    }
    if any(p in graphs and p not in curated_parts for p in (*MAIN_PARTS, INFERRED_PART)):
        raise ValueError("the curated parts (ontology, data, inferred) must be rdflib graphs")
    writer = _Writer(out_dir)
    main = _union((curated_parts[p] for p in MAIN_PARTS if p in curated_parts), base)
    for syntax in (TURTLE, NTRIPLES, JSONLD):
        writer.rdf("pob", main, CURATED, "asserted", syntax, base)
    summaries = [_summary(CURATED, main, base)]
    if INFERRED_PART in curated_parts:
        inferred = _union([curated_parts[INFERRED_PART]], base)
        for syntax in (TURTLE, NTRIPLES):
            writer.rdf("pob-inferred", inferred, CURATED, "inferred", syntax, base)
    for table, data, rows in write_tables(canonical(main), base):  # stable blank nodes
        writer.write(
            f"csv/{table}.csv",
            data,
            CURATED,
            f"table/{table}",
            CSV.media_type,
            CSV.eu_file_type or "",
            rows,
        )
    for sid in submission_ids:
        name = SUBMISSION_PREFIX + sid
        given = graphs[name]
        if isinstance(given, SpooledGraph):
            rel = f"submissions/{sid}{TURTLE.suffix}"
            writer.move(rel, given.path, name, "submission", TURTLE, given.triples)
            summaries.append(_summary(name, given, base))
            continue
        graph = _union([given], base)
        writer.rdf(f"submissions/{sid}", graph, name, "submission", TURTLE, base)
        summaries.append(_summary(name, graph, base))

    now = _now()
    manifest = DumpManifest(
        key=key,
        base=base,
        public_url=public_url,
        issued=old.issued if old is not None else now,
        modified=now,
        datasets=tuple(summaries),
        files=tuple(writer.files),
    )
    atomic_write(out_dir / MANIFEST_NAME, manifest.to_json().encode("utf-8"))
    if old is not None:
        _remove_stale(out_dir, old, manifest)
    return manifest


def _remove_stale(out_dir: Path, old: DumpManifest, new: DumpManifest) -> None:
    """Delete files the old manifest listed and the new one does not (ours only)."""
    keep = {f.path for f in new.files}
    root = out_dir.resolve()
    for f in old.files:
        if f.path in keep:
            continue
        path = (out_dir / f.path).resolve()
        if path.is_relative_to(root):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


__all__ = [
    "CURATED",
    "MANIFEST_NAME",
    "DatasetSummary",
    "DumpFile",
    "DumpManifest",
    "SpooledGraph",
    "build_dumps",
    "content_key",
    "load_manifest",
    "temporal_extent",
]
