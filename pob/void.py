"""The VoID description of the knowledge graph, served at ``/.well-known/void``.

:func:`void_graph` counts what is in the graph it is given (the union the endpoint answers
from): triples, entities, distinct subjects and objects, classes and properties, with a
class partition (instances per class) and a property partition (triples per property), and
links the SPARQL endpoint, the RDF dumps of the :class:`~pob.dumps.DumpManifest` and the
vocabularies used.

Definitions (VoID 2011, §4.5-4.6): an *entity* is an IRI subject inside ``void:uriSpace``
(``{base}id/``); a class partition's ``void:entities`` counts the distinct subjects typed with
the class (asserted or inferred, whichever the graph holds); ``void:distinctObjects`` counts
IRIs, blank nodes and literals alike.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, XSD

from pob.dumps import DumpManifest, normalise_public_url
from pob.iri import normalise_base, term
from pob.namespaces import INSTANCE_PATHS, VOID, prefixes

CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
DUMP_FORMATS = {
    "text/turtle": FORMATS.Turtle,
    "application/n-triples": FORMATS["N-Triples"],
    "application/ld+json": FORMATS["JSON-LD"],
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


def void_graph(manifest: DumpManifest, graph: Graph, base: str, public_url: str) -> Graph:
    """The VoID description of `graph` (the union of graphs the endpoint serves)."""
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

    subjects = set(graph.subjects())
    predicates: Counter[URIRef] = Counter(p for _, p, _ in graph if isinstance(p, URIRef))
    classes = {o for o in graph.objects(None, RDF.type)}
    add(ds, VOID.triples, count(len(graph)))
    add(ds, VOID.entities, count(
        sum(1 for s in subjects if isinstance(s, URIRef) and str(s).startswith(f"{base}id/"))
    ))  # fmt: skip
    add(ds, VOID.distinctSubjects, count(len(subjects)))
    add(ds, VOID.distinctObjects, count(len(set(graph.objects()))))
    add(ds, VOID.classes, count(len(classes)))
    add(ds, VOID.properties, count(len(predicates)))
    for cls in sorted(c for c in classes if isinstance(c, URIRef)):
        part = _partition_iri(doc, "class", cls)
        add(ds, VOID.classPartition, part)
        add(part, VOID["class"], cls)
        add(part, VOID.entities, count(len(set(graph.subjects(RDF.type, cls)))))
    for prop in sorted(predicates):
        part = _partition_iri(doc, "property", prop)
        add(ds, VOID.propertyPartition, part)
        add(part, VOID.property, prop)
        add(part, VOID.triples, count(predicates[prop]))

    instance_ns = {base + path for path in INSTANCE_PATHS.values()}
    namespaces = [ns for ns in prefixes(base).values() if ns not in instance_ns]
    used = set(predicates) | {c for c in classes if isinstance(c, URIRef)}
    for vocab in sorted({vocabulary_of(t, namespaces) for t in used}):
        add(ds, VOID.vocabulary, vocab)
    for example in example_resources(graph, base):
        add(ds, VOID.exampleResource, example)
    return out
