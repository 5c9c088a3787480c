"""pob.sparql.guard on its own: what it refuses, what it extracts, and that its rewriting of IRIs
changes nothing for the engine (checked against Oxigraph itself)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from pob.sparql.guard import GuardError, QueryTooLarge, UpdateRefused, check, decode, tokens


def test_decode() -> None:
    assert decode(b"ASK {}", 100) == "ASK {}"
    with pytest.raises(QueryTooLarge):
        decode(b"x" * 101, 100)
    with pytest.raises(GuardError) as raised:
        decode(b"ASK {\n \xff }", 100)
    assert (raised.value.line, raised.value.column) == (2, 2)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ('"a{b" ?x', ["string", "var"]),
        ("'''a\n{'''", ["string"]),
        ("ex:a\\'b ?c", ["pname", "var"]),
        ('"x"@service', ["string", "lang"]),
        ("<< <a> <b> <c> >>", ["open", "iri", "iri", "iri", "close"]),
    ],
)
def test_tokens(text: str, kinds: list[str]) -> None:
    assert [t.kind for t in tokens(text)] == kinds


def test_not_an_iri_is_code() -> None:
    # `{` may not appear in an IRI, so `<http://x/{>` is code: its brace counts
    found = tokens("<http://x/{> # { comment\n{")
    assert [t.kind for t in found].count("open") == 2
    assert not any(t.kind == "iri" for t in found)


def test_nesting_counts_only_code() -> None:
    brackets = "(" * 100
    assert check(f'SELECT * {{ BIND("{brackets}" AS ?x) }} # {brackets}').form == "SELECT"
    with pytest.raises(GuardError, match="nests"):
        check("SELECT * " + "{" * 65 + "}" * 65)
    assert check("SELECT * " + "{" * 64 + "}" * 64, max_nesting=64)


def test_operator_limit() -> None:
    # SELECT, `*`, FILTER and ten `!` make thirteen
    check("SELECT * { FILTER(" + "!" * 10 + "true) }", max_operators=13)
    with pytest.raises(GuardError, match="operators"):
        check("SELECT * { FILTER(" + "!" * 11 + "true) }", max_operators=13)
    # datatype markers are not operators
    check("SELECT * { VALUES ?x { " + '"1"^^<urn:t> ' * 50 + "} }", max_operators=10)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://x/> { } }",
        "select * { service silent <http://x/> { } }",
        "PREFIX : <http://x/>\nSELECT * { SERVICE:x { } }",
        "SELECT * { SERVICE?x { } }",
    ],
)
def test_service_refused(text: str) -> None:
    with pytest.raises(GuardError):
        check(text)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "SERVICE <http://x/> {}" }',
        "SELECT * { ?s ?p ?o } # SERVICE <http://x/> {}",
        "SELECT ?service { ?service ?p <http://x/service> }",
        "PREFIX ex: <http://x/>\nSELECT * { ?s ex:SERVICE ?o }",
    ],
)
def test_service_in_strings_comments_names_allowed(text: str) -> None:
    check(text)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("INSERT DATA { <a> <b> <c> }", "INSERT"),
        ("PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }", "DELETE"),
        ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
        ("CLEAR ALL", "CLEAR"),
        ("SELECT * { ?s ?p ?o } LOAD <http://x/>", "LOAD"),
    ],
)
def test_update_refused(text: str, word: str) -> None:
    with pytest.raises(UpdateRefused, match=word):
        check(text)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("PREFIX a: <http://a/>\nBASE <http://b/>\n# c\nask {}", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <x>", "DESCRIBE"),
    ],
)
def test_form(text: str, form: str) -> None:
    assert check(text).form == form


def test_not_a_query() -> None:
    with pytest.raises(GuardError, match="expected a query"):
        check("HELLO")
    with pytest.raises(GuardError, match="empty"):
        check("  # nothing\n")


def test_from_graphs_resolved() -> None:
    query = check(
        "BASE <http://b.example/dir/>\nPREFIX g: <http://g.example/>\n"
        "SELECT * FROM g:one FROM <two> FROM NAMED <http://n.example/\\u0023x> { }"
    )
    assert query.from_graphs == ("http://g.example/one", "http://b.example/dir/two")
    assert query.from_named == ("http://n.example/#x",)
    assert check("SELECT * FROM <rel> {}", base_iri="http://e.example/sparql").from_graphs == (
        "http://e.example/rel",
    )


def test_text_without_dataset_blanks_only_the_from_clauses() -> None:
    """For an engine given the dataset as protocol parameters (pob.store.remote): the FROM
    and FROM NAMED clauses become spaces, everything else stays where it was."""
    text = (
        "PREFIX g: <http://g.example/>\n"
        "SELECT ?s FROM g:one\nFROM NAMED <http://n.example/x#y> WHERE { ?s <http://p/a#b> ?o }"
    )
    query = check(text)
    without = query.text_without_dataset
    assert "FROM" not in without and "g:one" not in without and "n.example" not in without
    assert without.startswith("PREFIX g: <http://g.example/>\nSELECT ?s ")
    assert without.splitlines()[2].lstrip() == "WHERE { ?s <http://p/a\\u0023b> ?o }"
    assert len(without.splitlines()) == len(query.text.splitlines())
    # the FROM NAMED IRI's `#` is escaped in `text` (5 characters more), not in `without`
    assert without.index("WHERE") == query.text.index("WHERE") - len("\\u0023") + 1
    assert check("SELECT * { ?s ?p ?o }").text_without_dataset == ""


def test_reserved_prefix_refused() -> None:
    with pytest.raises(GuardError, match="prefix"):
        check("PREFIX from: <http://x/>\nSELECT * FROM:g { }")


def test_undeclared_prefix_in_from() -> None:
    with pytest.raises(GuardError, match="undeclared prefix"):
        check("SELECT * FROM nope:g { }")


def test_rewriting_and_positions() -> None:
    query = check("PREFIX ex: <http://x/a#>\nSELECT * { ?s ex:p <http://x/(b)> . FILTER(?o = ) }")
    assert "\\u0023" in query.text and "\\u0028b\\u0029" in query.text
    assert "#" not in query.text
    # a position after the rewritten IRIs moves back by what they grew
    line2 = query.text.splitlines()[1]
    column = line2.index("FILTER") + 1
    assert query.where(2, column) == (2, query.original.splitlines()[1].index("FILTER") + 1)
    # a position inside a rewritten IRI maps to its start
    assert query.where(1, 20) == (1, 12)


DATA = """
<http://x/a#1> <http://x/p> "it's" .
<http://x/(b)> <http://x/p> 2 .
<http://x/c> <http://x/p> <http://x/a#1> .
"""


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?o WHERE { <http://x/a#1> <http://x/p> ?o }",
        "SELECT ?s WHERE { ?s <http://x/p> 2 }",
        "SELECT ?s WHERE { ?s ?p ?o FILTER(?o = <http://x/a#1>) }",
        "PREFIX x: <http://x/>\nSELECT ?s WHERE { ?s x:p ?o FILTER(?o > 1) } # <'>",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o<3&&?o>1) }",
    ],
)
def test_rewritten_query_gives_the_same_answers(text: str) -> None:
    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.TURTLE)
    checked = check(text)

    def answers(query: str) -> list[str]:
        return sorted(str(list(row)) for row in store.query(query))  # type: ignore[union-attr]

    assert answers(checked.text) == answers(text)


def test_what_the_guard_found_is_remembered_for_short_queries_only() -> None:
    """pob.sparql.protocol.check keeps what the guard found for a short query (a repeated
    query skips the tokeniser); never a refusal, never a long query, and keyed by every
    argument the answer depends on (the limits, the base IRI)."""
    import asyncio

    from pob.settings import Settings
    from pob.sparql import protocol

    settings = Settings(max_nesting=3)
    loose = Settings(max_nesting=64)
    text = "SELECT ?v WHERE { <http://example.org/a> ?p ?v }"

    def run(text: str, settings: Settings, base: str | None = None) -> object:
        return asyncio.run(protocol.check(text, settings, base))

    first = run(text, settings)
    assert run(text, settings) is first
    other_base = run(text, settings, "http://example.org/sparql")
    assert other_base is not first and other_base.base_iri == "http://example.org/sparql"  # type: ignore[attr-defined]
    nested = "ASK { { { { ?s ?p ?o } } } }"
    assert run(nested, loose) is run(nested, loose)
    for _ in range(2):  # accepted under the loose limit, still refused under the strict one
        with pytest.raises(GuardError, match="nests brackets"):
            run(nested, settings)
    kept = protocol._check_cached.cache_info().currsize
    for _ in range(2):
        with pytest.raises(GuardError, match="SERVICE"):
            run("SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }", settings)
    assert protocol._check_cached.cache_info().currsize == kept
    long_text = text + " #" + "x" * protocol.CHECKED_TEXT
    once, again = run(long_text, settings), run(long_text, settings)
    assert once == again and once is not again
    assert protocol._check_cached.cache_info().currsize == kept
