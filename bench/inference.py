"""Inference and validation timings on generated submissions (issue 4's targets).

    .venv/bin/python -m bench.inference                # 5 k and 50 k triples
    .venv/bin/python -m bench.inference --write        # ... and update docs/performance.md
    PYTHONPATH=/tmp/turbo .venv/bin/python -m bench.inference   # with pyshacl-turbo there

Closure: owlrl (:func:`pob.graph.owlrl_reference.closure`) against :func:`fast_closure` (cold: the
T-box is closed first; warm: cached; incremental: a submission against the closed curated
graph); ``--oxigraph`` adds a prototype of the same rules as SPARQL updates on Oxigraph.

Validation: ``pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, advanced=True)``
with ``inference="none"``, with the fast closure added to the data first, and with
``inference="owlrl"``; then the same with the ontology merged into the data graph (what
``pob.validation.engine`` does), where the fast route and owlrl must report the same results.
pySHACL hands rdflib the SPARQL text of a constraint once per focus node and rdflib parses it
every time; the runs here parse each text once (as ``pob.validation.engine.PreparingGraph``
does)
unless ``--parse-every-time``. pyshacl-turbo is measured if it can be imported.

Every time is the median of ``--runs`` runs; runs that take longer than ``--slow`` seconds
are not repeated (the table says how many ran).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib
import os
import platform
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query

from bench.doc import write_block
from bench.generate import generate
from pob.graph.owlrl_reference import closure
from pob.graph.reasoning import clear_cache, fast_closure
from pob.graph.reasoning.tbox import reportable, tbox
from pob.graph.sources import ROOT, data_graph, ontology_graph, shapes_graph

T = TypeVar("T")
Findings = Counter[tuple[str, ...]]
DOC = ROOT / "docs" / "performance.md"
HEADING = "## Inference and validation"
BEGIN, END = "<!-- bench.inference: begin -->", "<!-- bench.inference: end -->"


@dataclass
class Row:
    what: str
    triples: int
    seconds: float
    runs: int
    note: str = ""


@dataclass
class Settings:
    runs: int
    slow: float
    turbo_max: int
    oxigraph: bool


def timed(
    fn: Callable[[], T], settings: Settings, before: Callable[[], object] | None = None
) -> tuple[float, int, T]:
    """Median seconds of up to `settings.runs` calls (`before` runs untimed before each)."""
    times: list[float] = []
    result: T
    while True:
        if before is not None:
            before()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        if len(times) >= settings.runs or times[-1] > settings.slow:
            return statistics.median(times), len(times), result


@contextmanager
def sparql_parsed_once() -> Iterator[None]:
    """Make every rdflib Graph parse a SPARQL text once (pySHACL repeats them per node)."""
    original = Graph.query

    @functools.lru_cache(maxsize=1024)
    def prepared(text: str) -> Query:
        return translateQuery(parseQuery(text))

    def query(
        self: Graph,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Any = None,
        initBindings: Any = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and not initNs and processor == "sparql":
            query_object = prepared(query_object)
        return original(
            self,
            query_object,
            processor,
            result,
            initNs,
            initBindings,
            use_store_provided,
            **kwargs,
        )

    Graph.query = query  # type: ignore[method-assign]
    try:
        yield
    finally:
        Graph.query = original  # type: ignore[method-assign]


def merged(*graphs: Graph) -> Graph:
    out = Graph()
    for graph in graphs:
        for t in graph:
            out.add(t)
    return out


def findings(report: Graph) -> Findings:
    """The validation results as comparable rows (blank nodes written as `_`)."""

    def text(node: object) -> str:
        return "_" if node is None or isinstance(node, BNode) else str(node)

    keys = (
        SH.focusNode,
        SH.resultPath,
        SH.value,
        SH.sourceConstraintComponent,
        SH.sourceShape,
        SH.resultSeverity,
    )
    return Counter(
        tuple(text(report.value(result, p)) for p in keys)
        for result in report.subjects(RDF.type, SH.ValidationResult)
    )


def compare(a: Findings, b: Findings, a_name: str, b_name: str) -> str:
    """A note on whether `a` (from `a_name`) has the same results as `b`."""
    if a == b:
        return f"same {sum(a.values())} results as {b_name}"
    return (
        f"{sum((a - b).values())} results only here, {sum((b - a).values())} only with "
        f"{b_name} (see below)"
    )


def diff(title: str, a: Findings, b: Findings, a_name: str, b_name: str) -> str:
    only_a, only_b = a - b, b - a
    lines = [
        f"**{title}**: {sum(only_a.values())} results only with {a_name}, "
        f"{sum(only_b.values())} only with {b_name}. By shape and component:",
        "",
    ]
    for name, part in ((a_name, only_a), (b_name, only_b)):
        by_kind = Counter(
            (row[4].rsplit("#", 1)[-1], row[3].rsplit("#", 1)[-1]) for row in part.elements()
        )
        for (shape, component), count in by_kind.most_common(6):
            lines.append(f"* only with {name}: {count} × `{shape}` / `{component}`")
    return "\n".join(lines)


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    packages = ", ".join(f"{p} {version(p)}" for p in ("rdflib", "owlrl", "pyshacl", "pyoxigraph"))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{model}, {os.cpu_count()} logical CPUs, Python {platform.python_version()} "
        f"({platform.system()}), load average before the run {load}; {packages}"
    )


def oxigraph_rules(ontology: Graph, data: Graph) -> set[tuple[Any, Any, Any]]:
    """Prototype: the kinds of rule this ontology needs, as SPARQL updates on Oxigraph.

    Not exact in general: Oxigraph holds no generalized triples (literal subjects, blank-node
    predicates) and canonicalises literals (``"5.00"^^xsd:decimal``); for timing only.
    """
    tb = tbox(ontology)
    assert tb.rules is not None
    nodes = tb.terms.nodes

    def values(pairs: Iterator[tuple[int, int]]) -> str:
        return " ".join(
            f"({nodes[a].n3()} {nodes[b].n3()})"
            for a, b in pairs
            if isinstance(nodes[a], URIRef) and isinstance(nodes[b], URIRef)
        )

    props, classes = tb.rules.properties, tb.rules.classes
    sco = values((c, d) for c, r in classes.items() for d in r.supers)
    spo = values((p, q) for p, r in props.items() for q in r.supers)
    inv = values((p, q) for p, r in props.items() for q in r.inverses)
    dom = values((p, c) for p, r in props.items() for c in r.domains)
    rng = values((p, c) for p, r in props.items() for c in r.ranges)
    updates = [
        f"INSERT {{ ?x a ?d }} WHERE {{ VALUES (?c ?d) {{ {sco} }} ?x a ?c }}",
        f"INSERT {{ ?s ?q ?o }} WHERE {{ VALUES (?p ?q) {{ {spo} }} ?s ?p ?o }}",
        f"INSERT {{ ?o ?q ?s }} WHERE {{ VALUES (?p ?q) {{ {inv} }} ?s ?p ?o "
        "FILTER (!isLiteral(?o)) }",
        f"INSERT {{ ?s a ?c }} WHERE {{ VALUES (?p ?c) {{ {dom} }} ?s ?p ?o }}",
        f"INSERT {{ ?o a ?c }} WHERE {{ VALUES (?p ?c) {{ {rng} }} ?s ?p ?o "
        "FILTER (!isLiteral(?o)) }",
        "PREFIX org: <http://www.w3.org/ns/org#> INSERT { ?o org:hasMember ?x } "
        "WHERE { ?m org:organization ?o ; org:member ?x }",
    ]
    store = ox.Store()
    store.bulk_load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    size = -1
    while len(store) != size:
        size = len(store)
        for update in updates:
            store.update(update)

    def term(x: Any) -> Any:
        if isinstance(x, ox.NamedNode):
            return URIRef(x.value)
        if isinstance(x, ox.BlankNode):
            return BNode(x.value)
        if x.language:
            return Literal(x.value, lang=x.language)
        if x.datatype.value == str(XSD.string):
            return Literal(x.value)
        return Literal(x.value, datatype=URIRef(x.datatype.value))

    out = set()
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        t = (term(quad.subject), term(quad.predicate), term(quad.object))
        if t not in data and t not in ontology and reportable(*t):
            out.add(t)
    return out


def closure_rows(size: int, settings: Settings) -> list[Row]:
    ontology, curated = ontology_graph(), data_graph()
    data = generate(size, seed=1)
    submission = generate(size, seed=1, refer_to=curated)
    base = merged(ontology, curated, closure(ontology, curated))
    rows = []
    secs, n, oracle = timed(lambda: closure(ontology, data), settings)
    rows.append(Row("owlrl closure (`pob.graph.owlrl_reference.closure`)", len(data), secs, n))
    secs, n, fast = timed(lambda: fast_closure(ontology, data), settings, before=clear_cache)
    rows.append(Row("`fast_closure`, cold (owlrl closes the T-box first)", len(data), secs, n))
    secs, n, fast = timed(lambda: fast_closure(ontology, data), settings)
    same = "same triples as" if set(fast) == set(oracle) else "DIFFERENT from"
    note = f"{len(fast):,} triples, {same} owlrl"
    rows.append(Row("`fast_closure`, warm (T-box cached)", len(data), secs, n, note))
    fast_closure(ontology, submission, base)  # the base is completed once, then cached
    secs, n, new = timed(lambda: fast_closure(ontology, submission, base), settings)
    note = f"{len(new):,} new triples; base {len(base):,} triples (curated, closed)"
    rows.append(Row("`fast_closure`, incremental against the curated graph", size, secs, n, note))
    if settings.oxigraph:
        secs, n, proto = timed(lambda: oxigraph_rules(ontology, data), settings)
        note = f"prototype, {len(proto):,} triples; not exact (see `oxigraph_rules`)"
        rows.append(
            Row("SPARQL rules on Oxigraph, load + run + read back", len(data), secs, n, note)
        )
    return rows


def validation_rows(size: int, settings: Settings, notes: list[str]) -> list[Row]:
    """The validation routes on a damaged submission (see the module docstring)."""
    ontology, shapes = ontology_graph(), shapes_graph()
    data = generate(size, seed=1, errors=0.02)
    with_ontology = merged(data, ontology)
    fast_closure(ontology, data)  # the T-box is cached, as in a running service
    turbo: Any = None
    if size <= settings.turbo_max:
        try:
            turbo = importlib.import_module("pyshacl_turbo")
        except ImportError:
            notes.append("pyshacl-turbo: not importable here, not measured.")
    rows: list[Row] = []
    seen: dict[str, Findings] = {}

    def measure(
        key: str,
        label: str,
        engine: Any,
        graph: Graph,
        inference: str,
        ont: Graph | None,
        close: bool = False,
        against: str | None = None,
    ) -> None:
        copies = [merged(graph) for _ in range(settings.runs)] if close else []

        def once() -> Findings:
            target = graph
            if close:  # a fresh copy each run: the closure is added in place
                target = copies.pop()
                for t in fast_closure(ontology, target):
                    target.add(t)
            _, report, _ = engine.validate(
                target, shacl_graph=shapes, ont_graph=ont, advanced=True, inference=inference
            )
            return findings(report)

        secs, n, got = timed(once, settings)
        seen[key] = got
        note = f"{sum(got.values())} results"
        if against is not None:
            other = label_of[against]
            note = compare(got, seen[against], label, other)
            if got != seen[against]:
                notes.append(diff(f"{size:,} triples", got, seen[against], label, other))
        label_of[key] = label
        rows.append(Row(label, len(graph), secs, n, note))

    label_of: dict[str, str] = {}
    measure("none", "pyshacl, no inference", pyshacl, data, "none", ontology)
    measure("fast", "pyshacl, `fast_closure` added first", pyshacl, data, "none", ontology, True)
    measure(
        "owlrl", 'pyshacl, `inference="owlrl"`', pyshacl, data, "owlrl", ontology, against="fast"
    )
    label = "pyshacl, data + ontology (merged)"
    measure("m-none", label + ", no inference", pyshacl, with_ontology, "none", None)
    measure("m-fast", label + " + `fast_closure`", pyshacl, with_ontology, "none", None, True)
    measure(
        "m-owlrl",
        label + ', `inference="owlrl"`',
        pyshacl,
        with_ontology,
        "owlrl",
        None,
        against="m-fast",
    )
    if turbo is not None:
        label = "pyshacl-turbo"
        measure("t-none", label + ", no inference", turbo, data, "none", ontology, against="none")
        measure(
            "t-m-fast",
            label + ", data + ontology + `fast_closure`",
            turbo,
            with_ontology,
            "none",
            None,
            True,
            against="m-fast",
        )
    return rows


def table(rows: list[Row]) -> str:
    out = ["| what | triples | seconds | runs | note |", "|---|---:|---:|---:|---|"]
    for r in rows:
        out.append(f"| {r.what} | {r.triples:,} | {r.seconds:.2f} | {r.runs} | {r.note} |")
    return "\n".join(out)


def write_section(body: str, path: Path = DOC) -> None:
    """Put `body` between the markers of the section HEADING of docs/performance.md."""
    write_block(body, path, HEADING, BEGIN, END)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Inference and validation timings")
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 50_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow", type=float, default=20.0, help="do not repeat runs this long")
    parser.add_argument("--turbo-max", type=int, default=5_000, help="largest size for turbo")
    parser.add_argument("--oxigraph", action="store_true", help="also the Oxigraph prototype")
    parser.add_argument("--no-validation", action="store_true")
    parser.add_argument("--parse-every-time", action="store_true", help="pySHACL as it is")
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args(argv)
    settings = Settings(args.runs, args.slow, args.turbo_max, args.oxigraph)
    about = f"Measured {dt.date.today().isoformat()} on {machine()}."
    rows: list[Row] = []
    notes: list[str] = []
    for size in args.sizes:
        rows += closure_rows(size, settings)
    print(about + "\n\n" + table(rows), flush=True)
    if not args.no_validation:
        valid: list[Row] = []
        for size in args.sizes:
            if args.parse_every_time:
                valid += validation_rows(size, settings, notes)
            else:
                with sparql_parsed_once():
                    valid += validation_rows(size, settings, notes)
            print(table(valid), flush=True)
        rows += valid
    text = about + "\n\n" + table(rows) + ("\n\n" + "\n\n".join(notes) if notes else "")
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
