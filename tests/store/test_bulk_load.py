"""`pob load` into the embedded store: bulk loaded into a new version, then swapped.

Checked: add and replace semantics as before, other graphs (curated, meta with its blank
nodes, submissions) kept exactly, literals normalised as the transactional path does, bad
input refused with file, line and column and the store untouched, and a `pob load` killed
mid-way leaving the previous store as it was.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from pob.cli import app
from pob.settings import Settings
from pob.store import bulk, layout, ops
from pob.store.build import build
from pob.store.embedded import EmbeddedStore
from tests.conftest import FIXTURES, ROOT

runner = CliRunner()
GRAPH = "http://example.org/loaded"
OTHER = "http://example.org/submission"
EX = "@prefix ex: <http://example.org/> .\n"


def settings(data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        ontology_dir=FIXTURES / "ontology",
        data_ttl_dir=FIXTURES / "data",
        build_on_start=False,
    )


def built(tmp_path: Path) -> Path:
    """A store with the curated graphs (fixture sources) and a submission graph."""
    data_dir = tmp_path / "store"

    async def run() -> None:
        store = EmbeddedStore(settings(data_dir))
        await store.open(workers=False)
        try:
            await build(store, settings(data_dir))
            await store.post_graph(OTHER, b'_:x <http://example.org/p> "kept" .\n')
        finally:
            await store.close()

    asyncio.run(run())
    return data_dir


def reopen(data_dir: Path) -> None:
    async def run() -> None:
        store = EmbeddedStore(settings(data_dir))
        await store.open(workers=False)
        await store.close()

    asyncio.run(run())


def quads(data_dir: Path) -> list[str]:
    """Every quad of the live store, blank node labels and all."""
    live = layout.current(data_dir)
    assert live is not None
    store = ox.Store.read_only(str(live))
    try:
        return sorted(str(q) for q in store)
    finally:
        del store


def graph(data_dir: Path, name: str) -> set[str]:
    """The triples of one graph, as `s p o` strings."""
    return {q.rsplit(" ", 1)[0] for q in quads(data_dir) if q.endswith(f"<{name}>")}


def load(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, ["load", *map(str, args)])
    return result.exit_code, result.output


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_add_then_replace_keeps_the_other_graphs_exactly(tmp_path: Path) -> None:
    data_dir = built(tmp_path)
    before = [q for q in quads(data_dir) if not q.endswith(f"<{GRAPH}>")]
    one = write(tmp_path / "one.ttl", EX + "ex:a ex:p 1 .\n")
    two = write(tmp_path / "two.nt", '<http://example.org/b> <http://example.org/p> "2" .\n')
    three = write(tmp_path / "three.ttl", EX + "ex:c ex:p 3 .\n")
    assert load(one, "--graph", GRAPH, "--data-dir", data_dir)[0] == 0
    code, output = load(two, "--graph", GRAPH, "--data-dir", data_dir)
    assert code == 0 and "has 2 triples" in output  # added
    assert load(two, three, "--graph", GRAPH, "--replace", "--data-dir", data_dir)[0] == 0
    assert {q.split(" ")[0] for q in graph(data_dir, GRAPH)} == {
        "<http://example.org/b>",
        "<http://example.org/c>",
    }
    assert [q for q in quads(data_dir) if not q.endswith(f"<{GRAPH}>")] == before
    assert len(list((data_dir / "stores").iterdir())) == 1  # the replaced versions are gone


@pytest.mark.parametrize("factor", [0.0, 1e9], ids=["drop", "copy"])
def test_replace_plans_keep_the_other_graphs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, factor: float
) -> None:
    data_dir = built(tmp_path)
    old = write(tmp_path / "a.ttl", EX + "ex:a ex:p 1 .\n")
    assert load(old, "--graph", GRAPH, "--data-dir", data_dir)[0] == 0
    before = [q for q in quads(data_dir) if not q.endswith(f"<{GRAPH}>")]
    chosen: list[str] = []
    plan = bulk._plan

    def spy(*args: Any) -> bulk.Plan:
        chosen.append(plan(*args))
        return plan(*args)

    monkeypatch.setattr(bulk, "DROP_OVER_COPY", factor)
    monkeypatch.setattr(bulk, "_plan", spy)
    new = write(tmp_path / "b.ttl", EX + "ex:b ex:p [ ex:q 2 ] .\n")
    assert load(new, "--graph", GRAPH, "--replace", "--data-dir", data_dir)[0] == 0
    assert chosen == ["drop" if factor == 0 else "copy"]
    assert [q for q in quads(data_dir) if not q.endswith(f"<{GRAPH}>")] == before
    assert len(graph(data_dir, GRAPH)) == 2


def test_literals_stored_as_the_transactional_path_stores_them(tmp_path: Path) -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    text = "".join(
        f'<http://example.org/s> <http://example.org/p{i}> "{value}"^^<{xsd}{kind}> .\n'
        for i, (value, kind) in enumerate(
            [
                ("x", "string"),
                ("01", "positiveInteger"),
                ("7", "int"),
                ("007", "integer"),
                ("1000000.0", "decimal"),
                ("1.50", "decimal"),
                ("2006", "gYear"),
            ]
        )
    )
    source = write(tmp_path / "literals.nt", text)
    data_dir = tmp_path / "store"
    assert load(source, "--graph", GRAPH, "--data-dir", data_dir)[0] == 0
    loaded = graph(data_dir, GRAPH)
    reference = ox.Store()
    ntriples, _ = bulk.file_ntriples(source)  # what a remote store is sent
    ops.write_graph(reference, GRAPH, ntriples, replace=False)
    assert loaded == {str(q).rsplit(" ", 1)[0] for q in reference}
    assert '<http://example.org/s> <http://example.org/p0> "x"' in loaded
    assert f'<http://example.org/s> <http://example.org/p1> "1"^^<{xsd}integer>' in loaded
    assert f'<http://example.org/s> <http://example.org/p4> "1000000"^^<{xsd}decimal>' in loaded


def test_blank_nodes_are_not_shared_between_loads(tmp_path: Path) -> None:
    text = (
        '_:b0 <http://example.org/p> "v" .\n<http://example.org/a> <http://example.org/q> _:b0 .\n'
    )
    source = write(tmp_path / "b.nt", text)
    data_dir = tmp_path / "store"
    for _ in range(2):
        assert load(source, "--graph", GRAPH, "--data-dir", data_dir)[0] == 0
    triples = [t.split(" ") for t in graph(data_dir, GRAPH)]
    subjects = {s for s, p, o in triples if p == "<http://example.org/p>"}
    objects = {o for s, p, o in triples if p == "<http://example.org/q>"}
    assert len(subjects) == 2 and subjects == objects  # one node per load, kept within it


def test_jsonld(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    plain = write(
        tmp_path / "a.jsonld", '{"@id": "http://example.org/a", "http://example.org/p": "x"}'
    )
    assert load(plain, "--graph", GRAPH, "--data-dir", data_dir)[0] == 0
    assert graph(data_dir, GRAPH) == {'<http://example.org/a> <http://example.org/p> "x"'}
    named = write(
        tmp_path / "named.jsonld",
        '{"@id": "http://example.org/g", "@graph": [{"@id": "http://example.org/b",'
        ' "http://example.org/p": "y"}]}',
    )
    code, output = load(named, "--graph", GRAPH, "--data-dir", data_dir)
    assert code == 2 and "named.jsonld" in output and "Named graphs" in output
    assert graph(data_dir, GRAPH) == {'<http://example.org/a> <http://example.org/p> "x"'}


def test_syntax_error_leaves_the_store_untouched(tmp_path: Path) -> None:
    data_dir = built(tmp_path)
    good = write(tmp_path / "good.ttl", EX + "ex:a ex:p 1 .\n")
    bad = write(tmp_path / "bad.ttl", EX + "ex:a ex:p 1 .\nex:b ex:p .\n")
    assert load(good, "--graph", GRAPH, "--data-dir", data_dir)[0] == 0
    before = quads(data_dir)
    versions = sorted((data_dir / "stores").iterdir())
    for replace in ([], ["--replace"]):
        code, output = load(good, bad, "--graph", GRAPH, *replace, "--data-dir", data_dir)
        assert code == 2
        assert f"{bad}:3:11:" in "".join(output.split()), output  # file:line:column
        assert quads(data_dir) == before
    # the staged version is removed at once (or, if the bulk loader's threads were still
    # writing to it, by the next open)
    reopen(data_dir)
    assert sorted((data_dir / "stores").iterdir()) == versions


def big_file(path: Path, triples: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(triples):
            handle.write(f'<http://example.org/s{i}> <http://example.org/p> "value {i}" .\n')
    return path


@pytest.mark.parametrize("replace", [False, True], ids=["add", "replace"])
def test_killed_mid_load_leaves_the_previous_store(tmp_path: Path, replace: bool) -> None:
    data_dir = built(tmp_path)
    small = write(tmp_path / "small.ttl", EX + "ex:a ex:p 1 .\n")
    assert load(small, "--graph", GRAPH, "--data-dir", data_dir)[0] == 0
    before = quads(data_dir)
    live = layout.current(data_dir)
    source = big_file(tmp_path / "big.nt", 400_000)
    command = [sys.executable, "-m", "pob", "load", str(source), "--graph", GRAPH]
    command += ["--data-dir", str(data_dir), *(["--replace"] if replace else [])]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while len(list((data_dir / "stores").iterdir())) < 2:  # staging has begun
            assert process.poll() is None, "the load ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(1.0)  # into the bulk load
        assert process.poll() is None, "the load ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(10) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert layout.current(data_dir) == live
    assert quads(data_dir) == before
    # the next load clears the half-built version and works
    code, output = load(small, "--graph", GRAPH, "--data-dir", data_dir, "--replace")
    assert code == 0 and "has 1 triples" in output
    assert len(list((data_dir / "stores").iterdir())) == 1
    assert [q for q in quads(data_dir) if not q.endswith(f"<{GRAPH}>")] == [
        q for q in before if not q.endswith(f"<{GRAPH}>")
    ]
