"""Validation reports for people and programs, and what inference changes.

A :class:`Check` is the outcome of validating one dataset: the report with the inference
asked for and, when that is not ``none``, the report without inference beside it, so
:meth:`Check.comparison` can say which results appear and which disappear with inference.
It renders as

* the W3C SHACL report (``sh:ValidationReport``) in Turtle or JSON-LD: :func:`report_rdf`;
* a JSON summary (conforms, counts by severity, results with focus node, path, value,
  constraint component, the message in the chosen language, and the comparison):
  :meth:`Check.summary`;
* HTML (``pob/validation/templates/report.html``): results grouped by focus node, each with its
  message, the offending value and a link to the shape; the comparison side by side;
  downloads of the machine report (:func:`render_html`).

The words around the messages (headings, labels) are the ``report`` section of
:mod:`pob.core.texts`; the HTML is rendered with the one Jinja2 environment
(:mod:`pob.core.templates`, to which this module adds its ``templates`` folder).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.term import Node

from pob.core import templates, texts
from pob.graph.namespaces import CANONICAL_BASE, prefixes
from pob.validation.validator import Report, Result

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: a finding, the same whichever way it was found: focus, path, value, component, shape
FindingKey = tuple[str, str, str, str, str, str]


def finding_key(result: Result) -> FindingKey:
    """What identifies a finding across routes (API, form, CLI) and inference regimes."""
    return (
        _term(result.focus_node),
        result.path or "",
        _term(result.value),
        result.constraint_component,
        _term(result.source_shape),
        result.severity,
    )


def _term(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "_:"  # blank node labels differ from run to run
    return str(node)


@dataclass
class Comparison:
    """Results only with inference, only without, and how many are in both."""

    appeared: list[Result]
    disappeared: list[Result]
    unchanged: int

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "appeared": [_result_json(r, lang) for r in self.appeared],
            "disappeared": [_result_json(r, lang) for r in self.disappeared],
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


@dataclass
class Check:
    """One dataset validated: the report, the one without inference, and what we noticed."""

    report: Report
    baseline: Report | None = None
    triples: int = 0
    format: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def conforms(self) -> bool:
        return self.report.conforms

    def comparison(self) -> Comparison | None:
        if self.baseline is None:
            return None
        return compare(self.baseline, self.report)

    def findings(self) -> set[FindingKey]:
        return {finding_key(r) for r in self.report.results}

    def summary(self, lang: str = "en") -> dict[str, Any]:
        """The JSON summary (``application/json``)."""
        out = self.report.to_json(lang)
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


def _result_json(result: Result, lang: str) -> dict[str, Any]:
    return {
        "severity": result.severity,
        "focusNode": _show(result.focus_node),
        "path": result.path,
        "value": _show(result.value),
        "constraintComponent": result.constraint_component,
        "sourceShape": _show(result.source_shape),
        "message": result.message(lang),
    }


def _show(node: Node | None) -> str | None:
    if node is None:
        return None
    return node.n3() if isinstance(node, BNode) else str(node)


# ----------------------------------------------------------------------------- RDF


def report_rdf(check: Check, fmt: str) -> bytes:
    """The W3C SHACL report in `fmt` (``turtle`` or ``json-ld``)."""
    graph: Graph = check.report.graph
    if fmt == "json-ld":
        context = {"sh": "http://www.w3.org/ns/shacl#", **_used_prefixes(graph)}
        text = graph.serialize(format="json-ld", context=context, auto_compact=True, indent=1)
        return text.encode("utf-8")
    return graph.serialize(format="turtle", encoding="utf-8")


def _used_prefixes(graph: Graph) -> dict[str, str]:
    out = {}
    for prefix, ns in graph.namespaces():
        if prefix and prefix != "sh":
            out[prefix] = str(ns)
    return out


# ----------------------------------------------------------------------------- HTML


templates.add_folder(TEMPLATES)


class _Shortener:
    def __init__(self, base: str) -> None:
        self.table = sorted(prefixes(base).items(), key=lambda kv: -len(kv[1]))

    def __call__(self, node: Node | str | None) -> str:
        if node is None:
            return "–"
        if isinstance(node, RDFLiteral):
            text = str(node)
            if node.language:
                return f'"{text}"@{node.language}'
            if node.datatype is not None:
                return f'"{text}"^^{self(str(node.datatype))}'
            return f'"{text}"'
        if isinstance(node, BNode):
            return "[ ]"
        text = str(node)
        for prefix, ns in self.table:
            if text.startswith(ns) and len(text) > len(ns):
                return f"{prefix}:{text[len(ns) :]}"
        return f"<{text}>"

    def path(self, path: str | None) -> str:
        if path is None:
            return "–"
        if not path.startswith(("<", "^", "(")):
            return self(path)
        return re.sub(r"<([^>]+)>", lambda m: self(m.group(1)), path)


def shape_link(shape: Node, base: str = CANONICAL_BASE, shapes_page: str | None = "/shapes") -> str:
    """Where a person reads about a shape: ``/shapes#Name`` for ours, else the IRI."""
    text = str(shape)
    ours = f"{base}shapes#"
    if shapes_page is not None and isinstance(shape, URIRef) and text.startswith(ours):
        return f"{shapes_page}#{text[len(ours) :]}"
    return text if isinstance(shape, URIRef) else ""


def _data_url(media_type: str, body: bytes) -> str:
    return f"data:{media_type};base64," + base64.b64encode(body).decode("ascii")


def render_html(
    check: Check,
    lang: str = "en",
    *,
    base: str = CANONICAL_BASE,
    shapes_page: str | None = "/shapes",
    standalone: bool = True,
    downloads: bool = True,
) -> str:
    """The report as HTML in `lang`: a whole page, or (`standalone=False`) a fragment."""
    words = texts.words("report", lang if lang in texts.LANGUAGES else "en")
    short = _Shortener(base)
    groups: dict[str, list[Result]] = {}
    for result in check.report.results:
        groups.setdefault(_term(result.focus_node) or "", []).append(result)
    files = []
    if downloads:
        turtle = report_rdf(check, "turtle")
        summary = json.dumps(check.summary(lang), ensure_ascii=False, indent=2).encode("utf-8")
        files = [
            ("report.ttl", "Turtle", _data_url("text/turtle", turtle)),
            ("report.json", "JSON", _data_url("application/json", summary)),
            (
                "report.jsonld",
                "JSON-LD",
                _data_url("application/ld+json", report_rdf(check, "json-ld")),
            ),
        ]
    return (
        templates.environment()
        .get_template("report.html")
        .render(
            check=check,
            report=check.report,
            comparison=check.comparison(),
            groups=[(results[0].focus_node, results) for results in groups.values()],
            lang=lang,
            w=words,
            short=short,
            key=finding_key,
            shape_link=lambda s: shape_link(s, base, shapes_page),
            files=files,
            standalone=standalone,
        )
    )
