"""Fixtures for the inference tests: the stand-in ontology, the hand-made cases, the oracle."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from pob.graph.owlrl_reference import closure
from pob.graph.reasoning import fast_closure
from pob.graph.reasoning.terms import Triple

HERE = Path(__file__).parent
CASES = sorted((HERE / "cases").glob("*.ttl"))


def oracle(ontology: Graph, data: Graph, base: Graph | None = None) -> set[Triple]:
    """What owlrl says `fast_closure(ontology, data, base)` must return."""
    if base is None:
        return set(closure(ontology, data))
    everything = Graph()
    for t in base:
        everything.add(t)
    for t in data:
        everything.add(t)
    return {t for t in closure(ontology, everything) if t not in base}


def assert_same(ontology: Graph, data: Graph, base: Graph | None = None) -> set[Triple]:
    """fast_closure equals the owlrl oracle (a readable diff if not); returns the triples."""
    expected = oracle(ontology, data, base)
    got = set(fast_closure(ontology, data, base))
    missing = sorted(" ".join(n.n3() for n in t) for t in expected - got)
    extra = sorted(" ".join(n.n3() for n in t) for t in got - expected)
    assert (missing, extra) == ([], []), "missing from fast_closure / extra in it"
    return got


@pytest.fixture(scope="session")
def mini_ontology() -> Graph:
    """A small stand-in ontology with every kind of axiom the compiled rules cover."""
    return Graph().parse(HERE / "ontology.ttl")
