"""The SPARQL service beside what a user would compare it with, in one run (issue 12).

    .venv/bin/python -m bench.service                      # 0.5 M triples, 8 clients
    .venv/bin/python -m bench.service --write              # ... and update docs/performance.md
    .venv/bin/python -m bench.service --triples 5000000    # the 5 M size (see bench/README.md)

One run: generate the data (`bench.generate`, seeded; cached as N-Triples under
var/bench/data/) and load it into every contender of :mod:`bench.contenders` (ours
embedded with and without its in-memory replicas, ours over `oxigraph serve`, `oxigraph
serve` on disk and in memory, pyoxigraph in-process on disk and in memory). Each server is
started alone and timed from its first answer (the first requests after a start); then,
with all of them running and idle: the answers to both query sets (bench/queries/ and
bench/queries/second/) are compared, per-query medians are taken (every contender in turn),
the query mix runs per set from `--clients` threads in rounds (the order reversed every
round), the point lookup is driven by Debian's `hey`, and every server's memory is sampled
throughout. Targets are issue 12's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from bench import contenders as c
from bench.doc import write_block
from bench.generate import generate, source_key
from bench.load import (
    Memory,
    Query,
    Server,
    Throughput,
    ask,
    cpu_seconds,
    first_requests,
    loadavg,
    medians,
    mix,
    new_connections,
    point_load,
    rounds,
    wait_idle,
)
from bench.load import start as start_server_again
from bench.service_tables import NEW_CONNECTIONS, table
from engines.ports import free_port
from pob.graph.sources import ROOT
from pob.settings import from_env as settings_from_env
from pob.sparql.named import bind, load_queries

GRAPH = c.GRAPH
#: seconds without a query after which the feed's deferred build has begun (it waits 1 s)
FEED_GAP = 1.5
WORK = ROOT / "var" / "bench"
QUERIES = Path(__file__).resolve().parent / "queries"
SECOND = QUERIES / "second"
SETS = {"ours": QUERIES, "second": SECOND}
DOC = ROOT / "docs" / "performance.md"
HEADING = "## SPARQL service"
BEGIN, END = "<!-- bench.service: begin -->", "<!-- bench.service: end -->"
POINT = "point-lookup"
POB = "https://w3id.org/pob/ontology#"


def data_name(triples: int, seed: int) -> str:
    """The name of the generated data of a size and seed, and of every cache made from it:
    keyed by the generator's source too, so a changed generator never reuses old data."""
    return f"pob-{triples}-seed{seed}-{source_key()}"


def data_file(triples: int, seed: int) -> tuple[Path, float | None]:
    """The generated data as N-Triples (made once per size, seed and version of the
    generator), and the seconds it took to make now (None: it was there)."""
    path = WORK / "data" / f"{data_name(triples, seed)}.nt"
    if path.exists():
        return path, None
    path.parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    graph = generate(triples, seed)
    partial_ = path.with_suffix(".part")
    graph.serialize(partial_, format="nt", encoding="utf-8")
    partial_.rename(path)
    return path, time.perf_counter() - began


def lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip() and not line.startswith(b"#"))


def bench_queries(store: ox.Store, folder: Path) -> list[Query]:
    """The queries of `folder`, `$partnership` bound to the first generated one."""
    kind = f"?p a <{POB}LocalPartnership>"  # in the default graph or a named one
    first = store.query(
        f"SELECT ?p WHERE {{ {{ {kind} }} UNION {{ GRAPH ?g {{ {kind} }} }} }} ORDER BY ?p LIMIT 1"
    )
    assert isinstance(first, ox.QuerySolutions)
    partnership = next(iter(first))[0]
    assert isinstance(partnership, ox.NamedNode)
    found = []
    for named in load_queries(folder).values():
        values = {"partnership": partnership.value} if named.params else {}
        found.append(Query(named.name, named.form, bind(named, values)))
    return found


