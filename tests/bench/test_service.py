"""bench.service without servers: its queries run on generated data; its doc block."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import bench.service
from bench.generate import generate, source_key
from bench.service import (
    BEGIN,
    END,
    GRAPH,
    HEADING,
    QUERIES,
    SECOND,
    answer,
    bench_queries,
    data_file,
    in_process,
    write_section,
)
from bench.service_memory import lookups
from pob.graph.sources import ontology_graph
from pob.sparql import guard


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """5,000 generated triples in the benchmark graph, the ontology beside them (named
    graphs, queried as the union, as the service lays them out)."""
    store = ox.Store()
    data = generate(5_000, seed=1).serialize(format="nt", encoding="utf-8")
    store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
    ontology = ontology_graph().serialize(format="nt", encoding="utf-8")
    store.load(ontology, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH + "-ontology"))
    return store


def test_nine_queries_of_every_form(store: ox.Store) -> None:
    queries = bench_queries(store, QUERIES)
    assert len(queries) == len(list(QUERIES.glob("*.rq"))) == 9
    assert {q.form for q in queries} == {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
    assert "point-lookup" in {q.name for q in queries}


def answers(store: ox.Store, folder: Path) -> dict[str, str]:
    return {
        q.name: answer(q, in_process(store, q, union=True)) for q in bench_queries(store, folder)
    }


def test_every_query_answers(store: ox.Store) -> None:
    """Every query but the ASK finds something in the generated data (an empty answer
    measures nothing); region-path's subclass path reaches the ontology."""
    found = answers(store, QUERIES)
    assert len(found) == 9
    empty = {name: got for name, got in found.items() if got in ("0 rows", "0 triples")}
    assert not empty, f"queries with an empty answer on generated data: {empty}"
    assert found["ask-person-chair"] in ("true", "false")


def test_the_second_query_set_runs(store: ox.Store) -> None:
    """The second set (the same kinds, other queries) runs on generated data and every
    query finds something."""
    found = answers(store, SECOND)
    assert len(found) == len(list(SECOND.glob("*.rq"))) >= 8
    empty = {name: got for name, got in found.items() if got in ("0 rows", "0 triples")}
    assert not empty, f"queries with an empty answer on generated data: {empty}"


def test_the_data_cache_is_keyed_by_the_generator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made once per size, seed and version of the generator: a changed generator (another
    source key) makes new data instead of reusing the old file."""
    monkeypatch.setattr(bench.service, "WORK", tmp_path)
    path, seconds = data_file(1_000, 9)
    assert seconds is not None and source_key() in path.name
    assert len(source_key()) == 10 and path.parent == tmp_path / "data"
    assert data_file(1_000, 9) == (path, None)
    assert {t.triple for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)} == {
        t.triple
        for t in ox.parse(
            generate(1_000, seed=9).serialize(format="nt", encoding="utf-8"),
            ox.RdfFormat.N_TRIPLES,
        )
    }
    monkeypatch.setattr(bench.service, "source_key", lambda: "0123456789")
    changed, seconds = data_file(1_000, 9)
    assert changed != path and seconds is not None and "0123456789" in changed.name


def test_write_section_keeps_the_rest(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\n## Other\n\nkept\n", encoding="utf-8")
    write_section("first table", doc)
    text = doc.read_text(encoding="utf-8")
    assert HEADING in text and "first table" in text and "kept" in text
    doc.write_text(text.replace(END, END + "\n\nprose after the block"), encoding="utf-8")
    write_section("second table", doc)
    text = doc.read_text(encoding="utf-8")
    assert "second table" in text and "first table" not in text
    assert "prose after the block" in text and "kept" in text
    assert text.count(BEGIN) == text.count(END) == 1


def test_each_size_has_its_own_table(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n", encoding="utf-8")
    write_section("small table", doc)
    write_section("big table", doc, triples=5_000_000)
    write_section("big table again", doc, triples=5_000_000)
    write_section("small table again", doc)
    text = doc.read_text(encoding="utf-8")
    assert "small table again" in text and "big table again" in text
    assert "small table\n" not in text and "big table\n" not in text
    assert text.index("small table again") < text.index("big table again")
    assert text.count("<!-- bench.service 5000000: begin -->") == 1


def test_the_lookup_phase_asks_for_distinct_subjects_each_with_its_triples(
    store: ox.Store, tmp_path: Path
) -> None:
    """bench.service_memory's lookups: as many distinct subjects as asked (or as the file
    holds), each a bounded lookup whose answer is that subject's triples."""
    nt = tmp_path / "data.nt"
    nt.write_bytes(generate(5_000, seed=1).serialize(format="nt", encoding="utf-8"))
    found = lookups(nt, 200)
    subjects = {query.text.split("{ ", 1)[1].split(" ", 1)[0] for query in found}
    assert len(found) == len(subjects) == 200
    assert all(guard.check(query.text).bounded for query in found)
    for query in found[:20]:
        subject = ox.NamedNode(query.text.split("{ <", 1)[1].split(">", 1)[0])
        rows = list(store.query(query.text, use_default_graph_as_union=True))
        assert rows and len(rows) == len(list(store.quads_for_pattern(subject, None, None)))
    everything = lookups(nt, 10**6)
    assert 200 < len(everything) < 5_000  # the file's subjects, each once
