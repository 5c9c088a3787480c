"""Texts for people: labels and descriptions in a language, prefixed names, links.

A page shows each node by its label in the page's language (Danish or English), else the
other one, else an untagged one, else any, else its prefixed name (``org:member``). Our own
terms carry labels in ``ontology/``; the reused terms a page shows get theirs from
``pob/labels.ttl`` (display labels only, never served as data).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS
from rdflib.term import Node

from pob.core.links import web_href
from pob.core.texts import LANGUAGES
from pob.graph.namespaces import SCHEMA
from pob.graph.prefixes import prefixes

LANGS = LANGUAGES
LABELS = (SKOS.prefLabel, RDFS.label, DCTERMS.title, FOAF.name, SCHEMA.name)
DESCRIPTIONS = (DCTERMS.description, SKOS.definition, RDFS.comment)
_LABELS_FILE = Path(__file__).with_name("labels.ttl")


@dataclass(frozen=True)
class Text:
    """A piece of text and its language tag (None: no tag)."""

    value: str
    lang: str | None = None


@dataclass(frozen=True)
class Link:
    """A node as a page shows it: `href` is a page here for our IRIs, the IRI otherwise
    (None for a blank node, a literal or an IRI that is no web address)."""

    iri: str
    label: Text
    href: str | None
    local: bool = False
    curie: str | None = None


@cache
def display_labels() -> Graph:
    return Graph().parse(_LABELS_FILE, format="turtle")


def pick(literals: Iterable[Node], lang: str) -> Literal | None:
    """The literal in `lang`, else the other page language, else untagged, else any."""
    found = [o for o in literals if isinstance(o, Literal)]
    if not found:
        return None
    order = [lang, *(x for x in LANGS if x != lang)]

    def rank(lit: Literal) -> tuple[int, str]:
        tag = (lit.language or "").lower().split("-")[0]
        if tag in order:
            return order.index(tag), str(lit)
        return (len(order), str(lit)) if tag == "" else (len(order) + 1, str(lit))

    return min(found, key=rank)


def text(lit: Literal) -> Text:
    return Text(str(lit), lit.language)


class Namer:
    """Labels, prefixed names and hrefs for one graph and one base."""

    def __init__(self, graph: Graph, base: str, local: dict[str, str] | None = None) -> None:
        self.graph = graph
        self.base = base
        self.prefixes = sorted(prefixes(base).items(), key=lambda kv: -len(kv[1]))
        #: IRI prefix -> local path prefix; IRIs under one of them are pages of this service
        self.local = local if local is not None else {base: "/"}

    def curie(self, iri: str) -> str | None:
        for prefix, ns in self.prefixes:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return None

    def href(self, iri: str) -> tuple[str | None, bool]:
        """The page of `iri` here (and True), or the IRI itself (and False); None for an
        IRI that is no web address (``javascript:``, ``data:``, ``mailto:``: shown as
        text, :func:`pob.core.links.web_href`)."""
        for prefix, path in sorted(self.local.items(), key=lambda kv: -len(kv[0])):
            if iri.startswith(prefix):
                rest = iri[len(prefix) :]
                if rest.startswith("graph/"):  # a named graph: read it from the Graph Store
                    return f"{path}store?graph={quote(iri, safe='')}", True
                return web_href(path + rest), True
        return web_href(iri), False

    def label(self, node: Node, lang: str) -> Text:
        for graph in (self.graph, display_labels()):
            for predicate in LABELS:
                found = pick(graph.objects(node, predicate), lang)
                if found is not None:
                    return text(found)
        if isinstance(node, URIRef):
            return Text(self.curie(str(node)) or str(node))
        if isinstance(node, BNode):
            return Text("_:" + str(node))
        return Text(str(node))

    def description(self, node: Node, lang: str) -> Text | None:
        for predicate in DESCRIPTIONS:
            found = pick(self.graph.objects(node, predicate), lang)
            if found is not None:
                return text(found)
        return None

    def link(self, node: Node, lang: str) -> Link:
        if not isinstance(node, URIRef):
            return Link(str(node), self.label(node, lang), None)
        iri = str(node)
        href, local = self.href(iri)
        return Link(iri, self.label(node, lang), href, local, self.curie(iri))

    def sort_key(self, link: Link) -> tuple[str, str]:
        return link.label.value.casefold(), link.iri
