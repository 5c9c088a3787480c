"""The one report model: :class:`Result`, :class:`Report` and :class:`Check`, and their JSON.

* A :class:`Result` is one finding: focus node, path, value, constraint component,
  severity, source shape, and the shape's message in every language (Danish and English).
* A :class:`Report` is one validation run (:func:`pob.validation.engine.validate`): the
  results, whether they conform, and the W3C SHACL report graph (:mod:`pob.validation.w3c`).
* A :class:`Check` is one dataset checked (:func:`pob.validation.check.check`): the report
  with the inference asked for and, when that is not ``none``, the report without inference
  beside it, so :meth:`Check.comparison` can say which results appear and which disappear
  with inference.

There is one JSON rendering: :meth:`Check.to_json` (the API, the web form's download and
the CLI's ``--report json``), built on :meth:`Report.to_json` and :func:`result_json`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any, Literal

from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from pob.core import texts
from pob.core.formats import Syntax
from pob.core.texts import LANGUAGES  # the languages of every shape message
from pob.graph.prefixes import CANONICAL_BASE, compact
from pob.validation.locate import Location, locate

Profile = Literal["core", "strict"]
Inference = Literal["none", "rdfs", "owlrl"]

#: severities, most severe first: the keys of :meth:`Report.counts`
SEVERITIES: tuple[str, ...] = ("Violation", "Warning", "Info")
#: a finding, the same whichever way it was found: focus, path, value, component, shape
FindingKey = tuple[str, str, str, str, str, str]


def local_name(iri: Node) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def render_path(graph: Graph, path: Node) -> str:
    """A SHACL property path as text: a simple path is its IRI; any other is SPARQL
    property-path syntax with ``<iri>`` (``^<…#organization>``, ``<a>/<b>``)."""
    if isinstance(path, URIRef):
        return str(path)

    def walk(node: Node, nested: bool) -> str:
        if isinstance(node, URIRef):
            return f"<{node}>"
        if (node, RDF.first, None) in graph:
            text = "/".join(walk(item, True) for item in Collection(graph, node))
            return f"({text})" if nested else text
        alternatives = graph.value(node, SH.alternativePath)
        if alternatives is not None:
            text = "|".join(walk(item, True) for item in Collection(graph, alternatives))
            return f"({text})" if nested else text
        for pred, fmt in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "{}*"),
            (SH.oneOrMorePath, "{}+"),
            (SH.zeroOrOnePath, "{}?"),
        ):
            inner = graph.value(node, pred)
            if inner is not None:
                return fmt.format(walk(inner, True))
        return node.n3()

    return walk(path, False)


@dataclasses.dataclass(frozen=True)
class Result:
    """One validation result."""

    focus_node: Node
    path: str | None
    value: Node | None
    constraint_component: str
    severity: str
    source_shape: Node
    messages: dict[str, str]
    source_constraint: Node | None = None

    def message(self, lang: str = "en") -> str:
        """The message in `lang`, else English, else any."""
        for key in (lang, "en", *LANGUAGES):
            if key in self.messages:
                return self.messages[key]
        return next(iter(self.messages.values()), "")


def ordered(results: Iterable[Result]) -> list[Result]:
    """Results in report order: by severity (most severe first), focus node, path, shape,
    value."""
    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    return sorted(
        results,
        key=lambda r: (
            order.get(r.severity, len(order)),
            str(r.focus_node),
            r.path or "",
            str(r.source_shape),
            str(r.value),
        ),
    )


def _show(node: Node | None) -> str | None:
    """A term in JSON: IRIs in full, literals as their text, blank nodes ``_:x``."""
    if node is None:
        return None
    return node.n3() if isinstance(node, BNode) else str(node)


def result_json(result: Result, lang: str = "en") -> dict[str, Any]:
    """One result in JSON: ``message`` in `lang` and ``messages`` in every language."""
    return {
        "severity": result.severity,
        "focusNode": _show(result.focus_node),
        "path": result.path,
        "value": _show(result.value),
        "valueIsLiteral": isinstance(result.value, RDFLiteral),
        "constraintComponent": result.constraint_component,
        "sourceShape": _show(result.source_shape),
        "sourceConstraint": _show(result.source_constraint),
        "message": result.message(lang),
        "messages": dict(result.messages),
    }


