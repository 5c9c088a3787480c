"""Dump files: bytes match the manifest, they parse back, CSVs are tables, rebuilt on change."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.query import ResultRow

from pob.publish.dumps import build_dumps, content_key
from pob.publish.extent import temporal_extent
from pob.publish.manifest import (
    MANIFEST_NAME,
    DatasetSummary,
    DumpFile,
    DumpManifest,
    load_manifest,
)
from pob.publish.tables import tables

from .conftest import BASE, N_SUBMISSIONS, PUBLIC_URL, fixture_graphs, turtle

RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}
EXPECTED_FILES = {
    "pob.ttl", "pob.nt", "pob.jsonld", "pob-inferred.ttl", "pob-inferred.nt",
    "csv/municipalities.csv", "csv/organisations.csv", "csv/partnerships.csv",
    "csv/publications.csv", "csv/memberships.csv", "csv/sources.csv",
}  # fmt: skip


def file(manifest: DumpManifest, path: str) -> DumpFile:
    found = manifest.file(path)
    assert found is not None, path
    return found


def summary(manifest: DumpManifest, name: str) -> DatasetSummary:
    found = manifest.dataset(name)
    assert found is not None, name
    return found


def test_curated_dumps_have_every_file(curated_dumps: tuple[Path, DumpManifest]) -> None:
    _, manifest = curated_dumps
    paths = {f.path for f in manifest.files}
    subs = {f"submissions/s{i}.ttl" for i in range(1, N_SUBMISSIONS + 1)}
    assert paths == EXPECTED_FILES | subs


def test_checksums_and_sizes_match_the_bytes(curated_dumps: tuple[Path, DumpManifest]) -> None:
    out, manifest = curated_dumps
    assert len(manifest.files) == len(EXPECTED_FILES) + N_SUBMISSIONS
    for f in manifest.files:
        data = (out / f.path).read_bytes()
        assert f.byte_size == len(data), f.path
        assert f.sha256 == hashlib.sha256(data).hexdigest(), f.path
        assert f.modified.endswith("Z")


def test_manifest_is_json_beside_the_dumps(curated_dumps: tuple[Path, DumpManifest]) -> None:
    out, manifest = curated_dumps
    assert load_manifest(out) == manifest
    assert DumpManifest.from_json(manifest.to_json()) == manifest
    assert (out / MANIFEST_NAME).is_file()
    assert not list(out.rglob("*.tmp")), "temporary files left behind"


def test_rdf_dumps_parse_back_to_the_same_triples(curated_dumps: tuple[Path, DumpManifest]) -> None:
    from pob.graph.curated import curated

    parts = curated(BASE).parts()
    expected = {
        "asserted": len(parts["ontology"] + parts["data"]),
        "inferred": len(parts["inferred"]),
    }
    out, manifest = curated_dumps
    checked = 0
    for f in manifest.files:
        if f.media_type not in RDF_PARSERS:
            continue
        graph = Graph().parse(out / f.path, format=RDF_PARSERS[f.media_type])
        assert len(graph) == f.items, f.path
        if f.part in expected:
            assert len(graph) == expected[f.part], f.path
        checked += 1
    assert checked == 5 + N_SUBMISSIONS


def test_submission_dump_is_its_graph(small_dumps: tuple[Path, DumpManifest]) -> None:
    out, _ = small_dumps
    graphs = fixture_graphs(2)
    parsed = Graph().parse(out / "submissions" / "s1.ttl", format="turtle")
    assert set(parsed) == set(graphs["submission/s1"])


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("table", [t.name for t in tables(BASE)])
def test_csv_has_header_and_one_row_per_instance(
    curated_dumps: tuple[Path, DumpManifest], table: str
) -> None:
    from pob.graph.curated import curated

    spec = next(t for t in tables(BASE) if t.name == table)
    out, manifest = curated_dumps
    rows = _read_csv(out / "csv" / f"{table}.csv")
    assert rows[0] == ["iri", *(c.name for c in spec.columns)]
    assert all(len(r) == len(rows[0]) for r in rows)
    # independently: the instances the union graph (with inference) types with the class
    union = curated(BASE).merged()
    classes = " ".join(f"<{c}>" for c in spec.classes)
    excluded = " ".join(f"<{c}>" for c in spec.exclude) or "<urn:none>"
    query = f"""
        SELECT DISTINCT ?s WHERE {{
          VALUES ?c {{ {classes} }} ?s a ?c . FILTER(isIRI(?s))
          FILTER NOT EXISTS {{ VALUES ?x {{ {excluded} }} ?s a ?x }}
        }}"""
    expected = sorted(str(r[0]) for r in union.query(query) if isinstance(r, ResultRow))
    assert [r[0] for r in rows[1:]] == expected
    assert file(manifest, f"csv/{table}.csv").items == len(expected)


def test_tables_count_collected() -> None:
    assert len(tables(BASE)) == 6


def test_small_csv_values(small_dumps: tuple[Path, DumpManifest]) -> None:
    out, _ = small_dumps
    rows = {r[0]: r for r in _read_csv(out / "csv" / "municipalities.csv")[1:]}
    aarhus = rows[BASE + "id/municipality/aarhus"]
    assert aarhus[1:6] == [
        "Aarhus Kommune", "Aarhus Municipality", "751", BASE + "id/region/midtjylland", ""
    ]  # fmt: skip
    parts = {r[0]: r for r in _read_csv(out / "csv" / "partnerships.csv")[1:]}
    assert set(parts) == {BASE + "id/partnership/netvaerk", BASE + "id/partnership/bymidte"}
    header = _read_csv(out / "csv" / "partnerships.csv")[0]
    bymidte = dict(zip(header, parts[BASE + "id/partnership/bymidte"], strict=True))
    assert bymidte["model"] == f"{BASE}id/model/bid {BASE}id/model/pob"
    assert bymidte["start_date"] == "2015-03"
    assert bymidte["type"] == BASE + "ontology#LocalPartnership"
    orgs = [r[0] for r in _read_csv(out / "csv" / "organisations.csv")[1:]]
    assert orgs == [BASE + "id/organisation/realdania"]  # municipalities, partnerships excluded
    pubs = _read_csv(out / "csv" / "publications.csv")
    text = (out / "csv" / "publications.csv").read_text(encoding="utf-8")
    assert '"Rapport, med komma"' in text and pubs[1][1] == "Rapport, med komma"
    members = _read_csv(out / "csv" / "memberships.csv")
    assert members[1][1:4] == [
        BASE + "id/partnership/netvaerk", BASE + "id/municipality/aarhus",
        BASE + "id/role/deltagende-kommune",
    ]  # fmt: skip
    sources = _read_csv(out / "csv" / "sources.csv")
    assert sources[0] == ["iri", "title", "url", "date", "part_of"]
    assert sources[2][1:] == [
        "Kilde B",
        "https://example.org/b",
        "2024-05-01",
        BASE + "id/source/a",
    ]


def test_csv_is_rfc4180(small_dumps: tuple[Path, DumpManifest]) -> None:
    out, _ = small_dumps
    raw = (out / "csv" / "sources.csv").read_bytes()
    assert raw.count(b"\r\n") == 3 and raw.endswith(b"\r\n")
    header = next(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert header[0] == "iri"


def _stats(out: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(out)): (p.stat().st_mtime_ns, p.stat().st_ino)
        for p in out.rglob("*")
        if p.is_file()
    }


def test_no_rebuild_when_nothing_changed(small_dumps: tuple[Path, DumpManifest]) -> None:
    out, first = small_dumps
    before = _stats(out)
    again = build_dumps(out, BASE, PUBLIC_URL, fixture_graphs(2))
    assert again == first
    assert _stats(out) == before  # same mtimes, same inodes: nothing rewritten


def test_same_content_other_blank_node_labels_is_no_change() -> None:
    a = turtle("mun:aarhus pob:region [ rdfs:label 'x' ] .")
    b = turtle("mun:aarhus pob:region [ rdfs:label 'x' ] .")
    assert content_key({"data": a}, BASE, PUBLIC_URL) == content_key({"data": b}, BASE, PUBLIC_URL)
    c = turtle("mun:aarhus pob:region [ rdfs:label 'y' ] .")
    assert content_key({"data": a}, BASE, PUBLIC_URL) != content_key({"data": c}, BASE, PUBLIC_URL)


def test_rebuild_when_the_graph_changes(small_dumps: tuple[Path, DumpManifest]) -> None:
    out, first = small_dumps
    graphs = fixture_graphs(1)  # submission s2 withdrawn
    graphs["data"].add((URIRef(BASE + "id/municipality/aarhus"), RDF.type, URIRef(BASE + "x")))
    second = build_dumps(out, BASE, PUBLIC_URL, graphs)
    assert second.key != first.key
    assert second.issued == first.issued
    assert second.modified >= first.modified
    assert file(second, "pob.nt").sha256 != file(first, "pob.nt").sha256
    assert not (out / "submissions" / "s2.ttl").exists(), "withdrawn submission's dump remains"
    assert (out / "submissions" / "s1.ttl").exists()
    assert load_manifest(out) == second


def test_rebuild_when_a_file_is_damaged(small_dumps: tuple[Path, DumpManifest]) -> None:
    out, first = small_dumps
    (out / "pob.ttl").write_bytes(b"damaged")
    again = build_dumps(out, BASE, PUBLIC_URL, fixture_graphs(2))
    assert again.key == first.key
    assert (
        hashlib.sha256((out / "pob.ttl").read_bytes()).hexdigest() == file(again, "pob.ttl").sha256
    )


def test_public_url_change_rebuilds(small_dumps: tuple[Path, DumpManifest]) -> None:
    out, first = small_dumps
    moved = build_dumps(out, BASE, "https://data.example.dk/pob/", fixture_graphs(2))
    assert moved.key != first.key
    assert moved.public_url == "https://data.example.dk/pob"
    assert moved.download_url(moved.files[0]) == "https://data.example.dk/pob/dumps/pob.ttl"


@pytest.mark.parametrize("name", ["submission/../../etc", "submission/", "other", "submission/a/b"])
def test_unknown_or_unsafe_graph_names_are_refused(tmp_path: Path, name: str) -> None:
    graphs = fixture_graphs()
    graphs[name] = Graph()
    with pytest.raises(ValueError, match="unknown graph"):
        build_dumps(tmp_path, BASE, PUBLIC_URL, graphs)
    assert not any(tmp_path.iterdir())


def test_temporal_extent_uses_the_period_of_each_date() -> None:
    extent = temporal_extent(turtle(DATA_DATES))
    assert extent is not None
    start, end = extent
    assert start == Literal("2015-03", datatype=XSD.gYearMonth)
    assert end == Literal("2020", datatype=XSD.gYear)  # 2020 ends after 2020-06-30
    assert temporal_extent(turtle("src:a dct:title 'no dates' .")) is None


DATA_DATES = """
ps:a schema:startDate "2015-03"^^xsd:gYearMonth ; schema:endDate "2020-06-30"^^xsd:date .
pub:b dct:issued "2020"^^xsd:gYear .
src:c dct:date "2030-01-01"^^xsd:date .
"""


def test_small_manifest_summaries(small_dumps: tuple[Path, DumpManifest]) -> None:
    _, manifest = small_dumps
    curated = summary(manifest, "curated")
    graphs = fixture_graphs(2)
    assert curated.triples == len(graphs["ontology"] + graphs["data"])
    assert curated.temporal_start == ("2015-03", str(XSD.gYearMonth))
    assert curated.temporal_end == ("2020-09-03", str(XSD.date))
    assert summary(manifest, "submission/s2").temporal_start == ("2022-02", str(XSD.gYearMonth))


# ----------------------------------------------------------------------- byte-stable


def _reshuffled(graph: Graph, seed: int) -> Graph:
    """The same triples, inserted in another order, with fresh blank-node labels (as a
    new process parsing the same sources gets)."""
    lines = graph.serialize(format="nt").splitlines()
    random.Random(seed).shuffle(lines)
    return Graph().parse(data="\n".join(lines), format="nt")


def test_dumps_built_twice_are_the_same_bytes(tmp_path: Path) -> None:
    """Two builds from the same triples (other order, other blank-node labels, other
    folders) write the same bytes: every file's SHA-256 is the same (issue 11)."""
    graphs = fixture_graphs(2)
    graphs["data"] += turtle("mun:aarhus pob:region [ rdfs:label 'x' ; pob:kommunekode '1' ] .")
    first = build_dumps(tmp_path / "a", BASE, PUBLIC_URL, graphs)
    second = build_dumps(
        tmp_path / "b", BASE, PUBLIC_URL, {k: _reshuffled(g, 7) for k, g in graphs.items()}
    )
    assert [f.path for f in first.files] == [f.path for f in second.files]
    assert {f.media_type for f in first.files} >= {"text/turtle", "application/n-triples",
                                                   "application/ld+json"}  # fmt: skip
    for a, b in zip(first.files, second.files, strict=True):
        assert (tmp_path / "a" / a.path).read_bytes() == (tmp_path / "b" / b.path).read_bytes()
        assert a.sha256 == b.sha256, a.path


