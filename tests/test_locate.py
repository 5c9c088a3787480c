"""Where a resource is written in an uploaded file (pob.validation.locate), in every syntax
an upload may have; each case's expected place is found by reading the text, and the file
must parse (so the cases are real RDF)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from pob.core import formats
from pob.core.formats import Syntax
from pob.validation.locate import Location, locate

A = "https://w3id.org/pob/id/municipality/a"
B = "https://w3id.org/pob/id/municipality/b"
CASES: dict[str, tuple[Syntax, str]] = {
    "turtle": (
        formats.TURTLE_SYNTAX,
        "@prefix mun: <https://w3id.org/pob/id/municipality/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '# mun:b in a comment\n<http://x/s> rdfs:label "mun:b . mun:a" ; rdfs:seeAlso mun:b .\n'
        "mun:a rdfs:seeAlso mun:b .\n"
        '  mun:b rdfs:label "B"@da .\n',
    ),
    "turtle-base": (
        formats.TURTLE_SYNTAX,
        "@base <https://w3id.org/pob/id/> .\n"
        "<municipality/b> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <municipality/a> .\n"
        "<municipality/a> a <http://x/C> .\n",
    ),
    "trig": (
        formats.TRIG_SYNTAX,
        "PREFIX mun: <https://w3id.org/pob/id/municipality/>\n"
        "<http://x/g> {\n  mun:b <http://x/p> mun:a .\n  mun:a <http://x/p> 1 .\n}\n",
    ),
    "n-triples": (
        formats.NTRIPLES_SYNTAX,
        f'<{B}> <http://x/p> <{A}> .\n<{A}> <http://x/p> "x" .\n',
    ),
    "n-quads": (
        formats.NQUADS_SYNTAX,
        f"<{B}> <http://x/p> <{A}> <http://x/g> .\n<{A}> <http://x/p> <{B}> <http://x/g> .\n",
    ),
    "rdf-xml": (
        formats.RDFXML_SYNTAX,
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
        '    xml:base="https://w3id.org/pob/id/">\n'
        '  <rdf:Description rdf:about="municipality/b">\n'
        '    <rdf:seeAlso xmlns:rdf2="x" rdf:resource="municipality/a"/>\n'
        "  </rdf:Description>\n"
        '  <rdf:Description rdf:about="municipality/a"><rdf:value>1</rdf:value></rdf:Description>\n'
        "</rdf:RDF>\n",
    ),
    "json-ld": (
        formats.JSONLD_SYNTAX,
        '{"@context": {"m": "https://w3id.org/pob/id/municipality/"},\n'
        ' "@graph": [\n  {"@id": "m:b", "http://x/p": {"@id": "m:a"}},\n'
        '  {"@id": "mun:zzz"}\n ]}\n',
    ),
}


def expected(text: str, needle: str, nth: int = 1) -> Location:
    offset = -1
    for _ in range(nth):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return Location(line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def test_cases_collected() -> None:
    assert len(CASES) == 7


@pytest.mark.parametrize("name", sorted(CASES))
def test_first_place_as_subject(name: str) -> None:
    syntax, text = CASES[name]
    assert syntax.rdf is not None
    assert list(ox.parse(text, syntax.rdf))  # real RDF
    found = locate(text.encode(), syntax, [A, B, "http://not/there"])
    if name == "turtle":  # as a subject, not in a comment, string or object position
        assert found[A] == expected(text, "mun:a rdfs")
        assert found[B] == expected(text, "mun:b rdfs:label")
    elif name == "turtle-base":
        assert found == {A: expected(text, "<municipality/a> a"), B: Location(2, 1)}
    elif name == "trig":
        assert found == {A: expected(text, "mun:a <"), B: expected(text, "mun:b")}
    elif name in ("n-triples", "n-quads"):
        assert found == {A: Location(2, 1), B: Location(1, 1)}
    elif name == "rdf-xml":  # the value of rdf:about
        assert found == {
            A: expected(text, "municipality/a", 2),
            B: expected(text, "municipality/b"),
        }
    else:  # the value of @id, prefixes of the document's context
        assert found == {A: expected(text, "m:a"), B: expected(text, "m:b")}
    assert "http://not/there" not in found


def test_a_file_name_travels_and_nothing_asked_is_nothing_found() -> None:
    syntax, text = CASES["n-triples"]
    assert locate(text, syntax, [A], file="x.nt")[A] == Location(2, 1, "x.nt")
    assert locate(text, syntax, []) == {}
