"""Virtuoso's dialect (pob/store/dialects.py): the pieces on their own, then on a real engine.

Counting rows while bytes arrive must not depend on where the chunks split; an update's
operations are counted past strings, IRIs, comments and braces; on the engine, its anytime
timeout is a QueryTimeout, a multi-operation update is refused before anything is written,
and the engine's own graphs never show.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from engines.virtuoso import Virtuoso as Engine
from pob.core import formats
from pob.settings import Settings, SettingsError
from pob.store import make_store, staging
from pob.store.base import Dataset, TrustedQuery
from pob.store.dialects import Rows, Virtuoso, VirtuosoRows, operations
from pob.store.errors import EngineLimitation, QueryTimeout
from tests.conftest import FIXTURES

XML = (
    b'<sparql><head><variable name="s"/></head><results>\n'
    b'  <result>\n   <binding name="s"><bnode>nodeID://b10001</bnode></binding>\n  </result>\n'
    b'  <result>\n   <binding name="s"><literal>a\nb &lt;result&gt;</literal></binding>\n'
    b"  </result>\n </results>\n</sparql>\n"
)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 16, 17, 64, len(XML)], ids=lambda n: f"chunk{n}")
def test_rows_counted_and_blank_nodes_relabelled_at_any_split(size: int) -> None:
    rows = VirtuosoRows()
    out = b"".join(rows.feed(XML[i : i + size]) for i in range(0, len(XML), size))
    out += rows.flush()
    assert rows.count == 2
    assert out == XML.replace(b"nodeID://", b"")
    lines = Rows(b"\n", header=1)
    tsv = b"?s\n<a>\n<b>\n<c>\n"
    for i in range(0, len(tsv), size):
        lines.feed(tsv[i : i + size])
    lines.flush()
    assert lines.count == 3


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("INSERT DATA { GRAPH <g> { <a> <b> 'x;y' ; <c> \"}\" } }", 1),
        ("INSERT DATA { <a> <b> <c> } ;", 1),
        ("DROP SILENT GRAPH <g> ;\nDROP SILENT GRAPH <h> ;\nINSERT DATA { <a> <b> <c> }", 3),
        ("INSERT DATA { <a> <b> <c> } ; CLEAR ALL", 2),
        ("# a comment; with a semicolon\nCLEAR GRAPH <g;x>", 1),
        ("INSERT DATA { <a> <b> '''multi\n;line''' }", 1),
    ],
    ids=["braces-strings", "trailing", "three", "bare-last", "comment-iri", "long-string"],
)
def test_operations(text: str, count: int) -> None:
    assert operations(text) == count


def test_insert_data_sent_as_insert_where_and_hash_unescaped() -> None:
    dialect = Virtuoso()
    sent = dialect.check_update("INSERT DATA { GRAPH <g> { _:b <p> 'x' } } ;\n")
    assert sent == "INSERT { GRAPH <g> { _:b <p> 'x' } }\nWHERE { }"
    text = dialect.text(r"PREFIX p: <http://x/o\u0023> SELECT * { ?s <a\u0027b> '\u0023' }")
    assert text == r"PREFIX p: <http://x/o#> SELECT * { ?s <a\u0027b> '\u0023' }"


def test_settings_layout() -> None:
    plain = Settings(store_url="http://127.0.0.1:8890/sparql")
    assert plain.store_engine == "virtuoso"
    assert plain.store_update_url == "http://127.0.0.1:8890/sparql"
    assert plain.store_gsp_url == "http://127.0.0.1:8890/sparql-graph-crud"
    auth = Settings(store_url="http://h/sparql", store_user="u", store_password="p")
    assert auth.store_query_url == "http://h/sparql"
    assert auth.store_update_url == "http://h/sparql-auth"
    assert auth.store_gsp_url == "http://h/sparql-graph-crud-auth"
    assert "'p'" not in repr(auth)  # the password stays out of logs
    assert Settings(store_url="http://h:7878").store_engine == "oxigraph"
    with pytest.raises(SettingsError, match="POB_STORE_ENGINE"):
        Settings(store_url="http://h/sparql", store_engine="fuseki")
    with pytest.raises(SettingsError, match="POB_STORE_USER, POB_STORE_PASSWORD"):
        Settings(store_url="http://h/sparql", store_user="u")


@pytest.fixture(scope="module")
def engine(virtuoso: Callable[[], Engine]) -> Engine:
    return virtuoso()


def test_on_the_engine(engine: Engine) -> None:
    engine.clear()
    settings = Settings(
        ontology_dir=FIXTURES / "ontology",
        data_ttl_dir=FIXTURES / "data",
        queries_dir=FIXTURES / "queries",
        query_timeout=1.0,
        **engine.settings(),  # type: ignore[arg-type]
    )
    many = "".join(f'<http://e/s{i}> <http://e/p> "{i}" .\n' for i in range(20_000)).encode()

    async def run() -> None:
        store = make_store(settings)
        await store.open()
        try:
            assert await store.graphs(refresh=True) == frozenset()  # its own are hidden
            await store.put_graph("http://e/g", many)
            before = await store.triple_counts()
            with pytest.raises(EngineLimitation) as refused:
                await store.update(
                    "INSERT DATA { GRAPH <http://e/h> { <http://e/a> <http://e/b> 1 } } ;\n"
                    "DROP SILENT GRAPH <http://e/g>"
                )
            assert refused.value.status == 501 and "Virtuoso" in str(refused.value)
            assert await store.triple_counts() == before == {"http://e/g": 20_000}
            # last: the engine may go on with it for a while (its anytime timeout)
            slow = "SELECT (COUNT(*) AS ?n) { ?a ?p ?o . ?b ?p ?o2 . ?c ?p ?o3 }"
            with pytest.raises(QueryTimeout):
                await store.query(TrustedQuery(slow, "SELECT"), Dataset(), "text/csv", None)
        finally:
            await store.close()

    asyncio.run(run())


def test_the_sweep_spares_the_staging_of_a_write_within_its_deadline(engine: Engine) -> None:
    """A staging graph begun 4,000 s ago (past `STALE`, an hour) may still be a live write's
    when a write may take 3,000 s (`store_write_timeout`; the sweep allows twice that): the
    sweep of a store so set keeps it, and the open of one whose writes end in 600 s
    removes it."""
    engine.clear()

    def settings(write_timeout: float) -> Settings:
        return Settings(
            ontology_dir=FIXTURES / "ontology",
            data_ttl_dir=FIXTURES / "data",
            queries_dir=FIXTURES / "queries",
            store_write_timeout=write_timeout,
            **engine.settings(),  # type: ignore[arg-type]
        )

    async def run() -> str:
        patient: Any = make_store(settings(3000.0))
        await patient.open()
        try:
            stage = f"{staging.prefix(patient)}{int(time.time()) - 4000}-{uuid.uuid4().hex}/0"
            await patient._call(
                "POST",
                patient.gsp_url,
                params={"graph": stage},
                content=b'<http://e/a> <http://e/b> "c" .\n',
                headers={"Content-Type": formats.NTRIPLES},
                auth=patient.auth,
            )
            assert await staging.sweep(patient) == 0
        finally:
            await patient.close()
        assert stage in engine.graphs()
        hasty = make_store(settings(600.0))
        await hasty.open()  # its open sweeps
        await hasty.close()
        return stage

    assert asyncio.run(run()) not in engine.graphs()