def test_stable_serialisation_is_the_same_in_another_process() -> None:
    """The hash seed and the order of a set do not change the bytes of a dump syntax."""
    code = (
        "import hashlib, sys, random\n"
        "from rdflib import Graph\n"
        "from pob.core import formats\n"
        "from pob.publish.stable import stable_bytes\n"
        "g = Graph().parse(data=sys.stdin.read(), format='turtle')\n"
        "for s in (formats.TURTLE_SYNTAX, formats.NTRIPLES_SYNTAX, formats.JSONLD_SYNTAX):\n"
        "    print(hashlib.sha256(stable_bytes(g, s, 'https://w3id.org/pob/')).hexdigest())\n"
    )
    data = turtle("mun:aarhus pob:region [ rdfs:label 'x' ], [ rdfs:label 'y' ] .").serialize(
        format="turtle"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            input=data,
            text=True,
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in (1, 2)
    }
    assert len(runs) == 1 and len(next(iter(runs)).split()) == 3


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_pob_export_twice_gives_the_same_sha256(tmp_path: Path, fmt: str) -> None:
    pob = Path(sys.executable).parent / "pob"
    digests = set()
    for run in range(2):
        out = tmp_path / f"{run}.{fmt}"
        env = {**os.environ, "PYTHONHASHSEED": str(run + 1)}
        subprocess.run([str(pob), "export", "--format", fmt, "-o", str(out)], env=env,
                       check=True, capture_output=True)  # fmt: skip
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(digests) == 1


def test_two_writers_take_turns(tmp_path: Path) -> None:
    """The dumps folder's lock: a second writer waits until the first is done."""
    import threading

    from pob.publish.manifest import dumps_lock

    order: list[str] = []
    with dumps_lock(tmp_path):
        waiter = threading.Thread(target=lambda: _locked(tmp_path, order))
        waiter.start()
        waiter.join(0.3)
        order.append("first done")
    waiter.join(10)
    assert order == ["first done", "second"]


def _locked(folder: Path, order: list[str]) -> None:
    from pob.publish.manifest import dumps_lock

    with dumps_lock(folder):
        order.append("second")
