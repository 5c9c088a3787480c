"""The ontology as documentation for people: classes, properties and code lists.

:func:`ontology_doc` reads the ontology graph (our terms at ``{base}ontology#Name`` and the
reused terms it declares) and, from the graph the service answers from, each class's
instances. Every term shows its labels and comments in both Danish and English; the page
language only decides which comes first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from pob.graph.labels import LANGS, Link, Namer, Text, pick, text

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_KINDS = {
    OWL.ObjectProperty: "object",
    OWL.DatatypeProperty: "datatype",
    OWL.AnnotationProperty: "annotation",
    RDF.Property: "property",
}


@dataclass(frozen=True)
class TermDoc:
    link: Link
    anchor: str
    kind: str  # class | object | datatype | annotation | property
    labels: tuple[Text, ...]  # one per language, page language first
    comments: tuple[Text, ...]
    supers: tuple[Link, ...]
    subs: tuple[Link, ...]
    domains: tuple[Link, ...] = ()
    ranges: tuple[Link, ...] = ()
    inverses: tuple[Link, ...] = ()
    instances: tuple[Link, ...] = ()
    shapes: tuple[Link, ...] = ()
    ours: bool = True


@dataclass(frozen=True)
class ConceptDoc:
    link: Link
    notation: str | None
    definition: Text | None


@dataclass(frozen=True)
class SchemeDoc:
    link: Link
    label: Text
    description: Text | None
    concepts: tuple[ConceptDoc, ...]


@dataclass(frozen=True)
class OntologyDoc:
    iri: str
    title: Text
    description: Text | None
    version: str | None
    modified: str | None
    license: str | None
    classes: tuple[TermDoc, ...]
    properties: tuple[TermDoc, ...]
    reused: tuple[TermDoc, ...]
    schemes: tuple[SchemeDoc, ...]


def bilingual(
    graph: Graph, node: Node, predicates: tuple[URIRef, ...], lang: str
) -> tuple[Text, ...]:
    out: list[Text] = []
    for want in (lang, *(x for x in LANGS if x != lang)):
        for p in predicates:
            found = [
                o
                for o in graph.objects(node, p)
                if isinstance(o, Literal) and (o.language or "").split("-")[0] == want
            ]
            if found:
                out.append(text(min(found, key=str)))
                break
    return tuple(out)


class _Doc:
    def __init__(self, ontology: Graph, data: Graph, shapes: Graph, base: str, lang: str):
        self.o, self.data, self.shapes, self.base, self.lang = ontology, data, shapes, base, lang
        self.ns = f"{base}ontology#"
        self.namer = Namer(data, base)

    def links(self, nodes: Iterable[Node]) -> tuple[Link, ...]:
        found = {n for n in nodes if isinstance(n, URIRef)}
        links = (self.namer.link(n, self.lang) for n in found)
        return tuple(sorted(links, key=self.namer.sort_key))

    def term(self, node: URIRef, kind: str) -> TermDoc:
        o, ours = self.o, str(node).startswith(self.ns)
        sub_p = RDFS.subClassOf if kind == "class" else RDFS.subPropertyOf
        inverses = {*o.objects(node, OWL.inverseOf), *o.subjects(OWL.inverseOf, node)}
        return TermDoc(
            link=self.namer.link(node, self.lang),
            anchor=str(node)[len(self.ns) :] if ours else (self.namer.curie(str(node)) or ""),
            kind=kind,
            labels=bilingual(o, node, (RDFS.label, SKOS.prefLabel), self.lang),
            comments=bilingual(o, node, (RDFS.comment, SKOS.definition), self.lang),
            supers=self.links(o.objects(node, sub_p)),
            subs=self.links(o.subjects(sub_p, node)),
            domains=self.links(o.objects(node, RDFS.domain)),
            ranges=self.links(o.objects(node, RDFS.range)),
            inverses=self.links(inverses),
            instances=self.links(self.data.subjects(RDF.type, node)) if kind == "class" else (),
            shapes=self.links(self.shapes.subjects(SH.targetClass, node)),
            ours=ours,
        )

    def terms(self) -> tuple[list[TermDoc], list[TermDoc], list[TermDoc]]:
        classes: list[TermDoc] = []
        properties: list[TermDoc] = []
        reused: list[TermDoc] = []
        seen: set[Node] = set()
        for t in CLASS_TYPES:
            for node in self.o.subjects(RDF.type, t):
                if isinstance(node, URIRef) and node not in seen:
                    seen.add(node)
                    doc = self.term(node, "class")
                    (classes if doc.ours else reused).append(doc)
        for t, kind in PROPERTY_KINDS.items():
            for node in self.o.subjects(RDF.type, t):
                if isinstance(node, URIRef) and node not in seen:
                    seen.add(node)
                    doc = self.term(node, kind)
                    (properties if doc.ours else reused).append(doc)
        for docs in (classes, properties, reused):
            docs.sort(key=lambda d: d.anchor.casefold())
        return classes, properties, reused

    def schemes(self) -> list[SchemeDoc]:
        out = []
        for scheme in set(self.o.subjects(RDF.type, SKOS.ConceptScheme)):
            concepts = set(self.o.subjects(SKOS.inScheme, scheme))
            concepts |= set(self.o.subjects(SKOS.topConceptOf, scheme))
            docs = [
                ConceptDoc(
                    self.namer.link(c, self.lang),
                    str(n) if (n := self.o.value(c, SKOS.notation)) is not None else None,
                    self.namer.description(c, self.lang),
                )
                for c in concepts
            ]
            docs.sort(key=lambda d: self.namer.sort_key(d.link))
            out.append(
                SchemeDoc(
                    self.namer.link(scheme, self.lang),
                    self.namer.label(scheme, self.lang),
                    self.namer.description(scheme, self.lang),
                    tuple(docs),
                )
            )
        out.sort(key=lambda s: s.label.value.casefold())
        return out


def ontology_doc(ontology: Graph, data: Graph, shapes: Graph, base: str, lang: str) -> OntologyDoc:
    """The documentation of `ontology`; `data` is the graph the service answers from (the
    ontology included), for labels and each class's instances (asserted or inferred)."""
    doc = _Doc(ontology, data, shapes, base, lang)
    iri = URIRef(f"{base}ontology")
    classes, properties, reused = doc.terms()
    title = pick(ontology.objects(iri, DCTERMS.title), lang)

    def value(p: URIRef) -> str | None:
        v = ontology.value(iri, p)
        return None if v is None else str(v)

    return OntologyDoc(
        iri=str(iri),
        title=text(title) if title is not None else Text("POB ontology"),
        description=doc.namer.description(iri, lang),
        version=value(OWL.versionInfo),
        modified=value(DCTERMS.modified),
        license=value(DCTERMS.license),
        classes=tuple(classes),
        properties=tuple(properties),
        reused=tuple(reused),
        schemes=tuple(doc.schemes()),
    )
