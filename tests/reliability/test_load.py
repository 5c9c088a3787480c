"""50 concurrent clients for a bounded time against a live service (issue 10).

The clients (asyncio + httpx, one connection each) mix queries (cheap and heavy, GET and
POST), named queries, `/id/` pages in four formats, the catalog, VoID and dumps, validations
(a good dataset; bad syntax, billion laughs, deep JSON-LD, a huge integer, an oversized body)
and submissions (valid ones, each with content of its own, and invalid ones); see
`traffic.py`. Then:

* no answer is a 5xx other than an honest 503 with `Retry-After` (busy, or a time limit the
  service documents: "Query timed out", "Validation timed out");
* every other answer is one the request may get (e.g. 400 for billion laughs, 413 for the
  oversized body, 201/200 for a valid submission, 422 for an invalid one);
* every submission answered 201 or 200 is listed with its provenance (`GET
  /api/datasets/{id}`: submitter, checksum, triples) and its graph holds its triples;
* the server's memory (VmHWM of the server process, and the peak of the sampled VmRSS of
  the server and all its worker processes together) stays within `MEMORY_BOUND` and
  `TREE_BOUND`, the bounds docs/security.md states;
* after the storm, one request of every kind gets the answer it should (during it most
  uploads are honestly refused: two run at a time and eight wait);
* the service answers `ASK {}` at the end.

The numbers (requests per kind, statuses, p50/p95 latency, peak memory) are printed (run
with `-s` to see them); docs/performance.md has one run's.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.conftest import Process, process_tree, status_kib
from tests.reliability.conftest import AUTH, reliability_settings
from tests.reliability.traffic import (
    BASE,
    KINDS,
    Kind,
    Request,
    World,
    choose,
    send_kwargs,
)

CLIENTS = 50
#: how long the clients send (seconds); the test takes about this plus a minute
DURATION = 60.0
#: uploads are limited to this many bytes here, so "oversized" bodies stay cheap to send
MAX_UPLOAD = 2_000_000
#: docs/security.md, "Memory bound": the server process's VmHWM, and the peak of the server
#: and its worker processes together, under this load
MEMORY_BOUND = 512 * 2**20
TREE_BOUND = 2048 * 2**20
SEED = 10


@pytest.fixture(scope="module")
def loaded(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    settings = reliability_settings(tmp_path_factory.mktemp("load"), max_upload_bytes=MAX_UPLOAD)
    process = live_server(settings, 600)
    yield process
    process.stop()


@dataclass
class Answer:
    kind: str
    status: int
    seconds: float
    retry_after: str | None
    title: str
    request: Request
    body: dict[str, object] | None


class MemorySampler(threading.Thread):
    """Samples the VmRSS of the server's process tree every 0.25 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_tree = 0
        self.most_processes = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.25):
            pids = process_tree(self.pid)
            self.most_processes = max(self.most_processes, len(pids))
            self.peak_tree = max(
                self.peak_tree, 1024 * sum(status_kib(p, "VmRSS", 0) for p in pids)
            )


async def _client(client: httpx.AsyncClient, seed: int, world: World, until: float) -> list[Answer]:
    rng = random.Random(seed)
    answers = []
    while time.monotonic() < until:
        kind = choose(rng)
        request = kind.make(rng, world)
        started = time.monotonic()
        try:
            response = await client.request(request.method, request.path, **send_kwargs(request))
        except (httpx.ReadError, httpx.RemoteProtocolError):
            # a kept-alive connection the server closed as it idled (uvicorn's 5 s) while the
            # client reused it: nothing was answered, so a client sends again, as browsers do
            response = await client.request(request.method, request.path, **send_kwargs(request))
        seconds = time.monotonic() - started
        body = None
        if "json" in response.headers.get("content-type", ""):
            try:
                body = response.json()
            except ValueError:
                body = None
        title = ""
        if body and isinstance(body.get("error"), dict):
            title = str(body["error"].get("title", ""))
        answers.append(
            Answer(kind.name, response.status_code, seconds,
                   response.headers.get("retry-after"), title, request, body)
        )  # fmt: skip
    return answers


async def _drive(url: str, world: World) -> list[Answer]:
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=url, timeout=180, limits=limits) as client:
        until = time.monotonic() + DURATION
        results = await asyncio.gather(
            *(_client(client, SEED * 1000 + i, world, until) for i in range(CLIENTS))
        )
    return [answer for answers in results for answer in answers]


def _world(client: httpx.Client) -> World:
    query = (
        "SELECT DISTINCT ?s WHERE { GRAPH <" + BASE + "graph/data> { ?s ?p ?o } "
        'FILTER(STRSTARTS(STR(?s), "' + BASE + 'id/")) } ORDER BY ?s LIMIT 300'
    )
    rows = client.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    ).json()["results"]["bindings"]
    resources = ["/" + r["s"]["value"][len(BASE) :] for r in rows]
    queries = [q["path"] for q in client.get("/api/queries").json()["queries"]]
    assert len(resources) >= 50 and len(queries) >= 10  # the curated data is there
    return World(resources, queries, MAX_UPLOAD, AUTH)


