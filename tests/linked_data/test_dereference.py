"""Every IRI we mint resolves at itself: the base IRI is the server's own address here.

Each `/id/…` subject of the curated data is fetched in every RDF format (by `Accept`) and
parsed back with rdflib; every asserted triple about it must be there. Then the details of
the negotiation: suffixes, `?format=`, `Vary`, `Link`, `Content-Location`, 404 and 406.
"""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from pob.graph.sources import normalise
from tests.linked_data.conftest import Served

RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
SUFFIXES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
            "rdf": "application/rdf+xml"}  # fmt: skip
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
VARDE = "id/municipality/varde"


def minted(graph: Graph, base: str) -> list[URIRef]:
    return sorted(
        {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(base + "id/")}
    )


def test_the_curated_data_mints_hundreds_of_iris(own_graph: Graph, own_server: Served) -> None:
    iris = minted(own_graph, own_server.base)
    assert len(iris) > 400
    kinds = {str(i)[len(own_server.base) :].split("/")[1] for i in iris}
    assert {"municipality", "partnership", "membership", "source", "scheme", "role"} <= kinds


@pytest.mark.parametrize("media_type", list(RDF_FORMATS), ids=list(RDF_FORMATS.values()))
def test_every_iri_in_every_rdf_format(
    own_server: Served, own_graph: Graph, media_type: str
) -> None:
    problems: list[str] = []
    iris = minted(own_graph, own_server.base)
    for iri in iris:
        response = own_server.client.get(str(iri), headers={"Accept": media_type})
        if response.status_code != 200 or not response.headers["content-type"].startswith(
            media_type
        ):
            problems.append(f"{iri}: {response.status_code} {response.headers['content-type']}")
            continue
        parsed = normalise(Graph().parse(data=response.content, format=RDF_FORMATS[media_type]))
        for s, p, o in own_graph.triples((iri, None, None)):
            if isinstance(o, BNode):
                if (s, p, None) not in parsed:
                    problems.append(f"{iri}: no {p} (blank node)")
            elif (s, p, o) not in parsed:
                problems.append(f"{iri}: missing {p.n3()} {o.n3()}")
    assert not problems, "\n".join(problems[:20])
    assert len(iris) > 400


@pytest.mark.parametrize("suffix", list(SUFFIXES))
def test_suffix_and_format_parameter(own_server: Served, own_graph: Graph, suffix: str) -> None:
    media_type = SUFFIXES[suffix]
    iri = URIRef(own_server.base + VARDE)
    by_suffix = own_server.client.get(f"/{VARDE}.{suffix}", headers={"Accept": BROWSER})
    by_param = own_server.client.get(f"/{VARDE}?format={suffix}", headers={"Accept": BROWSER})
    for response in (by_suffix, by_param):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media_type)
        parsed = normalise(Graph().parse(data=response.content, format=RDF_FORMATS[media_type]))
        assert set(own_graph.triples((iri, None, None))) <= set(parsed)
    assert "content-location" not in by_suffix.headers  # it is the variant already
    assert f'</{VARDE}.html>; rel="alternate"; type="text/html"' in by_suffix.headers["link"]


def test_negotiation_headers(own_server: Served) -> None:
    iri = own_server.base + VARDE
    turtle = own_server.client.get(iri, headers={"Accept": "*/*"})
    assert turtle.headers["content-type"].startswith("text/turtle")  # the default
    assert "Accept" in turtle.headers["vary"]
    assert turtle.headers["content-location"] == f"/{VARDE}.ttl"
    links = turtle.headers["link"]
    for ext, media_type in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                            ("nt", "application/n-triples"), ("rdf", "application/rdf+xml"),
                            ("html", "text/html")):  # fmt: skip
        assert f'</{VARDE}.{ext}>; rel="alternate"; type="{media_type}"' in links
    page = own_server.client.get(iri, headers={"Accept": BROWSER})
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-location"] == f"/{VARDE}.html"
    assert "Accept-Language" in page.headers["vary"]
    preferred = own_server.client.get(
        iri, headers={"Accept": "text/html;q=0.5, application/ld+json"}
    )
    assert preferred.headers["content-type"].startswith("application/ld+json")
    head = own_server.client.head(iri, headers={"Accept": "application/n-triples"})
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 0


