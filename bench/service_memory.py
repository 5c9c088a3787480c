"""The service's memory beside `oxigraph serve --location`, process by process (issue 12's
RSS target: at most 1.2× Oxigraph on disk at 5 M triples).

    .venv/bin/python -m bench.service_memory --triples 5000000            # print
    .venv/bin/python -m bench.service_memory --triples 5000000 --write    # ... and docs

`ours-disk` (`pob serve`, no in-memory copies: what a store past `POB_REPLICA_MEMORY`
gets) and `oxigraph-disk` hold the same data (`bench.service`'s: generated, seeded, plus the
curated graphs; ours in named graphs, Oxigraph in its default graph). Each is started,
left to finish its start-up work (ours: until `GET /dumps` says the feed is current), then
given the two query mixes of `bench.service` and then point lookups of :data:`LOOKUPS`
distinct subjects (8 clients each: what fills an engine handle's caches, and what the
server process answers itself from its own disk handle, `pob/store/own_reader.py`; the
rate there is our Python client's, not a throughput). Every process of the server
is sampled 10 times a second; a table row per phase gives the largest sum of VmRSS seen at
one moment with what each kind of process held then, and Σ VmHWM (each process's own peak,
added up: an upper bound, since the processes do not all peak at once and replaced ones
count too). Oxigraph is one process: its VmHWM is its peak.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

from bench import contenders as c
from bench.doc import write_block
from bench.load import Memory, Query, Server, mix, wait_idle
from bench.service import QUERIES, SECOND, WORK, bench_queries, data_file, data_name, machine
from engines.ports import free_port
from pob.store import layout

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
HEADING = "### Memory at 5 M, process by process"
#: what the rows call our processes (by the module they run)
ROLES = {
    "server": "server",
    "pob.store.query_worker": "query workers",
    "pob.store.lane_worker": "lane",
    "pob.store.feed_worker": "feed",
}


def markers(triples: int) -> tuple[str, str]:
    return (
        f"<!-- bench.service_memory {triples}: begin -->",
        f"<!-- bench.service_memory {triples}: end -->",
    )


def stores(triples: int, seed: int) -> tuple[Path, Path, Path]:
    """Our data directory and Oxigraph's, made once per data set; and the data."""
    nt, _ = data_file(triples, seed)
    work = WORK / "memory" / data_name(triples, seed)
    ours, oxigraph = work / "ours-disk", work / "oxigraph-disk"
    if not (work / "ready").exists():
        work.mkdir(parents=True, exist_ok=True)
        c.load_ours(nt, ours)
        c.curated(ours, work / "curated.nq", work / "curated.nt")
        c.load_oxigraph([(nt, None), (work / "curated.nt", None)], oxigraph)
        (work / "ready").write_text("")
    return work, nt, ours


#: distinct subjects of the lookup phase
LOOKUPS = 50_000


