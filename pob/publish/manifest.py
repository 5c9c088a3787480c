"""The manifest of the dumps (``manifest.json``): per file its size, checksum and time, per
dataset its triple count and temporal extent, and the content key the files were built from.
:mod:`pob.publish.dumps` writes it; the catalog, VoID and the ``/dumps`` routes read it."""

from __future__ import annotations

import contextlib
import fcntl
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from rdflib import Literal, URIRef

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
LOCK_NAME = ".lock"


@dataclass(frozen=True)
class DumpFile:
    """One file of the dumps, as recorded in the manifest."""

    path: str  # POSIX path relative to the output folder; served at {public_url}/dumps/{path}
    dataset: str  # "curated" or "submission/<id>"
    part: str  # "asserted", "inferred", "table/<name>" or "submission"
    media_type: str  # IANA media type
    file_type: str  # EU file-type code
    byte_size: int
    sha256: str
    modified: str  # ISO 8601 UTC timestamp of the file's mtime
    items: int  # triples (RDF) or data rows (CSV)


@dataclass(frozen=True)
class DatasetSummary:
    """Figures about one dataset that the catalog needs and the graph alone holds."""

    name: str
    triples: int
    temporal_start: tuple[str, str] | None = None  # (lexical form, datatype IRI)
    temporal_end: tuple[str, str] | None = None

    def temporal(self) -> tuple[Literal, Literal] | None:
        if self.temporal_start is None or self.temporal_end is None:
            return None
        (s, sdt), (e, edt) = self.temporal_start, self.temporal_end
        return Literal(s, datatype=URIRef(sdt)), Literal(e, datatype=URIRef(edt))


@dataclass(frozen=True)
class DumpManifest:
    """What :func:`build_dumps` wrote; stored as ``manifest.json`` beside the files."""

    key: str
    base: str
    public_url: str
    issued: str  # first build (kept across rebuilds)
    modified: str  # last rebuild
    datasets: tuple[DatasetSummary, ...]
    files: tuple[DumpFile, ...]

    def dataset(self, name: str) -> DatasetSummary | None:
        return next((d for d in self.datasets if d.name == name), None)

    def files_of(self, dataset: str) -> list[DumpFile]:
        return [f for f in self.files if f.dataset == dataset]

    def file(self, path: str) -> DumpFile | None:
        return next((f for f in self.files if f.path == path), None)

    def download_url(self, file: DumpFile) -> str:
        return f"{self.public_url}/dumps/{file.path}"

    def to_json(self) -> str:
        body = {"format": FORMAT_VERSION, **asdict(self)}
        return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> DumpManifest:
        raw = json.loads(text)
        if raw.get("format") != FORMAT_VERSION:
            raise ValueError(f"manifest format {raw.get('format')!r}, expected {FORMAT_VERSION}")
        datasets = tuple(
            DatasetSummary(
                name=d["name"],
                triples=d["triples"],
                temporal_start=tuple(d["temporal_start"]) if d["temporal_start"] else None,
                temporal_end=tuple(d["temporal_end"]) if d["temporal_end"] else None,
            )
            for d in raw["datasets"]
        )
        return cls(
            key=raw["key"],
            base=raw["base"],
            public_url=raw["public_url"],
            issued=raw["issued"],
            modified=raw["modified"],
            datasets=datasets,
            files=tuple(DumpFile(**f) for f in raw["files"]),
        )


def normalise_public_url(public_url: str) -> str:
    """The public URL of the service without a trailing slash."""
    if not re.match(r"^https?://[^\s/]+(/[^\s]*)?$", public_url):
        raise ValueError(f"public URL must be an http(s) URL, got {public_url!r}")
    return public_url.rstrip("/")


def load_manifest(out_dir: Path) -> DumpManifest | None:
    """The manifest in `out_dir`, or None if there is none (or it is unreadable)."""
    try:
        return DumpManifest.from_json((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


@contextlib.contextmanager
def dumps_lock(out_dir: Path) -> Iterator[None]:
    """Hold the dumps folder's lock (an exclusive ``flock`` on ``.lock`` in it): two
    processes writing the same folder (two services, a service and ``pob export --all``)
    take turns, so their files and manifests never interleave. Blocks until it is free."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / LOCK_NAME).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
