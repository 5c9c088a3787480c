"""Validating RDF against the POB shapes (`shapes/`) with pySHACL.

:func:`validate` is the one entry point. It validates a submission (`data`), optionally next
to reference data it may point to (`extra`, e.g. the curated data), and returns a
:class:`Report` with one :class:`Result` per problem, its messages in Danish and English.

How it runs:

* The data graph is ``data + extra + ontology``, merged here. pySHACL's own ``ont_graph``
  mixing copies only RDFS/OWL axioms, not the SKOS concepts of ``ontology/codelists.ttl``,
  so the code-list shapes (``sh:class pob:Challenge`` …) would fail on every real value.
  With the ontology merged, ``rdfs:subClassOf`` is in the data graph, so ``sh:targetClass``
  and ``sh:class`` see subclass instances even with ``inference="none"``.
* ``advanced=True``: the provenance, closure and ontology shapes use SHACL-AF
  ``sh:SPARQLTarget``.
* Conformance is "no result of severity sh:Violation" (pySHACL's ``allow_warnings`` and
  ``allow_infos``). ``profile="strict"`` validates against a copy of the shapes in which
  every ``sh:severity sh:Warning`` is ``sh:Violation``, so the report says Violation.
* **Only results about the submission are kept.** A result is dropped when its focus node is
  not a subject in `data` but is one in the ontology or in `extra`: the caller is not
  responsible for the reference data. (Results on nodes that are in neither are kept.)
  The report graph is rebuilt from the kept results, with ``sh:conforms`` set accordingly.
* Shapes and ontology are read once per base IRI (:func:`functools.lru_cache`); SPARQL text
  and ``sh:namespace`` literals in the shapes are moved to the base like every IRI.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, Literal, cast

from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from pob.iri import normalise_base
from pob.namespaces import CANONICAL_BASE, bind_all, prefixes
from pob.sources import ontology_graph, shapes_graph

Profile = Literal["core", "strict"]
Inference = Literal["none", "rdfs", "owlrl"]

#: severities, most severe first; the keys of :meth:`Report.counts`
SEVERITIES: tuple[str, ...] = ("Violation", "Warning", "Info")
#: languages every shape message is written in
LANGUAGES: tuple[str, ...] = ("da", "en")

_SPARQL_TEXT = (SH.select, SH.ask, SH.namespace)


# ----------------------------------------------------------------------------- loading


def _rebase_sparql(shapes: Graph, base: str) -> Graph:
    """Move the canonical base inside SPARQL text and prefix declarations to `base`."""
    if base == CANONICAL_BASE:
        return shapes
    for pred in _SPARQL_TEXT:
        for s, o in list(shapes.subject_objects(pred)):
            if isinstance(o, RDFLiteral) and CANONICAL_BASE in str(o):
                shapes.remove((s, pred, o))
                text = str(o).replace(CANONICAL_BASE, base)
                shapes.add((s, pred, RDFLiteral(text, lang=o.language, datatype=o.datatype)))
    return shapes


def strict_copy(shapes: Graph) -> Graph:
    """A copy of `shapes` with every ``sh:severity sh:Warning`` made ``sh:Violation``."""
    out = Graph()
    for s, p, o in shapes:
        if p == SH.severity and o == SH.Warning:
            o = SH.Violation
        out.add((s, p, o))
    for prefix, ns in shapes.namespaces():
        out.bind(prefix, ns)
    return out


@lru_cache(maxsize=8)
def default_shapes(base: str = CANONICAL_BASE, profile: Profile = "core") -> Graph:
    """The project's shapes for `base` (read once); strict: warnings made violations."""
    base = normalise_base(base)
    graph = _rebase_sparql(shapes_graph(base), base)
    return strict_copy(graph) if profile == "strict" else graph


@lru_cache(maxsize=8)
def default_ontology(base: str = CANONICAL_BASE) -> Graph:
    """The ontology and code lists for `base` (read once)."""
    return ontology_graph(normalise_base(base))


def clear_caches() -> None:
    """Forget the cached shapes and ontology (after editing the files)."""
    default_shapes.cache_clear()
    default_ontology.cache_clear()


# ----------------------------------------------------------------------------- results


