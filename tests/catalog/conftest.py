"""Fixtures for the open-data feed: small hand-written graphs and the real curated graph.

Expectations are derived from the graphs (the curated data grows while others work on it);
the small fixture graphs pin exact numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import Graph

from pob.publish.catalog import SubmissionInfo
from pob.publish.dumps import build_dumps
from pob.publish.manifest import DumpManifest

BASE = "https://w3id.org/pob/"
PUBLIC_URL = "http://pob.example.org"
REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "dcat-ap-3.0.1"

PREFIXES = """
@prefix pob: <https://w3id.org/pob/ontology#> .
@prefix mun: <https://w3id.org/pob/id/municipality/> .
@prefix reg: <https://w3id.org/pob/id/region/> .
@prefix ps: <https://w3id.org/pob/id/partnership/> .
@prefix pub: <https://w3id.org/pob/id/publication/> .
@prefix orgn: <https://w3id.org/pob/id/organisation/> .
@prefix mship: <https://w3id.org/pob/id/membership/> .
@prefix role: <https://w3id.org/pob/id/role/> .
@prefix model: <https://w3id.org/pob/id/model/> .
@prefix src: <https://w3id.org/pob/id/source/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

ONTOLOGY = """
<https://w3id.org/pob/ontology> a owl:Ontology .
pob:Municipality a owl:Class ; rdfs:subClassOf cv:PublicOrganisation .
cv:PublicOrganisation rdfs:subClassOf org:Organization .
pob:Partnership a owl:Class ; rdfs:subClassOf org:OrganizationalCollaboration .
org:OrganizationalCollaboration rdfs:subClassOf org:Organization .
pob:LocalPartnership rdfs:subClassOf pob:Partnership .
pob:NationalInitiative rdfs:subClassOf pob:Partnership .
pob:Report rdfs:subClassOf pob:Publication .
"""

DATA = """
mun:aarhus a pob:Municipality ;
    rdfs:label "Aarhus Kommune"@da, "Aarhus Municipality"@en ;
    pob:kommunekode "751" ; pob:region reg:midtjylland ; dct:source src:a .
mun:hilleroed a pob:Municipality ;
    rdfs:label "Hillerød Kommune"@da ; pob:kommunekode "219" ; dct:source src:a .
ps:netvaerk a pob:NationalInitiative ;
    rdfs:label "Netværket"@da, "The network"@en ;
    schema:startDate "2017"^^xsd:gYear ; schema:endDate "2019-12-31"^^xsd:date ;
    dct:source src:a .
ps:bymidte a pob:LocalPartnership ;
    rdfs:label "Bymidte, Hillerød"@da ;
    pob:municipality mun:hilleroed ; pob:model model:pob , model:bid ;
    schema:startDate "2015-03"^^xsd:gYearMonth ; dct:source src:b .
orgn:realdania a org:FormalOrganization ;
    rdfs:label "Realdania"@da, "Realdania"@en ; dct:source src:a .
pub:rapport a pob:Report ;
    dct:title "Rapport, med komma"@da ; rdfs:label "Rapporten"@da, "The report"@en ;
    dct:issued "2020-02"^^xsd:gYearMonth ; dct:publisher orgn:realdania ;
    pob:finalReportOf ps:netvaerk ; dct:source src:b .
mship:netvaerk--aarhus--deltagende-kommune a org:Membership ;
    org:organization ps:netvaerk ; org:member mun:aarhus ; org:role role:deltagende-kommune ;
    pob:listedOn "2020-09-03"^^xsd:date ; dct:source src:a .
src:a a pob:Source ; dct:title "Kilde A" ; schema:url "https://example.org/a"^^xsd:anyURI .
src:b a pob:Source ; dct:title "Kilde B" ; schema:url "https://example.org/b"^^xsd:anyURI ;
    dct:date "2024-05-01"^^xsd:date ; dct:isPartOf src:a .
"""

INFERRED = """
mun:aarhus a cv:PublicOrganisation, org:Organization .
ps:netvaerk org:hasMember mun:aarhus .
"""


def turtle(body: str) -> Graph:
    return Graph().parse(data=PREFIXES + body, format="turtle")


def submission_graph(i: int) -> Graph:
    return turtle(f"""
ps:indsendt-{i} a pob:LocalPartnership ;
    rdfs:label "Indsendt bysamarbejde {i}"@da, "Submitted partnership {i}"@en ;
    pob:municipality mun:aarhus ;
    schema:startDate "202{i}-0{i}"^^xsd:gYearMonth ;
    dct:source src:indsendt-{i} .
src:indsendt-{i} a pob:Source ; dct:title "Indsendt kilde {i}" ;
    schema:url "https://example.org/indsendt/{i}"^^xsd:anyURI .
""")


def fixture_graphs(submissions: int = 0) -> dict[str, Graph]:
    graphs = {"ontology": turtle(ONTOLOGY), "data": turtle(DATA), "inferred": turtle(INFERRED)}
    for i in range(1, submissions + 1):
        graphs[f"submission/s{i}"] = submission_graph(i)
    return graphs


def submission_infos(count: int) -> list[SubmissionInfo]:
    return [
        SubmissionInfo(
            id=f"s{i}",
            submitted=datetime(2026, 1, i, 12, 0, tzinfo=UTC),
            title=(("da", f"Bysamarbejde {i}"), ("en", f"Partnership {i}")),
            description=(("da", f"Et indsendt samarbejde {i}."), ("en", f"A submitted one, {i}.")),
            submitter="Aarhus Kommune" if i % 2 else None,
            countries=(BASE + "id/country/" + ("sverige" if i == 3 else "danmark"),),
        )
        for i in range(1, count + 1)
    ]


#: the countries of the curated fixture data's places (what the feed passes for the curated graph)
CURATED_COUNTRIES = (BASE + "id/country/danmark",)
#: five submissions + the curated graph = 6 datasets: three pages of two
N_SUBMISSIONS = 5
PAGE_SIZE = 2


@pytest.fixture(scope="session")
def curated_dumps(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DumpManifest]:
    """Dumps of the real curated graphs plus five fixture submissions."""
    from pob.graph.curated import curated

    graphs: dict[str, Graph] = dict(curated(BASE).parts())
    for i in range(1, N_SUBMISSIONS + 1):
        graphs[f"submission/s{i}"] = submission_graph(i)
    out = tmp_path_factory.mktemp("dumps")
    return out, build_dumps(out, BASE, PUBLIC_URL, graphs)


@pytest.fixture
def small_dumps(tmp_path: Path) -> tuple[Path, DumpManifest]:
    """Dumps of the small fixture graphs with two submissions."""
    out = tmp_path / "dumps"
    return out, build_dumps(out, BASE, PUBLIC_URL, fixture_graphs(2))
