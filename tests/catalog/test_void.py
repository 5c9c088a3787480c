"""The VoID description: its numbers equal counts made independently with SPARQL (Oxigraph)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from pob.publish.manifest import DumpManifest
from pob.publish.void import void_graph

from .conftest import BASE, PUBLIC_URL, fixture_graphs

VOID = Namespace("http://rdfs.org/ns/void#")
DCT = Namespace("http://purl.org/dc/terms/")
DS = URIRef(f"{PUBLIC_URL}/.well-known/void#dataset")


def oxigraph(graph: Graph) -> ox.Store:
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def one(store: ox.Store, query: str) -> int:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return int(next(iter(solutions))["n"].value)


def pairs(store: ox.Store, query: str) -> dict[str, int]:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return {row["k"].value: int(row["n"].value) for row in solutions}


def integer(graph: Graph, subject: Node, predicate: URIRef) -> int:
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal), (subject, predicate)
    return int(value)


def union_of(graphs: dict[str, Graph]) -> Graph:
    out = Graph()
    for g in graphs.values():
        out += g
    return out


@pytest.fixture(scope="module")
def curated_union() -> Graph:
    from pob.graph.curated import curated

    return curated(BASE).merged()


def check_counts(void: Graph, graph: Graph) -> None:
    store = oxigraph(graph)

    def stated(p: URIRef) -> int:
        return integer(void, DS, p)

    assert stated(VOID.triples) == one(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert stated(VOID.distinctSubjects) == one(
        store, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }"
    )
    assert stated(VOID.distinctObjects) == one(
        store, "SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }"
    )
    assert stated(VOID.properties) == one(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }")
    assert stated(VOID.classes) == one(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }")
    assert stated(VOID.entities) == one(
        store,
        f"""SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s ?p ?o
            FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}id/")) }}""",
    )
    classes = pairs(
        store, "SELECT (STR(?c) AS ?k) (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c } GROUP BY ?c"
    )
    stated_classes = {
        str(void.value(part, VOID["class"])): integer(void, part, VOID.entities)
        for part in void.objects(DS, VOID.classPartition)
    }
    assert stated_classes == classes
    props = pairs(store, "SELECT (STR(?p) AS ?k) (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p")
    stated_props = {
        str(void.value(part, VOID.property)): integer(void, part, VOID.triples)
        for part in void.objects(DS, VOID.propertyPartition)
    }
    assert stated_props == props


def test_void_counts_on_the_fixture(small_dumps: tuple[Path, DumpManifest]) -> None:
    graph = union_of(fixture_graphs(2))
    void = void_graph(small_dumps[1], graph, BASE, PUBLIC_URL)
    check_counts(void, graph)
    # and the fixture's numbers counted by hand, so a shared mistake cannot hide:
    # owl:Ontology, owl:Class, 7 classes in the data, 2 inferred ones
    assert integer(void, DS, VOID.classes) == 11
    # 9 things in the data with {base}id/ IRIs, 2 per submission
    assert integer(void, DS, VOID.entities) == 13


def test_void_counts_on_the_curated_graph(
    curated_dumps: tuple[Path, DumpManifest], curated_union: Graph
) -> None:
    void = void_graph(curated_dumps[1], curated_union, BASE, PUBLIC_URL)
    check_counts(void, curated_union)
    assert integer(void, DS, VOID.triples) == len(curated_union)


def test_void_links(small_dumps: tuple[Path, DumpManifest]) -> None:
    manifest = small_dumps[1]
    void = void_graph(manifest, union_of(fixture_graphs(2)), BASE, PUBLIC_URL)
    assert void.value(DS, VOID.sparqlEndpoint) == URIRef(f"{PUBLIC_URL}/sparql")
    assert void.value(DS, VOID.uriSpace) == Literal(f"{BASE}id/")
    assert void.value(DS, DCT.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    dumps = {str(d) for d in void.objects(DS, VOID.dataDump)}
    rdf_files = [f for f in manifest.files if f.media_type != "text/csv"]
    assert dumps == {manifest.download_url(f) for f in rdf_files}
    assert len(rdf_files) == 7  # 3 main, 2 inferred, 2 submissions
    assert set(void.objects(DS, VOID.exampleResource)) == {
        URIRef(BASE + "id/municipality/aarhus"),
        URIRef(BASE + "id/partnership/netvaerk"),
        URIRef(BASE + "id/publication/rapport"),
    }
    vocabularies = {str(v) for v in void.objects(DS, VOID.vocabulary)}
    assert {
        BASE + "ontology",
        "http://www.w3.org/ns/org",
        "http://purl.org/dc/terms/",
        "https://schema.org/",
        "http://data.europa.eu/m8g/",
    } <= vocabularies
    assert not any(v.startswith(BASE + "id/") for v in vocabularies)


def test_void_serialises(small_dumps: tuple[Path, DumpManifest]) -> None:
    void = void_graph(small_dumps[1], union_of(fixture_graphs()), BASE, PUBLIC_URL)
    for fmt in ("turtle", "json-ld", "xml", "nt"):
        assert len(Graph().parse(data=void.serialize(format=fmt), format=fmt)) == len(void)
