"""The kommunekode shapes against the whole reference list: for every one of the 98 Danish
municipalities, a dataset that names it with its own code conforms, one that gives it a wrong
code is rejected on that node by `pobsh:MunicipalityKommunekodeListed`, and one that mints a
new IRI with its code is rejected by `pobsh:MunicipalityKommunekodeTaken`."""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from pob.graph.prefixes import prefixes
from pob.graph.sources import data_graph
from pob.validation.engine import validate
from pob.validation.report import Report

POB = prefixes()["pob"]
POBSH = prefixes()["pobsh"]
KOMMUNEKODE = URIRef(POB + "kommunekode")


@lru_cache(maxsize=1)
def reference() -> Graph:
    return data_graph()


def listed() -> dict[URIRef, str]:
    """Municipality -> code, read from the reference data (its typed notation)."""
    notation = URIRef("http://www.w3.org/2004/02/skos/core#notation")
    scheme = URIRef(prefixes()["scheme"] + "kommunekode")
    found = {}
    for node, value in reference().subject_objects(notation):
        if isinstance(value, Literal) and value.datatype == scheme:
            found[URIRef(node)] = str(value)
    return found


def run(graph: Graph) -> Report:
    return validate(graph, extra=reference())


def test_the_list_has_98_municipalities_with_distinct_codes() -> None:
    codes = listed()
    assert len(codes) == 98
    assert len(set(codes.values())) == 98
    for node, code in codes.items():
        assert (node, KOMMUNEKODE, Literal(code)) in reference(), node


def test_every_municipality_named_with_its_own_code_conforms() -> None:
    graph = Graph()
    for node, code in listed().items():
        graph.add((node, KOMMUNEKODE, Literal(code)))
    report = run(graph)
    assert report.conforms
    assert [r for r in report.results if r.severity != "Info"] == []


def test_a_wrong_code_is_rejected_for_every_municipality() -> None:
    codes = listed()
    unused = iter(sorted({f"{n:03d}" for n in range(100, 1000)} - set(codes.values())))
    wrong = {node: next(unused) for node in codes}
    graph = Graph()
    for node, code in wrong.items():
        graph.add((node, KOMMUNEKODE, Literal(code)))
    report = run(graph)
    assert not report.conforms
    hits = {
        (r.focus_node, str(r.value))
        for r in report.results
        if r.source_constraint == URIRef(POBSH + "MunicipalityKommunekodeListed")
        and r.path == str(KOMMUNEKODE)
    }
    assert hits == {(node, code) for node, code in wrong.items()}


def test_a_new_iri_with_a_listed_code_is_rejected_for_every_code() -> None:
    codes = listed()
    graph = Graph()
    minted = {}
    for node, code in codes.items():
        new = URIRef(str(node) + "-ny")
        minted[new] = code
        graph.add((new, RDF.type, URIRef(POB + "Municipality")))
        graph.add((new, KOMMUNEKODE, Literal(code)))
    report = run(graph)
    hits = {
        r.focus_node
        for r in report.results
        if r.source_constraint == URIRef(POBSH + "MunicipalityKommunekodeTaken")
    }
    assert hits == set(minted)
