"""The W3C SHACL validation report (``sh:ValidationReport``) of a run, both ways.

* read: pySHACL's report graph into :class:`~pob.validation.report.Result` objects, with the
  shape's message in every language (:func:`pyshacl_results`), and the report graph cut
  down to the results that were kept (:func:`kept_report_graph`);
* write: the report graph of the fast engine's results (:func:`results_graph`), and any
  report as Turtle or JSON-LD (:func:`report_rdf`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import cast

from rdflib import BNode, Graph
from rdflib import Literal as RDFLiteral
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from pob.graph.namespaces import bind_all
from pob.validation import shacl as fast_shacl
from pob.validation.report import LANGUAGES, Check, Result, local_name, render_path

_PLACEHOLDER = re.compile(r"\{[?$]\w+\}")


def _templates(shapes: Graph, nodes: Iterable[Node | None]) -> dict[str, str]:
    """Language -> ``sh:message`` of the first of `nodes` that has tagged messages."""
    for node in nodes:
        found = {
            msg.language.lower(): str(msg)
            for msg in shapes.objects(node, SH.message)
            if isinstance(msg, RDFLiteral) and msg.language
        }
        if node is not None and found:
            return found
    return {}


def _messages(report: Graph, result: Node, shapes: Graph) -> dict[str, str]:
    """Language -> message: the shape's ``sh:message``, as pySHACL filled it in.

    pySHACL drops the language tag of a message whose ``{?var}`` it substitutes, so each
    untagged message is matched back to its template. Where a shape has no message,
    pySHACL's own (English) message stands for every language."""
    templates = _templates(
        shapes, (report.value(result, SH.sourceConstraint), report.value(result, SH.sourceShape))
    )
    out: dict[str, str] = {}
    plain: list[str] = []
    for msg in report.objects(result, SH.resultMessage):
        if isinstance(msg, RDFLiteral) and msg.language:
            out.setdefault(msg.language.lower(), str(msg))
            continue
        for lang, template in templates.items():
            pattern = "(.*?)".join(re.escape(part) for part in _PLACEHOLDER.split(template))
            if lang not in out and re.fullmatch(pattern, str(msg), re.DOTALL):
                out[lang] = str(msg)
                break
        else:
            plain.append(str(msg))
    for lang, template in templates.items():
        out.setdefault(lang, template)
    for lang in LANGUAGES:
        if lang not in out and plain:
            out[lang] = plain[0]
    return out


def pyshacl_result(report: Graph, node: Node, shapes: Graph) -> Result:
    """One ``sh:ValidationResult`` of pySHACL's report graph."""
    path = report.value(node, SH.resultPath)
    component = report.value(node, SH.sourceConstraintComponent)
    severity = report.value(node, SH.resultSeverity)
    return Result(
        focus_node=cast(Node, report.value(node, SH.focusNode)),
        path=render_path(report, path) if path is not None else None,
        value=report.value(node, SH.value),
        constraint_component=local_name(component) if component is not None else "",
        severity=local_name(severity) if severity is not None else "Violation",
        source_shape=cast(Node, report.value(node, SH.sourceShape)),
        messages=_messages(report, node, shapes),
        source_constraint=report.value(node, SH.sourceConstraint),
    )


def _copy_closure(source: Graph, target: Graph, node: Node) -> None:
    """Copy `node`'s triples and those of the blank nodes it reaches."""
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            for p, o in source.predicate_objects(current):
                target.add((current, p, o))
                if isinstance(o, BNode):
                    todo.append(o)


def kept_report_graph(
    report: Graph, root: Node | None, keep: Iterable[Node], conforms: bool
) -> Graph:
    """pySHACL's report graph with only the results in `keep`, ``sh:conforms`` `conforms`."""
    out = bind_all(Graph())
    root = root or BNode()
    out.add((root, RDF.type, SH.ValidationReport))
    out.add((root, SH.conforms, RDFLiteral(conforms)))
    for node in keep:
        out.add((root, SH.result, node))
        _copy_closure(report, out, node)
    return out


def results_graph(raw: Iterable[fast_shacl.RawResult], shapes: Graph, conforms: bool) -> Graph:
    """A W3C SHACL validation report (``sh:ValidationReport``) of the fast engine's results."""
    out = bind_all(Graph())
    root = BNode()
    out.add((root, RDF.type, SH.ValidationReport))
    out.add((root, SH.conforms, RDFLiteral(conforms)))
    for r in raw:
        node = BNode()
        out.add((root, SH.result, node))
        out.add((node, RDF.type, SH.ValidationResult))
        out.add((node, SH.focusNode, r.focus))
        out.add((node, SH.resultSeverity, r.severity))
        out.add((node, SH.sourceShape, r.shape))
        out.add((node, SH.sourceConstraintComponent, SH[r.component]))
        if r.value is not None:
            out.add((node, SH.value, r.value))
        if r.source_constraint is not None:
            out.add((node, SH.sourceConstraint, r.source_constraint))
        if r.path is not None:
            out.add((node, SH.resultPath, r.path))
            if isinstance(r.path, BNode):
                _copy_closure(shapes, out, r.path)
        for lang, text in sorted(r.messages.items()):
            out.add((node, SH.resultMessage, RDFLiteral(text, lang=lang)))
    return out


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
