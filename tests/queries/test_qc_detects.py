"""Each QC `*-violation.rq` query finds the problem it is written for (so it can fail)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from pob.graph.curated import curated, load_graph, select
from pob.graph.sources import normalise, parse_text
from pob.sparql.named import bind, load_qc_queries

PREFIXES = """
@prefix pob: <https://w3id.org/pob/ontology#> .
@prefix mun: <https://w3id.org/pob/id/municipality/> .
@prefix src: <https://w3id.org/pob/id/source/> .
@prefix mship: <https://w3id.org/pob/id/membership/> .
@prefix ps: <https://w3id.org/pob/id/partnership/> .
@prefix role: <https://w3id.org/pob/id/role/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
src:s a pob:Source ; dct:title "S" ; schema:url "https://example.org/s"^^xsd:anyURI .
"""

#: QC query -> (bad data, the value its first column must report)
BAD: dict[str, tuple[str, str]] = {
    "fact-without-source-violation": (
        'mun:nowhere a pob:Municipality ; rdfs:label "Ingen"@da .',
        "https://w3id.org/pob/id/municipality/nowhere",
    ),
    "dangling-reference-violation": (
        'mun:x a pob:Municipality ; rdfs:label "X"@da ; dct:source src:s ;'
        " pob:region <https://w3id.org/pob/id/region/atlantis> .",
        "https://w3id.org/pob/id/municipality/x",
    ),
    "danish-label-missing-violation": (
        'mun:y a pob:Municipality ; rdfs:label "Y"@en ; dct:source src:s .',
        "https://w3id.org/pob/id/municipality/y",
    ),
    "membership-incomplete-violation": (
        'mship:a--b--medlem a org:Membership ; rdfs:label "M"@da ; dct:source src:s ;'
        " org:organization ps:a ; org:role role:medlem .",
        "https://w3id.org/pob/id/membership/a--b--medlem",
    ),
    "municipality-without-kommunekode-violation": (
        'mun:z a pob:Municipality ; rdfs:label "Z Kommune"@da ; dct:source src:s ;'
        " pob:country <https://w3id.org/pob/id/country/danmark> .",
        "https://w3id.org/pob/id/municipality/z",
    ),
    "membership-without-member-role-violation": (
        'mship:a--b--sekretariat a org:Membership ; rdfs:label "M"@da ; dct:source src:s ;'
        " org:organization ps:a ; org:member mun:b ; org:role role:sekretariat .",
        "https://w3id.org/pob/id/membership/a--b--sekretariat",
    ),
    "amount-without-period-violation": (
        '<https://w3id.org/pob/id/grant/g> a pob:Grant ; rdfs:label "G"@da ; dct:source src:s ;'
        ' pob:amount 1000.0 ; pob:currency "DKK" .',
        "https://w3id.org/pob/id/grant/g",
    ),
    "count-without-date-violation": (
        'ps:c a pob:LocalPartnership ; rdfs:label "C"@da ; dct:source src:s ; pob:memberCount 12 .',
        "https://w3id.org/pob/id/partnership/c",
    ),
    "uncited-source-violation": (
        'src:unused a pob:Source ; dct:title "U" ;'
        ' schema:url "https://example.org/u"^^xsd:anyURI .',
        "https://w3id.org/pob/id/source/unused",
    ),
}
QC = load_qc_queries()


def test_every_qc_query_has_a_bad_case() -> None:
    assert set(QC) == set(BAD)


@pytest.mark.parametrize("name", sorted(BAD))
def test_qc_query_reports_the_problem(name: str) -> None:
    turtle, expected = BAD[name]
    bad = normalise(parse_text(PREFIXES + turtle, "turtle", f"{name}.ttl"))
    store = ox.Store()
    load_graph(store, curated().ontology, ox.NamedNode("https://w3id.org/pob/graph/ontology"))
    load_graph(store, bad, ox.NamedNode("https://w3id.org/pob/graph/data"))
    rows = select(store, bind(QC[name], {}))
    first = next(iter(rows[0])) if rows else None
    assert first is not None, f"{name} found nothing in bad data"
    assert expected in {row[first] for row in rows}