def lookups(nt: Path, count: int) -> list[Query]:
    """Point lookups of `count` distinct subjects of the N-Triples file, spread over it
    (every subject of a line whose number is a multiple of a step; IRIs only)."""
    lines = nt.stat().st_size // 170 + 1  # about 170 bytes a line in the generated data
    step = max(lines // (count * 2), 1)
    subjects: dict[str, None] = {}
    with nt.open("rb") as source:
        for number, line in enumerate(source):
            if number % step == 0 and line.startswith(b"<"):
                subjects[line.split(b" ", 1)[0].decode()] = None
                if len(subjects) == count:
                    break
    return [
        Query(f"lookup-{n}", "SELECT", f"SELECT ?p ?o WHERE {{ {subject} ?p ?o }}")
        for n, subject in enumerate(subjects)
    ]


def live_version(ours: Path) -> Path:
    """The live store version (the `current` link's target) of our data directory."""
    current = layout.current(ours)
    assert current is not None, f"{ours} holds no store"
    return current


def feed_current(endpoint: str, timeout: float = 3600) -> float:
    """Seconds until `GET /dumps` says the feed's snapshot is of the store as it is."""
    began = time.monotonic()
    root = endpoint.removesuffix("/sparql")
    while time.monotonic() - began < timeout:
        response = httpx.get(f"{root}/dumps", timeout=60)
        if response.status_code == 200 and response.json().get("current"):
            return time.monotonic() - began
        time.sleep(1)
    raise TimeoutError("the feed was not current within an hour")


def phases(
    server: Server, ours: bool, queries: dict[str, list[Query]], duration: float
) -> list[tuple[str, Memory, float | None]]:
    """(phase, memory, q/s) for the start-up and each mix."""
    out: list[tuple[str, Memory, float | None]] = []
    with Memory(server.process.pid) as memory:
        if ours:
            feed_current(server.endpoint)
        wait_idle(server.process.pid, timeout=900)
    out.append(("start-up", memory, None))
    for name, found in queries.items():
        with Memory(server.process.pid) as memory:
            rate = mix(server.endpoint, found, 8, duration).rate
        out.append((f"mix ({name} queries)", memory, rate))
    return out


def _mib(kib: int) -> str:
    return f"{kib / 1024:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--triples", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of each mix")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    began = time.monotonic()
    work, nt, ours_dir = stores(args.triples, args.seed)
    store = ox.Store.read_only(str(live_version(ours_dir)))
    queries = {
        "ours": bench_queries(store, QUERIES),
        "second": bench_queries(store, SECOND),
        "distinct-subject lookup": lookups(nt, LOOKUPS),
    }
    del store
    env = {"POB_QUERY_TIMEOUT": "900", "POB_MAX_RESULT_ROWS": "100000000"}
    rows: list[str] = []
    peaks: dict[str, int] = {}
    for name in ("ours-disk", "oxigraph-disk"):
        if name == "ours-disk":
            server = c.pob_server(name, free_port(), work, args.workers, env)
        else:
            server = c.oxigraph_server(name, work / "oxigraph-disk", work)
        try:
            measured = phases(server, name == "ours-disk", queries, args.duration)
        finally:
            server.stop()
        for phase, memory, rate in measured:
            held = ", ".join(
                f"{ROLES.get(role, role)} {_mib(kib)}"
                for role, kib in sorted(memory.peak_roles.items(), key=lambda r: -r[1])
            )
            peaks[name] = max(peaks.get(name, 0), memory.peak_sum)
            rows.append(
                f"| `{name}` | {phase} | {'–' if rate is None else f'{rate:.2f}'} | "
                f"{_mib(memory.peak_sum)} | {held if name == 'ours-disk' else '–'} | "
                f"{_mib(memory.hwm_sum)} |"
            )
            print(rows[-1], flush=True)
    ratio = peaks["ours-disk"] / peaks["oxigraph-disk"]
    table = "\n".join(
        [
            f"Measured {time.strftime('%Y-%m-%d')} with `python -m bench.service_memory "
            f"--triples {args.triples}` on {machine()}; "
            f"{args.triples:,} generated triples plus the curated graphs; "
            f"{args.duration:g} s of each mix, 8 clients.",
            "",
            "| server | phase | mix, q/s | largest Σ VmRSS at one moment, MiB | held then, MiB "
            "| Σ VmHWM, MiB |",
            "|---|---|---:|---:|---|---:|",
            *rows,
            "",
            f"Largest Σ VmRSS over every phase: `ours-disk` {_mib(peaks['ours-disk'])} MiB, "
            f"`oxigraph-disk` {_mib(peaks['oxigraph-disk'])} MiB: **{ratio:.2f}×** (target "
            f"≤ 1.2×: {'met' if ratio <= 1.2 else 'not met'}). The run took "
            f"{time.monotonic() - began:.0f} s.",
        ]
    )
    print(table)
    if args.write:
        begin, end = markers(args.triples)
        write_block(table, DOC, HEADING, begin, end)


if __name__ == "__main__":
    main()
