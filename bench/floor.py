"""The point lookup on `pob serve` beside its floor and the engine's own server (issue 12's
lookup target: at least 0.3× `oxigraph serve` in memory, `hey`, 8 clients).

    .venv/bin/python -m bench.floor                          # 0.5 M triples
    .venv/bin/python -m bench.floor --triples 5000000 --write

The *floor* is :mod:`bench.floor_app`: one Python process with uvicorn, httptools, uvloop
and pyoxigraph and nothing else (no guard, limits, timeout or negotiation), on the same
store version `pob serve` opens, from disk and copied into memory. Its rate is the most a
Python server on pyoxigraph gives this lookup on this machine: what lies between `pob
serve` and the floor is our own code; what lies between the floor and `oxigraph serve` is
Python's HTTP and the engine's handle, out of our code's reach.

The servers hold `bench.service_memory`'s store of the size (generated, seeded, with the
curated graphs; made once; each `pob serve` on its own copy of the data directory). All
are started (ours: until its feed is current), each warmed with a second of lookups, then
driven in turns: `--rounds` rounds of `--seconds` s, the order reversed every other round
so that a drifting machine load favours none, each turn begun once its server is idle
(its copies made). The table gives the median rate and the CPU the server's processes
spent a lookup (`/proc`, all of its processes).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from bench import contenders as c
from bench.doc import write_block
from bench.load import (
    JSON,
    Memory,
    Server,
    Throughput,
    cpu_seconds,
    point_load,
    rounds,
    start,
    wait_idle,
)
from bench.service import POINT, QUERIES, bench_queries, machine
from bench.service_memory import feed_current, live_version, stores
from engines.ports import free_port

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
HEADING = "### Point lookups: `pob serve`, its floor, the engine's server"
#: the servers, in the order they run, and what each is
SERVERS = {
    "ours": "`pob serve` at the defaults (its in-memory copy when it fits the budget)",
    "ours-disk": "`pob serve`, `POB_REPLICA_MEMORY=0` (no copies: its own disk handle)",
    "ours-copies": "`pob serve`, `POB_REPLICA_MEMORY` as `--copies-budget` (copies that fit)",
    "floor-mem": "floor: uvicorn + pyoxigraph, the store copied into memory",
    "floor-disk": "floor: uvicorn + pyoxigraph, the store read-only on disk",
    "oxigraph-disk": "`oxigraph serve --location` (the data in its default graph)",
    "oxigraph-mem": "`oxigraph serve` in memory (the data in its default graph)",
}
REFERENCE = "oxigraph-mem"
TARGET = 0.3


@dataclass
class Measured:
    rates: list[float]
    cpu_us: float

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)


def markers(triples: int) -> tuple[str, str]:
    return f"<!-- bench.floor {triples}: begin -->", f"<!-- bench.floor {triples}: end -->"


def lookup(ours: Path) -> str:
    """The point lookup of `bench.service` (bench/queries/point-lookup.rq), bound as it
    binds it (the first generated partnership)."""
    store = ox.Store.read_only(str(live_version(ours)))
    return next(q.text for q in bench_queries(store, QUERIES) if q.name == POINT)


def start_server(name: str, work: Path, nt: Path, args: argparse.Namespace) -> Server:
    ours = work / "ours-disk"  # bench.service_memory's data directory of this size
    if name.startswith("ours"):
        data_dir = ours if name == "ours-disk" else work / f"floor-{name}"
        # its own copy (a data directory serves one server), made again if the data changed
        if data_dir.exists() and live_version(data_dir).name != live_version(ours).name:
            shutil.rmtree(data_dir)
        if not data_dir.exists():
            c.copy_store(ours, data_dir)
        budget = {"ours-disk": "0", "ours-copies": str(args.copies_budget)}.get(name)
        env = {} if budget is None else {"POB_REPLICA_MEMORY": budget}
        server = c.pob_server(name, free_port(), work, args.workers, env, data_dir=data_dir)
        feed_current(server.endpoint)
        return server
    if name.startswith("floor"):
        return start_floor(name, live_version(ours), work / f"{name}.log", wait=3600)
    if name == "oxigraph-disk":
        return c.oxigraph_server(name, work / "oxigraph-disk", work)
    server = c.oxigraph_server(name, None, work)
    c.post_default(server.endpoint.removesuffix("/query"), [nt, work / "curated.nt"])
    return server


def start_floor(name: str, store: Path, log: Path, wait: float) -> Server:
    """The floor app (:mod:`bench.floor_app`) on 127.0.0.1 over the store version `store`,
    copied into memory first for `floor-mem`."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "bench.floor_app:app", "--port", str(port)]
    command += ["--host", "127.0.0.1", "--http", "httptools", "--loop", "uvloop"]
    command += ["--no-access-log", "--log-level", "warning"]
    env = {**os.environ, "BENCH_FLOOR_STORE": str(store)}
    if name == "floor-mem":
        env["BENCH_FLOOR_MEMORY"] = "1"
    return start(name, command, f"http://127.0.0.1:{port}/sparql", log, wait=wait, env=env)


