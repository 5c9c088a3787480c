"""pob.publish.resources, pob.publish.ontology_docs and pob.publish.shape_docs on a small graph
with known answers."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from pob.graph.labels import Namer
from pob.publish.ontology_docs import ontology_doc
from pob.publish.resources import GraphView, describe, national_network, resource_graph
from pob.publish.shape_docs import shapes_doc

BASE = "https://w3id.org/pob/"
PREFIXES = """
@prefix pob: <https://w3id.org/pob/ontology#> .
@prefix pobsh: <https://w3id.org/pob/shapes#> .
@prefix mun: <https://w3id.org/pob/id/municipality/> .
@prefix ps: <https://w3id.org/pob/id/partnership/> .
@prefix mship: <https://w3id.org/pob/id/membership/> .
@prefix role: <https://w3id.org/pob/id/role/> .
@prefix scheme: <https://w3id.org/pob/id/scheme/> .
@prefix src: <https://w3id.org/pob/id/source/> .
@prefix pub: <https://w3id.org/pob/id/publication/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""
ONTOLOGY = """
<https://w3id.org/pob/ontology> a owl:Ontology ; owl:versionInfo "0.1.0" ;
    dct:title "POB-ontologien"@da, "The POB ontology"@en .
pob:Municipality a owl:Class ; rdfs:label "Kommune"@da, "Municipality"@en ;
    rdfs:comment "En kommune."@da, "A municipality."@en ; rdfs:subClassOf cv:PublicOrganisation .
pob:NationalInitiative a owl:Class ; rdfs:label "National indsats"@da .
pob:region a owl:ObjectProperty ; rdfs:label "region"@da, "region"@en ;
    rdfs:domain pob:Municipality ; rdfs:range pob:Region .
cv:PublicOrganisation a owl:Class .
scheme:role a skos:ConceptScheme ; skos:prefLabel "Roller"@da, "Roles"@en .
role:medlem a skos:Concept ; skos:prefLabel "medlem"@da, "member"@en ; skos:inScheme scheme:role ;
    skos:notation "medlem" ; skos:definition "Et medlem."@da .
"""
DATA = """
mun:aarhus a pob:Municipality ; rdfs:label "Aarhus Kommune"@da, "Aarhus Municipality"@en ;
    dct:description "Danmarks næststørste by."@da ; dct:source src:a .
ps:net a pob:NationalInitiative ; rdfs:label "Netværket"@da ; dct:source src:a .
pub:final pob:finalReportOf ps:net .
mship:net--aarhus--medlem a org:Membership ; org:organization ps:net ; org:member mun:aarhus ;
    org:role role:medlem ; dct:source src:b .
src:a a pob:Source ; dct:title "Kilde A" ; schema:url "https://example.org/a" .
src:b a pob:Source ; dct:title "Kilde B" ; schema:url "https://example.org/b" ;
    dct:date "2024-05-01" .
"""
INFERRED = """
mun:aarhus a cv:PublicOrganisation ; org:memberOf ps:net .
ps:net org:hasMember mun:aarhus .
"""
SHAPES = """
pobsh:Municipality a sh:NodeShape ; sh:targetClass pob:Municipality ; sh:severity sh:Violation ;
    sh:property pobsh:MunicipalityRegion .
pobsh:MunicipalityRegion a sh:PropertyShape ; sh:path pob:region ; sh:maxCount 1 ;
    sh:severity sh:Violation ;
    sh:message "Højst én region."@da, "At most one region."@en .
"""


def turtle(body: str) -> Graph:
    return Graph().parse(data=PREFIXES + body, format="turtle")


@pytest.fixture(scope="module")
def view() -> GraphView:
    graphs = {
        f"{BASE}graph/ontology": turtle(ONTOLOGY),
        f"{BASE}graph/data": turtle(DATA),
        f"{BASE}graph/inferred": turtle(INFERRED),
    }
    return GraphView.from_graphs(graphs, BASE, f"{BASE}graph/inferred", turtle(SHAPES))


def test_label_description_and_types(view: GraphView) -> None:
    da = describe(view, f"{BASE}id/municipality/aarhus", "da")
    en = describe(view, f"{BASE}id/municipality/aarhus", "en")
    assert (da.label.value, da.label.lang) == ("Aarhus Kommune", "da")
    assert (en.label.value, en.label.lang) == ("Aarhus Municipality", "en")
    # only a Danish description: English pages show it, tagged as Danish
    assert en.description is not None and en.description.lang == "da"
    types = {t.link.curie: t.inferred for t in da.types}
    assert types == {"pob:Municipality": False, "cv:PublicOrganisation": True}
    assert da.types[0].link.label.value == "Kommune"  # asserted first
    assert da.types[0].link.href == "/ontology#Municipality"


def test_properties_incoming_and_inferred_values(view: GraphView) -> None:
    r = describe(view, f"{BASE}id/municipality/aarhus", "en")
    props = {p.predicate.curie: p for p in r.properties}
    assert "rdf:type" not in props
    assert next(iter(props)) == "rdfs:label"  # labels first
    labels = [v.text.lang for v in props["rdfs:label"].values if v.text]
    assert labels == ["en", "da"]  # the page language first
    member_of = props["org:memberOf"].values
    assert member_of[0].inferred and member_of[0].link is not None
    assert member_of[0].link.href == "/id/partnership/net"
    incoming = {i.predicate.curie: i for i in r.incoming}
    assert [s.href for s in incoming["org:member"].subjects] == [
        "/id/membership/net--aarhus--medlem"
    ]
    assert incoming["org:hasMember"].inferred == (True,)
    assert r.sparql == f"DESCRIBE <{BASE}id/municipality/aarhus>"