def _local(iri: Node) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def render_path(
    graph: Graph, path: Node, name: Callable[[URIRef], str] | None = None
) -> str:
    """A SHACL property path as SPARQL path text.

    `name` writes an IRI (default ``<iri>``). A simple path is the bare IRI string when no
    `name` is given, so ``Result.path`` of ``sh:path pob:kommunekode`` is the IRI itself.
    """
    if isinstance(path, URIRef):
        return name(path) if name else str(path)
    write = name or (lambda iri: f"<{iri}>")

    def walk(node: Node, nested: bool) -> str:
        if isinstance(node, URIRef):
            return write(node)
        if (node, RDF.first, None) in graph:
            text = "/".join(walk(item, True) for item in Collection(graph, node))
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
        alternatives = graph.value(node, SH.alternativePath)
        if alternatives is not None:
            text = "|".join(walk(item, True) for item in Collection(graph, alternatives))
            return f"({text})" if nested else text
        return str(node)

    return walk(path, False)


@dataclasses.dataclass(frozen=True)
class Result:
    """One validation result, from the W3C report graph."""

    focus_node: Node
    path: str | None
    value: Node | None
    constraint_component: str
    severity: str
    source_shape: Node
    messages: dict[str, str]
    source_constraint: Node | None = None

    def message(self, lang: str = "en") -> str:
        """The message in `lang`, else in English, else any."""
        for key in (lang, "en", *LANGUAGES):
            if key in self.messages:
                return self.messages[key]
        return next(iter(self.messages.values()), "")


def _messages(report: Graph, result: Node, shapes: Graph) -> dict[str, str]:
    """Messages by language: the shape's ``sh:message`` (as pySHACL filled it in) per
    language; pySHACL's own untagged message for any language the shape does not give."""
    tagged: dict[str, str] = {}
    plain: list[str] = []
    for msg in report.objects(result, SH.resultMessage):
        if isinstance(msg, RDFLiteral) and msg.language:
            tagged.setdefault(msg.language.lower(), str(msg))
        else:
            plain.append(str(msg))
    if not tagged:
        for node in (
            report.value(result, SH.sourceConstraint),
            report.value(result, SH.sourceShape),
        ):
            if node is None:
                continue
            for msg in shapes.objects(node, SH.message):
                if isinstance(msg, RDFLiteral) and msg.language:
                    tagged.setdefault(msg.language.lower(), str(msg))
            if tagged:
                break
    fallback = plain[0] if plain else ""
    out = {lang: tagged.get(lang, fallback) for lang in LANGUAGES}
    out.update(tagged)
    return {k: v for k, v in out.items() if v}


def _results(report: Graph, shapes: Graph) -> list[Result]:
    out: list[Result] = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(node, SH.resultPath)
        severity = report.value(node, SH.resultSeverity)
        component = report.value(node, SH.sourceConstraintComponent)
        out.append(
            Result(
                focus_node=cast(Node, report.value(node, SH.focusNode)),
                path=render_path(report, path) if path is not None else None,
                value=report.value(node, SH.value),
                constraint_component=_local(component) if component is not None else "",
                severity=_local(severity) if severity is not None else "Violation",
                source_shape=cast(Node, report.value(node, SH.sourceShape)),
                messages=_messages(report, node, shapes),
                source_constraint=report.value(node, SH.sourceConstraint),
            )
        )
    order = {sev: i for i, sev in enumerate(SEVERITIES)}
    out.sort(
        key=lambda r: (
            order.get(r.severity, len(order)),
            str(r.focus_node),
            r.path or "",
            str(r.source_shape),
            str(r.value),
        )
    )
    return out


def _copy_closure(source: Graph, target: Graph, node: Node) -> None:
    """Copy `node`'s triples and those of the blank nodes it reaches."""
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for p, o in source.predicate_objects(current):
            target.add((current, p, o))
            if isinstance(o, BNode):
                todo.append(o)


def _filtered_report(report: Graph, keep: Iterable[Node], conforms: bool) -> Graph:
    out = bind_all(Graph())
    root = report.value(predicate=RDF.type, object=SH.ValidationReport) or BNode()
    out.add((root, RDF.type, SH.ValidationReport))
    out.add((root, SH.conforms, RDFLiteral(conforms)))
    for node in keep:
        out.add((root, SH.result, node))
        _copy_closure(report, out, node)
    return out


# ----------------------------------------------------------------------------- report


