"""Describe one resource of the knowledge graph for a page, and for RDF clients.

:class:`GraphView` holds the graphs the service answers from, split into what is asserted
(the ontology, the curated data, accepted submissions, …) and what the OWL 2 RL closure
added (the ``inferred`` graph), plus the SHACL shapes. :func:`describe` gathers what a
resource page shows: label and description in a language, types (inferred ones marked),
every property with its values, incoming links, the sources behind its facts (its own
``dct:source`` and those of the qualified nodes about it, as ``queries/sources-behind.rq``
does), the node shapes that target its classes, its scheme (a SKOS concept), its concepts
(a scheme) or its instances (a class). :func:`resource_graph` is the RDF a client gets.

The view holds only the curated graphs (and what describes the other graphs); the rest of
the store (submissions, loaded graphs: any size) is never loaded. :func:`fetch_resource`
gets what a page needs of one resource from those graphs with one SPARQL CONSTRUCT (its
triples, blank nodes and parts two levels deep, up to :data:`MAX_INCOMING` + 1 incoming
links, the labels of its neighbours) and :func:`with_triples` adds them to a copy of the
view for that one request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from pob.core import formats, texts
from pob.core.links import web_href
from pob.graph.iri import normalise_base, term
from pob.graph.labels import Link, Namer, Text
from pob.graph.namespaces import ORG, SCHEMA, bind_all
from pob.store.base import Dataset, TrustedQuery

if TYPE_CHECKING:
    from pob.store.base import Store

MAX_INCOMING = 500
CLASS_TYPES = (OWL.Class, RDFS.Class)
#: predicates shown first, in this order
FIRST = (SKOS.prefLabel, RDFS.label, DCTERMS.title, DCTERMS.description, SKOS.definition)


@dataclass
class GraphView:
    """The graphs a page reads: asserted ∪ inferred, and the shapes."""

    base: str
    asserted: Graph
    inferred: Graph
    shapes: Graph
    union: Graph = field(init=False)
    namer: Namer = field(init=False)
    local: dict[str, str] | None = None

    def __post_init__(self) -> None:
        self.base = normalise_base(self.base)
        self.union = bind_all(Graph(), self.base)
        self.union += self.asserted
        self.union += self.inferred
        self.namer = Namer(self.union, self.base, self.local)

    @classmethod
    def from_graphs(
        cls,
        graphs: Mapping[str, Graph],
        base: str,
        inferred: str,
        shapes: Graph | None = None,
        local: dict[str, str] | None = None,
    ) -> GraphView:
        """From named graphs (IRI -> graph); `inferred` names the closure's graph."""
        asserted = Graph()
        for name, graph in graphs.items():
            if name != inferred:
                asserted += graph
        closure = graphs.get(inferred, Graph())
        return cls(base, asserted, closure, shapes if shapes is not None else Graph(), local)

    def knows(self, iri: str) -> bool:
        node = URIRef(iri)
        return (node, None, None) in self.union or (None, None, node) in self.union

    def is_inferred(self, s: Node, p: Node, o: Node) -> bool:
        return (s, p, o) not in self.asserted


@dataclass(frozen=True)
class Value:
    """One value of a property: a link or a literal (with its datatype), or a blank node's
    own properties (`nested`)."""

    link: Link | None = None
    text: Text | None = None
    datatype: str | None = None
    inferred: bool = False
    nested: tuple[Property, ...] = ()
    items: tuple[Value, ...] = ()  # an RDF list


@dataclass(frozen=True)
class Property:
    predicate: Link
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Typed:
    link: Link
    inferred: bool


@dataclass(frozen=True)
class SourceRef:
    """A source behind facts about the resource; `via` the qualified nodes that cite it."""

    link: Link
    title: Text
    url: str | None
    version: str | None
    own: bool
    via: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Incoming:
    predicate: Link
    subjects: tuple[Link, ...]
    inferred: tuple[bool, ...]


@dataclass(frozen=True)
class Edge:
    """One line of the neighbourhood picture: `subject` --predicate--> `object`."""

    subject: Link
    predicate: Link
    object: Link
    inferred: bool