def measure(
    servers: dict[str, Server], query: str, args: argparse.Namespace
) -> dict[str, Measured]:
    """Every server in `args.rounds` rounds of `args.seconds` s, the order reversed every
    other round; before each, until its server is idle (its copies made, its feed built)."""
    urls = {n: str(httpx.URL(s.endpoint, params={"query": query})) for n, s in servers.items()}
    trees = {name: Memory(s.process.pid).tree() for name, s in servers.items()}
    spent = dict.fromkeys(servers, 0.0)
    for name, server in servers.items():
        wait_idle(server.process.pid, timeout=3600)
        point_load(urls[name], JSON, args.clients, 1)  # warm: the first requests of a connection

    def one(name: str, _round: int) -> Throughput:
        wait_idle(servers[name].process.pid, timeout=900)
        before = cpu_seconds(trees[name])
        got, _tool = point_load(urls[name], JSON, args.clients, args.seconds)
        spent[name] += cpu_seconds(trees[name]) - before
        if got.errors:
            raise RuntimeError(f"{name}: {got.errors} lookups failed")
        print(name, f"{got.rate:,.0f}/s", flush=True)
        return got

    found = rounds(list(servers), args.rounds, one)
    return {
        name: Measured(
            [t.rate for t in runs], spent[name] / max(sum(t.done for t in runs), 1) * 1e6
        )
        for name, runs in found.items()
    }


def table(found: dict[str, Measured], header: str) -> str:
    reference = found[REFERENCE].rate
    rows = [
        header,
        "",
        "| server | what | lookups/s (median) | rounds | × `oxigraph serve` in memory "
        "| CPU a lookup, µs (its processes) |",
        "|---|---|---:|---|---:|---:|",
    ]
    for name, measured in found.items():
        ratio = measured.rate / reference
        mark = "" if not name.startswith("ours") else (" ✓" if ratio >= TARGET else " ✗")
        each = ", ".join(f"{r:,.0f}" for r in measured.rates)
        rows.append(
            f"| `{name}` | {SERVERS[name]} | {measured.rate:,.0f} | {each} | "
            f"{ratio:.2f}×{mark} | {measured.cpu_us:.0f} |"
        )
    floor = max(found["floor-mem"].rate, found["floor-disk"].rate) / reference
    rows += [
        "",
        f"Target for `pob serve`: ≥ {TARGET}× `oxigraph serve` in memory (✓ met, ✗ not). "
        f"The floor's best: {floor:.2f}×.",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--triples", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8, help="of each round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="our query worker processes")
    parser.add_argument(
        "--copies-budget",
        type=int,
        default=12_000,
        help="`ours-copies`' POB_REPLICA_MEMORY, MiB (the default holds every copy at 0.5 M; "
        "at 5 M, 6000 holds one: the server process's)",
    )
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args(argv)
    command = "python -m bench.floor " + shlex.join(argv if argv is not None else sys.argv[1:])
    began = time.monotonic()
    work, nt, ours = stores(args.triples, args.seed)
    query = lookup(ours)
    servers: dict[str, Server] = {}
    try:
        for name in SERVERS:
            servers[name] = start_server(name, work, nt, args)
        found = measure(servers, query, args)
    finally:
        for server in servers.values():
            server.stop()
    header = (
        f"Measured {time.strftime('%Y-%m-%d')} with `{command}` on {machine()}; "
        f"{args.triples:,} generated triples plus the curated graphs; `ours-copies` with "
        f"`POB_REPLICA_MEMORY={args.copies_budget}`; `hey`, {args.clients} clients, "
        f"{args.rounds} rounds of {args.seconds:g} s "
        "a server, all of them running, in turns (the order reversed every other round, each "
        f"begun once its server was idle). The run took {time.monotonic() - began:.0f} s."
    )
    text = table(found, header)
    print(text)
    if args.write:
        begin, end = markers(args.triples)
        write_block(text, DOC, HEADING, begin, end)


if __name__ == "__main__":
    main()
