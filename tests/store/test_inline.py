"""Bounded queries answered in the server process (pob/store/inline.py): the same answers
as a query worker gives, never a worker for them, a worker (and the full answer) once one
reaches the row or byte bound, the client's row limit kept, syntax errors where the worker
puts them, and after a write the new version's data (the copy of the old one dropped);
without a copy, the server process's own disk handle answers them, paused after a slow
answer and recycled past its memory bound (pob/store/own_reader.py)."""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from pob.settings import Settings
from pob.sparql import guard
from pob.store import inline, own_reader
from pob.store.base import Dataset
from pob.store.embedded import EmbeddedStore
from pob.store.errors import QuerySyntaxError, ResultTooLarge
from pob.store.inline import INLINE_BYTES, INLINE_ROWS
from pob.store.replica import REPLICA_BYTES_PER_QUAD

JSON = "application/sparql-results+json"
EX = "http://example.org/"
G = f"{EX}g"
MANY = INLINE_ROWS + 40  # matches of `?s a ex:Many`: past the row bound


def triples() -> bytes:
    lines = [f"<{EX}s{i}> a <{EX}Many> ." for i in range(MANY)]
    lines += [f'<{EX}one> <{EX}p{i}> "value {i}"@en .' for i in range(20)]
    lines.append(f'<{EX}big> <{EX}text> "{"x" * (INLINE_BYTES + 10)}" .')
    return "\n".join(lines).encode() + b"\n"


class Counting(EmbeddedStore):
    """The embedded store, counting the jobs it sends to its query workers."""

    sent: list[str]

    async def _in_worker(self, kind: str, *args: Any, **options: Any) -> Any:
        self.sent.append(kind)
        return await super()._in_worker(kind, *args, **options)


async def copied(store: Counting) -> None:
    """Until the server process holds its in-memory copy of the live version."""
    deadline = time.monotonic() + 30
    while store._here.get(store._generation) is None:
        assert time.monotonic() < deadline, "no in-memory copy in the server process"
        await asyncio.sleep(0.1)


def run(tmp_path: Path, body: Any, replica_memory: int = 2048, workers: int = 1) -> None:
    settings = Settings(data_dir=tmp_path / "store", workers=workers, replica_memory=replica_memory)

    async def main() -> None:
        store = Counting(settings)
        store.sent = []
        await store.open()
        try:
            await store.insert({G: triples()})
            if replica_memory:
                await copied(store)
            await body(store)
        finally:
            await store.close()

    asyncio.run(main())


async def ask(store: Counting, text: str, max_rows: int | None = 100_000) -> tuple[Any, int]:
    """The parsed JSON answer and how many jobs went to a worker for it."""
    checked = guard.check(text)
    before = len([k for k in store.sent if k == "query"])
    result = await store.query(checked, Dataset(), JSON, max_rows)
    sent = len([k for k in store.sent if k == "query"]) - before
    return json.loads(result.read()), sent


def rows(answer: Any) -> set[tuple[str, ...]]:
    return {
        tuple(sorted((k, v["value"]) for k, v in row.items()))
        for row in answer["results"]["bindings"]
    }


def in_process(text: str, store_dir: Path) -> set[tuple[str, ...]]:
    """The answer of pyoxigraph itself, on the live version (read-only)."""
    store = ox.Store.read_only(str((store_dir / "current").resolve()))
    body = store.query(text, use_default_graph_as_union=True).serialize(
        format=ox.QueryResultsFormat.JSON
    )
    return rows(json.loads(body))


