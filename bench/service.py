"""The SPARQL service side by side with `oxigraph serve` and pyoxigraph in-process (issue 3).

    .venv/bin/python -m bench.service                      # 0.5 M triples, 8 clients, 20 s
    .venv/bin/python -m bench.service --write              # ... and update docs/performance.md
    .venv/bin/python -m bench.service --triples 5000000    # the 5 M size (see bench/README.md)

One run: generate the data (`bench.generate`, seeded; cached as N-Triples under
var/bench/data/), load it into (a) our embedded store with `pob load` (after `pob build` of
the curated graphs), (b) an `oxigraph serve` store with `oxigraph load`, (c) a pyoxigraph
store with `bulk_load`, timing each load; give (b) and (c) the curated graphs too, so all
three hold the same quads, and optimise those two as Oxigraph advises after a bulk load.
Then, with `pob serve` and `oxigraph serve --union-default-graph` running on 127.0.0.1 and
quiet: the answers to the queries of bench/queries/ are compared, per-query medians are
taken in-process and over HTTP, the query mix runs from `--clients` threads for
`--duration` s against each server, the point lookup is driven by Debian's `hey` (or Python
threads without it), and the servers' memory is sampled throughout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from bench.doc import write_block
from bench.generate import generate
from bench.load import (
    Memory,
    Query,
    Server,
    Throughput,
    ask,
    cpu_seconds,
    free_port,
    medians,
    mix,
    point_load,
    wait_idle,
)
from bench.load import start as start_server
from pob.graph.sources import ROOT
from pob.sparql.named import bind, load_queries
from pob.store import layout

GRAPH = "https://w3id.org/pob/graph/bench"
WORK = ROOT / "var" / "bench"
QUERIES = Path(__file__).resolve().parent / "queries"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
DOC = ROOT / "docs" / "performance.md"
HEADING = "## SPARQL service"
BEGIN, END = "<!-- bench.service: begin -->", "<!-- bench.service: end -->"
POINT = "point-lookup"
POB = "https://w3id.org/pob/ontology#"
TARGETS = {"mix": 0.8, "point": 0.2, "median": 1.5, "rss": 1.2}


def data_file(triples: int, seed: int) -> tuple[Path, float | None]:
    """The generated data as N-Triples (made once per size and seed), and the seconds it
    took to make now (None: it was there)."""
    path = WORK / "data" / f"pob-{triples}-seed{seed}.nt"
    if path.exists():
        return path, None
    path.parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    graph = generate(triples, seed)
    partial = path.with_suffix(".part")
    graph.serialize(partial, format="nt", encoding="utf-8")
    partial.rename(path)
    return path, time.perf_counter() - began


def lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip() and not line.startswith(b"#"))


def run(command: list[str], timeout: float = 3600) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, timeout=timeout, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def load_ours(nt: Path, data_dir: Path) -> float:
    """`pob build` (untimed), then `pob load` of the data into its own graph (timed)."""
    pob = [sys.executable, "-m", "pob"]
    run([*pob, "build", "--data-dir", str(data_dir)])
    return run([*pob, "load", str(nt), "--graph", GRAPH, "--data-dir", str(data_dir)])


def curated_quads(data_dir: Path, out: Path) -> int:
    """Everything in our store except the benchmark graph, as N-Quads for the others."""
    current = layout.current(data_dir)
    assert current is not None
    store = ox.Store.read_only(str(current))
    quads = [q for q in store if q.graph_name != ox.NamedNode(GRAPH)]
    ox.serialize(quads, str(out), ox.RdfFormat.N_QUADS)
    del store
    return len(quads)


def load_oxigraph(nt: Path, nq: Path, location: Path) -> float:
    seconds = run(
        [str(OXIGRAPH), "load", "--location", str(location), "--file", str(nt), "--graph", GRAPH]
    )
    run([str(OXIGRAPH), "load", "--location", str(location), "--file", str(nq)])
    # what Oxigraph advises after a bulk load for a read-heavy workload (untimed)
    run([str(OXIGRAPH), "optimize", "--location", str(location)])
    return seconds


def load_pyoxigraph(nt: Path, nq: Path, location: Path) -> tuple[ox.Store, float]:
    store = ox.Store(str(location))
    began = time.perf_counter()
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
    seconds = time.perf_counter() - began
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    return store, seconds


def bench_queries(store: ox.Store) -> list[Query]:
    """The queries of bench/queries/, `$partnership` bound to the first generated one."""
    first = store.query(
        f"SELECT ?p WHERE {{ GRAPH <{GRAPH}> {{ ?p a <{POB}LocalPartnership> }} }} "
        "ORDER BY ?p LIMIT 1"
    )
    assert isinstance(first, ox.QuerySolutions)
    partnership = next(iter(first))[0]
    assert isinstance(partnership, ox.NamedNode)
    found = []
    for named in load_queries(QUERIES).values():
        values = {"partnership": partnership.value} if named.params else {}
        found.append(Query(named.name, named.form, bind(named, values)))
    return found


def in_process(store: ox.Store, query: Query) -> bytes:
    """What a server must do: run the query and serialise all of the answer."""
    result = store.query(query.text, use_default_graph_as_union=True)
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
    generated_in: float | None
    loads: dict[str, float]
    rows: list[dict[str, Any]]
    mix: dict[str, Throughput]
    point: dict[str, Throughput]
    point_tool: str
    #: CPU seconds per point lookup, server process and workers together
    point_cpu: dict[str, float]
    memory: dict[str, Memory]
    seconds: float


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


def _mark(ok: bool) -> str:
    return "met" if ok else "**not met**"


def table(report: Report, header: str) -> str:
    a, out = report.args, []
    rate = {k: report.triples / s for k, s in report.loads.items()}
    ours, oxi = report.memory["ours"], report.memory["oxigraph"]
    log = "" if a.access_log else " --no-access-log"
    out += [
        header,
        "",
        f"Data: {report.triples:,} generated triples (`bench.generate`, seed {a.seed}) in one "
        f"graph, plus the {report.curated:,} quads of the curated graphs, in each store.",
        "",
        f"| | ours (`pob serve --workers {a.workers}{log}`) | `oxigraph serve` | "
        "pyoxigraph in-process |",
        "|---|---:|---:|---:|",
        f"| load, triples/s | {rate['ours']:,.0f} (`pob load`) | {rate['oxigraph']:,.0f} "
        f"(`oxigraph load`) | {rate['pyoxigraph']:,.0f} (`bulk_load`) |",
        f"| query mix, {a.clients} clients, q/s | {report.mix['ours'].rate:.1f} | "
        f"{report.mix['oxigraph'].rate:.1f} | – |",
        f"| point lookup, {a.clients} connections, q/s ({report.point_tool}) | "
        f"{report.point['ours'].rate:,.0f} | {report.point['oxigraph'].rate:,.0f} | – |",
        f"| CPU per point lookup, µs (server and its workers) | "
        f"{report.point_cpu['ours'] * 1e6:,.0f} | {report.point_cpu['oxigraph'] * 1e6:,.0f} | – |",
        f"| most threads in the server process | {ours.threads} | {oxi.threads} | – |",
        f"| peak RSS, MiB: Σ VmHWM (sampled peak of Σ VmRSS) | {ours.hwm_sum / 1024:,.0f} "
        f"({ours.peak_sum / 1024:,.0f}): server process {ours.own / 1024:,.0f}, "
        f"{ours.processes - 1} query workers {(ours.hwm_sum - ours.own) / 1024:,.0f} | "
        f"{oxi.hwm_sum / 1024:,.0f} ({oxi.peak_sum / 1024:,.0f}) | – |",
    ]
    errors = {k: report.mix[k].errors + report.point[k].errors for k in ("ours", "oxigraph")}
    if any(errors.values()):
        out += ["", f"Failed requests (mix + point lookup): {errors}."]
    out += [
        "",
        f"Per-query medians of {a.runs} runs after a warm-up, the three taking turns, ms "
        "(HTTP: GET, one keep-alive connection, SPARQL JSON or N-Triples; in-process: query "
        "and serialise to the same):",
        "",
        "| query | form | answer | pyoxigraph | ours | ours ÷ pyoxigraph | `oxigraph serve` "
        "| oxigraph ÷ pyoxigraph |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in report.rows:
        same = "" if row["same"] else " **(answers differ)**"
        out.append(
            f"| {row['name']} | {row['form']} | {row['answer']}{same} | {row['pyoxigraph']:.1f} "
            f"| {row['ours']:.1f} | {row['ours'] / row['pyoxigraph']:.1f}× | "
            f"{row['oxigraph']:.1f} | {row['oxigraph'] / row['pyoxigraph']:.1f}× |"
        )
    ratios = {r["name"]: r["ours"] / r["pyoxigraph"] for r in report.rows}
    within = [n for n, x in ratios.items() if x <= TARGETS["median"]]
    worst = max(ratios, key=lambda n: ratios[n])
    mix_x = report.mix["ours"].rate / report.mix["oxigraph"].rate
    point_x = report.point["ours"].rate / report.point["oxigraph"].rate
    rss_x = ours.hwm_sum / oxi.hwm_sum
    out += [
        "",
        "| target (issue 3) | measured | |",
        "|---|---|---|",
        f"| query mix ≥ {TARGETS['mix']}× `oxigraph serve` | {mix_x:.2f}× | "
        f"{_mark(mix_x >= TARGETS['mix'])} |",
        f"| point lookup ≥ {TARGETS['point']}× `oxigraph serve` | {point_x:.2f}× | "
        f"{_mark(point_x >= TARGETS['point'])} |",
        f"| per-query medians ≤ {TARGETS['median']}× pyoxigraph in-process | "
        f"{len(within)} of {len(ratios)} queries; worst {worst} {ratios[worst]:.1f}× | "
        f"{_mark(len(within) == len(ratios))} |",
        f"| peak RSS ≤ {TARGETS['rss']}× `oxigraph serve` (Σ VmHWM) | {rss_x:.2f}× | "
        f"{_mark(rss_x <= TARGETS['rss'])} |",
    ]
    return "\n".join(out)


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


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def measure(args: argparse.Namespace) -> Report:
    began = time.perf_counter()
    step(f"data: {args.triples:,} triples, seed {args.seed}")
    nt, generated_in = data_file(args.triples, args.seed)
    triples = lines(nt)
    work = WORK / "service"
    subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True)
    loads: dict[str, float] = {}
    step("load: pob build + pob load")
    loads["ours"] = load_ours(nt, work / "ours")
    curated = curated_quads(work / "ours", work / "curated.nq")
    step("load: oxigraph load")
    loads["oxigraph"] = load_oxigraph(nt, work / "curated.nq", work / "oxigraph")
    step("load: pyoxigraph bulk_load")
    store, loads["pyoxigraph"] = load_pyoxigraph(nt, work / "curated.nq", work / "pyoxigraph")
    queries = bench_queries(store)

    ours_port, oxi_port = free_port(), free_port()
    # `oxigraph serve` has no query timeout and no result limit; ours (10 s, 100,000 rows
    # by default) would end the heavy queries at 5 M triples, so both are lifted here
    os.environ["POB_QUERY_TIMEOUT"] = "900"
    os.environ["POB_MAX_RESULT_ROWS"] = "100000000"
    servers: dict[str, Server] = {}
    memory: dict[str, Memory] = {}
    try:
        step("start: pob serve, oxigraph serve")
        servers["ours"] = start_server(
            "ours",
            [
                sys.executable,
                "-m",
                "pob",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(ours_port),
                "--data-dir",
                str(work / "ours"),
                "--workers",
                str(args.workers),
                *([] if args.access_log else ["--no-access-log"]),
            ],
            f"http://127.0.0.1:{ours_port}/sparql",
            work / "ours.log",
            wait=300,
        )
        servers["oxigraph"] = start_server(
            "oxigraph",
            [
                str(OXIGRAPH),
                "serve",
                "--location",
                str(work / "oxigraph"),
                "--bind",
                f"127.0.0.1:{oxi_port}",
                "--union-default-graph",
            ],
            f"http://127.0.0.1:{oxi_port}/query",
            work / "oxigraph.log",
            wait=120,
        )
        for name, server in servers.items():
            memory[name] = Memory(server.process.pid).__enter__()
        for name, server in servers.items():
            waited = wait_idle(server.process.pid)
            step(f"{name} idle after {waited:.0f} s")
        rows = per_query(store, queries, servers, args.runs)
        mixes: dict[str, Throughput] = {}
        points: dict[str, Throughput] = {}
        cpu: dict[str, float] = {}  # CPU seconds of each server's processes, point lookups
        tool = ""
        point = next(q for q in queries if q.name == POINT)

        # A B B A, each half the time: a machine whose load drifts favours neither
        def settle() -> None:
            """Each run starts with both servers idle: a query a client started just before
            the deadline still runs after it (measured at 5 M triples: it overlapped the
            next server's run and the point lookups)."""
            for server in servers.values():
                wait_idle(server.process.pid, timeout=900)

        for name in ("ours", "oxigraph", "oxigraph", "ours"):
            settle()
            step(f"mix: {name}, {args.clients} clients, {args.duration / 2:g} s")
            got = mix(servers[name].endpoint, queries, args.clients, args.duration / 2)
            mixes[name] = got if name not in mixes else mixes[name] + got
        for name in ("ours", "oxigraph", "oxigraph", "ours"):
            settle()
            step(f"point lookup: {name}, {args.point_seconds / 2:g} s")
            url = str(httpx.URL(servers[name].endpoint, params={"query": point.text}))
            tree = memory[name].tree()
            before = cpu_seconds(tree)
            got, tool = point_load(url, point.accept, args.clients, args.point_seconds / 2)
            cpu[name] = cpu.get(name, 0.0) + cpu_seconds(tree) - before
            points[name] = got if name not in points else points[name] + got
        for sampler in memory.values():
            sampler.__exit__()
    finally:
        for server in servers.values():
            server.stop()
    return Report(
        args,
        triples,
        curated,
        generated_in,
        loads,
        rows,
        mixes,
        points,
        tool,
        {k: v / max(points[k].done + points[k].errors, 1) for k, v in cpu.items()},
        memory,
        time.perf_counter() - began,
    )


def per_query(
    store: ox.Store, queries: list[Query], servers: dict[str, Server], runs: int
) -> list[dict[str, Any]]:
    rows = []
    clients = {name: httpx.Client(timeout=120) for name in servers}
    try:
        for query in queries:
            step(f"medians: {query.name}")
            answers = {"pyoxigraph": answer(query, in_process(store, query))}
            for name, server in servers.items():
                answers[name] = answer(query, ask(clients[name], server.endpoint, query))
            timers: dict[str, Callable[[], object]] = {
                "pyoxigraph": partial(in_process, store, query),
                **{
                    name: partial(ask, clients[name], server.endpoint, query)
                    for name, server in servers.items()
                },
            }
            row: dict[str, Any] = {
                "name": query.name,
                "form": query.form,
                "answer": answers["pyoxigraph"],
                "same": len(set(answers.values())) == 1,
            }
            for name, seconds in medians(runs, timers).items():
                row[name] = seconds * 1000
            rows.append(row)
    finally:
        for client in clients.values():
            client.close()
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--triples", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20, help="seconds of query mix")
    parser.add_argument("--point-seconds", type=float, default=10)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query")
    parser.add_argument("--workers", type=int, default=2, help="our query worker processes")
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="run `pob serve` with its access log (off by default: `oxigraph serve` has none)",
    )
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args(argv)
    command = "python -m bench.service " + shlex.join(argv if argv is not None else sys.argv[1:])
    header = f"Measured {dt.date.today().isoformat()} with `{command.strip()}` on {machine()}."
    report = measure(args)
    text = table(report, header)
    made = "" if report.generated_in is None else f"; data generated in {report.generated_in:.0f} s"
    text += f"\n\nThe run took {report.seconds:.0f} s{made}."
    print(text)
    if args.write:
        write_section(text, triples=args.triples)


if __name__ == "__main__":
    main()
