"""The feed never parses a big graph: with a generated submission of about 50,000 triples
in an embedded store, the snapshot holds only the curated graphs in rdflib, while the
submission's dump, the VoID figures and the pages still cover it (read from the store)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

import pob.publish.assembly
from bench.generate import generate
from engines.oxigraph import Oxigraph
from pob.core import formats
from pob.graph.iri import term
from pob.publish.manifest import load_manifest
from pob.publish.resources import describe, fetch_resource, with_triples
from pob.publish.snapshot import Feed, describe_graphs, refresh_feed, void_bytes
from pob.publish.void import graph_stats, merge_stats, store_stats
from pob.settings import Settings
from pob.store import make_store
from pob.store.base import Store
from pob.store.build import build
from tests.conftest import FIXTURES

BIG = 50_000
BASE = "https://w3id.org/pob/"
SID = "big"


@pytest.fixture(scope="module")
def big() -> Graph:
    return generate(BIG, seed=7)


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        data_dir=tmp_path / "store",
        dumps_dir=tmp_path / "dumps",
        ontology_dir=FIXTURES / "ontology",
        data_ttl_dir=FIXTURES / "data",
        queries_dir=FIXTURES / "queries",
        query_timeout=60.0,
        workers=1,
        **extra,
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """An embedded store."""
    return _settings(tmp_path)


@pytest.fixture(params=["embedded", pytest.param("remote", marks=pytest.mark.remote)])
def any_settings(
    request: pytest.FixtureRequest, tmp_path: Path, oxigraph: Callable[[], Oxigraph]
) -> Settings:
    """An embedded store, or a fresh `oxigraph serve`."""
    if request.param == "remote":
        return _settings(tmp_path, store_url=oxigraph().url)
    return _settings(tmp_path)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The number of triples of every graph the feed parses from the store."""
    sizes: list[int] = []
    original = pob.publish.assembly._parse

    def spy(data: bytes) -> Graph:
        graph = original(data)
        sizes.append(len(graph))
        return graph

    monkeypatch.setattr(pob.publish.assembly, "_parse", spy)
    yield sizes


def record(settings: Settings, sid: str) -> bytes:
    """The part of a submission's record in the meta graph that makes it one for the feed
    (:func:`pob.publish.stored.has_record`), as N-Triples."""
    node = f"<{settings.graph(f'submission/{sid}')}>"
    return (
        f"{node} <{RDF.type}> <http://rdfs.org/ns/void#Dataset> .\n"
        f'{node} <http://purl.org/dc/terms/identifier> "{sid}" .\n'
    ).encode()


def run(settings: Settings, big: Graph, body: Any) -> Any:
    async def main() -> Any:
        store = make_store(settings)
        await store.open()
        try:
            await build(store, settings)
            data = big.serialize(format="nt", encoding="utf-8")
            await store.put_graph(settings.graph(f"submission/{SID}"), data)
            await store.post_graph(settings.graph("meta"), record(settings, SID))
            return await body(store)
        finally:
            await store.close()

    return asyncio.run(main())


def _in_memory(feed: Feed) -> int:
    return sum(len(g) for g in feed.graphs.values()) + len(feed.view.union)


def test_the_snapshot_holds_only_the_curated_graphs(
    any_settings: Settings, big: Graph, parsed: list[int]
) -> None:
    settings = any_settings

    async def body(store: Store) -> tuple[Feed, int, Graph, Graph, int]:
        counts = await store.triple_counts()
        curated = sum(counts.get(i, 0) for i in store.curated)
        feed = await refresh_feed(store, settings)
        dumped = await store.get_graph(settings.graph(f"submission/{SID}"), formats.NTRIPLES)
        stored = Graph().parse(data=dumped.read(), format="nt")
        about = await describe_graphs(store, feed.stored)
        return feed, curated, stored, about, len(feed.stored)

    feed, curated, stored, _about, n_stored = run(settings, big, body)
    assert len(stored) >= BIG
    assert n_stored == 1
    assert all(size < BIG / 5 for size in parsed), parsed
    # the curated graphs (from the sources or the store), twice: as parsed and in the view
    assert _in_memory(feed) <= 3 * curated + 100
    sample = sorted(set(big.subjects()), key=str)[::500]
    assert sample and not any(feed.view.knows(str(s)) for s in sample)

    # the submission's dump is the store's graph, and the catalog says so
    assert feed.manifest is not None
    (entry,) = feed.manifest.files_of(f"submission/{SID}")
    assert entry.path == f"submissions/{SID}.ttl" and entry.media_type == "text/turtle"
    path = settings.dumps_path / entry.path
    assert path.stat().st_size == entry.byte_size
    dumped = Graph().parse(path, format="turtle")
    assert entry.items == len(stored) == len(dumped)
    assert isomorphic(dumped, stored)
    summary = feed.manifest.dataset(f"submission/{SID}")
    assert summary is not None and summary.triples == len(stored)
    assert summary.temporal_start is not None


def test_rebuilding_an_unchanged_store_keeps_the_dumps(settings: Settings, big: Graph) -> None:
    async def body(store: Store) -> tuple[Feed, Feed]:
        first = await refresh_feed(store, settings)
        return first, await refresh_feed(store, settings)

    first, second = run(settings, big, body)
    assert first.manifest == second.manifest == load_manifest(settings.dumps_path)


def test_void_counts_the_store(settings: Settings, big: Graph) -> None:
    """Per graph, the store's figures are those of the graph parsed; the dataset's are the
    sums of the curated graphs' and the stored graphs' figures."""
    iri = settings.graph(f"submission/{SID}")

    async def body(store: Store) -> tuple[Any, Graph, Graph, bytes]:
        feed = await refresh_feed(store, settings)
        curated = Graph()
        for name in await store.graphs():
            if name in store.curated:
                data = (await store.get_graph(name, formats.NTRIPLES)).read()
                curated.parse(data=data, format="nt")
        data = (await store.get_graph(iri, formats.NTRIPLES)).read()
        stored = Graph().parse(data=data, format="nt")
        body = await void_bytes(store, feed, formats.TURTLE)
        assert set(feed.stats) == {iri}
        return await store_stats(store, settings.base, iri), curated, stored, body

    stats, curated, stored, void = run(settings, big, body)
    expected = graph_stats(stored, BASE)
    assert stats.triples == expected.triples == len(stored)
    assert stats.property_triples == expected.property_triples
    assert stats.class_entities == expected.class_entities
    assert stats.distinct_subjects == expected.distinct_subjects
    assert stats.distinct_objects == expected.distinct_objects
    assert stats.entities == expected.entities
    total = merge_stats([graph_stats(curated, BASE), stats])
    assert total.triples == len(curated) + len(stored)
    assert f"{total.triples}".encode() in void


def test_a_page_about_a_resource_of_the_big_graph(settings: Settings, big: Graph) -> None:
    node = sorted(big.subjects(RDF.type, term("Municipality", BASE)), key=str)[0]
    assert isinstance(node, URIRef)

    async def body(store: Store) -> tuple[Feed, Graph]:
        feed = await refresh_feed(store, settings)
        return feed, await fetch_resource(store, str(node), feed.stored)

    feed, extra = run(settings, big, body)
    assert not feed.view.knows(str(node))
    assert set(big.triples((node, None, None))) <= set(extra)
    view = with_triples(feed.view, extra)
    assert view.knows(str(node))
    page = describe(view, str(node), "da")
    assert page.label.value == str(big.value(node, term("label", BASE)) or page.label.value)
    assert page.properties and page.types