def in_process(store: ox.Store, query: Query, union: bool = False) -> bytes:
    """What a server must do: run the query and serialise all of the answer."""
    result = store.query(query.text, use_default_graph_as_union=union)
    out = io.BytesIO()
    if isinstance(result, ox.QueryTriples):
        ox.serialize(result, out, ox.RdfFormat.N_TRIPLES)
    else:
        result.serialize(out, ox.QueryResultsFormat.JSON)
    return out.getvalue()


def answer(query: Query, body: bytes) -> str:
    """The answer's size, to compare engines: rows, the boolean, or distinct triples."""
    if query.form in ("CONSTRUCT", "DESCRIBE"):
        triples = {q.triple for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)}
        return f"{len(triples)} triples"
    doc = json.loads(body)
    if "boolean" in doc:
        return str(doc["boolean"]).lower()
    return f"{len(doc['results']['bindings'])} rows"


@dataclass
class Report:
    args: argparse.Namespace
    triples: int
    curated: int
    loads: dict[str, float]
    rows: list[dict[str, Any]]
    #: per query set: contender -> the rounds' throughputs
    mix: dict[str, dict[str, list[Throughput]]]
    point: dict[str, list[Throughput]]
    point_tool: str
    point_cpu: dict[str, float]
    memory: dict[str, Memory]
    #: contender -> (first request's latency, median of the rest of the first seconds,
    #: median of first requests on new connections once the server is idle)
    first: dict[str, tuple[float, float, float]]
    loads_seen: list[float] = field(default_factory=list)
    seconds: float = 0.0


def machine() -> str:
    model = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    kib = int(Path("/proc/meminfo").read_text().split()[1])
    packages = ", ".join(f"{p} {version(p)}" for p in ("pyoxigraph", "oxigraph", "fastapi"))
    packages += f", uvicorn {version('uvicorn')}, httpx {version('httpx')}"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{model}, {os.cpu_count()} logical CPUs, {kib / 2**20:.0f} GiB RAM, "
        f"Python {platform.python_version()} ({platform.system()} {platform.release()}); "
        f"{packages}; load average before the run {load}"
    )


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median_rate(runs: list[Throughput]) -> float:
    return statistics.median(t.rate for t in runs)


def start_all(
    args: argparse.Namespace, work: Path, nt: Path, curated_nt: Path, report: Report
) -> tuple[dict[str, Server], dict[str, Memory], list[Server]]:
    """Every server, one at a time, each timed from its first answer while the others are
    idle; the memory sampler of each from its start."""
    servers: dict[str, Server] = {}
    memory: dict[str, Memory] = {}
    helpers: list[Server] = []  # the engine behind ours-remote
    env = {"POB_QUERY_TIMEOUT": "900", "POB_MAX_RESULT_ROWS": "100000000"}
    point: Query | None = None
    for name in c.SERVERS:
        if name == "ours-remote":
            engine = c.oxigraph_server("engine-for-ours-remote", work / "remote", work)
            helpers.append(engine)
            env["BENCH_REMOTE"] = engine.endpoint.removesuffix("/query")
        step(f"start: {name}")
        if name.startswith("ours"):
            server = c.pob_server(name, free_port(), work, args.workers, env)
        elif name == "oxigraph-disk":
            server = c.oxigraph_server(name, work / "oxigraph-disk", work)
        else:
            server = c.oxigraph_server(name, None, work)
        if point is None:
            point = POINT_QUERY[0]
        if name != "oxigraph-mem":  # loaded after its start: nothing to time
            firsts, rests = [], []
            for n in range(args.starts):
                if n:  # started again: the first requests of every start are timed
                    step(f"start again: {name}")
                    server.stop()
                    server = start_again(server)
                series = first_requests(server.endpoint, point, args.startup_seconds)
                firsts.append(series[0][1])
                rests += [latency for _, latency in series[1:]]
                step(f"{name} idle after {wait_idle(server.process.pid, timeout=900):.0f} s")
            # the feed's build waits for a 1 s gap in the queries (pob/publish/snapshot.py):
            # leave one, and wait for what it starts, before the idle server is measured
            time.sleep(FEED_GAP)
            step(f"{name} idle after {wait_idle(server.process.pid, timeout=900):.0f} s")
            warm = new_connections(server.endpoint, point, NEW_CONNECTIONS)
            report.first[name] = (
                statistics.median(firsts),
                statistics.median(rests),
                statistics.median(warm),
            )
        servers[name] = server
        memory[name] = Memory(server.process.pid).__enter__()
        if name == "oxigraph-mem":
            step("load: oxigraph-mem over its Graph Store")
            root = server.endpoint.removesuffix("/query")
            report.loads[name] = c.post_default(root, [nt, curated_nt])
        step(f"{name} idle after {wait_idle(server.process.pid, timeout=900):.0f} s")
    return servers, memory, helpers


