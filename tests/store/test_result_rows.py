"""Rows of a SELECT answer written by the engine in SPARQL JSON or XML and counted after
(pob/store/results.py, the in-memory answers of pob/store/inline.py): the count is the
number of solutions whatever the literals hold, the answer is the one the TSV route gives,
and the row and byte bounds still hold."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from pob.store import results
from pob.store.base import Dataset
from pob.store.errors import ResultTooLarge

EX = "http://example.org/"
JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
FORMATS = {JSON: ox.QueryResultsFormat.JSON, XML: ox.QueryResultsFormat.XML}
#: what a literal may hold that looks like the answer's own structure
TRICKY = [
    "},{",
    "[{",
    '"',
    "\\",
    '\\"',
    '},{"x":{"type":"uri"',
    "<result>",
    "</result>",
    "{}",
    "\n",
    "\t",
    ",{",
    "[{}]",
    "é ø",
    "",
]


#: the same without anything JSON escapes (no backslash at all, brackets in strings)
UNESCAPED = [p for p in TRICKY if not any(c in p for c in '"\\\n\t')]
#: and without a bracket in any literal (the count's quickest route)
PLAIN = ["plain", ", ", ": ", "]", "],", ":,", "é ø", "", "http://example.org/x"]


def literal_store(seed: int, count: int, pieces: list[str] = TRICKY) -> ox.Store:
    """`count` subjects with a random literal each, built from `pieces`."""
    draw = random.Random(seed)
    store = ox.Store()
    for i in range(count):
        text = "".join(draw.choice(pieces) for _ in range(draw.randint(0, 6)))
        value = ox.Literal(text, language="da") if draw.random() < 0.3 else ox.Literal(text)
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), value))
    return store


def parsed_rows(body: bytes, media_type: str) -> int:
    if media_type == JSON:
        return len(json.loads(body)["results"]["bindings"])
    ns = "{http://www.w3.org/2005/sparql-results#}"
    return len(ET.fromstring(body).findall(f"{ns}results/{ns}result"))


@pytest.mark.parametrize(
    "pieces", [TRICKY, UNESCAPED, PLAIN], ids=["escaped", "unescaped", "plain"]
)
@pytest.mark.parametrize("media_type", [JSON, XML])
@pytest.mark.parametrize("seed", range(8))
def test_rows_are_counted_whatever_the_literals_hold(
    seed: int, media_type: str, pieces: list[str]
) -> None:
    store = literal_store(seed, 60, pieces)
    for text in (
        "SELECT ?s ?o WHERE { ?s ?p ?o }",
        "SELECT ?o WHERE { ?s ?p ?o } LIMIT 1",
        "SELECT ?x WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/none> ?x } }",
        "SELECT * WHERE { }",
        "SELECT ?s WHERE { ?s ?p ?o FILTER(false) }",
        "SELECT ?t WHERE { ?s ?p ?o BIND(<<( ?s ?p ?o )>> AS ?t) }",
        "SELECT ?b WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }",
    ):
        body = store.query(text).serialize(format=FORMATS[media_type])
        assert results.count_rows(body, FORMATS[media_type]) == parsed_rows(body, media_type), text


@pytest.mark.parametrize("media_type", [JSON, XML])
def test_the_direct_answer_is_the_tsv_routes_answer(media_type: str) -> None:
    store = literal_store(11, 40)
    text = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    direct = results.run_query(store, text, Dataset(), media_type, 100, None, None, 64 * 1024)
    routed = results.run_query(store, text, Dataset(), media_type, 100, None, None)
    assert direct.rows == routed.rows == 40
    assert direct.body is not None and routed.body is not None
    for body in (direct.body, routed.body):
        assert parsed_rows(body, media_type) == 40
    if media_type == JSON:

        def solutions(body: bytes) -> list[str]:
            return sorted(
                json.dumps(b, sort_keys=True) for b in json.loads(body)["results"]["bindings"]
            )

        assert solutions(direct.body) == solutions(routed.body)


def test_the_row_bound_holds_on_the_direct_route() -> None:
    store = literal_store(3, 30)
    text = "SELECT ?s WHERE { ?s ?p ?o }"
    with pytest.raises(ResultTooLarge):
        results.run_query(store, text, Dataset(), JSON, 29, None, None, 64 * 1024)
    found = results.run_query(store, text, Dataset(), JSON, 30, None, None, 64 * 1024)
    assert found.rows == 30


def test_the_byte_bound_stops_the_engine_writing() -> None:
    store = ox.Store()
    for i in range(2000):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal("x" * 100)))
    text = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    with pytest.raises(ResultTooLarge):
        results.run_query(store, text, Dataset(), XML, None, None, None, 8 * 1024)
    whole = results.run_query(store, text, Dataset(), XML, None, None, None, 1024 * 1024)
    assert whole.rows == 2000


def test_other_formats_are_not_counted_here() -> None:
    with pytest.raises(ValueError, match="JSON or XML"):
        results.count_rows(b"?s\n<x>\n", ox.QueryResultsFormat.TSV)