@dataclasses.dataclass
class Report:
    """The outcome of one validation run (:func:`pob.validation.engine.validate`)."""

    conforms: bool
    results: list[Result]
    graph: Graph
    profile: Profile = "core"
    inference: Inference = "none"

    def counts(self) -> dict[str, int]:
        """Number of results by severity; every severity is a key."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        return counts

    def by_severity(self, severity: str) -> list[Result]:
        return [r for r in self.results if r.severity == severity]

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """The run in JSON: conforms, profile, inference, counts, and every result
        (:func:`result_json`)."""
        return {
            "conforms": self.conforms,
            "profile": self.profile,
            "inference": self.inference,
            "counts": self.counts(),
            "results": [result_json(r, lang) for r in self.results],
        }

    def to_text(
        self,
        lang: str = "en",
        locations: dict[str, Location] | None = None,
        base: str = CANONICAL_BASE,
    ) -> str:
        """A readable report wholly in `lang`: its words, severities and messages, IRIs as
        prefixed names, and where each focus node is written when `locations` say."""
        words = texts.words("cli", lang if lang in LANGUAGES else "en")
        severity = texts.words("report", lang if lang in LANGUAGES else "en")

        def short(node: Node | str | None) -> str:
            if node is None:
                return "-"
            if isinstance(node, RDFLiteral) and node.datatype is not None and not node.language:
                return f'"{node}"^^{short(node.datatype)}'
            if isinstance(node, RDFLiteral | BNode):
                return node.n3()
            shown = compact(str(node), base)
            return shown if shown != str(node) else f"<{node}>"

        def short_path(path: str | None) -> str:
            if path is None or not path.startswith(("<", "^", "(")):
                return short(path)
            return re.sub(r"<([^>]+)>", lambda m: short(m.group(1)), path)

        counts = ", ".join(f"{severity[sev]}: {n}" for sev, n in self.counts().items())
        verdict = words["yes"] if self.conforms else words["no"]
        lines = [f"{words['conforms']}: {verdict} ({counts})"]
        for r in self.results:
            value = f" = {short(r.value)}" if r.value is not None else ""
            where = ""
            if locations is not None:
                found = locations.get(term_key(r.focus_node))
                where = f" ({place(found, words)})"
            lines.append(
                f"[{severity[r.severity]}] {short(r.focus_node)}{where} {short_path(r.path)}"
                f"{value} (sh:{r.constraint_component}; {short(r.source_shape)})"
            )
            lines.append(f"    {r.message(lang)}")
        return "\n".join(lines) + "\n"


def place(found: Location | None, words: dict[str, str]) -> str:
    """ "line 12, column 1" (or "file.ttl, line 12"); "line unknown" — in the words given."""
    if found is None:
        return words["line_unknown"]
    text = f"{words['line']} {found.line}"
    if found.column is not None:
        text += f", {words['column']} {found.column}"
    return f"{found.file}, {text}" if found.file else text


# ----------------------------------------------------------------------------- checks


def term_key(node: Node | None) -> str:
    """A term as :func:`finding_key` compares it: blank nodes all alike."""
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "_:"  # blank node labels differ from run to run
    return str(node)


def finding_key(result: Result) -> FindingKey:
    """What identifies a finding across routes (API, form, CLI) and inference regimes."""
    return (
        term_key(result.focus_node),
        result.path or "",
        term_key(result.value),
        result.constraint_component,
        term_key(result.source_shape),
        result.severity,
    )


@dataclasses.dataclass
class Comparison:
    """Results only with inference, only without, and how many are in both."""

    appeared: list[Result]
    disappeared: list[Result]
    unchanged: int

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "appeared": [result_json(r, lang) for r in self.appeared],
            "disappeared": [result_json(r, lang) for r in self.disappeared],
            "unchanged": self.unchanged,
        }


def compare(without: Report, with_inference: Report) -> Comparison:
    before = {finding_key(r): r for r in without.results}
    after = {finding_key(r): r for r in with_inference.results}
    return Comparison(
        appeared=[r for k, r in after.items() if k not in before],
        disappeared=[r for k, r in before.items() if k not in after],
        unchanged=len(before.keys() & after.keys()),
    )


@dataclasses.dataclass
class Check:
    """One dataset validated: the report, the one without inference, and what we noticed."""

    report: Report
    baseline: Report | None = None
    triples: int = 0
    format: str = ""
    notes: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    #: where each focus node is written in the file (by :func:`term_key`); None: not looked
    #: up (:meth:`locate`), and the JSON then has no ``where``
    locations: dict[str, Location] | None = None

    def locate(
        self, data: bytes | str, syntax: Syntax, base: str = CANONICAL_BASE, file: str | None = None
    ) -> Check:
        """Look up where the focus nodes are written in `data` (the uploaded file), adding
        to what earlier files gave (`pob validate a.ttl b.ttl`). Returns this check."""
        nodes = {term_key(r.focus_node) for r in self.all_results()} - {"", "_:"}
        found = locate(data, syntax, nodes - set(self.locations or {}), base=base, file=file)
        self.locations = {**(self.locations or {}), **found}
        return self

    def all_results(self) -> list[Result]:
        """The results with inference and, when compared, without."""
        return self.report.results + (self.baseline.results if self.baseline else [])

    def where(self, result: Result) -> Location | None:
        """Where the result's focus node is written (None: unknown or not looked up)."""
        return (self.locations or {}).get(term_key(result.focus_node))

    @property
    def conforms(self) -> bool:
        return self.report.conforms

    def comparison(self) -> Comparison | None:
        if self.baseline is None:
            return None
        return compare(self.baseline, self.report)

    def findings(self) -> set[FindingKey]:
        return {finding_key(r) for r in self.report.results}

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """The JSON report (``application/json``; the CLI's ``--report json``): the run's
        (:meth:`Report.to_json`), the size, format and notes of the dataset, and, with
        inference, the run without it and what changed (``withoutInference``)."""
        out = self.report.to_json(lang)
        if self.locations is not None:  # the focus node's line in the file, or null
            for item, result in zip(out["results"], self.report.results, strict=True):
                found = self.where(result)
                item["where"] = found.to_json() if found else None
        out["triples"] = self.triples
        out["format"] = self.format
        out["notes"] = list(self.notes)
        comparison = self.comparison()
        if comparison is not None and self.baseline is not None:
            out["withoutInference"] = {
                "conforms": self.baseline.conforms,
                "counts": self.baseline.counts(),
                **comparison.to_json(lang),
            }
        return out
