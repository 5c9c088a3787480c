"""The catalog conforms to DCAT-AP 3.0.1: its official SHACL shapes report nothing.

Validated against ``shapes.ttl`` (mandatory), ``shapes_recommended.ttl`` (recommended, all
Warnings), ``range.ttl`` (classes of objects) and ``deprecateduris.ttl``, for the whole
catalog, each of three pages and a small fixture. A validation that checked nothing would
also report nothing, so each case also asserts which classes the shapes found instances of,
and a damaged catalog must fail with the expected focus node, path and constraint component.
``mdr-vocabularies.shape.ttl`` needs the EU code lists; it runs too, and must report only the
two findings docs/dcat-ap-dk.md explains.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef

from pob.publish.catalog import catalog_graph
from pob.publish.manifest import DumpManifest

from .conftest import BASE, CURATED_COUNTRIES, PAGE_SIZE, PUBLIC_URL, REFERENCE, submission_infos

SH = Namespace("http://www.w3.org/ns/shacl#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
MAIN = {"Catalog", "Dataset", "Distribution", "DataService"}
#: the shape files, and the classes whose instances each must find in every catalog
REQUIRED_TARGETS = {
    "shapes.ttl": MAIN
    | {"Agent", "Checksum", "Concept", "ConceptScheme", "LicenseDocument"}
    | {"PeriodOfTime", "Location", "Identifier"},
    "shapes_recommended.ttl": MAIN | {"Agent", "LicenseDocument", "Location", "PeriodOfTime"},
    "range.ttl": MAIN | {"Agent", "LicenseDocument", "PeriodOfTime"},
    "deprecateduris.ttl": {"Dataset", "Distribution", "PeriodOfTime"},
}
SHAPE_FILES = tuple(REQUIRED_TARGETS)
CASES = ("whole", "page-1", "page-2", "page-3", "small")


@cache
def shapes(name: str) -> Graph:
    return Graph().parse(REFERENCE / name, format="turtle")


@dataclass(frozen=True)
class Finding:
    severity: str
    focus: str
    path: str
    component: str
    message: str


def findings(data: Graph, shapes_file: str) -> list[Finding]:
    """The top-level results of validating `data` (nested sh:detail results left out)."""
    _, report, _ = validate(data, shacl_graph=shapes(shapes_file), inference="none")
    out = []
    for result in report.objects(None, SH.result):

        def value(p: URIRef, r: object = result) -> str:
            v = report.value(r, p)
            return "" if v is None else str(v)

        out.append(
            Finding(
                value(SH.resultSeverity).rsplit("#", 1)[-1],
                value(SH.focusNode),
                value(SH.resultPath),
                value(SH.sourceConstraintComponent).rsplit("#", 1)[-1],
                value(SH.resultMessage),
            )
        )
    return out


def focus_pairs(data: Graph, shapes_file: str) -> dict[str, int]:
    """Per target class of the shapes: how many focus nodes the data gives it."""
    counts: dict[str, int] = {}
    for cls in shapes(shapes_file).objects(None, SH.targetClass):
        n = len(set(data.subjects(RDF.type, cls)))
        name = str(cls).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if n:
            counts[name] = counts.get(name, 0) + n
    return counts


def catalog_for(case: str, manifest: DumpManifest, small: DumpManifest) -> Graph:
    subs = submission_infos(5)
    if case == "whole":
        return catalog_graph(manifest, BASE, PUBLIC_URL, subs, countries=CURATED_COUNTRIES)
    if case == "small":
        return catalog_graph(
            small, BASE, PUBLIC_URL, submission_infos(2), countries=CURATED_COUNTRIES
        )
    page = int(case.split("-")[1])
    return catalog_graph(
        manifest,
        BASE,
        PUBLIC_URL,
        subs,
        page=page,
        page_size=PAGE_SIZE,
        countries=CURATED_COUNTRIES,
    )


def test_cases_collected() -> None:
    assert len(CASES) * len(SHAPE_FILES) == 20


@pytest.mark.parametrize("shapes_file", SHAPE_FILES)
@pytest.mark.parametrize("case", CASES)
def test_catalog_conforms_to_dcat_ap(
    curated_dumps: tuple[Path, DumpManifest],
    small_dumps: tuple[Path, DumpManifest],
    case: str,
    shapes_file: str,
) -> None:
    data = catalog_for(case, curated_dumps[1], small_dumps[1])
    pairs = focus_pairs(data, shapes_file)
    # something was checked: the profile's classes are present and targeted by these shapes
    assert sum(pairs.values()) > 0
    assert REQUIRED_TARGETS[shapes_file] <= set(pairs), REQUIRED_TARGETS[shapes_file] - set(pairs)
    results = findings(data, shapes_file)
    violations = [f for f in results if f.severity == "Violation"]
    warnings = [f for f in results if f.severity == "Warning"]
    assert violations == [], "\n".join(map(str, violations))
    assert warnings == [], "\n".join(map(str, warnings))
    assert results == []


def _dataset(g: Graph) -> URIRef:
    return sorted(d for d in g.subjects(RDF.type, DCAT.Dataset) if isinstance(d, URIRef))[0]


def test_a_catalog_without_a_dataset_title_violates(small_dumps: tuple[Path, DumpManifest]) -> None:
    data = catalog_graph(small_dumps[1], BASE, PUBLIC_URL)
    dataset = _dataset(data)
    data.remove((dataset, DCT.title, None))
    results = findings(data, "shapes.ttl")
    assert [(f.severity, f.focus, f.path, f.component) for f in results] == [
        ("Violation", str(dataset), str(DCT.title), "MinCountConstraintComponent")
    ]


def test_an_untyped_licence_violates_the_range_shapes(
    small_dumps: tuple[Path, DumpManifest],
) -> None:
    data = catalog_graph(small_dumps[1], BASE, PUBLIC_URL)
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    data.remove((licence, RDF.type, DCT.LicenseDocument))
    results = findings(data, "range.ttl")
    assert results, "range.ttl found nothing"
    assert {(f.severity, f.path, f.component) for f in results} == {
        ("Violation", str(DCT.license), "ClassConstraintComponent")
    }
    assert str(DCAT.Catalog) not in {f.focus for f in results}


def test_a_missing_recommended_property_warns(small_dumps: tuple[Path, DumpManifest]) -> None:
    data = catalog_graph(small_dumps[1], BASE, PUBLIC_URL, countries=CURATED_COUNTRIES)
    dataset = _dataset(data)
    data.remove((dataset, DCT.temporal, None))
    results = findings(data, "shapes_recommended.ttl")
    assert [(f.severity, f.focus, f.path) for f in results] == [
        ("Warning", str(dataset), str(DCT.temporal))
    ]


#: what mdr-vocabularies.shape.ttl reports on our catalog, and why (docs/dcat-ap-dk.md):
#: the checksum-algorithm check expects IRIs starting "https://spdx.org/rdf/terms" while
#: DCAT-AP 3.0.1 and SPDX use http://spdx.org/rdf/terms#checksumAlgorithm_sha256; and our
#: publisher is not in the EU corporate-bodies list (a Warning: it is for EU institutions).
KNOWN_MDR = {
    ("Violation", "http://spdx.org/rdf/terms#algorithm", "NodeConstraintComponent"),
    ("Warning", str(DCT.publisher), "NodeConstraintComponent"),
}


def test_code_list_shapes_report_only_the_known_findings(
    small_dumps: tuple[Path, DumpManifest],
) -> None:
    data = catalog_graph(small_dumps[1], BASE, PUBLIC_URL, submission_infos(2))
    results = findings(data, "mdr-vocabularies.shape.ttl")
    assert {(f.severity, f.path, f.component) for f in results} == KNOWN_MDR
    algorithms = {f.focus for f in results if f.path.endswith("#algorithm")}
    checksums = set(data.subjects(RDF.type, Namespace("http://spdx.org/rdf/terms#").Checksum))
    assert algorithms == {str(c) for c in checksums}
