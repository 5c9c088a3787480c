"""What a submission says about itself, as the catalog shows it (pob.validation.records):
title and description from the form, else a dcat:Dataset node, else its main resources;
countries from its places (pob.graph.coverage), looked up in the reference data."""

from __future__ import annotations

import pytest
from rdflib import Graph

from pob.core.problems import Problem
from pob.graph.coverage import countries
from pob.validation.records import MAX_TITLE, dataset_texts, stated_texts

from .conftest import BASE, PREFIXES, turtle

DATA = """
ps:p a pob:LocalPartnership ; rdfs:label "P"@da, "P en"@en ;
    dct:description "Om P"@da ; pob:municipality mun:goeteborg ; dct:source src:a .
mun:goeteborg a pob:Municipality ; rdfs:label "Göteborg"@da ;
    pob:country <https://w3id.org/pob/id/country/sverige> .
src:a a pob:Source ; rdfs:label "Kilde"@da .
"""
NODE = """
<https://example.org/ds> a <http://www.w3.org/ns/dcat#Dataset> ;
    dct:title "Datasættet"@da, "The dataset"@en ; dct:description "Beskrivelse"@da .
"""


def test_titles_come_from_the_main_resources() -> None:
    title, description = dataset_texts(turtle(DATA), BASE, {}, {})
    assert title == {"da": "P", "en": "P en"}  # the partnership, not the source or municipality
    assert description == {"da": "Om P"}


def test_a_dataset_node_comes_before_the_data_and_the_form_before_both() -> None:
    data = turtle(DATA + NODE)
    assert dataset_texts(data, BASE, {}, {}) == (
        {"da": "Datasættet", "en": "The dataset"},
        {"da": "Beskrivelse"},
    )
    form = stated_texts({"title": "  Fra   formularen ", "description": ""})
    assert form == ({"": "Fra formularen"}, {})
    assert dataset_texts(data, BASE, *form)[0] == {"": "Fra formularen"}


@pytest.mark.parametrize(
    "fields",
    [{"title": "x" * (MAX_TITLE + 1)}, {"description": "bad \x00 text"}],
    ids=["too-long", "control-character"],
)
def test_bad_form_texts_are_refused(fields: dict[str, str]) -> None:
    with pytest.raises(Problem) as refused:
        stated_texts(fields)
    assert refused.value.status == 400
    assert repr(next(iter(fields))) in refused.value.detail  # names the parameter


def test_countries_of_places_named_only() -> None:
    """A dataset that only names a place finds its country in the reference data."""
    reference = turtle(DATA)
    named = turtle("ps:q a pob:LocalPartnership ; pob:municipality mun:goeteborg .")
    found = countries(named, reference, BASE)
    assert [str(c) for c in found] == ["https://w3id.org/pob/id/country/sverige"]
    assert countries(named, None, BASE) == []  # nothing assumed
    assert countries(Graph().parse(data=PREFIXES + "src:a a pob:Source .", format="turtle")) == []