def test_sources_behind_include_qualified_nodes(view: GraphView) -> None:
    r = describe(view, f"{BASE}id/municipality/aarhus", "da")
    found = {s.title.value: s for s in r.sources}
    assert set(found) == {"Kilde A", "Kilde B"}
    assert found["Kilde A"].own and found["Kilde A"].url == "https://example.org/a"
    assert not found["Kilde B"].own and found["Kilde B"].version == "2024-05-01"
    assert [v.href for v in found["Kilde B"].via] == ["/id/membership/net--aarhus--medlem"]
    assert r.sources[0].own  # its own sources first


def test_shape_scheme_and_members(view: GraphView) -> None:
    r = describe(view, f"{BASE}id/municipality/aarhus", "da")
    assert [s.href for s in r.shapes] == ["/shapes#Municipality"]
    concept = describe(view, f"{BASE}id/role/medlem", "da")
    assert [s.href for s in concept.schemes] == ["/id/scheme/role"]
    scheme = describe(view, f"{BASE}id/scheme/role", "en")
    assert scheme.members_kind == "concepts"
    assert [m.label.value for m in scheme.members] == ["member"]
    cls = describe(view, f"{BASE}ontology#Municipality", "da")
    assert cls.members_kind == "instances"
    assert [m.href for m in cls.members] == ["/id/municipality/aarhus"]


def test_neighbourhood_lists_links_both_ways(view: GraphView) -> None:
    r = describe(view, f"{BASE}id/municipality/aarhus", "da")
    edges = {(e.subject.href, e.predicate.curie, e.object.href) for e in r.neighbourhood()}
    assert ("/id/municipality/aarhus", "org:memberOf", "/id/partnership/net") in edges
    assert ("/id/partnership/net", "org:hasMember", "/id/municipality/aarhus") in edges
    assert len(r.neighbourhood(limit=2)) == 2


def test_resource_graph(view: GraphView) -> None:
    iri = URIRef(f"{BASE}id/municipality/aarhus")
    full = resource_graph(view, str(iri))
    asserted = resource_graph(view, str(iri), inference=False)
    for triple in turtle(DATA).triples((iri, None, None)):
        assert triple in full and triple in asserted
    net = URIRef(f"{BASE}id/partnership/net")
    assert (iri, URIRef("http://www.w3.org/ns/org#memberOf"), net) in full
    assert (iri, URIRef("http://www.w3.org/ns/org#memberOf"), net) not in asserted
    # incoming links, with the labels of the other side
    mship = URIRef(f"{BASE}id/membership/net--aarhus--medlem")
    assert (mship, URIRef("http://www.w3.org/ns/org#member"), iri) in full
    assert (net, RDFS.label, None) in full
    assert not view.knows(f"{BASE}id/municipality/nowhere")


def test_national_network(view: GraphView) -> None:
    assert national_network(view) == URIRef(f"{BASE}id/partnership/net")


def test_namer_maps_our_iris_to_pages() -> None:
    namer = Namer(Graph(), "http://127.0.0.1:9/", {"http://127.0.0.1:9/": "/"})
    assert namer.href("http://127.0.0.1:9/id/region/x") == ("/id/region/x", True)
    assert namer.href("http://127.0.0.1:9/graph/data") == (
        "/store?graph=http%3A%2F%2F127.0.0.1%3A9%2Fgraph%2Fdata",
        True,
    )
    assert namer.href("http://example.org/x") == ("http://example.org/x", False)
    assert namer.curie("http://www.w3.org/ns/org#member") == "org:member"


def test_ontology_doc(view: GraphView) -> None:
    doc = ontology_doc(turtle(ONTOLOGY), view.union, view.shapes, BASE, "en")
    assert doc.title.value == "The POB ontology" and doc.version == "0.1.0"
    classes = {d.anchor: d for d in doc.classes}
    assert set(classes) == {"Municipality", "NationalInitiative"}
    municipality = classes["Municipality"]
    assert [t.lang for t in municipality.labels] == ["en", "da"]
    assert [s.curie for s in municipality.supers] == ["cv:PublicOrganisation"]
    assert [i.href for i in municipality.instances] == ["/id/municipality/aarhus"]
    assert [s.href for s in municipality.shapes] == ["/shapes#Municipality"]
    region = doc.properties[0]
    assert region.kind == "object" and [d.curie for d in region.domains] == ["pob:Municipality"]
    assert [d.anchor for d in doc.reused] == ["cv:PublicOrganisation"]
    assert [c.notation for c in doc.schemes[0].concepts] == ["medlem"]


def test_shapes_doc(view: GraphView) -> None:
    (core,) = shapes_doc([("core", turtle(SHAPES))], view.union, BASE, "da")
    (shape,) = core.shapes
    assert shape.anchor == "Municipality" and shape.severity == "Violation"
    assert [c.curie for c in shape.target_classes] == ["pob:Municipality"]
    (prop,) = shape.properties
    assert prop.anchor == "MunicipalityRegion" and prop.path == "pob:region"
    assert [(m.lang, m.value) for m in prop.messages] == [
        ("da", "Højst én region."),
        ("en", "At most one region."),
    ]
    assert [(c.curie, v) for c, v in prop.constraints] == [("sh:maxCount", "1")]
