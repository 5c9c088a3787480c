"""The named-query registry: headers, typed parameters, no injection."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from pob.sparql.named import (
    ParameterError,
    QueryFileError,
    bind,
    load_qc_queries,
    load_queries,
    parse_query_file,
)

HEADER = """#+ title:
#+   da: Test
#+   en: Test
#+ description:
#+   da: En test
#+   en: A test
#+ params:
#+   - name: who
#+     type: {type}
#+     default: {default}
#+     description: {{da: hvem, en: who}}
#+ returns: rows
"""


def write(tmp_path: Path, name: str, param_type: str, default: str, body: str) -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(HEADER.format(type=param_type, default=default) + body, encoding="utf-8")
    return path


def test_header_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "t", "string", "x", 'SELECT ?s WHERE { ?s ?p $who } # "$who"\n')
    query = parse_query_file(path)
    assert query.name == "t"
    assert query.form == "SELECT"
    assert query.title == {"da": "Test", "en": "Test"}
    assert query.param("who").default == "x"
    assert query.header()["params"][0]["type"] == "string"


def test_string_values_cannot_inject(tmp_path: Path) -> None:
    path = write(tmp_path, "t", "string", "x", "SELECT ?s WHERE { ?s ?p $who }\n")
    query = parse_query_file(path)
    evil = '" } ; DROP ALL ; SELECT * { ?s ?p ?o } #'
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal(evil)))
    store.add(ox.Quad(ox.NamedNode("http://x/b"), ox.NamedNode("http://x/p"), ox.Literal("x")))
    result = store.query(bind(query, {"who": evil}))
    assert isinstance(result, ox.QuerySolutions)
    assert [row["s"] for row in result] == [ox.NamedNode("http://x/a")]


def test_only_placeholders_outside_strings_are_bound(tmp_path: Path) -> None:
    path = write(
        tmp_path, "t", "string", "x", 'SELECT ?s WHERE { ?s ?p $who FILTER(?s != "$who") }\n'
    )
    text = bind(parse_query_file(path), {})
    assert '"$who"' in text and '?p "x"' in text


@pytest.mark.parametrize(
    ("param_type", "value"),
    [
        ("iri", "not an iri"),
        ("iri", "http://x/> . ?s ?p <y"),
        ("integer", "1; DROP"),
        ("decimal", "NaN"),
        ("date", "2020-13-01"),
        ("boolean", "yes"),
        ("lang", "da'"),
    ],
)
def test_bad_values_are_refused(tmp_path: Path, param_type: str, value: str) -> None:
    path = write(tmp_path, "t", param_type, "null", "SELECT ?s WHERE { ?s ?p $who }\n")
    with pytest.raises(ParameterError) as info:
        bind(parse_query_file(path), {"who": value})
    assert info.value.param == "who"


def test_unknown_parameter_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "t", "string", "x", "SELECT ?s WHERE { ?s ?p $who }\n")
    with pytest.raises(ParameterError):
        bind(parse_query_file(path), {"whom": "x"})


def test_header_and_body_must_agree(tmp_path: Path) -> None:
    path = write(tmp_path, "t", "string", "x", "SELECT ?s WHERE { ?s ?p $other }\n")
    with pytest.raises(QueryFileError, match="differ"):
        parse_query_file(path)


def test_header_needs_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "t.rq"
    path.write_text("#+ title: {da: x}\n#+ returns: r\nASK {}\n", encoding="utf-8")
    with pytest.raises(QueryFileError, match="'da' and 'en'"):
        parse_query_file(path)


def test_the_real_queries_load() -> None:
    queries = load_queries()
    assert len(queries) >= 12
    for query in queries.values():
        text = bind(query, {})
        ox.Store().query(text)  # parses on the engine we serve with
    assert load_qc_queries(), "QC queries (*-violation.rq) exist"
