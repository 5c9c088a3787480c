"""Every row of facts.tsv is encoded with its source, or excluded with a reason."""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from pob.graph.curated import curated
from pob.graph.namespaces import SCHEMA, prefixes
from pob.graph.sources import ROOT

REFERENCE = ROOT / "tests" / "reference"
COVERAGE = ROOT / "data" / "coverage"
GITHUB = re.compile(r"^github\.com/([^/\s]+/[^/\s]+)\s")
VERSION = re.compile(r"\(version (\d{2})\.(\d{2})\.(\d{4})\)")


def facts() -> list[list[str]]:
    with (REFERENCE / "facts.tsv").open(encoding="utf-8") as fh:
        return list(csv.reader(fh, delimiter="\t"))[1:]


def coverage() -> dict[int, tuple[str, str]]:
    rows: dict[int, tuple[str, str]] = {}
    for path in sorted(COVERAGE.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            number, status, rest = [*line.split("\t"), "", ""][:3]
            assert int(number) not in rows, f"row {number} listed twice"
            rows[int(number)] = (status, rest)
    return rows


def address(source: str) -> tuple[str, str | None]:
    """The public address of a facts.tsv source and the version date, if any."""
    m = GITHUB.match(source)
    if m:
        return f"https://github.com/{m.group(1)}", None
    version = VERSION.search(source)
    date = f"{version.group(3)}-{version.group(2)}-{version.group(1)}" if version else None
    return source.split(" (")[0].strip(), date


@lru_cache(maxsize=1)
def asserted() -> Graph:
    return curated().merged(inference=False)


def expand(curie: str) -> URIRef:
    if curie.startswith("<") and curie.endswith(">"):
        return URIRef(curie[1:-1])
    prefix, local = curie.split(":", 1)
    return URIRef(prefixes()[prefix] + local)


def test_every_row_is_accounted_for() -> None:
    rows = coverage()
    total = len(facts())
    assert total == 307
    missing = sorted(set(range(1, total + 1)) - set(rows))
    assert not missing, f"facts.tsv rows not in data/coverage/: {missing}"
    extra = sorted(set(rows) - set(range(1, total + 1)))
    assert not extra
    for number, (status, rest) in rows.items():
        assert status in ("encoded", "excluded"), f"row {number}: status {status!r}"
        assert rest.strip(), f"row {number}: no nodes or reason"


ENCODED = [(n, rest) for n, (status, rest) in sorted(coverage().items()) if status == "encoded"]


def test_most_rows_are_encoded() -> None:
    assert len(ENCODED) >= 280


@pytest.mark.parametrize(("number", "nodes"), ENCODED, ids=[f"row{n}" for n, _ in ENCODED])
def test_encoded_row_carries_its_source(number: int, nodes: str) -> None:
    row = facts()[number - 1]
    url, date = address(row[3])
    graph = asserted()
    for curie in nodes.split():
        node = expand(curie)
        assert (node, None, None) in graph, f"row {number}: {curie} is not in the data"
        sources = set(graph.objects(node, DCTERMS.source))
        urls = {
            (str(u), graph.value(s, DCTERMS.date))
            for s in sources
            for u in graph.objects(s, SCHEMA.url)
        }
        matching = [d for u, d in urls if u == url]
        assert matching, f"row {number}: {curie} has no dct:source with schema:url {url}"
        if date is not None:
            assert Literal(date, datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")) in (
                matching
            ), f"row {number}: {curie} lacks the source version of {date}"


def test_coverage_folder_exists() -> None:
    assert Path(COVERAGE).is_dir()
