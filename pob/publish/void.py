"""The VoID description of the knowledge graph, served at ``/.well-known/void``.

:func:`void_graph` counts what is in the graph it is given (the union the endpoint answers
from): triples, entities, distinct subjects and objects, classes and properties, with a
class partition (instances per class) and a property partition (triples per property), and
links the SPARQL endpoint, the RDF dumps of the :class:`~pob.publish.dumps.DumpManifest` and the
vocabularies used.

Definitions (VoID 2011, §4.5-4.6): an *entity* is an IRI subject inside ``void:uriSpace``
(``{base}id/``); a class partition's ``void:entities`` counts the distinct subjects typed with
the class (asserted or inferred, whichever the graph holds); ``void:distinctObjects`` counts
IRIs, blank nodes and literals alike; ``void:triples`` counts a triple in several graphs once.

The figures are a :class:`VoidStats`: the service asks the store for them with SPARQL
aggregate queries (:func:`store_stats`, over the union of every graph, so the server never
holds a big graph); :func:`graph_stats` computes the same from an rdflib graph (tests, small
graphs).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, XSD

from pob.core import formats
from pob.graph.iri import normalise_base, term
from pob.graph.namespaces import VOID
from pob.graph.prefixes import INSTANCE_PATHS, prefixes
from pob.publish.manifest import DumpManifest, normalise_public_url

if TYPE_CHECKING:
    from pob.store.base import Store

CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: the W3C format IRIs of the RDF dumps (pob.core.formats)
DUMP_FORMATS = {
    s.media_type: URIRef(s.w3c_iri)
    for s in (formats.TURTLE_SYNTAX, formats.NTRIPLES_SYNTAX, formats.JSONLD_SYNTAX)
    if s.w3c_iri
}


def _partition_iri(doc: str, kind: str, iri: URIRef) -> URIRef:
    return URIRef(f"{doc}#{kind}-{hashlib.sha256(str(iri).encode()).hexdigest()[:12]}")


def vocabulary_of(iri: URIRef, namespaces: list[str]) -> URIRef:
    """The vocabulary a term belongs to: its known namespace (longest match) or its own.

    ``#`` namespaces give the vocabulary document (``…/org#`` → ``…/org``, our
    ``{base}ontology#`` → ``{base}ontology``, the owl:Ontology); ``/`` namespaces stay as is.
    """
    text = str(iri)
    known = [ns for ns in namespaces if text.startswith(ns)]
    if known:
        ns = max(known, key=len)
    elif "#" in text:
        ns = text.rsplit("#", 1)[0] + "#"
    else:
        ns = text.rsplit("/", 1)[0] + "/"
    return URIRef(ns[:-1] if ns.endswith("#") else ns)


def example_resources(graph: Graph, base: str) -> list[URIRef]:
    """A municipality, the national network and its main report, if the graph has them."""
    pob = lambda name: term(name, base)  # noqa: E731
    out: list[URIRef] = []
    municipalities = sorted(
        (s for s in graph.subjects(RDF.type, pob("Municipality")) if isinstance(s, URIRef)),
        key=str,
    )
    out += municipalities[:1]
    finals = sorted(
        (r, n)
        for r, n in graph.subject_objects(pob("finalReportOf"))
        if isinstance(r, URIRef) and isinstance(n, URIRef)
    )
    if finals:
        report, network = finals[0]
        out += [network, report]
    else:
        networks = sorted(
            (
                s
                for s in graph.subjects(RDF.type, pob("NationalInitiative"))
                if isinstance(s, URIRef)
            ),
            key=str,
        )
        out += networks[:1]
    return out


@dataclass(frozen=True)
class VoidStats:
    """The figures of the VoID description."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: int  # distinct objects of rdf:type (of any kind)
    class_entities: Mapping[URIRef, int]  # IRI class -> distinct subjects typed with it
    property_triples: Mapping[URIRef, int]  # IRI predicate -> triples
    examples: tuple[URIRef, ...]