def start_again(server: Server) -> Server:
    """The same command on the same port, once the previous process has stopped."""
    command = [str(a) for a in server.process.args]  # type: ignore[union-attr]
    return start_server_again(
        server.name, command, server.endpoint, server.log, wait=600, env=server.env
    )


#: filled by measure(): the point lookup, bound
POINT_QUERY: list[Query] = []


def measure(args: argparse.Namespace) -> Report:
    began = time.perf_counter()
    step(f"data: {args.triples:,} triples, seed {args.seed}")
    nt, _ = data_file(args.triples, args.seed)
    triples = lines(nt)
    work = WORK / "service"
    subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True)
    loads: dict[str, float] = {}
    step("load: pob build + pob load")
    loads["ours"] = c.load_ours(nt, work / "ours")
    curated = c.curated(work / "ours", work / "curated.nq", work / "curated.nt")
    c.copy_store(work / "ours", work / "ours-disk")
    step("load: oxigraph load (default graph; and named graphs for ours-remote)")
    loads["oxigraph-disk"] = c.load_oxigraph(
        [(nt, None), (work / "curated.nt", None)], work / "oxigraph-disk"
    )
    loads["ours-remote"] = c.load_oxigraph(
        [(nt, GRAPH), (work / "curated.nq", None)], work / "remote"
    )
    step("load: pyoxigraph bulk_load (disk, memory)")
    stores: dict[str, ox.Store] = {}
    stores["pyoxigraph-disk"], loads["pyoxigraph-disk"] = c.load_pyoxigraph(
        nt, work / "curated.nt", work / "pyoxigraph"
    )
    stores["pyoxigraph-mem"], loads["pyoxigraph-mem"] = c.load_pyoxigraph(
        nt, work / "curated.nt", None
    )
    stores["pyoxigraph-disk-union"] = c.load_pyoxigraph_named(
        nt, work / "curated.nq", work / "pyoxigraph-union"
    )
    # filled as our replicas are: the same quads in the same order (bench/README.md)
    stores["pyoxigraph-mem-union"] = c.replica_of(stores["pyoxigraph-disk-union"], work / "spool")
    sets = {key: bench_queries(stores["pyoxigraph-mem"], folder) for key, folder in SETS.items()}
    POINT_QUERY[:] = [next(q for q in sets["ours"] if q.name == POINT)]
    report = Report(args, triples, curated, loads, [], {}, {}, "", {}, {}, {})
    report.loads_seen.append(loadavg())
    servers: dict[str, Server] = {}
    helpers: list[Server] = []
    try:
        servers, report.memory, helpers = start_all(args, work, nt, work / "curated.nt", report)

        def settle() -> None:
            for server in servers.values():
                wait_idle(server.process.pid, timeout=900)

        for sampler in report.memory.values():
            sampler.pause(True)
        for key, queries in sets.items():
            report.rows += per_query(stores, queries, servers, args.runs, key)
            report.loads_seen.append(loadavg())
        for sampler in report.memory.values():
            sampler.pause(False)
        names = list(servers)
        for key, queries in sets.items():

            def run_mix(
                name: str, n: int, queries: list[Query] = queries, key: str = key
            ) -> Throughput:
                settle()
                step(f"mix ({key} queries): {name}, round {n + 1}")
                return mix(
                    servers[name].endpoint, queries, args.clients, args.duration / args.rounds
                )

            report.mix[key] = rounds(names, args.rounds, run_mix)
            report.loads_seen.append(loadavg())
        point = POINT_QUERY[0]
        tool = [""]

        def run_point(name: str, n: int) -> Throughput:
            settle()
            step(f"point lookup: {name}, round {n + 1}")
            url = str(httpx.URL(servers[name].endpoint, params={"query": point.text}))
            tree = report.memory[name].tree()
            before = cpu_seconds(tree)
            got, tool[0] = point_load(
                url, point.accept, args.clients, args.point_seconds / args.rounds
            )
            report.point_cpu[name] = report.point_cpu.get(name, 0.0) + cpu_seconds(tree) - before
            return got

        report.point = rounds(names, args.rounds, run_point)
        report.point_tool = tool[0]
        for name, runs in report.point.items():
            report.point_cpu[name] /= max(sum(t.done + t.errors for t in runs), 1)
        report.loads_seen.append(loadavg())
        for sampler in report.memory.values():
            sampler.__exit__()
    finally:
        for server in [*servers.values(), *helpers]:
            server.stop()
    report.seconds = time.perf_counter() - began
    return report


