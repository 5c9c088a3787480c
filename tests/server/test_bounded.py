"""pob.sparql.bounded: which queries' work is bounded by their answer (the embedded store
answers those in the server process, cut off at a row bound), and that Oxigraph behaves as
the rule assumes: a bounded query's answer has a row (or triple) for every match, and each
form the rule refuses can read many matches while it writes few or none."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from pob.sparql.guard import check

EX = "http://example.org/"
PREFIX = f"PREFIX ex: <{EX}>\n"

BOUNDED = [
    f"SELECT ?p ?v WHERE {{ <{EX}s1> ?p ?v }}",
    "PREFIX ex: <http://e/> SELECT * { ex:x ?p ?v . } LIMIT 10",
    "# a comment\nSELECT ?s WHERE { ?s a <http://e/C> }",
    "SELECT ?s FROM <http://e/g> WHERE { ?s ?p 'x'@en }",
    'SELECT ?s WHERE { GRAPH ?g { ?s ?p "x"^^<http://e/dt> } }',
    "SELECT ?s WHERE { GRAPH <http://e/g> { ?s ?p true } }",
    "BASE <http://e/> SELECT ?o WHERE { <s> <p> ?o }",
    "ASK { ?s ?p ?o }",
    "ask { ?s ?p 'x' }",
    "DESCRIBE <http://e/x> <http://e/y>",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CONSTRUCT { ?o <http://e/inverse> ?s } WHERE { ?s <http://e/p> ?o } LIMIT 5",
    "CONSTRUCT WHERE { ?s ?p ?o }",
]

NOT_BOUNDED = [
    "SELECT ?s WHERE { ?s A <http://e/C> }",  # `a` is lower case only
    "ASK { ?s ?p ?o } LIMIT 1",
    "DESCRIBE ?x WHERE { ?x ?p ?o }",  # a description can be empty: matches, nothing written
    "CONSTRUCT { <http://e/a> <http://e/b> ?o } WHERE { ?s ?p ?o }",  # repeats dropped
    "CONSTRUCT { ?s <http://e/b> ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o . ?o ?p ?s } WHERE { ?s ?p ?o }",
    "SELECT DISTINCT ?p WHERE { ?s ?p ?o }",
    "SELECT REDUCED ?p WHERE { ?s ?p ?o }",
    "SELECT ?p WHERE { ?s ?p ?o } ORDER BY ?p",
    "SELECT ?p WHERE { ?s ?p ?o } OFFSET 5",
    "SELECT ?p WHERE { ?s ?p ?o } LIMIT 10 OFFSET 2",
    "SELECT ?p WHERE { ?s ?p ?o FILTER(?o > 1) }",
    "SELECT ?s WHERE { ?s ?s ?s }",  # a repeated variable filters
    "SELECT ?s WHERE { GRAPH ?s { ?s ?p ?o } }",
    "SELECT ?s WHERE { _:b ?p _:b }",
    "SELECT ?p WHERE { ?s <http://e/a>/<http://e/b> ?o }",
    "SELECT ?p WHERE { ?s <http://e/a>* ?o }",
    "SELECT ?p WHERE { ?s ^<http://e/a> ?o }",
    "SELECT ?p WHERE { ?s ?p ?o ; ?q ?r }",
    "SELECT ?p WHERE { ?s ?p ?o , ?r }",
    "SELECT ?p WHERE { ?s ?p ?o . ?o ?q ?r }",
    "SELECT ?p WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r } }",
    "SELECT ?p WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT (?o AS ?x) WHERE { ?s ?p ?o }",
    "SELECT ?p WHERE { ?s ?p 42 }",  # a number: not read here, so not judged
    "SELECT ?p WHERE { ?s ?p ?o } VALUES ?s { <http://e/a> }",
    "SELECT ?p WHERE { { SELECT ?p WHERE { ?s ?p ?o } } }",
    "SELECT ?p WHERE { ?s ?p ?o } GROUP BY ?p",
    "SELECT ?p WHERE { [] ?p ?o }",
    "SELECT ?p WHERE { ?s ?p ?o BIND(1 AS ?x) }",
    "SELECT ?p WHERE { ?s ?p ?o MINUS { ?s ?p 1 } }",
    "SELECT ?p WHERE { << ?s ?p ?o >> ?q ?r }",
]


@pytest.mark.parametrize("text", BOUNDED)
def test_bounded(text: str) -> None:
    assert check(text).bounded


@pytest.mark.parametrize("text", NOT_BOUNDED)
def test_not_bounded(text: str) -> None:
    assert not check(text).bounded


@pytest.fixture(scope="module")
def engine() -> ox.Store:
    """1,000 subjects of one class, one property each, in two named graphs (a tenth in
    both), the default graph their union as the service has it."""
    store = ox.Store()
    kind, p = ox.NamedNode(f"{EX}C"), ox.NamedNode(f"{EX}p")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for i in range(1000):
        s = ox.NamedNode(f"{EX}s{i}")
        for graph in ["g1", "g2"] if i % 10 == 0 else ["g1"]:
            g = ox.NamedNode(EX + graph)
            store.add(ox.Quad(s, rdf_type, kind, g))
            store.add(ox.Quad(s, p, ox.Literal("same"), g))
    return store


def size(store: ox.Store, text: str) -> int:
    return len(list(store.query(text, use_default_graph_as_union=True)))


def test_a_bounded_answer_has_a_row_for_every_match(engine: ox.Store) -> None:
    matches = len(list(engine.quads_for_pattern(None, None, ox.NamedNode(f"{EX}C"), None)))
    assert matches == 1100  # the union keeps a triple once per graph that holds it
    for text in (
        PREFIX + "SELECT ?s WHERE { ?s a ex:C }",
        PREFIX + "SELECT * WHERE { ?s a ex:C }",
        PREFIX + "CONSTRUCT { ?s a ex:C } WHERE { GRAPH ?g { ?s a ex:C } }",
        PREFIX + "SELECT ?s ?g WHERE { GRAPH ?g { ?s a ex:C } }",
    ):
        bounded = check(text).bounded
        answered = size(engine, text)
        if bounded:
            assert answered == matches, text
    # CONSTRUCT drops a repeated triple: with ?g left out of the template it is not bounded
    text = PREFIX + "CONSTRUCT { ?s a ex:C } WHERE { GRAPH ?g { ?s a ex:C } }"
    assert not check(text).bounded and size(engine, text) == 1000


def test_what_the_rule_refuses_reads_more_than_it_writes(engine: ox.Store) -> None:
    reads = {
        PREFIX + "SELECT DISTINCT ?o WHERE { ?s ex:p ?o }": 1,
        PREFIX + "CONSTRUCT { ex:a ex:b ?o } WHERE { ?s ex:p ?o }": 1,
        PREFIX + "SELECT ?s WHERE { ?s ex:p ?o FILTER(?o != 'same') }": 0,
        PREFIX + "SELECT ?s WHERE { ?s ?s ?s }": 0,
        PREFIX + "SELECT ?s WHERE { ?s ex:p ?o } OFFSET 1099": 1,
        PREFIX + "DESCRIBE ?o WHERE { ?s ex:p ?o }": 0,
    }
    for text, written in reads.items():
        assert not check(text).bounded, text
        assert size(engine, text) == written, text