def graph_stats(graph: Graph, base: str) -> VoidStats:
    """The figures of an rdflib graph."""
    base = normalise_base(base)
    subjects = set(graph.subjects())
    predicates: Counter[URIRef] = Counter(p for _, p, _ in graph if isinstance(p, URIRef))
    classes = set(graph.objects(None, RDF.type))
    return VoidStats(
        triples=len(graph),
        entities=sum(
            1 for s in subjects if isinstance(s, URIRef) and str(s).startswith(f"{base}id/")
        ),
        distinct_subjects=len(subjects),
        distinct_objects=len(set(graph.objects())),
        classes=len(classes),
        class_entities={
            c: len(set(graph.subjects(RDF.type, c))) for c in classes if isinstance(c, URIRef)
        },
        property_triples=dict(predicates),
        examples=tuple(example_resources(graph, base)),
    )


def stats_queries(base: str, graph: str) -> dict[str, str]:
    """The SPARQL queries :func:`store_stats` runs on one named graph (its IRI written in
    each, so the engine reads that graph's indexes only)."""
    base = normalise_base(base)
    g = f"<{graph}>"
    return {
        "properties": f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }} "
        "GROUP BY ?p",
        "subjects": f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}",
        "entities": f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}id/")) }}',
        "objects": f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}",
        "classes": f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {g} "
        f"{{ ?s <{RDF.type}> ?c }} }} GROUP BY ?c",
    }


def _int(row: dict[str, Any]) -> int:
    return int(row["n"]["value"]) if "n" in row else 0


async def store_stats(store: Store, base: str, graph: str) -> VoidStats:
    """The figures of one named graph of `store`, from SPARQL aggregate queries run as
    background work (:meth:`Store.background_select`: not under the public query
    timeout). No example resources: those come from the curated graphs."""
    q = stats_queries(base, graph)
    properties = {
        URIRef(r["p"]["value"]): _int(r)
        for r in await store.background_select(q["properties"])
        if r.get("p", {}).get("type") == "uri"
    }
    classes = await store.background_select(q["classes"])
    one: dict[str, dict[str, Any]] = {}
    for name in ("subjects", "entities", "objects"):
        rows = await store.background_select(q[name])
        one[name] = rows[0] if rows else {}
    return VoidStats(
        triples=sum(properties.values()),
        entities=_int(one["entities"]),
        distinct_subjects=_int(one["subjects"]),
        distinct_objects=_int(one["objects"]),
        classes=len(classes),
        class_entities={
            URIRef(r["c"]["value"]): _int(r) for r in classes if r["c"]["type"] == "uri"
        },
        property_triples=properties,
        examples=(),
    )


def merge_stats(parts: Sequence[VoidStats]) -> VoidStats:
    """The figures of several graphs together, as sums: a triple, subject or object found
    in two of them counts in each (what can be added up per graph without reading the
    others again; the curated graphs are one part, counted together)."""
    classes: Counter[URIRef] = Counter()
    properties: Counter[URIRef] = Counter()
    for part in parts:
        classes.update(part.class_entities)
        properties.update(part.property_triples)
    other_classes = sum(p.classes - len(p.class_entities) for p in parts)  # blank-node classes
    return VoidStats(
        triples=sum(p.triples for p in parts),
        entities=sum(p.entities for p in parts),
        distinct_subjects=sum(p.distinct_subjects for p in parts),
        distinct_objects=sum(p.distinct_objects for p in parts),
        classes=len(classes) + other_classes,
        class_entities=dict(classes),
        property_triples=dict(properties),
        examples=tuple(e for p in parts for e in p.examples),
    )


def void_graph(manifest: DumpManifest, graph: Graph, base: str, public_url: str) -> Graph:
    """The VoID description of `graph` (the union of graphs the endpoint serves)."""
    return void_from_stats(manifest, graph_stats(graph, base), base, public_url)


