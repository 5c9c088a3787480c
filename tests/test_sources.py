"""Reading sources: formats, parse errors with file/line/column, literal normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from pob.graph.sources import (
    ParseError,
    format_for,
    normalise,
    parse_file,
    parse_text,
    sources_hash,
)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.ttl", "turtle"),
        ("a.nt", "nt"),
        ("a.jsonld", "json-ld"),
        ("a.rdf", "xml"),
        ("a.trig", "trig"),
        ("a.nq", "nquads"),
    ],
)
def test_format_from_suffix(name: str, fmt: str) -> None:
    assert format_for(name) == fmt


def test_unknown_suffix_is_refused() -> None:
    with pytest.raises(ParseError, match="suffix"):
        format_for("a.docx")


def test_turtle_error_names_file_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text('@prefix a: <http://x/> .\n\na:b a:c "open .\n', encoding="utf-8")
    with pytest.raises(ParseError) as info:
        parse_file(path)
    assert info.value.source == str(path)
    assert info.value.line == 3
    assert str(path) in str(info.value)


def test_jsonld_error_has_line_and_column() -> None:
    with pytest.raises(ParseError) as info:
        parse_text('{\n  "@id": "x",\n  "a" 3\n}', "json-ld", "sub.jsonld")
    assert info.value.line == 3
    assert info.value.column is not None


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ttl"
    path.write_bytes('<http://x/a> <http://x/b> "bl\xe5" .\n'.encode("latin-1"))
    with pytest.raises(ParseError, match="UTF-8"):
        parse_file(path)


def test_quads_are_merged() -> None:
    graph = parse_text("<http://x/a> <http://x/b> <http://x/c> <http://x/g> .\n", "nquads", "q.nq")
    assert len(graph) == 1


def test_xsd_string_literals_become_plain() -> None:
    g = Graph()
    s, p = URIRef("http://x/s"), URIRef("http://x/p")
    g.add((s, p, Literal("x", datatype=XSD.string)))
    g.add((s, p, Literal("y", lang="da")))
    normalise(g)
    assert set(g.objects(s, p)) == {Literal("x"), Literal("y", lang="da")}


def test_hash_depends_on_base() -> None:
    assert sources_hash("https://w3id.org/pob/") != sources_hash("http://localhost/pob/")
    assert sources_hash() == sources_hash()
