"""The store contract (:class:`pob.store.base.Store`), the same tests on both stores.

The `settings` fixture (tests/store/conftest.py) gives an embedded store in `tmp_path` and a
`RemoteStore` on `oxigraph serve` (emptied before each test); `make_store` picks the class.
Every test starts from an empty store (no build) unless it says otherwise.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from pob.core import formats
from pob.graph.sources import ParseError
from pob.settings import Settings
from pob.store import make_store
from pob.store.base import CURATED, Dataset, QueryResult, Store, TrustedQuery
from pob.store.errors import (
    EngineUnavailable,
    QuerySyntaxError,
    ResultTooLarge,
    StoreError,
    UnknownGraph,
)
from pob.store.ops import PROV_GENERATED_BY, SPDX_CHECKSUM, SPDX_CHECKSUM_VALUE
from tests.store.conftest import with_store

EX = "http://example.org/"
G1 = f"{EX}contract/one"
G2 = f"{EX}contract/two"
G3 = f"{EX}contract/three"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
A = f'<{EX}a> <{LABEL}> "one" .\n'.encode()
B = f'<{EX}b> <{EX}p> "two"@en .\n'.encode()
C = f"<{EX}c> <{EX}q> <{EX}a> .\n".encode()
JSON = formats.JSON


def empty(settings: Settings, body: object, **kw: object) -> None:
    with_store(settings, body, built=False, **kw)  # type: ignore[arg-type]


def lines(data: bytes) -> set[str]:
    """N-Triples (without blank nodes) as a set of canonical lines."""
    return {str(t) for t in ox.parse(data, ox.RdfFormat.N_TRIPLES)}


async def graph_lines(store: Store, graph: str | None) -> set[str]:
    return lines((await store.get_graph(graph, formats.NTRIPLES)).read())


def column(result: QueryResult, name: str) -> set[str]:
    return {b[name]["value"] for b in json.loads(result.read())["results"]["bindings"]}


async def state(store: Store) -> tuple[frozenset[str], dict[str, int], set[str]]:
    """What a failed write must leave as it was: graphs, counts, every triple (blank nodes
    as `_:b`: their labels are not stable between two reads, e.g. from disk and from a
    worker's in-memory replica)."""
    blank = re.compile(r"_:[A-Za-z0-9]+")
    return (
        await store.graphs(refresh=True),
        await store.triple_counts(),
        {blank.sub("_:b", line) for line in await graph_lines(store, None)},
    )


# -- life cycle, graphs and the Graph Store writes ---------------------------------------


def test_open_close_and_reopen(settings: Settings) -> None:
    async def run() -> None:
        store = make_store(settings)
        await store.open()
        try:
            assert await store.graphs(refresh=True) == frozenset()
            assert await store.recorded_hash() is None
            assert await store.put_graph(G1, A) is True
        finally:
            await store.close()
        again = make_store(settings)
        await again.open(workers=False)  # one-off commands: reads in this process
        try:
            assert await again.graphs(refresh=True) == {G1}
            assert await graph_lines(again, G1) == lines(A)
            assert await again.select(f"SELECT ?o {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}") == [
                {"o": {"type": "literal", "value": "one"}}
            ]
        finally:
            await again.close()

    asyncio.run(run())


def test_put_post_delete_created_flags_and_unknown_graphs(settings: Settings) -> None:
    async def body(store: Store) -> None:
        assert store.curated == {settings.graph(n) for n in CURATED}
        assert await store.put_graph(G1, A) is True  # new
        assert await store.put_graph(G1, B) is False  # replaced
        assert await graph_lines(store, G1) == lines(B)
        assert await store.post_graph(G1, A) is False  # added to
        assert await graph_lines(store, G1) == lines(A + B)
        assert await store.post_graph(G2, C) is True  # new
        assert await store.graphs() == {G1, G2}  # seen without refresh
        await store.delete_graph(G1)
        assert await store.graphs() == {G2}
        with pytest.raises(UnknownGraph):
            await store.delete_graph(G1)
        with pytest.raises(UnknownGraph):
            await store.get_graph(G1, formats.NTRIPLES)
        assert await store.put_graph(G3, b"") is True  # an empty graph is a graph
        assert await store.graphs(refresh=True) == {G2, G3}

    empty(settings, body)


def many_triples(n: int) -> bytes:
    return b"".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n'.encode() for i in range(n))


def test_a_large_write_is_not_under_the_query_deadline(settings: Settings) -> None:
    """A write takes as long as it takes, within `store_write_timeout`; the public queries'
    deadline (`query_timeout`) is not a write's (a remote engine's write went under it)."""
    quick = dataclasses.replace(settings, query_timeout=0.5)
    n = 200_000

    async def body(store: Store) -> float:
        began = time.monotonic()
        assert await store.put_graph(G1, many_triples(n)) is True
        took = time.monotonic() - began
        assert (await store.triple_counts())[G1] == n
        return took

    took = with_store(quick, body, built=False)
    if quick.store_url:  # else this tested nothing: the write must outlast a query's deadline
        assert took > quick.query_timeout


def test_a_write_past_its_deadline_is_a_clear_error_and_all_or_nothing(
    settings: Settings,
) -> None:
    """On a remote engine; the embedded store's writes are local, under no such deadline."""
    hasty = dataclasses.replace(settings, store_write_timeout=0.05)
    n = 200_000

    async def body(store: Store) -> None:
        if not settings.store_url:
            assert await store.put_graph(G1, many_triples(n)) is True
            return
        with pytest.raises(EngineUnavailable, match=r"within 0.05 s \(POB_STORE_WRITE_TIMEOUT\)"):
            await store.put_graph(G1, many_triples(n))
        await asyncio.sleep(0.5)  # the engine may go on with what it had

    with_store(hasty, body, built=False)

    async def after(store: Store) -> None:
        await store.put_graph(G2, A)  # the engine takes writes again
        assert (await store.triple_counts()).get(G1, 0) in (0, n)  # never a part of it

    empty(settings, after)


def test_get_graph_in_ntriples_and_turtle(settings: Settings) -> None:
    async def body(store: Store) -> None:
        await store.put_graph(G1, A + C)
        await store.put_graph(G2, B)
        nt = await store.get_graph(G1, formats.NTRIPLES)
        assert nt.media_type == formats.NTRIPLES
        assert lines(nt.read()) == lines(A + C)
        turtle = await store.get_graph(G1, formats.TURTLE)
        assert turtle.media_type == formats.TURTLE
        text = turtle.read().decode()
        assert "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in text  # used
        assert "@prefix owl:" not in text  # unused prefixes left out
        expected = Graph().parse(data=(A + C).decode(), format="nt")
        assert isomorphic(Graph().parse(data=text, format="turtle"), expected)
        assert await graph_lines(store, None) == lines(A + B + C)  # None: every graph

    empty(settings, body)


def test_triple_counts(settings: Settings) -> None:
    async def body(store: Store) -> None:
        assert await store.triple_counts() == {}
        await store.put_graph(G1, A + C)
        await store.put_graph(G2, B)
        await store.put_graph(G3, b"")
        assert await store.triple_counts() == {G1: 2, G2: 1, G3: 0}
        await store.post_graph(G2, C)
        await store.delete_graph(G1)
        assert await store.triple_counts() == {G2: 2, G3: 0}

    empty(settings, body)


# -- queries ------------------------------------------------------------------------------


def test_query_datasets(settings: Settings) -> None:
    subjects = "SELECT ?s WHERE { ?s ?p ?o }"

    async def run(store: Store, text: str, dataset: Dataset, name: str = "s") -> set[str]:
        result = await store.query(TrustedQuery(text, "SELECT"), dataset, JSON, None)
        assert result.media_type == JSON
        return column(result, name)

    async def body(store: Store) -> None:
        await store.put_graph(G1, A)
        await store.put_graph(G2, B)
        assert await run(store, subjects, Dataset()) == {f"{EX}a", f"{EX}b"}  # union
        assert await run(store, subjects, Dataset(default=(G1,))) == {f"{EX}a"}
        named = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        assert await run(store, named, Dataset(), "g") == {G1, G2}
        assert await run(store, named, Dataset(default=(), named=(G2,)), "g") == {G2}
        assert await run(store, subjects, Dataset(default=(), named=())) == set()
        own = f"SELECT ?s FROM <{G2}> WHERE {{ ?s ?p ?o }}"
        assert await run(store, own, Dataset(from_query=True)) == {f"{EX}b"}
        with pytest.raises(ResultTooLarge) as raised:
            await store.query(TrustedQuery(subjects, "SELECT"), Dataset(), JSON, 1)
        assert raised.value.limit == 1

    empty(settings, body)


def test_trusted_query_and_select(settings: Settings) -> None:
    async def body(store: Store) -> None:
        await store.put_graph(G1, A)
        await store.put_graph(G2, B)
        rows = await store.select(f"SELECT ?o WHERE {{ <{EX}b> ?p ?o }}")
        assert rows == [{"o": {"type": "literal", "value": "two", "xml:lang": "en"}}]
        result = await store.trusted_query("SELECT ?s { ?s ?p ?o }", "select", JSON)
        assert column(result, "s") == {f"{EX}a", f"{EX}b"}  # every graph, any case of form
        construct = f"CONSTRUCT {{ ?s <{EX}q> ?o }} WHERE {{ ?s ?p ?o }}"
        nt = await store.trusted_query(construct, "CONSTRUCT", formats.NTRIPLES)
        assert lines(nt.read()) == {
            f'<{EX}a> <{EX}q> "one"',
            f'<{EX}b> <{EX}q> "two"@en',
        }
        turtle = await store.trusted_query(construct, "CONSTRUCT", formats.TURTLE)
        assert turtle.media_type == formats.TURTLE
        assert len(Graph().parse(data=turtle.read().decode(), format="turtle")) == 2
        for ask, answer in ((f"ASK {{ <{EX}a> ?p ?o }}", True), ("ASK { <urn:x> ?p ?o }", False)):
            result = await store.trusted_query(ask, "ASK", JSON)
            assert json.loads(result.read())["boolean"] is answer
        with pytest.raises(QuerySyntaxError) as raised:  # from a worker, as itself
            await store.trusted_query("SELECT * WHERE {\n ?s ?p }", "SELECT", JSON)
        assert raised.value.line == 2

    empty(settings, body)


# -- update -------------------------------------------------------------------------------


class Recording:
    """Write hooks that note when they are called."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def before(self) -> None:
        self.calls.append("before")

    def after(self) -> None:
        self.calls.append("after")


def test_update_writes_two_graphs_in_one_transaction(settings: Settings) -> None:
    hooks = Recording()

    async def body(store: Store) -> None:
        await store.put_graph(G1, A)
        assert hooks.calls == []  # the Graph Store writes have no hooks
        await store.update(
            f"INSERT DATA {{ GRAPH <{G1}> {{ {C.decode()} }} GRAPH <{G2}> {{ {B.decode()} }} }}"
        )
        assert hooks.calls == ["before", "after"]
        assert await store.graphs() == {G1, G2}  # seen without refresh
        assert await graph_lines(store, G1) == lines(A + C)
        assert await graph_lines(store, G2) == lines(B)
        before = await state(store)
        hooks.calls.clear()
        with pytest.raises(QuerySyntaxError):  # not valid SPARQL Update
            await store.update(f"INSERT DATA {{ GRAPH <{G3}> {{ <{EX}s> <{EX}p> ")
        assert await state(store) == before
        assert hooks.calls == ["before"]
        hooks.calls.clear()
        # valid, but its second operation fails (the graph is there): the first is undone
        with pytest.raises(StoreError) as failed:
            await store.update(
                f"INSERT DATA {{ GRAPH <{G3}> {{ {C.decode()} }} GRAPH <{G1}> {{ {B.decode()} }} }}"
                f" ;\nCREATE GRAPH <{G2}>"
            )
        assert await state(store) == before
        assert hooks.calls == ["before"]
        # the failed write let go of the store, even while its error is held
        assert isinstance(failed.value, StoreError)
        assert await store.put_graph(G3, C) is True
        with pytest.raises(UnknownGraph) as unknown:
            await store.delete_graph(f"{EX}nothing")
        assert await store.post_graph(G3, A) is False
        assert unknown.value.status == 404
        assert await graph_lines(store, G3) == lines(A + C)

    empty(settings, body, hooks=hooks)


def test_insert_writes_several_graphs_in_one_transaction(settings: Settings) -> None:
    hooks = Recording()
    bnode = f'<{EX}d> <{EX}p> _:x .\n_:x <{LABEL}> "blank" .\n'.encode()

    async def body(store: Store) -> None:
        await store.put_graph(G1, A)
        await store.insert({G1: C, G2: B + bnode})
        assert hooks.calls == ["before", "after"]
        assert await store.graphs() == {G1, G2}
        assert await graph_lines(store, G1) == lines(A + C)
        two = (await store.get_graph(G2, formats.NTRIPLES)).read()
        assert len(list(ox.parse(two, ox.RdfFormat.N_TRIPLES))) == 3
        before = await state(store)
        hooks.calls.clear()
        with pytest.raises(StoreError):  # the second graph does not parse: neither is written
            await store.insert({G3: C, G1: f'<{EX}s> <{EX}p> "open .\n'.encode()})
        assert await state(store) == before
        assert hooks.calls == ["before"]

    empty(settings, body, hooks=hooks)


def test_remove_takes_graphs_and_a_pattern_in_one_transaction(settings: Settings) -> None:
    """Whole graphs and the triples a pattern finds (blank nodes among them) go together;
    the graphs are no longer listed, also one kept empty (Virtuoso: by pob's note)."""
    hooks = Recording()
    blank = f'<{EX}d> <{EX}p> _:x .\n_:x <{LABEL}> "blank" .\n_:y <{LABEL}> "other" .\n'
    g4 = f"{EX}contract/four"
    delete = f"GRAPH <{G2}> {{ ?n ?p ?o }}"
    where = (
        f"GRAPH <{G2}> {{ {{ BIND(<{EX}d> AS ?n) }} UNION "
        f"{{ <{EX}d> <{EX}p> ?n FILTER(isBlank(?n)) }} ?n ?p ?o }}"
    )

    async def body(store: Store) -> None:
        await store.put_graph(G1, A + C)
        await store.put_graph(G2, B + blank.encode())
        await store.put_graph(G3, A)
        await store.put_graph(g4, b"")
        assert await store.graphs(refresh=True) == {G1, G2, G3, g4}
        before = await state(store)
        with pytest.raises(QuerySyntaxError):  # nothing written
            await store.remove([G1], delete, where.replace("?o }", "}"))
        with pytest.raises(ValueError, match="store's own"):
            await store.remove([G1], delete.replace("?n", "?_n"), where.replace("?n", "?_n"))
        assert await state(store) == before
        hooks.calls.clear()
        await store.remove([G1, g4], delete, where)
        assert hooks.calls == ["before", "after"]
        assert await store.graphs() == {G2, G3}  # seen without refresh
        assert await store.graphs(refresh=True) == {G2, G3}
        left = ox.parse(
            (await store.get_graph(G2, formats.NTRIPLES)).read(), ox.RdfFormat.N_TRIPLES
        )
        assert sorted(f"{t.predicate} {t.object}" for t in left) == sorted(
            [f'<{EX}p> "two"@en', f'<{LABEL}> "other"']
        )
        assert await graph_lines(store, G3) == lines(A)
        await store.remove([G3])  # graphs alone
        assert await store.graphs(refresh=True) == {G2}

    empty(settings, body, hooks=hooks)


# -- load_files ---------------------------------------------------------------------------

TURTLE = f"""@prefix ex: <{EX}> .
ex:t1 ex:p "a" ; ex:q <relative> .
"""
NT_FILE = f'<{EX}t2> <{EX}p> "b" .\n'
MORE = f'<{EX}t3> <{EX}p> "c" .\n'
BAD = f"""@prefix ex: <{EX}> .
ex:t4 ex:p "d" .
ex:t5 ex:p "e
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_load_files_add_and_replace(settings: Settings, tmp_path: Path) -> None:
    turtle = write(tmp_path / "one.ttl", TURTLE)
    nt = write(tmp_path / "two.nt", NT_FILE)
    more = write(tmp_path / "three.nt", MORE)
    done: list[int] = []

    async def body(store: Store) -> None:
        await store.put_graph(G2, B)
        count = await store.load_files(G1, [turtle, nt], progress=lambda _, n: done.append(n))
        assert count == 3
        assert sum(done) == turtle.stat().st_size + nt.stat().st_size
        loaded = await graph_lines(store, G1)
        assert f"<{EX}t1> <{EX}q> <{turtle.resolve().parent.as_uri()}/relative>" in loaded
        assert await store.load_files(G1, [more]) == 4  # added
        assert await store.load_files(G1, [more], replace=True) == 1  # replaced
        assert await graph_lines(store, G1) == lines(MORE.encode())
        assert await store.load_files(G3, [nt], replace=True) == 1  # a new graph
        assert await store.graphs(refresh=True) == {G1, G2, G3}
        assert await graph_lines(store, G2) == lines(B)  # the others untouched

    empty(settings, body)


def test_load_files_bad_file_names_file_and_line_and_changes_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    bad = write(tmp_path / "bad.ttl", BAD)

    async def body(store: Store) -> None:
        await store.put_graph(G1, A)
        before = await state(store)
        for replace in (False, True):
            with pytest.raises(ParseError) as raised:
                await store.load_files(G1, [bad], replace=replace)
            assert raised.value.source == str(bad)
            assert raised.value.line == 3
            assert str(raised.value).startswith(f"{bad}:3")
            assert await state(store) == before
        with pytest.raises(ParseError):
            await store.load_files(G2, [bad])  # a new graph: not made
        assert await state(store) == before

    empty(settings, body)


def test_load_files_bad_second_file_changes_nothing(settings: Settings, tmp_path: Path) -> None:
    good = write(tmp_path / "good.nt", NT_FILE)
    bad = write(tmp_path / "bad.ttl", BAD)

    async def body(store: Store) -> None:
        await store.put_graph(G1, A)
        before = await state(store)
        with pytest.raises(ParseError) as raised:
            await store.load_files(G1, [good, bad])
        assert raised.value.source == str(bad)
        assert await state(store) == before

    empty(settings, body)


# -- the build's writes -------------------------------------------------------------------


def curated(settings: Settings, digest: str, subject: str) -> dict[str, bytes]:
    """Four curated graphs (name → N-Triples), the meta graph recording `digest`."""
    meta = settings.graph("meta")
    graphs = {n: f'<{EX}{subject}> <{EX}in> "{n}" .\n'.encode() for n in CURATED}
    graphs["meta"] += (
        f"<{meta}> <{PROV_GENERATED_BY}> _:build .\n_:build <{SPDX_CHECKSUM}> _:c .\n"
        f'_:c <{SPDX_CHECKSUM_VALUE}> "{digest}" .\n'
    ).encode()
    return graphs


def test_replace_curated_keeps_other_graphs_and_records_the_hash(settings: Settings) -> None:
    names = {n: settings.graph(n) for n in CURATED}

    async def body(store: Store) -> None:
        assert await store.recorded_hash() is None
        await store.put_graph(G1, A)
        await store.replace_curated(curated(settings, "first", "x"))
        assert await store.graphs(refresh=True) == {G1, *names.values()}
        assert await store.recorded_hash() == "first"
        await store.replace_curated(curated(settings, "second", "y"))
        assert await store.recorded_hash() == "second"
        for name, iri in names.items():
            found = await graph_lines(store, iri)
            assert f'<{EX}y> <{EX}in> "{name}"' in found  # replaced, not added to
            assert f'<{EX}x> <{EX}in> "{name}"' not in found
        assert await graph_lines(store, G1) == lines(A)  # kept
        assert (await store.triple_counts())[G1] == 1

    empty(settings, body)
