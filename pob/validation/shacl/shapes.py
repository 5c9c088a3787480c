"""Compiling a shapes graph into :class:`~pob.validation.shacl.model.Shape` objects
(:class:`Unsupported` for SHACL this engine does not implement)."""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from pob.validation.shacl import checks
from pob.validation.shacl.model import WHERE, Compiled, Shape, SparqlConstraint
from pob.validation.shacl.rewrite import minus_for_not_exists
from pob.validation.shacl.terms import Terms, Unsupported

THIS = re.compile(r"[?$]this\b")

_KNOWN = {
    SH[n]
    for n in [
        *("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target"),
        *("property", "sparql", "path", "severity", "message", "deactivated", "name"),
        *("description", "order", "group", "defaultValue", "class", "datatype", "nodeKind"),
        *("minCount", "maxCount", "pattern", "flags", "languageIn", "uniqueLang", "in"),
        *("hasValue", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive"),
        *("node", "or", "not", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount"),
        "qualifiedValueShapesDisjoint",
    ]
}


def _lang_messages(graph: Graph, node: Node) -> dict[str, str]:
    out: dict[str, str] = {}
    plain: list[str] = []
    for msg in graph.objects(node, SH.message):
        if isinstance(msg, Literal) and msg.language:
            out.setdefault(msg.language.lower(), str(msg))
        elif isinstance(msg, Literal):
            plain.append(str(msg))
    if plain and not out:
        out = {"da": plain[0], "en": plain[0]}
    return out


def _prologue(graph: Graph, node: Node) -> str:
    lines = []
    for source in graph.objects(node, SH.prefixes):
        for decl in graph.objects(source, SH.declare):
            prefix, namespace = graph.value(decl, SH.prefix), graph.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines))) + "\n"