def test_a_bounded_query_is_answered_without_a_worker(tmp_path: Path) -> None:
    text = f"SELECT ?p ?v WHERE {{ <{EX}one> ?p ?v }}"

    async def body(store: Counting) -> None:
        answer, sent = await ask(store, text)
        assert sent == 0
        assert rows(answer) == in_process(text, tmp_path / "store")
        assert len(answer["results"]["bindings"]) == 20
        unbounded = f"SELECT ?p ?v WHERE {{ <{EX}one> ?p ?v FILTER(?v != 1) }}"
        answer, sent = await ask(store, unbounded)
        assert sent == 1 and len(answer["results"]["bindings"]) == 20
        for form in (f"ASK {{ <{EX}one> ?p ?v }}", f"DESCRIBE <{EX}one>"):
            checked = guard.check(form)
            assert checked.bounded
            before = len(store.sent)
            media = JSON if checked.form == "ASK" else "application/n-triples"
            result = await store.query(checked, Dataset(), media, None)
            assert len(store.sent) == before
            if checked.form == "ASK":
                assert json.loads(result.read())["boolean"] is True
            else:
                assert result.read().count(b"\n") == result.rows == 20

    run(tmp_path, body)


def test_past_the_row_bound_a_worker_gives_the_whole_answer(tmp_path: Path) -> None:
    text = f"SELECT ?s WHERE {{ ?s a <{EX}Many> }}"

    async def body(store: Counting) -> None:
        assert guard.check(text).bounded
        answer, sent = await ask(store, text)
        assert sent == 1
        assert len(answer["results"]["bindings"]) == MANY
        assert rows(answer) == in_process(text, tmp_path / "store")
        limited, sent = await ask(store, text + f" LIMIT {INLINE_ROWS}")
        assert sent == 0 and len(limited["results"]["bindings"]) == INLINE_ROWS

    run(tmp_path, body)


def test_past_the_byte_bound_a_worker_gives_the_answer(tmp_path: Path) -> None:
    async def body(store: Counting) -> None:
        answer, sent = await ask(store, f"SELECT ?t WHERE {{ <{EX}big> ?p ?t }}")
        assert sent == 1
        assert len(answer["results"]["bindings"][0]["t"]["value"]) == INLINE_BYTES + 10

    run(tmp_path, body)


def test_the_clients_row_limit_is_the_workers_answer(tmp_path: Path) -> None:
    async def body(store: Counting) -> None:
        text = f"SELECT ?p ?v WHERE {{ <{EX}one> ?p ?v }}"
        with pytest.raises(ResultTooLarge):
            await ask(store, text, max_rows=10)
        answer, _ = await ask(store, text, max_rows=20)
        assert len(answer["results"]["bindings"]) == 20

    run(tmp_path, body)


def test_a_syntax_error_says_where_as_the_worker_does(tmp_path: Path) -> None:
    async def body(store: Counting) -> None:
        text = "SELECT ?s WHERE {\n  ?s ?p ?o }\nLIMIT 1 0"  # digits: tokens the guard reads
        assert guard.check(text).bounded
        with pytest.raises(QuerySyntaxError) as raised:
            await ask(store, text)
        assert raised.value.line == 3

    run(tmp_path, body)


def test_after_a_write_the_new_version_answers(tmp_path: Path) -> None:
    text = f"SELECT ?v WHERE {{ <{EX}new> <{EX}p> ?v }}"

    async def body(store: Counting) -> None:
        answer, sent = await ask(store, text)
        assert sent == 0 and answer["results"]["bindings"] == []
        await store.update(f'INSERT DATA {{ GRAPH <{G}> {{ <{EX}new> <{EX}p> "now" }} }}')
        answer, sent = await ask(store, text)  # the old copy is gone: the worker answers
        assert [row["v"]["value"] for row in answer["results"]["bindings"]] == ["now"]
        await copied(store)  # the copy of the new version
        answer, sent = await ask(store, text)
        assert sent == 0
        assert [row["v"]["value"] for row in answer["results"]["bindings"]] == ["now"]

    run(tmp_path, body)


async def own_opened(store: Counting) -> Any:
    """Until the server process's own disk handle is open (after a start or a write)."""
    deadline = time.monotonic() + 30
    while store._own.for_answers() is None or store._live_lock.locked():
        assert time.monotonic() < deadline, "the server process's own handle stays closed"
        await asyncio.sleep(0.05)
    return store._own.handle


