"""The IRI rule: slugs, minting, checking every IRI in the sources, rebasing."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from pob.graph import iri
from pob.graph.curated import curated
from pob.graph.prefixes import CANONICAL_BASE


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Hillerød ByForum", "hilleroed-byforum"),
        ("Trafik-, Bygge- og Boligstyrelsen", "trafik-bygge-og-boligstyrelsen"),
        ("Realdania By & Byg", "realdania-by-og-byg"),
        ("Århus", "aarhus"),
        ("Svenska Stadskärnor", "svenska-stadskaernor"),
        ("Gesetz zur Stärkung", "gesetz-zur-staerkung"),
        ("  Ørestad  Innovation City ", "oerestad-innovation-city"),
        ("Café Übersee", "cafe-uebersee"),
    ],
)
def test_slug(name: str, key: str) -> None:
    assert iri.slug(name) == key


def test_slug_refuses_empty() -> None:
    with pytest.raises(iri.IRIError):
        iri.slug("—")


def test_mint_and_check() -> None:
    minted = iri.mint("municipality", "Hillerød")
    assert str(minted) == CANONICAL_BASE + "id/municipality/hilleroed"
    iri.check(str(minted))
    with pytest.raises(iri.IRIError):
        iri.mint("thing", "x")


@pytest.mark.parametrize(
    "bad",
    [
        CANONICAL_BASE + "id/municipality/Hillerød",
        CANONICAL_BASE + "id/unknown/x",
        CANONICAL_BASE + "id/municipality",
        CANONICAL_BASE + "municipality/x",
        CANONICAL_BASE + "id/membership/a--b",
        CANONICAL_BASE + "ontology#bad-name",
    ],
)
def test_check_refuses(bad: str) -> None:
    with pytest.raises(iri.IRIError):
        iri.check(bad)


def test_every_iri_in_the_sources_follows_the_rule() -> None:
    kg = curated()
    seen = 0
    for graph in (kg.ontology, kg.data):
        for triple in graph:
            for node in triple:
                if isinstance(node, URIRef) and str(node).startswith(CANONICAL_BASE):
                    iri.check(str(node))
                    seen += 1
    assert seen > 1000


def test_rebase_moves_iris_and_datatypes() -> None:
    g = Graph()
    s = URIRef(CANONICAL_BASE + "id/municipality/varde")
    dt = URIRef(CANONICAL_BASE + "ontology#code")
    g.add((s, URIRef(CANONICAL_BASE + "ontology#kommunekode"), Literal("573", datatype=dt)))
    moved = iri.rebase(g, "http://localhost:8000/pob")
    (ms, mp, mo), *_ = list(moved)
    assert str(ms) == "http://localhost:8000/pob/id/municipality/varde"
    assert str(mp).startswith("http://localhost:8000/pob/ontology#")
    assert isinstance(mo, Literal)
    assert str(mo.datatype) == "http://localhost:8000/pob/ontology#code"


def test_base_must_be_http() -> None:
    with pytest.raises(iri.IRIError):
        iri.normalise_base("file:///etc/")