def _percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _table(answers: list[Answer], elapsed: float, memory: dict[str, int]) -> str:
    lines = [
        f"{CLIENTS} clients, {elapsed:.0f} s, {len(answers)} requests "
        f"({len(answers) / elapsed:.0f}/s)",
        f"{'kind':<26}{'n':>6}  {'p50 s':>7}{'p95 s':>7}  statuses",
    ]
    by_kind: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_kind[answer.kind].append(answer)
    for kind in KINDS:
        got = by_kind.get(kind.name, [])
        seconds = [a.seconds for a in got]
        statuses = ", ".join(f"{s}×{n}" for s, n in sorted(Counter(a.status for a in got).items()))
        lines.append(
            f"{kind.name:<26}{len(got):>6}  {_percentile(seconds, 50):>7.2f}"
            f"{_percentile(seconds, 95):>7.2f}  {statuses}"
        )
    everything = Counter(a.status for a in answers)
    lines.append("all statuses: " + ", ".join(f"{s}×{n}" for s, n in sorted(everything.items())))
    lines.append(
        f"memory: server VmHWM {memory['hwm'] / 2**20:.0f} MiB, server + workers peak VmRSS "
        f"{memory['tree'] / 2**20:.0f} MiB ({memory['processes']} processes at most)"
    )
    return "\n".join(lines)


def _honest(answer: Answer) -> bool:
    """A 5xx a correct service may give under load: 503 with Retry-After (busy, or a
    documented time limit: "Query timed out", "Validation timed out")."""
    return answer.status == 503 and answer.retry_after is not None


def _after_the_storm(client: httpx.Client, kind: Kind, world: World) -> int:
    """The status one request of `kind` gets, sent again after an honest 503."""
    rng = random.Random(SEED)
    for _ in range(3):
        request = kind.make(rng, world)
        response = client.request(request.method, request.path, **send_kwargs(request))
        if response.status_code != 503 or "retry-after" not in response.headers:
            break
        time.sleep(float(response.headers["retry-after"]))
    return response.status_code


def test_fifty_clients_mixing_everything(loaded: Process) -> None:
    with httpx.Client(base_url=loaded.url, timeout=120) as client:
        world = _world(client)
        sampler = MemorySampler(loaded.process.pid)
        sampler.start()
        started = time.monotonic()
        answers = asyncio.run(_drive(loaded.url, world))
        elapsed = time.monotonic() - started
        sampler.stop.set()
        sampler.join()
        memory = {
            "hwm": 1024 * status_kib(loaded.process.pid, "VmHWM"),
            "tree": sampler.peak_tree,
            "processes": sampler.most_processes,
        }
        print("\n" + _table(answers, elapsed, memory))

        # 1. no server error but honest 503s; every other answer one the request may get
        dishonest = [a for a in answers if a.status >= 500 and not _honest(a)]
        assert not dishonest, [(a.kind, a.status, a.title, a.body) for a in dishonest[:10]]
        allowed: dict[str, Kind] = {k.name: k for k in KINDS}
        wrong = [a for a in answers if a.status not in allowed[a.kind].allowed and not _honest(a)]
        assert not wrong, [(a.kind, a.status, a.title, a.body) for a in wrong[:10]]
        assert {a.kind for a in answers} == set(allowed)  # every kind was sent
        # during the storm most uploads get an honest 503 (two at a time, eight waiting);
        # after it, one request of every kind gets its own answer (a 503 is tried again,
        # as `Retry-After` asks, at most three times)
        after = {kind.name: _after_the_storm(client, kind, world) for kind in KINDS}
        assert all(status in allowed[k].allowed for k, status in after.items()), after

        # 2. every accepted submission is there, with its provenance and its triples
        accepted = [a for a in answers if a.kind == "submit-valid" and a.status in (200, 201)]
        listed = {d["id"] for d in client.get("/api/datasets").json()["datasets"]}
        for answer in accepted:
            assert answer.body is not None and answer.request.submission is not None
            sid, (triples, subject) = str(answer.body["id"]), answer.request.submission
            assert sid in listed
            record = client.get(f"/api/datasets/{sid}").json()
            assert record["submitter"] == "tester" and record["triples"] == triples
            assert record["sha256"].startswith(sid)
            data = client.get(f"/api/datasets/{sid}", headers={"Accept": "application/n-triples"})
            assert data.status_code == 200
            lines = [line for line in data.text.splitlines() if line.strip()]
            assert len(lines) == triples and all(f"<{subject[:-2]}" in line for line in lines)

        # 3. memory within the documented bounds
        assert memory["hwm"] <= MEMORY_BOUND, memory
        assert memory["tree"] <= TREE_BOUND, memory

        # 4. still answering
        started = time.monotonic()
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        assert time.monotonic() - started < 5.0
    assert loaded.alive
