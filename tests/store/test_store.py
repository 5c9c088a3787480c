"""The store interface, the same tests on the embedded store and on `oxigraph serve`."""

from __future__ import annotations

import json
import time

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from pob.core import formats
from pob.settings import Settings
from pob.sparql import protocol as sparql
from pob.store.base import Store
from pob.store.build import build, sources_digest
from pob.store.errors import QuerySyntaxError, QueryTimeout, ResultTooLarge, UnknownGraph
from tests.store.conftest import with_store

NT = b'<http://example.org/a> <http://example.org/p> "one" .\n'
MORE = b'<http://example.org/b> <http://example.org/p> "two"@en .\n'
SUB = "http://example.org/submission/1"
ATTRIBUTED = "http://www.w3.org/ns/prov#wasAttributedTo"
CHECKSUM = "http://spdx.org/rdf/terms#checksumValue"


async def select(
    store: Store, settings: Settings, query: str, **kw: object
) -> list[dict[str, str]]:
    prepared = await sparql.prepare(store, settings, query, **kw)  # type: ignore[arg-type]
    result = await sparql.execute(store, settings, prepared)
    doc = json.loads(result.read())
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def test_build_records_hash_and_is_skipped_when_unchanged(settings: Settings) -> None:
    async def body(store: Store) -> None:
        graphs = await store.graphs(refresh=True)
        assert {settings.graph(n) for n in ("ontology", "data", "inferred", "meta")} <= graphs
        assert await store.recorded_hash() == sources_digest(settings)
        counts = await store.triple_counts()
        assert all(counts[settings.graph(n)] > 0 for n in ("ontology", "data", "inferred"))
        again = await build(store, settings)
        assert again.rebuilt is False

    with_store(settings, body)


def test_put_post_delete(settings: Settings) -> None:
    async def body(store: Store) -> None:
        assert await store.put_graph(SUB, NT) is True
        assert await store.put_graph(SUB, MORE) is False
        result = await store.get_graph(SUB, formats.NTRIPLES)
        assert (
            Graph().parse(data=result.read(), format="nt").serialize(format="nt").strip()
            == MORE.decode().strip()
        )
        assert await store.post_graph(SUB, NT) is False
        graph = Graph().parse(
            data=(await store.get_graph(SUB, formats.NTRIPLES)).read(), format="nt"
        )
        assert len(graph) == 2
        assert SUB in await store.graphs()
        await store.delete_graph(SUB)
        assert SUB not in await store.graphs()
        with pytest.raises(UnknownGraph):
            await store.delete_graph(SUB)
        with pytest.raises(UnknownGraph):
            await store.get_graph(SUB, formats.TURTLE)

    with_store(settings, body)


@pytest.mark.parametrize(
    ("media", "rdflib_format"),
    [
        (formats.TURTLE, "turtle"),
        (formats.NTRIPLES, "nt"),
        (formats.JSONLD, "json-ld"),
        (formats.RDFXML, "xml"),
        (formats.TRIG, "trig"),
        (formats.NQUADS, "nquads"),
    ],
)
def test_get_graph_formats(settings: Settings, media: str, rdflib_format: str) -> None:
    async def body(store: Store) -> None:
        data = settings.graph("data")
        reference = Graph().parse(
            data=(await store.get_graph(data, formats.NTRIPLES)).read(), format="nt"
        )
        result = await store.get_graph(data, media)
        assert result.media_type == media
        if rdflib_format in ("trig", "nquads"):
            from rdflib import Dataset, URIRef

            dataset = Dataset()
            dataset.parse(data=result.read(), format=rdflib_format)
            parsed = dataset.graph(URIRef(data))
            assert len(parsed) == len(reference)
        else:
            assert isomorphic(Graph().parse(data=result.read(), format=rdflib_format), reference)

    with_store(settings, body)


def test_union_and_inference_switch(settings: Settings) -> None:
    query = "SELECT ?p WHERE { ?p a <https://w3id.org/pob/ontology#Partnership> }"

    async def body(store: Store) -> None:
        assert len(await select(store, settings, query)) == 3
        assert len(await select(store, settings, query, inference=False)) == 1
        only = await select(store, settings, query, default_uris=[settings.graph("inferred")])
        assert len(only) == 2

    with_store(settings, body)


def test_row_limit(settings: Settings) -> None:
    values = " ".join(str(i) for i in range(51))

    async def body(store: Store) -> None:
        with pytest.raises(ResultTooLarge):
            await select(store, settings, f"SELECT ?v {{ VALUES ?v {{ {values} }} }}")
        construct = f"CONSTRUCT {{ <urn:s> <urn:p> ?v }} {{ VALUES ?v {{ {values} }} }}"
        prepared = await sparql.prepare(store, settings, construct)
        with pytest.raises(ResultTooLarge):
            await sparql.execute(store, settings, prepared)
        assert (
            len(await select(store, settings, f"SELECT ?v {{ VALUES ?v {{ {values[:-3]} }} }}"))
            == 50
        )

    with_store(settings, body)


def test_timeout(settings: Settings) -> None:
    values = " ".join(str(i) for i in range(400))
    slow = (
        f"SELECT (COUNT(*) AS ?c) {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} "
        f"VALUES ?d {{ {values} }} }}"
    )

    async def body(store: Store) -> None:
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            await select(store, settings, slow)
        assert time.monotonic() - started < settings.query_timeout + 1
        assert await select(store, settings, "SELECT (1 AS ?x) {}") == [{"x": "1"}]

    with_store(settings, body)


def test_syntax_error_position(settings: Settings) -> None:
    async def body(store: Store) -> None:
        with pytest.raises(QuerySyntaxError) as raised:
            await select(store, settings, "SELECT * WHERE {\n ?s ?p }")
        assert raised.value.line == 2

    with_store(settings, body)


def test_rebuild_keeps_other_graphs_and_their_provenance(settings: Settings) -> None:
    meta = settings.graph("meta")
    note = f"<{SUB}> <{ATTRIBUTED}> <http://example.org/agent> .\n".encode()

    async def body(store: Store) -> None:
        await store.put_graph(SUB, NT)
        await store.post_graph(meta, note)
        before = await store.recorded_hash()
        report = await build(store, settings, force=True)
        assert report.rebuilt
        assert SUB in await store.graphs(refresh=True)
        rows = await select(
            store,
            settings,
            f"SELECT ?h ?a {{ GRAPH <{meta}> {{ OPTIONAL {{ ?x <{CHECKSUM}> ?h }} "
            f"OPTIONAL {{ <{SUB}> <{ATTRIBUTED}> ?a }} }} }}",
        )
        assert [r.get("h") for r in rows] == [before]  # one build recorded, not two
        assert rows[0]["a"] == "http://example.org/agent"

    with_store(settings, body)
