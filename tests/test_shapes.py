"""The shapes (`shapes/*.ttl`) against their examples in `tests/shapes/{good,bad}/`.

Every example file starts with comment lines that say what to expect::

    # expect: conforms (no results of any severity)
    # expect: focus=<https://w3id.org/pob/id/municipality/testrup> path=pob:kommunekode \
component=sh:PatternConstraintComponent severity=Violation
    # uses: curated
    # note: free text

``path=-`` means "no path"; ``path=^org:organization`` is an inverse path. ``# uses: curated``
validates the file with the curated data (`data/ttl/`) as reference data (``extra``).
A file is named ``<shape local name>--<case>.ttl``: the shape it is about is the first part.

A good example gives no result at all. A bad example gives every expected result, a result
from the shape it is named after, and no violation or warning it does not expect (infos
may come along).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from pob.graph.prefixes import prefixes
from pob.graph.sources import SHAPES_DIR, data_graph, normalise, ontology_graph, parse_file
from pob.validation.engine import validate
from pob.validation.report import Report

CASES_DIR = Path(__file__).parent / "shapes"
GOOD = sorted((CASES_DIR / "good").glob("*.ttl"))
BAD = sorted((CASES_DIR / "bad").glob("*.ttl"))
#: the numbers of example files today; a glob that finds fewer fails
EXPECTED_GOOD = 59
EXPECTED_BAD = 182

POBSH = prefixes()["pobsh"]
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
LANGS = {"da", "en"}


# ----------------------------------------------------------------------------- case files


@dataclass(frozen=True)
class Expect:
    focus: URIRef
    path: str | None
    component: str
    severity: str

    def __str__(self) -> str:
        return f"{self.focus} {self.path or '-'} {self.component} {self.severity}"


@dataclass(frozen=True)
class Case:
    path: Path
    kind: str
    shape: str
    expects: tuple[Expect, ...]
    uses_curated: bool

    @property
    def id(self) -> str:
        return self.path.stem


def expand(curie: str) -> str:
    """A CURIE (project prefixes, `sh:`, `rdf:` …) or `<iri>` as a full IRI."""
    if curie.startswith("<") and curie.endswith(">"):
        return curie[1:-1]
    prefix, _, local = curie.partition(":")
    table = prefixes()
    if prefix not in table:
        raise ValueError(f"unknown prefix in {curie!r}")
    return table[prefix] + local


def expected_path(text: str) -> str | None:
    """The path as :class:`pob.validation.report.Result` renders it."""
    if text == "-":
        return None
    if text.startswith("^"):
        return f"^<{expand(text[1:])}>"
    return expand(text)


def read_case(path: Path) -> Case:
    expects: list[Expect] = []
    uses_curated = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("# ").strip()
        if body.startswith("uses:"):
            uses_curated = body.split(":", 1)[1].strip() == "curated"
        elif body.startswith("expect:") and "=" in body:
            fields = dict(part.split("=", 1) for part in body.split(":", 1)[1].split())
            component = expand(fields["component"]).rsplit("#", 1)[-1]
            expects.append(
                Expect(
                    focus=URIRef(expand(fields["focus"])),
                    path=expected_path(fields["path"]),
                    component=component,
                    severity=fields["severity"],
                )
            )
    return Case(
        path=path,
        kind=path.parent.name,
        shape=path.stem.split("--", 1)[0],
        expects=tuple(expects),
        uses_curated=uses_curated,
    )


GOOD_CASES = [read_case(p) for p in GOOD]
BAD_CASES = [read_case(p) for p in BAD]


@lru_cache(maxsize=1)
def curated() -> Graph:
    return data_graph()


@cache
def report_for(path: Path) -> Report:
    """Validate one example file (once per test session)."""
    case = read_case(path)
    graph = normalise(parse_file(path))
    return validate(graph, extra=curated() if case.uses_curated else None)


def sources_of(report: Report) -> set[str]:
    """Local names of the shapes and SPARQL constraints behind the results."""
    out: set[str] = set()
    for result in report.results:
        for node in (result.source_shape, result.source_constraint):
            if isinstance(node, URIRef) and str(node).startswith(POBSH):
                out.add(str(node)[len(POBSH) :])
    return out


# ----------------------------------------------------------------------------- shapes


@lru_cache(maxsize=1)
def shapes() -> Graph:
    graph = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        graph += parse_file(path)
    return graph


def local(node: Node) -> str:
    assert isinstance(node, URIRef) and str(node).startswith(POBSH), node
    return str(node)[len(POBSH) :]


def targeted_node_shapes(graph: Graph) -> list[URIRef]:
    found = {s for p in TARGETS for s in graph.subjects(p, None) if isinstance(s, URIRef)}
    return sorted(found, key=str)


def shapes_to_cover(graph: Graph) -> dict[str, list[str]]:
    """Each targeted node shape -> the property shapes and SPARQL constraints it holds."""
    out: dict[str, list[str]] = {}
    for shape in targeted_node_shapes(graph):
        members = [*graph.objects(shape, SH.property), *graph.objects(shape, SH.sparql)]
        for member in members:
            assert isinstance(member, URIRef), f"{shape}: give {member} an IRI"
        out[local(shape)] = sorted(local(m) for m in members)
    return out


def simple_predicate(graph: Graph, shape: Node) -> URIRef | None:
    path = graph.value(shape, SH.path)
    if isinstance(path, URIRef):
        return path
    if isinstance(path, BNode):
        inverse = graph.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return inverse
    return None


# ----------------------------------------------------------------------------- tests


def test_collected_every_example() -> None:
    assert len(GOOD) >= EXPECTED_GOOD, f"found {len(GOOD)} good examples"
    assert len(BAD) >= EXPECTED_BAD, f"found {len(BAD)} bad examples"


@pytest.mark.parametrize("case", GOOD_CASES, ids=lambda c: c.id)
def test_good_example_conforms(case: Case) -> None:
    assert not case.expects, "a good example expects no results"
    report = report_for(case.path)
    assert report.conforms
    assert report.results == [], report.to_text("en")


@pytest.mark.parametrize("case", BAD_CASES, ids=lambda c: c.id)
def test_bad_example_gives_expected_results(case: Case) -> None:
    assert case.expects, "a bad example needs at least one '# expect:' line"
    report = report_for(case.path)
    found = {(r.focus_node, r.path, r.constraint_component, r.severity) for r in report.results}
    expected = {(e.focus, e.path, e.component, e.severity) for e in case.expects}
    for expect in case.expects:
        key = (expect.focus, expect.path, expect.component, expect.severity)
        assert key in found, f"missing: {expect}\n{report.to_text('en')}"
    unexpected = [
        r
        for r in report.results
        if r.severity != "Info"
        and (r.focus_node, r.path, r.constraint_component, r.severity) not in expected
    ]
    assert not unexpected, "violations or warnings not in the expect lines:\n" + "\n".join(
        f"{r.focus_node} {r.path} {r.constraint_component} {r.severity}" for r in unexpected
    )
    assert case.shape in sources_of(report), (
        f"no result from pobsh:{case.shape}, the shape the file is named after\n"
        + report.to_text("en")
    )
    if any(e.severity == "Violation" for e in case.expects):
        assert not report.conforms


def test_every_shape_has_a_failing_example() -> None:
    """Every targeted node shape, property shape and SPARQL constraint fails in some bad
    example (by sh:sourceShape / sh:sourceConstraint), so a new shape needs its example."""
    graph = shapes()
    to_cover = shapes_to_cover(graph)
    named = {
        local(s)
        for kind in (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint)
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef)
    }
    reachable = set(to_cover) | {m for members in to_cover.values() for m in members}
    assert named <= reachable, f"shapes no target reaches: {sorted(named - reachable)}"
    covered: set[str] = set()
    for case in BAD_CASES:
        covered |= sources_of(report_for(case.path))
    missing = []
    for node_shape, members in to_cover.items():
        if not members and node_shape not in covered:
            missing.append(node_shape)
        missing += [m for m in members if m not in covered]
    assert not missing, f"shapes without a failing example: {missing}"


def test_every_node_shape_has_a_conforming_example_using_each_property() -> None:
    """Each targeted node shape has good examples named after it, and together they use
    the path of each of its property shapes, so the examples exercise every constraint."""
    graph = shapes()
    problems = []
    for shape in targeted_node_shapes(graph):
        name = local(shape)
        files = [c.path for c in GOOD_CASES if c.shape == name]
        if not files:
            problems.append(f"{name}: no good example")
            continue
        used = {p for f in files for p in parse_file(f).predicates()}
        for prop_shape in graph.objects(shape, SH.property):
            predicate = simple_predicate(graph, prop_shape)
            if predicate is not None and predicate not in used:
                problems.append(f"{local(prop_shape)}: {predicate} unused in {name}--*.ttl")
    assert not problems, "\n".join(problems)


def test_example_files_are_named_after_existing_shapes() -> None:
    graph = shapes()
    names = {
        local(s)
        for s in set(graph.subjects(RDF.type, None))
        if isinstance(s, URIRef) and str(s).startswith(POBSH)
    }
    unknown = sorted({c.path.name for c in GOOD_CASES + BAD_CASES if c.shape not in names})
    assert not unknown, f"example files naming no shape: {unknown}"


def test_every_message_in_danish_and_english() -> None:
    graph = shapes()
    problems = []
    for node in set(graph.subjects(SH.message, None)):
        messages = list(graph.objects(node, SH.message))
        langs = {m.language for m in messages if isinstance(m, Literal)}
        untagged = [m for m in messages if not (isinstance(m, Literal) and m.language)]
        if untagged or not langs >= LANGS or len(messages) != len(langs):
            problems.append(f"{node}: messages {sorted(map(str, langs))}, untagged {untagged}")
    assert not problems, "\n".join(problems)


def test_every_constraint_has_severity_and_messages() -> None:
    graph = shapes()
    problems = []
    for node_shape, members in shapes_to_cover(graph).items():
        shape = URIRef(POBSH + node_shape)
        if graph.value(shape, SH.severity) is None:
            problems.append(f"{node_shape}: no sh:severity")
        for member in members:
            node = URIRef(POBSH + member)
            is_sparql = (None, SH.sparql, node) in graph
            if not is_sparql and graph.value(node, SH.severity) is None:
                problems.append(f"{member}: no sh:severity")
            if not set(graph.objects(node, SH.message)):
                problems.append(f"{member}: no sh:message")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("core.ttl", {SH.Violation}),
        ("codelists.ttl", {SH.Violation}),
        ("closure.ttl", {SH.Violation}),
        ("ontology.ttl", {SH.Violation}),
        ("recommended.ttl", {SH.Warning, SH.Info}),
    ],
)
def test_files_split_by_severity(name: str, allowed: set[URIRef]) -> None:
    graph = parse_file(SHAPES_DIR / name)
    severities = set(graph.objects(None, SH.severity))
    assert severities, f"{name} has no sh:severity"
    assert severities <= allowed, f"{name}: {severities - allowed}"


def test_recommended_labels_cover_the_same_classes() -> None:
    graph = shapes()
    required = set(graph.objects(URIRef(POBSH + "Labelled"), SH.targetClass))
    recommended = set(graph.objects(URIRef(POBSH + "LabelledRecommended"), SH.targetClass))
    assert required == recommended


def test_sparql_uses_declared_prefixes_only() -> None:
    """SPARQL text never spells the project base, so a rebased service still matches."""
    graph = shapes()
    for pred in (SH.select, SH.ask):
        for text in graph.objects(None, pred):
            assert "w3id.org" not in str(text), text[:80]
            assert not re.search(r"\bPREFIX\b", str(text)), "declare prefixes with sh:declare"


# ----------------------------------------------------------------------------- real data


def test_curated_data_conforms() -> None:
    """All of `data/ttl/` conforms: no violations and no warnings (infos are printed)."""
    report = validate(data_graph())
    for result in report.by_severity("Info"):
        print(f"info: {result.focus_node} {result.path}: {result.message('en')}")
    problems = [r for r in report.results if r.severity in ("Violation", "Warning")]
    assert not problems, report.to_text("en")


def test_ontology_conforms() -> None:
    """The ontology and code lists pass the ontology checks (and every other shape)."""
    report = validate(ontology_graph())
    problems = [r for r in report.results if r.severity in ("Violation", "Warning")]
    assert not problems, report.to_text("en")