def per_query(
    stores: dict[str, ox.Store],
    queries: list[Query],
    servers: dict[str, Server],
    runs: int,
    key: str,
) -> list[dict[str, Any]]:
    rows = []
    clients = {name: httpx.Client(timeout=900) for name in servers}
    try:
        for query in queries:
            step(f"medians ({key} queries): {query.name}")
            timers: dict[str, Callable[[], bytes]] = {
                **{
                    name: partial(in_process, store, query, name.endswith("-union"))
                    for name, store in stores.items()
                },
                **{
                    name: partial(ask, clients[name], server.endpoint, query)
                    for name, server in servers.items()
                },
            }
            answers = {name: answer(query, timer()) for name, timer in timers.items()}
            row: dict[str, Any] = {
                "set": key,
                "name": query.name,
                "form": query.form,
                "answer": answers["pyoxigraph-mem"],
                "differ": sorted(n for n, a in answers.items() if a != answers["pyoxigraph-mem"]),
            }
            for name, seconds in medians(runs, timers).items():
                row[name] = seconds * 1000
            rows.append(row)
    finally:
        for client in clients.values():
            client.close()
    return rows


def markers(triples: int) -> tuple[str, str]:
    """This bench's markers in docs/performance.md: one table per data size."""
    if triples == 500_000:
        return BEGIN, END
    return f"<!-- bench.service {triples}: begin -->", f"<!-- bench.service {triples}: end -->"


def write_section(body: str, path: Path = DOC, triples: int = 500_000) -> None:
    """Put `body` between this size's markers under HEADING (another size's table goes
    after the 0.5 M one); nothing else is touched."""
    begin, end = markers(triples)
    write_block(body, path, HEADING, begin, end, after=END)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--triples", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30, help="seconds of mix per server")
    parser.add_argument("--point-seconds", type=float, default=12, help="per server")
    parser.add_argument("--rounds", type=int, default=3, help="turns of the mix and lookups")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query")
    parser.add_argument("--workers", type=int, default=2, help="our query worker processes")
    parser.add_argument(
        "--startup-seconds", type=float, default=8, help="first requests timed after a start"
    )
    parser.add_argument("--starts", type=int, default=3, help="starts timed per server")
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args(argv)
    args.replica_budget = settings_from_env().replica_memory  # what `ours` is given
    command = "python -m bench.service " + shlex.join(argv if argv is not None else sys.argv[1:])
    header = f"Measured {dt.date.today().isoformat()} with `{command.strip()}` on {machine()}."
    report = measure(args)
    text = table(report, header)
    text += f"\n\nThe run took {report.seconds:.0f} s."
    print(text)
    if args.write:
        write_section(text, triples=args.triples)


if __name__ == "__main__":
    main()