@dataclass(frozen=True)
class Resource:
    iri: str
    link: Link
    label: Text
    description: Text | None
    types: tuple[Typed, ...]
    properties: tuple[Property, ...]
    incoming: tuple[Incoming, ...]
    incoming_cut: bool
    sources: tuple[SourceRef, ...]
    shapes: tuple[Link, ...]
    schemes: tuple[Link, ...]
    members: tuple[Link, ...]  # concepts of a scheme or instances of a class
    members_kind: str | None  # "concepts" | "instances" | None
    sparql: str

    def neighbourhood(self, limit: int = 40) -> tuple[Edge, ...]:
        """Links to and from the resource (web IRIs only), at most `limit`."""
        edges: list[Edge] = []
        for prop in self.properties:
            for v in prop.values:
                if v.link is not None and v.link.href is not None:
                    edges.append(Edge(self.link, prop.predicate, v.link, v.inferred))
        for inc in self.incoming:
            for subject, inferred in zip(inc.subjects, inc.inferred, strict=True):
                if subject.href is not None:
                    edges.append(Edge(subject, inc.predicate, self.link, inferred))
        return tuple(edges[:limit])


def _value(view: GraphView, s: Node, p: Node, o: Node, lang: str, depth: int = 0) -> Value:
    inferred = view.is_inferred(s, p, o)
    if isinstance(o, Literal):
        datatype = view.namer.curie(str(o.datatype)) if o.datatype else None
        return Value(text=Text(str(o), o.language), datatype=datatype, inferred=inferred)
    if isinstance(o, BNode) and depth < 2:
        if (o, RDF.first, None) in view.union:
            items = tuple(
                _value(view, o, RDF.first, item, lang, depth + 1)
                for item in Collection(view.union, o)
            )
            return Value(items=items, inferred=inferred)
        return Value(nested=_properties(view, o, lang, depth + 1), inferred=inferred)
    return Value(link=view.namer.link(o, lang), inferred=inferred)


def _properties(view: GraphView, node: Node, lang: str, depth: int = 0) -> tuple[Property, ...]:
    namer = view.namer
    out: list[Property] = []
    for p in sorted(set(view.union.predicates(node)), key=str):
        if p == RDF.type and depth == 0:
            continue
        values = [_value(view, node, p, o, lang, depth) for o in view.union.objects(node, p)]
        values.sort(key=lambda v: _value_order(v, lang))
        out.append(Property(namer.link(p, lang), tuple(values)))
    first = {str(x): i for i, x in enumerate(FIRST)}
    out.sort(key=lambda pr: (first.get(pr.predicate.iri, len(first)), namer.sort_key(pr.predicate)))
    return tuple(out)


def _value_order(v: Value, lang: str) -> tuple[str, int, str]:
    """Links by label; literals in the page language first, then the other, then the rest."""
    if v.link is not None:
        return v.link.label.value.casefold(), 0, v.link.iri
    tag = (v.text.lang or "") if v.text else ""
    rank = 0 if tag == lang else 1 if tag in texts.LANGUAGES else 2
    return "", rank, v.text.value if v.text else ""


def _incoming(view: GraphView, node: URIRef, lang: str) -> tuple[tuple[Incoming, ...], bool]:
    groups: dict[Node, list[tuple[Link, bool]]] = {}
    pairs = sorted(view.union.subject_predicates(node), key=lambda sp: (str(sp[1]), str(sp[0])))
    for s, p in pairs[:MAX_INCOMING]:
        groups.setdefault(p, []).append((view.namer.link(s, lang), view.is_inferred(s, p, node)))
    cut = len(pairs) > MAX_INCOMING
    out = []
    for p, items in groups.items():
        items.sort(key=lambda it: view.namer.sort_key(it[0]))
        out.append(
            Incoming(
                view.namer.link(p, lang),
                tuple(link for link, _ in items),
                tuple(inf for _, inf in items),
            )
        )
    out.sort(key=lambda inc: view.namer.sort_key(inc.predicate))
    return tuple(out), cut


def qualified_nodes(view: GraphView, node: URIRef) -> list[Node]:
    """The qualified nodes about `node` (memberships, conclusions, grants)."""
    g, pob = view.union, (lambda name: term(name, view.base))
    found: list[Node] = []
    for p in (ORG.organization, ORG.member):
        found += [s for s in g.subjects(p, node) if (s, RDF.type, ORG.Membership) in g]
    found += [s for s in g.subjects(pob("conclusionOf"), node)]
    for p in (SCHEMA.fundedItem, SCHEMA.funder):
        found += [s for s in g.subjects(p, node) if (s, RDF.type, pob("Grant")) in g]
    return sorted(set(found), key=str)