def test_inference_can_be_left_out(own_server: Served) -> None:
    iri = URIRef(own_server.base + VARDE)
    member_of = URIRef("http://www.w3.org/ns/org#memberOf")
    full = Graph().parse(data=own_server.client.get(f"/{VARDE}.ttl").text, format="turtle")
    asserted = Graph().parse(
        data=own_server.client.get(f"/{VARDE}.ttl?inference=false").text, format="turtle"
    )
    assert (iri, member_of, None) in full and (iri, member_of, None) not in asserted


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [(BROWSER, "text/html"), ("text/turtle", "application/json"), (None, "application/json")],
)
def test_unknown_iri_is_404(own_server: Served, accept: str | None, media_type: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = own_server.client.get("/id/municipality/atlantis", headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(media_type)
    assert "atlantis" in response.text


def test_unacceptable_is_406(own_server: Served) -> None:
    response = own_server.client.get(f"/{VARDE}", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert own_server.client.get(f"/{VARDE}?format=pdf").status_code == 400


def test_every_ontology_term_resolves(own_server: Served, own_graph: Graph) -> None:
    ns = own_server.base + "ontology#"
    terms = sorted(
        {s for s in own_graph.subjects(RDF.type, None) if str(s).startswith(ns)}
        | {s for s in own_graph.subjects(RDFS.label, None) if str(s).startswith(ns)}
    )
    assert len(terms) > 60
    for media_type, fmt in RDF_FORMATS.items():
        response = own_server.client.get(str(terms[0]), headers={"Accept": media_type})
        assert response.headers["content-type"].startswith(media_type)
        parsed = normalise(Graph().parse(data=response.content, format=fmt))
        for term in terms:
            assert set(own_graph.triples((term, None, None))) <= set(parsed), term
    page = own_server.client.get(own_server.base + "ontology", headers={"Accept": BROWSER}).text
    for term in terms:
        assert f'id="{str(term)[len(ns) :]}"' in page, term
    version = own_graph.value(URIRef(own_server.base + "ontology"), OWL.versionIRI)
    assert version is not None
    assert own_server.client.get(str(version), headers={"Accept": "text/turtle"}).status_code == 200
    assert own_server.client.get("/ontology/9.9.9").status_code == 404


def test_every_shape_resolves(own_server: Served) -> None:
    from pob.publish.shape_docs import merged, shape_files

    shapes = merged(shape_files(own_server.base))
    ns = own_server.base + "shapes#"
    names = sorted({str(s)[len(ns) :] for s in shapes.subjects() if str(s).startswith(ns)})
    assert len(names) > 40
    page = own_server.client.get(own_server.base + "shapes", headers={"Accept": BROWSER}).text
    typed = [n for n in names if (URIRef(ns + n), RDF.type, None) in shapes]
    assert len(typed) > 40
    for name in typed:  # node and property shapes, SPARQL constraints, prefix declarations
        assert f'id="{name}"' in page, name
    rdf = own_server.client.get(own_server.base + "shapes", headers={"Accept": "text/turtle"})
    parsed = Graph().parse(data=rdf.text, format="turtle")
    assert len(parsed) == len(shapes)


def test_code_lists_resolve_with_their_concepts(own_server: Served, own_graph: Graph) -> None:
    schemes = sorted(own_graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) >= 9
    for scheme in schemes:
        page = own_server.client.get(str(scheme), headers={"Accept": BROWSER}).text
        for concept in own_graph.subjects(SKOS.inScheme, scheme):
            assert f'href="{str(concept)[len(own_server.base) - 1 :]}"' in page, concept