def test_without_a_copy_the_own_disk_handle_answers(tmp_path: Path) -> None:
    """A store whose copies do not fit the budget: the server process holds none and
    answers the bounded queries from its own disk handle (pob/store/own_reader.py)."""
    text = f"SELECT ?p ?v WHERE {{ <{EX}one> ?p ?v }}"

    async def body(store: Counting) -> None:
        await own_opened(store)
        answer, sent = await ask(store, text)
        assert sent == 0 and len(answer["results"]["bindings"]) == 20
        assert rows(answer) == in_process(text, tmp_path / "store")
        assert store._here.get(store._generation) is None
        many, sent = await ask(store, f"SELECT ?s WHERE {{ ?s a <{EX}Many> }}")
        assert sent == 1 and len(many["results"]["bindings"]) == MANY  # past the bound

    run(tmp_path, body, replica_memory=0)


def test_a_budget_of_one_copy_goes_to_the_server_process(tmp_path: Path) -> None:
    """When the pool's copies do not fit `POB_REPLICA_MEMORY` but one copy does, the server
    process keeps it (its bounded queries answered in memory) and the workers read the
    disk; while all of them fit, the workers have theirs and the server process one more."""
    text = f"SELECT ?p ?v WHERE {{ <{EX}one> ?p ?v }}"
    budget = 2**20  # the 1 MiB of replica_memory=1

    async def body(store: Counting) -> None:
        assert store._replica  # ~317 quads: three copies fit in 1 MiB
        extra = "".join(f'<{EX}x{i}> <{EX}p> "{i}" .\n' for i in range(500))
        await store.insert({f"{EX}extra": extra.encode()})
        quads = sum((await store.triple_counts()).values())
        assert quads * REPLICA_BYTES_PER_QUAD <= budget < 2 * quads * REPLICA_BYTES_PER_QUAD
        await copied(store)  # the new version's copy, in this process
        assert not store._replica  # the two workers' copies do not fit: they read the disk
        disk_answers: list[object] = []
        own = store._own.for_answers
        store._own.for_answers = lambda: disk_answers.append(1) or own()  # type: ignore[method-assign]
        answer, sent = await ask(store, text)
        assert sent == 0 and rows(answer) == in_process(text, tmp_path / "store")
        assert not disk_answers  # answered from the copy, not the own disk handle

    run(tmp_path, body, replica_memory=1, workers=2)


def test_without_a_copy_a_write_is_read_at_once(tmp_path: Path) -> None:
    """Right after a write the own handle of the old version is gone: the answer is the new
    version's, from a worker until the new handle is open, then from it."""
    text = f"SELECT ?v WHERE {{ <{EX}new> <{EX}p> ?v }}"

    async def body(store: Counting) -> None:
        old = await own_opened(store)
        answer, sent = await ask(store, text)
        assert sent == 0 and answer["results"]["bindings"] == []
        await store.update(f'INSERT DATA {{ GRAPH <{G}> {{ <{EX}new> <{EX}p> "now" }} }}')
        answer, _ = await ask(store, text)
        assert [row["v"]["value"] for row in answer["results"]["bindings"]] == ["now"]
        assert await own_opened(store) is not old
        answer, sent = await ask(store, text)
        assert sent == 0
        assert [row["v"]["value"] for row in answer["results"]["bindings"]] == ["now"]

    run(tmp_path, body, replica_memory=0)


