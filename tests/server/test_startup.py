"""A start-up parses the sources and computes the OWL-RL closure once, and ``pob export``
/ ``pob infer`` infer with the same engine as the service.

The app runs in this process (its lifespan, on an embedded store in tmp_path) with the
parser of the source files (:func:`pob.graph.sources.parse_file`) and the closure
(:func:`pob.graph.reasoning.fast_closure`, where :mod:`pob.graph.curated` looks it up)
wrapped by counters; owlrl's closure must not run at all.

* cold store: the build parses and infers, and hands its graphs to the feed;
* warm store (already built, a new process): the build only checks the hash, the feed
  parses and infers;
* a later change to the store (a submission) rebuilds the feed without parsing again.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

import pob.graph.curated
import pob.graph.owlrl_reference
import pob.graph.reasoning.closure
import server.app
from pob.cli import app as cli
from pob.graph import sources
from pob.publish.snapshot import Feed, current_feed, forget_curated, refresh_feed
from pob.settings import Settings
from pob.store.build import BuildReport
from server.app import create_app
from tests.conftest import FIXTURES

SUBMISSION = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"


@dataclass
class Calls:
    #: source file -> times parsed
    parsed: Counter[Path] = field(default_factory=Counter)
    closures: int = 0
    owlrl: int = 0
    builds: list[BuildReport] = field(default_factory=list)

    def reset(self) -> None:
        self.parsed.clear()
        self.closures = self.owlrl = 0
        self.builds.clear()
        forget_curated()  # as a new process starts

    def of(self, settings: Settings) -> Counter[Path]:
        """Times each ontology and data file was parsed (every file, even if 0 times)."""
        files = [
            *sources.rdf_files(settings.ontology_dir),
            *sources.rdf_files(settings.data_ttl_dir),
        ]
        return Counter({path.resolve(): self.parsed[path.resolve()] for path in files})


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Calls]:
    seen = Calls()
    parse, close, build = sources.parse_file, pob.graph.curated.fast_closure, server.app.build
    owlrl = pob.graph.owlrl_reference.closure

    def counting_parse(path: str | Path, fmt: str | None = None) -> Graph:
        seen.parsed[Path(path).resolve()] += 1
        return parse(path, fmt)

    def counting_close(*args: Any, **kwargs: Any) -> Graph:
        seen.closures += 1
        return close(*args, **kwargs)

    def counting_owlrl(*args: Any, **kwargs: Any) -> Graph:
        seen.owlrl += 1
        return owlrl(*args, **kwargs)

    async def recording_build(*args: Any, **kwargs: Any) -> BuildReport:
        report = await build(*args, **kwargs)
        seen.builds.append(report)
        return report

    monkeypatch.setattr(sources, "parse_file", counting_parse)
    monkeypatch.setattr(pob.graph.curated, "fast_closure", counting_close)
    monkeypatch.setattr(pob.graph.owlrl_reference, "closure", counting_owlrl)
    monkeypatch.setattr(pob.graph.reasoning.closure, "closure", counting_owlrl)  # its fallback
    monkeypatch.setattr(server.app, "build", recording_build)
    seen.reset()
    yield seen
    forget_curated()


def _settings(tmp_path: Path, real: bool = False) -> Settings:
    folders: dict[str, Any] = {}
    if not real:
        folders = {"ontology_dir": FIXTURES / "ontology", "data_ttl_dir": FIXTURES / "data"}
    return Settings(
        data_dir=tmp_path / "store",
        dumps_dir=tmp_path / "dumps",
        queries_dir=FIXTURES / "queries",
        query_timeout=60.0,
        workers=1,
        **folders,
    )


def start(settings: Settings, calls: Calls | None = None) -> tuple[Feed, Calls | None, Feed]:
    """Start the app, wait for its feed; then (if `calls`) note the counts, write a
    submission and read the feed again. Returns (feed at start-up, counts, later feed)."""

    async def main() -> tuple[Feed, Calls | None, Feed]:
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            store = app.state.store
            first = await current_feed(store, settings)
            if calls is None:
                return first, None, first
            noted = Calls(Counter(calls.parsed), calls.closures, calls.owlrl, list(calls.builds))
            await store.put_graph(settings.graph("submission/later"), SUBMISSION)
            return first, noted, await refresh_feed(store, settings)

    return asyncio.run(main())


def _assert_once(calls: Calls, settings: Settings) -> None:
    parsed = calls.of(settings)
    assert parsed and set(parsed.values()) == {1}, parsed
    assert calls.closures == 1
    assert calls.owlrl == 0


def test_a_cold_start_parses_and_infers_once(tmp_path: Path, calls: Calls) -> None:
    settings = _settings(tmp_path)
    first, noted, later = start(settings, calls)
    assert noted is not None
    (report,) = noted.builds
    assert report.rebuilt
    assert sorted(report.graphs) == ["data", "inferred", "meta", "ontology"]
    _assert_once(noted, settings)
    # the feed holds the graphs the build parsed and inferred
    for name in ("ontology", "data", "inferred"):
        assert first.graphs[settings.graph(name)] is report.graphs[name]
    # a submission changes the store: a new snapshot, still without parsing the sources
    assert later is not first and "submission/later" in " ".join(later.stored)
    _assert_once(calls, settings)


def test_a_warm_start_parses_and_infers_once(tmp_path: Path, calls: Calls) -> None:
    settings = _settings(tmp_path)
    start(settings)  # builds the store
    calls.reset()
    first, noted, later = start(settings, calls)
    assert noted is not None
    (report,) = noted.builds
    assert not report.rebuilt and report.graphs == {}
    _assert_once(noted, settings)
    assert len(first.graphs[settings.graph("inferred")]) > 0
    assert later is not first
    _assert_once(calls, settings)


def test_export_and_infer_match_the_service(tmp_path: Path, calls: Calls) -> None:
    """On the project's sources: ``pob export --inference`` is the service's curated
    graphs, ``pob infer`` its inferred graph, each computed with one fast_closure."""
    settings = _settings(tmp_path, real=True)
    feed, _, _ = start(settings)
    served = {name: feed.graphs[settings.graph(name)] for name in ("ontology", "data", "inferred")}
    runner = CliRunner()

    pob.graph.curated.curated.cache_clear()
    calls.reset()
    exported = tmp_path / "export.nt"
    result = runner.invoke(cli, ["export", "--format", "nt", "--inference", "-o", str(exported)])
    assert result.exit_code == 0, result.output
    assert calls.closures == 1 and calls.owlrl == 0
    union = Graph()
    for graph in served.values():
        union += graph
    assert isomorphic(Graph().parse(exported, format="nt"), union)

    calls.reset()
    inferred = tmp_path / "inferred.ttl"
    result = runner.invoke(cli, ["infer", "-o", str(inferred)])
    assert result.exit_code == 0, result.output
    assert calls.closures == 0  # curated() is cached per base IRI
    assert isomorphic(Graph().parse(inferred, format="turtle"), served["inferred"])
