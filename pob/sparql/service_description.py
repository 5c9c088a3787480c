"""The SPARQL 1.1 Service Description of the endpoint (GET /sparql without a query)."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from pob.core import formats
from pob.graph.namespaces import SD, VOID, bind_all

W3F = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
OWL_PROFILE = Namespace("http://www.w3.org/ns/owl-profile/")

#: media type -> W3C format IRI
FORMAT_IRIS: dict[str, URIRef] = {
    formats.JSON: W3F.SPARQL_Results_JSON,
    formats.XML: W3F.SPARQL_Results_XML,
    formats.CSV: W3F.SPARQL_Results_CSV,
    formats.TSV: W3F.SPARQL_Results_TSV,
    formats.TURTLE: W3F.Turtle,
    formats.NTRIPLES: W3F["N-Triples"],
    formats.JSONLD: W3F["JSON-LD"],
    formats.RDFXML: W3F.RDF_XML,
    formats.TRIG: W3F.TriG,
    formats.NQUADS: W3F["N-Quads"],
}
#: the media types the description itself is offered in
DESCRIPTION_TYPES: tuple[str, ...] = (
    formats.TURTLE,
    formats.JSONLD,
    formats.RDFXML,
    formats.NTRIPLES,
)


def service_description(
    endpoint: str, base: str, counts: Mapping[str, int], inferred: str | None = None
) -> Graph:
    """sd:Service for `endpoint`, with the default dataset: every named graph and its size."""
    graph = bind_all(Graph(), base)
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", W3F)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT["OWL-RDF-Based"]))
    graph.add((service, SD.defaultSupportedEntailmentProfile, OWL_PROFILE.RL))
    graph.add((service, DCTERMS.title, Literal("POB Knowledge Graph – SPARQL endpoint", lang="en")))
    graph.add((service, DCTERMS.title, Literal("POB-vidensgraf – SPARQL-endepunkt", lang="da")))
    graph.add(
        (
            service,
            RDFS.comment,
            Literal(
                "Read-only. The default graph is the union of all named graphs, including "
                "the OWL 2 RL inferred graph; inference=false (or default-graph-uri) leaves "
                "it out. A graph named in default-graph-uri, named-graph-uri, FROM or FROM "
                "NAMED that this store does not hold is an empty graph: nothing is ever "
                "fetched. SERVICE, LOAD and SPARQL Update are refused.",
                lang="en",
            ),
        )
    )
    graph.add(
        (
            service,
            RDFS.comment,
            Literal(
                "Kun læsning. Standardgrafen er foreningen af alle navngivne grafer, også den "
                "udledte OWL 2 RL-graf; inference=false (eller default-graph-uri) udelader "
                "den. En graf, der nævnes i default-graph-uri, named-graph-uri, FROM eller "
                "FROM NAMED, og som lageret ikke har, er en tom graf: intet hentes nogensinde. "
                "SERVICE, LOAD og SPARQL Update afvises.",
                lang="da",
            ),
        )
    )
    for iri in FORMAT_IRIS.values():
        graph.add((service, SD.resultFormat, iri))
    dataset, default = BNode(), BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, RDFS.comment, Literal("the union of the named graphs", lang="en")))
    for name, count in sorted(counts.items()):
        named, described = BNode(), BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(count)))
        if name == inferred:
            graph.add((named, SD.entailmentRegime, ENTAILMENT["OWL-RDF-Based"]))
    return graph


def serialise(graph: Graph, media_type: str) -> bytes:
    return graph.serialize(format=str(formats.syntax(media_type).rdflib_writer), encoding="utf-8")
