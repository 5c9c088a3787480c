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
from pob.graph.namespaces import SCHEMA
from pob.graph.prefixes import prefixes
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


# ----------------------------------------------------------------------------- municipalities

#: predicate in tests/reference/municipalities.tsv -> how the graph states it
SCHEMES = {"kommunkod", "kommunenummer"}


def municipality_rows() -> list[dict[str, str]]:
    with (REFERENCE / "municipalities.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


MUNICIPALITY_ROWS = municipality_rows()


def test_reference_table_has_every_danish_municipality_and_region() -> None:
    rows = MUNICIPALITY_ROWS
    danish = {r["node"] for r in rows if r["predicate"] == "kommunekode"}
    assert len(danish) == 98
    codes = {r["object"] for r in rows if r["predicate"] == "kommunekode"}
    assert len(codes) == 98, "a code for each, none shared"
    regions = {r["object"] for r in rows if r["predicate"] == "region"}
    assert len(regions) == 5
    for node in danish:
        sources = {
            r["source"] for r in rows if r["node"] == node and r["predicate"] == "kommunekode"
        }
        assert len(sources) == 2, f"{node}: the code from two lists"
        assert any(r["node"] == node and r["predicate"] == "region" for r in rows), node
    assert len(rows) == 503


def _holds(graph: Graph, node: URIRef, predicate: str, value: str) -> bool:
    """Whether the graph says what the reference row says."""
    pob, skos = prefixes()["pob"], "http://www.w3.org/2004/02/skos/core#"
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    if predicate == "kommunekode":
        scheme = URIRef(prefixes()["scheme"] + "kommunekode")
        return (node, URIRef(pob + "kommunekode"), Literal(value)) in graph and (
            node,
            URIRef(skos + "notation"),
            Literal(value, datatype=scheme),
        ) in graph
    if predicate in SCHEMES:
        scheme = URIRef(prefixes()["scheme"] + predicate)
        return (node, URIRef(skos + "notation"), Literal(value, datatype=scheme)) in graph
    if predicate == "name":
        return (node, URIRef(rdfs + "label"), Literal(value, lang="da")) in graph
    target = graph.value(node, URIRef(pob + predicate))  # region, municipality
    return target is not None and Literal(value, lang="da") in set(
        graph.objects(target, URIRef(rdfs + "label"))
    )


@pytest.mark.parametrize(
    "row",
    MUNICIPALITY_ROWS,
    ids=[
        f"{r['node']}-{r['predicate']}-{address(r['source'])[0].rsplit('/', 1)[-1]}"
        for r in MUNICIPALITY_ROWS
    ],
)
def test_municipality_fact_is_in_the_graph_with_its_source(row: dict[str, str]) -> None:
    graph = asserted()
    node = expand(row["node"])
    assert _holds(graph, node, row["predicate"], row["object"]), (
        f"{row['node']} {row['predicate']} {row['object']!r} is not in the data"
    )
    url, _ = address(row["source"])
    urls = {
        str(u) for s in graph.objects(node, DCTERMS.source) for u in graph.objects(s, SCHEMA.url)
    }
    assert url in urls, f"{row['node']} does not cite {url}"