def _sources(view: GraphView, node: URIRef, lang: str) -> tuple[SourceRef, ...]:
    g, namer = view.union, view.namer
    cited: dict[Node, list[Node]] = {}
    for n in [node, *qualified_nodes(view, node)]:
        for src in g.objects(n, DCTERMS.source):
            cited.setdefault(src, []).append(n)
    out = []
    for src, nodes in cited.items():
        url = g.value(src, SCHEMA.url)
        title = g.value(src, DCTERMS.title)
        version = g.value(src, DCTERMS.date)
        via = tuple(sorted((namer.link(n, lang) for n in nodes if n != node), key=namer.sort_key))
        out.append(
            SourceRef(
                namer.link(src, lang),
                Text(str(title), getattr(title, "language", None))
                if title is not None
                else namer.label(src, lang),
                web_href(str(url)) if url is not None else None,
                str(version) if version is not None else None,
                node in nodes,
                via,
            )
        )
    out.sort(key=lambda s: (not s.own, s.title.value.casefold()))
    return tuple(out)


def _shapes(view: GraphView, types: list[Node], node: URIRef, lang: str) -> tuple[Link, ...]:
    found: set[Node] = set()
    for cls in types:
        found.update(view.shapes.subjects(SH.targetClass, cls))
    found.update(view.shapes.subjects(SH.targetNode, node))
    namer = Namer(view.shapes, view.base, view.namer.local)
    return tuple(sorted((namer.link(s, lang) for s in found), key=lambda lk: lk.iri))


def _members(view: GraphView, node: URIRef, lang: str) -> tuple[tuple[Link, ...], str | None]:
    g = view.union
    if (node, RDF.type, SKOS.ConceptScheme) in g:
        concepts = set(g.subjects(SKOS.inScheme, node)) | set(g.subjects(SKOS.topConceptOf, node))
        links = [view.namer.link(c, lang) for c in concepts]
        return tuple(sorted(links, key=view.namer.sort_key)), "concepts"
    if any((node, RDF.type, t) in g for t in CLASS_TYPES) or (None, RDF.type, node) in g:
        links = [view.namer.link(s, lang) for s in set(g.subjects(RDF.type, node))]
        return tuple(sorted(links, key=view.namer.sort_key)), "instances"
    return (), None


def describe(view: GraphView, iri: str, lang: str) -> Resource:
    """What a page about `iri` shows, in `lang` (da or en) where the graph has it."""
    node = URIRef(iri)
    g, namer = view.union, view.namer
    types = sorted(set(g.objects(node, RDF.type)), key=str)
    typed = [Typed(namer.link(t, lang), view.is_inferred(node, RDF.type, t)) for t in types]
    typed.sort(key=lambda t: (t.inferred, namer.sort_key(t.link)))
    schemes = set(g.objects(node, SKOS.inScheme)) | set(g.objects(node, SKOS.topConceptOf))
    incoming, cut = _incoming(view, node, lang)
    members, kind = _members(view, node, lang)
    return Resource(
        iri=iri,
        link=namer.link(node, lang),
        label=namer.label(node, lang),
        description=namer.description(node, lang),
        types=tuple(typed),
        properties=_properties(view, node, lang),
        incoming=incoming,
        incoming_cut=cut,
        sources=_sources(view, node, lang),
        shapes=_shapes(view, types, node, lang),
        schemes=tuple(sorted((namer.link(s, lang) for s in schemes), key=namer.sort_key)),
        members=members,
        members_kind=kind,
        sparql=f"DESCRIBE <{iri}>",
    )


def _closure(source: Graph, target: Graph, node: Node, seen: set[Node], below: str) -> None:
    """The triples of `node`, following blank nodes and IRIs under `below` (its parts)."""
    for s, p, o in source.triples((node, None, None)):
        target.add((s, p, o))
        part = isinstance(o, BNode) or (isinstance(o, URIRef) and o.startswith(below))
        if part and o not in seen:
            seen.add(o)
            _closure(source, target, o, seen, below)


