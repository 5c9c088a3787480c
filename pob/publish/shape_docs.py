"""The SHACL shapes as documentation for people, grouped by the file (concern) they are in.

Each node shape (anchor ``#Name``, its IRI being ``{base}shapes#Name``) shows its targets,
severity, comment and property shapes; each property shape and SPARQL constraint (anchor
``#Name`` too) its path, constraints and its ``sh:message`` in Danish and English; the
other terms of the namespace (prefix declarations, marker classes) get an anchor too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from pob.graph.iri import rebase
from pob.graph.labels import Link, Namer, Text
from pob.graph.namespaces import bind_all
from pob.graph.sources import SHAPES_DIR, normalise, parse_file, rdf_files
from pob.publish.ontology_docs import bilingual
from pob.validation.report import render_path

#: shown elsewhere on the card, not in the constraint list
_SHOWN = {SH.path, SH.message, SH.severity, SH.name, SH.description, RDFS.comment, RDF.type}
_SHOWN |= {SH.property, SH.targetClass, SH.targetNode, SH.target, SH.targetSubjectsOf}
_SHOWN |= {SH.targetObjectsOf, SH.sparql}


@dataclass(frozen=True)
class PropertyShapeDoc:
    link: Link
    anchor: str
    path: str
    severity: str | None
    messages: tuple[Text, ...]
    constraints: tuple[tuple[Link, str], ...]


@dataclass(frozen=True)
class NodeShapeDoc:
    link: Link
    anchor: str
    targets: tuple[str, ...]
    target_classes: tuple[Link, ...]
    severity: str | None
    comments: tuple[Text, ...]
    messages: tuple[Text, ...]
    constraints: tuple[tuple[Link, str], ...]
    properties: tuple[PropertyShapeDoc, ...]


@dataclass(frozen=True)
class OtherDoc:
    """Any other term of the shapes namespace: prefix declarations, marker classes."""

    link: Link
    anchor: str
    types: tuple[Link, ...]
    comments: tuple[Text, ...]
    constraints: tuple[tuple[Link, str], ...]


@dataclass(frozen=True)
class ShapeFileDoc:
    name: str  # the file's stem: core, recommended, codelists, closure, ontology
    shapes: tuple[NodeShapeDoc, ...]


@cache
def shape_files(base: str, folder: Path = SHAPES_DIR) -> tuple[tuple[str, Graph], ...]:
    """Each shapes file of `folder`, moved to `base` (cached)."""
    out = []
    for path in rdf_files(folder):
        graph = bind_all(normalise(rebase(parse_file(path), base)), base)
        out.append((path.stem, graph))
    return tuple(out)


class _Render:
    def __init__(self, graph: Graph, labels: Graph, base: str, lang: str) -> None:
        self.g, self.lang, self.base = graph, lang, base
        self.namer = Namer(labels + graph, base)

    def term(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return self.namer.curie(str(node)) or f"<{node}>"
        if isinstance(node, Literal):
            return str(node) if "\n" not in str(node) else str(node).strip()
        if (node, RDF.first, None) in self.g:
            return "( " + " ".join(self.term(i) for i in Collection(self.g, node)) + " )"
        inner = "; ".join(
            f"{self.term(p)} {self.term(o)}" for p, o in sorted(self.g.predicate_objects(node))
        )
        return f"[ {inner} ]"

    def path(self, node: Node | None) -> str:
        if node is None:
            return ""
        raw = render_path(self.g, node)
        if isinstance(node, URIRef):
            return self.term(node)
        return re.sub(r"<([^>]+)>", lambda m: self.term(URIRef(m.group(1))), raw)

    def constraints(self, shape: Node) -> tuple[tuple[Link, str], ...]:
        out = []
        for p, o in sorted(self.g.predicate_objects(shape)):
            if p in _SHOWN:
                continue
            out.append((self.namer.link(p, self.lang), self.term(o)))
        return tuple(out)

    def severity(self, shape: Node) -> str | None:
        value = self.g.value(shape, SH.severity)
        return str(value).rsplit("#", 1)[-1] if value is not None else None

    def anchor(self, node: Node) -> str:
        text = str(node)
        return text.split("#", 1)[1] if "#" in text else text

    def prop(self, shape: Node) -> PropertyShapeDoc:
        return PropertyShapeDoc(
            link=self.namer.link(shape, self.lang),
            anchor=self.anchor(shape) if not isinstance(shape, BNode) else "",
            path=self.path(self.g.value(shape, SH.path)),
            severity=self.severity(shape),
            messages=bilingual(self.g, shape, (SH.message,), self.lang),
            constraints=self.constraints(shape),
        )

    def targets(self, shape: Node) -> tuple[str, ...]:
        out = []
        for p in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            out += [f"{self.term(p)} {self.term(o)}" for o in self.g.objects(shape, p)]
        for target in self.g.objects(shape, SH.target):
            select = self.g.value(target, SH.select)
            out.append(str(select).strip() if select is not None else self.term(target))
        return tuple(out)

    def node(self, shape: Node) -> NodeShapeDoc:
        parts = [*self.g.objects(shape, SH.property), *self.g.objects(shape, SH.sparql)]
        props = [self.prop(p) for p in parts]
        props.sort(key=lambda d: d.anchor)
        classes = (self.namer.link(c, self.lang) for c in self.g.objects(shape, SH.targetClass))
        return NodeShapeDoc(
            link=self.namer.link(shape, self.lang),
            anchor=self.anchor(shape),
            targets=self.targets(shape),
            target_classes=tuple(sorted(classes, key=self.namer.sort_key)),
            severity=self.severity(shape),
            comments=bilingual(self.g, shape, (RDFS.comment, SH.description), self.lang),
            messages=bilingual(self.g, shape, (SH.message,), self.lang),
            constraints=self.constraints(shape),
            properties=tuple(props),
        )


def shapes_doc(
    files: Iterable[tuple[str, Graph]], labels: Graph, base: str, lang: str
) -> tuple[ShapeFileDoc, ...]:
    """The node shapes of each file (labels of classes and terms from `labels`)."""
    out = []
    for name, graph in files:
        render = _Render(graph, labels, base, lang)
        shapes = [
            render.node(s)
            for s in set(graph.subjects(RDF.type, SH.NodeShape))
            if not isinstance(s, BNode)
        ]
        shapes.sort(key=lambda d: d.anchor)
        if shapes:
            out.append(ShapeFileDoc(name, tuple(shapes)))
    return tuple(out)


def other_terms(
    files: Iterable[tuple[str, Graph]], labels: Graph, base: str, lang: str
) -> tuple[OtherDoc, ...]:
    """The terms of ``{base}shapes#`` that are neither node shapes nor their parts."""
    graph = merged(files)
    render = _Render(graph, labels, base, lang)
    parts = {*graph.objects(None, SH.property), *graph.objects(None, SH.sparql)}
    ns = f"{base}shapes#"
    out = []
    for node in sorted({s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}):
        if not str(node).startswith(ns) or node in parts:
            continue
        if (node, RDF.type, SH.NodeShape) in graph:
            continue
        types = (render.namer.link(t, lang) for t in graph.objects(node, RDF.type))
        out.append(
            OtherDoc(
                link=render.namer.link(node, lang),
                anchor=render.anchor(node),
                types=tuple(sorted(types, key=render.namer.sort_key)),
                comments=bilingual(graph, node, (RDFS.comment,), lang),
                constraints=render.constraints(node),
            )
        )
    return tuple(out)


def merged(files: Iterable[tuple[str, Graph]]) -> Graph:
    """All the shape files as one graph (the RDF served at /shapes)."""
    out = Graph()
    base_graph = None
    for _, graph in files:
        out += graph
        base_graph = graph
    if base_graph is not None:
        for prefix, ns in base_graph.namespaces():
            out.bind(prefix, ns, override=True)
    return out