class _Compiler:
    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.shapes: dict[Node, Shape] = {}
        self.terms = Terms()

    def shape(self, node: Node) -> Shape:
        if node in self.shapes:
            return self.shapes[node]
        g, to = self.g, self.terms.ox
        shape = Shape(node)
        self.shapes[node] = shape  # before the parts: shapes may refer to each other
        unknown = {p for p in g.predicates(node, None) if str(p).startswith(str(SH))} - _KNOWN
        if unknown:
            raise Unsupported(f"{node}: {', '.join(sorted(map(str, unknown)))}")
        severity = g.value(node, SH.severity)
        shape.severity = severity if isinstance(severity, URIRef) else SH.Violation
        shape.messages = _lang_messages(g, node)
        shape.deactivated = (node, SH.deactivated, Literal(True)) in g
        path = g.value(node, SH.path)
        if path is not None:
            shape.path = path
            if isinstance(path, URIRef):
                shape.predicate = to(path)
            else:
                inverse = g.value(path, SH.inversePath)
                if not isinstance(inverse, URIRef) or len(list(g.predicate_objects(path))) != 1:
                    raise Unsupported(f"{node}: only IRI and inverse paths are implemented")
                shape.predicate, shape.inverse = to(inverse), True
        classes = list(g.objects(node, SH.targetClass))
        if (node, RDF.type, RDFS.Class) in g or (node, RDF.type, OWL.Class) in g:
            classes.append(node)  # an implicit class target
        shape.target_classes = [to(c) for c in classes]
        shape.target_nodes = [to(n) for n in g.objects(node, SH.targetNode)]
        shape.target_subjects_of = [to(p) for p in g.objects(node, SH.targetSubjectsOf)]
        shape.target_objects_of = [to(p) for p in g.objects(node, SH.targetObjectsOf)]
        for target in g.objects(node, SH.target):
            select = g.value(target, SH.select)
            if (target, RDF.type, SH.SPARQLTarget) not in g or select is None:
                raise Unsupported(f"{node}: only SPARQL targets (sh:SPARQLTarget) are implemented")
            shape.target_selects.append(minus_for_not_exists(_prologue(g, target) + str(select)))
        for constraint in g.objects(node, SH.sparql):
            if (constraint, SH.deactivated, Literal(True)) in g:
                continue
            select = g.value(constraint, SH.select)
            if select is None:
                raise Unsupported(f"{constraint}: only SPARQL SELECT constraints are implemented")
            text = _prologue(g, constraint) + str(select)
            if "$PATH" in text or "$shapesGraph" in text or "$currentShape" in text:
                raise Unsupported(f"{constraint}: $PATH, $shapesGraph, $currentShape")
            if not WHERE.search(text) or not THIS.search(text):
                raise Unsupported(f"{constraint}: a SPARQL constraint without WHERE and $this")
            shape.sparql.append(SparqlConstraint(constraint, text, _lang_messages(g, constraint)))
        shape.properties = [self.shape(p) for p in g.objects(node, SH.property)]
        self._checks(shape)
        return shape

    def _checks(self, shape: Shape) -> None:
        g, node, add, to = self.g, shape.node, shape.checks.append, self.terms.ox
        for c in g.objects(node, SH["class"]):
            add(("ClassConstraintComponent", checks.class_(to(c)), c.n3()))
        for dt in g.objects(node, SH.datatype):
            add(("DatatypeConstraintComponent", checks.datatype(dt), dt.n3()))
        for kind in g.objects(node, SH.nodeKind):
            add(("NodeKindConstraintComponent", checks.node_kind(kind), kind.n3()))
        for low in g.objects(node, SH.minCount):
            add(("MinCountConstraintComponent", checks.count(int(str(low)), True), str(low)))
        for high in g.objects(node, SH.maxCount):
            add(("MaxCountConstraintComponent", checks.count(int(str(high)), False), str(high)))
        for pattern in g.objects(node, SH.pattern):
            flags = str(g.value(node, SH.flags) or "").lower()
            regex = re.compile(
                str(pattern), (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0)
            )
            add(("PatternConstraintComponent", checks.pattern(regex), str(pattern)))
        for langs in g.objects(node, SH.languageIn):
            wanted = {str(x).lower() for x in Collection(g, langs)}
            add(("LanguageInConstraintComponent", checks.language_in(wanted), str(sorted(wanted))))
        if (node, SH.uniqueLang, Literal(True)) in g:
            add(("UniqueLangConstraintComponent", checks.unique_lang, ""))
        for values in g.objects(node, SH["in"]):
            allowed = list(Collection(g, values))
            add(("InConstraintComponent", checks.in_(allowed), str(allowed)))
        for value in g.objects(node, SH.hasValue):
            add(("HasValueConstraintComponent", checks.has_value(value), value.n3()))
        for pred, name, accept in (
            (SH.minInclusive, "MinInclusive", lambda c: c >= 0),
            (SH.maxInclusive, "MaxInclusive", lambda c: c <= 0),
            (SH.minExclusive, "MinExclusive", lambda c: c > 0),
            (SH.maxExclusive, "MaxExclusive", lambda c: c < 0),
        ):
            for bound in g.objects(node, pred):
                if not isinstance(bound, Literal):
                    raise Unsupported(f"{node}: {pred} must be a literal")
                add((f"{name}ConstraintComponent", checks.range(bound, accept), bound.n3()))
        for other in g.objects(node, SH.node):
            add(("NodeConstraintComponent", checks.node(self.shape(other)), str(other)))
        for other in g.objects(node, SH["not"]):
            add(("NotConstraintComponent", checks.not_(self.shape(other)), str(other)))
        for alternatives in g.objects(node, SH["or"]):
            shapes = [self.shape(s) for s in Collection(g, alternatives)]
            add(("OrConstraintComponent", checks.or_(shapes), str(alternatives)))
        for qualified in g.objects(node, SH.qualifiedValueShape):
            if (node, SH.qualifiedValueShapesDisjoint, Literal(True)) in g:
                raise Unsupported(f"{node}: sh:qualifiedValueShapesDisjoint true")
            target = self.shape(qualified)
            for pred, name, at_least in (
                (SH.qualifiedMinCount, "QualifiedMinCount", True),
                (SH.qualifiedMaxCount, "QualifiedMaxCount", False),
            ):
                count = g.value(node, pred)
                if count is not None:
                    check = checks.qualified(target, int(str(count)), at_least)
                    add((f"{name}ConstraintComponent", check, ""))


def compile_shapes(graph: Graph) -> Compiled:
    """The shapes of `graph`, ready to run (:class:`Unsupported` if it uses more SHACL)."""
    compiler = _Compiler(graph)
    nodes: set[Node] = set(graph.subjects(RDF.type, SH.NodeShape))
    nodes |= set(graph.subjects(RDF.type, SH.PropertyShape))
    for pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        nodes |= set(graph.subjects(pred, None))
    nodes |= set(graph.subjects(SH.target, None))
    shapes = [compiler.shape(n) for n in sorted(nodes, key=str)]
    return Compiled(graph, [s for s in shapes if s.targeted and not s.deactivated])