def resource_graph(view: GraphView, iri: str, inference: bool = True) -> Graph:
    """The RDF about `iri`: its triples (blank nodes and its parts followed: the IRIs under
    ``{iri}/``, such as a dataset's distributions), the triples pointing at it, and the
    labels of the nodes on the other side. Without `inference`: asserted only."""
    source = view.union if inference else view.asserted
    node = URIRef(iri)
    out = bind_all(Graph(), view.base)
    _closure(source, out, node, {node}, iri + "/")
    neighbours: set[Node] = {o for o in out.objects() if isinstance(o, URIRef)}
    for s, p in source.subject_predicates(node):
        out.add((s, p, node))
        neighbours.add(s)
    for n in neighbours - {node}:
        for predicate in (RDFS.label, SKOS.prefLabel):
            for label in source.objects(n, predicate):
                out.add((n, predicate, label))
    return out


def national_network(view: GraphView) -> URIRef | None:
    """The national network the graph is about: the national initiative with a final
    report (else the first national initiative)."""
    g, pob = view.union, (lambda name: term(name, view.base))
    networks = sorted(
        (n for n in g.subjects(RDF.type, pob("NationalInitiative")) if isinstance(n, URIRef)),
        key=lambda n: ((None, pob("finalReportOf"), n) not in g, str(n)),
    )
    return networks[0] if networks else None


def resource_query(iri: str, graphs: Sequence[str]) -> str:
    """The CONSTRUCT that gets what a page about `iri` needs from the named `graphs`.

    Every pattern is anchored on `iri` inside one named graph given by its IRI (a block
    per graph, joined by UNION), so the engine answers from its indexes: the cost is that
    of the resource (its triples, at most :data:`MAX_INCOMING` + 1 incoming links per
    graph, the labels of its direct neighbours in the same graph), not of the store.
    Oxigraph evaluates ``VALUES ?g {…} GRAPH ?g {…}`` or ``GRAPH ?g`` with a filter by
    scanning: 1.9 s at 0.5 M triples against 0.8 ms for the same work written per graph
    (docs/performance.md, "Page cost and store size")."""
    x = f"<{iri}>"
    labels = f"<{RDFS.label}>, <{SKOS.prefLabel}>"
    part = f'isBlank(?o) || STRSTARTS(STR(?o), "{iri}/")'
    body = (
        f"{{ {x} ?p ?o OPTIONAL {{ ?o ?p2 ?o2 FILTER({part}) "
        f"OPTIONAL {{ ?o2 ?p3 ?o3 FILTER(isBlank(?o2)) }} }} }}\n"
        f"  UNION {{ {{ SELECT ?s ?q WHERE {{ ?s ?q {x} }} LIMIT {MAX_INCOMING + 1} }} "
        f"OPTIONAL {{ ?s ?sl ?sv FILTER(?sl IN ({labels})) }} }}\n"
        f"  UNION {{ {x} ?a ?n . ?n ?nl ?nv FILTER(?nl IN ({labels})) }}"
    )
    blocks = "\nUNION ".join(f"{{ GRAPH <{g}> {{ {body} }} }}" for g in graphs)
    return (
        f"CONSTRUCT {{ {x} ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 . ?s ?q {x} . ?s ?sl ?sv . "
        f"?n ?nl ?nv }}\nWHERE {{ {blocks} }}"
    )


async def fetch_resource(store: Store, iri: str, graphs: Sequence[str]) -> Graph:
    """What a page about `iri` needs from `graphs` (graphs the view does not hold): a
    point lookup, so it may take the store's fast lane when the pool is busy."""
    out = Graph()
    if not graphs:
        return out
    query = TrustedQuery(resource_query(iri, graphs), "CONSTRUCT", cheap=True)
    result = await store.query(query, Dataset(), formats.NTRIPLES, None)
    return out.parse(data=result.read(), format="nt")


def with_triples(view: GraphView, extra: Graph) -> GraphView:
    """A copy of `view` whose asserted triples include `extra` (one request's view)."""
    if len(extra) == 0:
        return view
    asserted = Graph()
    asserted += view.asserted
    asserted += extra
    return GraphView(view.base, asserted, view.inferred, view.shapes, view.local)