def test_a_slow_answer_sends_the_bounded_queries_to_the_workers_for_a_while(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer that took long and read from the disk (not the page cache); one that took
    as long without a read from the disk (preempted) changes nothing."""
    text = f"SELECT ?p ?v WHERE {{ <{EX}one> ?p ?v }}"
    monkeypatch.setattr(own_reader, "DISK_SLOW", -1.0)  # every answer is slow
    monkeypatch.setattr(own_reader, "DISK_PAUSE", 0.5)
    blocks = iter(range(10**6))
    read = {"disk": False}
    monkeypatch.setattr(  # every call a block more, when the disk is read
        own_reader, "blocks_read", lambda: next(blocks) if read["disk"] else 0
    )

    async def body(store: Counting) -> None:
        await own_opened(store)
        assert [(await ask(store, text))[1] for _ in range(3)] == [0, 0, 0]
        read["disk"] = True
        assert [(await ask(store, text))[1] for _ in range(3)] == [0, 1, 1]
        read["disk"] = False
        await asyncio.sleep(0.6)
        answer, sent = await ask(store, text)
        assert sent == 0 and len(answer["results"]["bindings"]) == 20

    run(tmp_path, body, replica_memory=0)


def test_grown_past_its_bound_the_own_handle_is_recycled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past DISK_GROWTH the handle is dropped and a fresh one opened; the queries asked
    meanwhile go to the workers, and the fresh handle answers as the old one did."""
    text = f"SELECT ?p ?v WHERE {{ <{EX}one> ?p ?v }}"
    monkeypatch.setattr(own_reader, "DISK_GROWTH", -(2**40))  # any size is past it
    monkeypatch.setattr(own_reader, "CHECK_EVERY", 2)

    async def body(store: Counting) -> None:
        old = await own_opened(store)
        first, sent = await ask(store, text)
        assert sent == 0 and store._recycling is None  # the memory is read every 2nd answer
        answer, sent = await ask(store, text)
        assert sent == 0 and store._recycling is not None and store._own.recycling
        answer, sent = await ask(store, text)  # the recycling is under way
        assert sent == 1 and rows(answer) == rows(first)
        await store._recycling
        fresh = await own_opened(store)
        assert fresh is not old and not store._own.recycling
        answer, sent = await ask(store, text)
        assert sent == 0 and rows(answer) == rows(first)

    run(tmp_path, body, replica_memory=0)


def test_no_recycling_while_the_copy_is_made() -> None:
    """The process's in-memory copy is what grows while it is made (budgeted apart)."""
    reader = own_reader.OwnReader()
    reader.baseline = -(2**40)  # any size is past the bound
    began = reader.began()
    checks = [reader.answered(began, copying=True) for _ in range(own_reader.CHECK_EVERY * 2)]
    assert not any(checks) and not reader.recycling
    checks = [reader.answered(began, copying=False) for _ in range(own_reader.CHECK_EVERY)]
    assert checks[-1] and not any(checks[:-1]) and reader.recycling
    assert reader.for_answers() is None


def test_an_engine_failure_here_leaves_the_answer_to_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error the engine raises in the server process (not a syntax error, not a bound)
    is not the client's answer: the worker runs the query and gives it."""
    text = f"SELECT ?p ?v WHERE {{ <{EX}one> ?p ?v }}"
    real = inline.results.run_query

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise OSError("read failed (simulated)")

    async def body(store: Counting) -> None:
        monkeypatch.setattr(inline.results, "run_query", failing)
        try:
            answer, sent = await ask(store, text)
        finally:
            monkeypatch.setattr(inline.results, "run_query", real)
        assert sent == 1 and len(answer["results"]["bindings"]) == 20

    run(tmp_path, body)


def filesystem(path: Path) -> str:
    """The type of the file system `path` is on (/proc/self/mounts: its longest mount)."""
    found, kind = "", ""
    for line in Path("/proc/self/mounts").read_text().splitlines():
        point, fs = line.split()[1:3]
        if str(path).startswith(point) and len(point) > len(found):
            found, kind = point, fs
    return kind


def test_blocks_read_counts_reads_the_page_cache_did_not_serve() -> None:
    """What the pause goes by: a file's pages evicted from the page cache, then read (in
    the project's var/, on the disk a store is on). On a file system in memory (tmpfs)
    nothing is read from a disk, so nothing is counted there and nothing ever pauses."""
    var = Path(__file__).resolve().parents[2] / "var"
    var.mkdir(exist_ok=True)
    in_memory = filesystem(var) in ("tmpfs", "ramfs")
    with tempfile.TemporaryDirectory(dir=var) as directory:
        path = Path(directory) / "cold"
        path.write_bytes(os.urandom(4 * 2**20))
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
            before = own_reader.blocks_read()
            handle.read()
        cold = own_reader.blocks_read() - before
        assert cold == 0 if in_memory else cold > 0
        before = own_reader.blocks_read()
        path.read_bytes()  # now from the page cache
        assert own_reader.blocks_read() == before