@dataclasses.dataclass
class Report:
    """The outcome of :func:`validate`."""

    conforms: bool
    results: list[Result]
    graph: Graph
    profile: Profile = "core"
    inference: Inference = "none"

    def counts(self) -> dict[str, int]:
        """Number of results by severity (every severity present, zero or more)."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        return counts

    def by_severity(self, severity: str) -> list[Result]:
        return [r for r in self.results if r.severity == severity]

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """A JSON-ready summary; IRIs in full, literals as their lexical form."""

        def term(node: Node | None) -> str | None:
            if node is None:
                return None
            return node.n3() if isinstance(node, BNode) else str(node)

        return {
            "conforms": self.conforms,
            "profile": self.profile,
            "inference": self.inference,
            "counts": self.counts(),
            "results": [
                {
                    "severity": r.severity,
                    "focusNode": term(r.focus_node),
                    "path": r.path,
                    "value": term(r.value),
                    "valueIsLiteral": isinstance(r.value, RDFLiteral),
                    "constraintComponent": r.constraint_component,
                    "sourceShape": term(r.source_shape),
                    "sourceConstraint": term(r.source_constraint),
                    "message": r.message(lang),
                    "messages": dict(r.messages),
                }
                for r in self.results
            ],
        }

    def to_text(self, lang: str = "en") -> str:
        """A readable report, IRIs shortened with the project prefixes."""
        table = sorted(prefixes().items(), key=lambda kv: -len(kv[1]))

        def short(node: Node | None) -> str:
            if node is None:
                return "-"
            if isinstance(node, URIRef):
                for prefix, ns in table:
                    if str(node).startswith(ns) and len(str(node)) > len(ns):
                        return f"{prefix}:{str(node)[len(ns):]}"
                return f"<{node}>"
            return node.n3()

        def short_path(result: Result) -> str:
            if result.path is None:
                return "-"
            if not result.path.startswith(("<", "^", "(")):
                return short(URIRef(result.path))
            return re.sub(r"<([^>]+)>", lambda m: short(URIRef(m.group(1))), result.path)

        heading = {"da": ("Overholder", "Ja", "Nej"), "en": ("Conforms", "yes", "no")}
        label, yes, no = heading.get(lang, heading["en"])
        counts = ", ".join(f"{sev}: {n}" for sev, n in self.counts().items())
        lines = [f"{label}: {yes if self.conforms else no} ({counts})"]
        for r in self.results:
            lines.append(
                f"[{r.severity}] {short(r.focus_node)} {short_path(r)}"
                + (f" = {short(r.value)}" if r.value is not None else "")
                + f" ({r.constraint_component}; {short(r.source_shape)})"
            )
            lines.append(f"    {r.message(lang)}")
        return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- validate


def validate(
    data: Graph,
    *,
    profile: Profile = "core",
    inference: Inference = "none",
    ontology: Graph | None = None,
    shapes: Graph | None = None,
    extra: Graph | None = None,
    base: str = CANONICAL_BASE,
) -> Report:
    """Validate `data` (with `extra` as reference data) against the shapes.

    `ontology` and `shapes` default to the project's files for `base` (cached). Results
    whose focus node is only described in `extra` or the ontology are dropped (see the
    module docstring). Conforms when no result has severity Violation.
    """
    if profile not in ("core", "strict"):
        raise ValueError(f"unknown profile {profile!r}")
    if inference not in ("none", "rdfs", "owlrl"):
        raise ValueError(f"unknown inference {inference!r}")
    ont = ontology if ontology is not None else default_ontology(base)
    if shapes is None:
        shacl = default_shapes(normalise_base(base), profile)
    else:
        shacl = strict_copy(shapes) if profile == "strict" else shapes

    merged = Graph()
    merged += data
    if extra is not None:
        merged += extra
    merged += ont

    _, report, _ = pyshacl_validate(
        merged,
        shacl_graph=shacl,
        inference=inference,
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        inplace=True,
    )
    report = cast(Graph, report)

    reference = set(ont.subjects())
    if extra is not None:
        reference.update(extra.subjects())
    own = set(data.subjects())
    kept_nodes = [
        node
        for node in report.subjects(RDF.type, SH.ValidationResult)
        if (focus := report.value(node, SH.focusNode)) in own or focus not in reference
    ]
    kept = Graph()
    for node in kept_nodes:
        _copy_closure(report, kept, node)
        kept.add((node, RDF.type, SH.ValidationResult))
    results = _results(kept, shacl)
    conforms = not any(r.severity == "Violation" for r in results)
    return Report(
        conforms=conforms,
        results=results,
        graph=_filtered_report(report, kept_nodes, conforms),
        profile=profile,
        inference=inference,
    )