def void_from_stats(manifest: DumpManifest, stats: VoidStats, base: str, public_url: str) -> Graph:
    """The VoID description with the figures `stats`."""
    base = normalise_base(base)
    url = normalise_public_url(public_url)
    doc = f"{url}/.well-known/void"
    ds = URIRef(f"{doc}#dataset")
    out = Graph()
    for prefix, ns in (("void", VOID), ("dct", DCTERMS), ("foaf", FOAF), ("xsd", XSD)):
        out.bind(prefix, ns)

    def add(s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        out.add((s, p, o))

    def count(n: int) -> Literal:
        return Literal(n, datatype=XSD.integer)

    add(URIRef(doc), RDF.type, VOID.DatasetDescription)
    add(URIRef(doc), DCTERMS.title, Literal("VoID-beskrivelse af POB-vidensgrafen", lang="da"))
    add(
        URIRef(doc),
        DCTERMS.title,
        Literal("VoID description of the POB Knowledge Graph", lang="en"),
    )
    add(URIRef(doc), FOAF.primaryTopic, ds)

    add(ds, RDF.type, VOID.Dataset)
    add(ds, DCTERMS.title, Literal("POB-vidensgrafen", lang="da"))
    add(ds, DCTERMS.title, Literal("POB Knowledge Graph", lang="en"))
    add(ds, DCTERMS.description, Literal(
        "Ontologi, kuraterede data, afledte tripler og godkendte indsendelser, som "
        "SPARQL-endpointet svarer ud fra.", lang="da"))  # fmt: skip
    add(ds, DCTERMS.description, Literal(
        "Ontology, curated data, inferred triples and accepted submissions, as the SPARQL "
        "endpoint answers from them.", lang="en"))  # fmt: skip
    add(ds, DCTERMS.license, CC_BY_4)
    add(ds, DCTERMS.modified, Literal(manifest.modified, datatype=XSD.dateTime))
    add(ds, FOAF.homepage, URIRef(f"{url}/"))
    add(ds, RDFS.seeAlso, URIRef(f"{url}/catalog"))
    add(ds, VOID.sparqlEndpoint, URIRef(f"{url}/sparql"))
    add(ds, VOID.uriSpace, Literal(f"{base}id/"))
    for f in manifest.files:
        if f.media_type in DUMP_FORMATS:
            dump = URIRef(manifest.download_url(f))
            add(ds, VOID.dataDump, dump)
            add(dump, DCTERMS["format"], DUMP_FORMATS[f.media_type])
    for fmt in sorted(
        {DUMP_FORMATS[f.media_type] for f in manifest.files if f.media_type in DUMP_FORMATS}
    ):
        add(ds, VOID.feature, fmt)

    add(ds, VOID.triples, count(stats.triples))
    add(ds, VOID.entities, count(stats.entities))
    add(ds, VOID.distinctSubjects, count(stats.distinct_subjects))
    add(ds, VOID.distinctObjects, count(stats.distinct_objects))
    add(ds, VOID.classes, count(stats.classes))
    add(ds, VOID.properties, count(len(stats.property_triples)))
    for cls in sorted(stats.class_entities):
        part = _partition_iri(doc, "class", cls)
        add(ds, VOID.classPartition, part)
        add(part, VOID["class"], cls)
        add(part, VOID.entities, count(stats.class_entities[cls]))
    for prop in sorted(stats.property_triples):
        part = _partition_iri(doc, "property", prop)
        add(ds, VOID.propertyPartition, part)
        add(part, VOID.property, prop)
        add(part, VOID.triples, count(stats.property_triples[prop]))

    instance_ns = {base + path for path in INSTANCE_PATHS.values()}
    namespaces = [ns for ns in prefixes(base).values() if ns not in instance_ns]
    used = set(stats.property_triples) | set(stats.class_entities)
    for vocab in sorted({vocabulary_of(t, namespaces) for t in used}):
        add(ds, VOID.vocabulary, vocab)
    for example in stats.examples:
        add(ds, VOID.exampleResource, example)
    return out
