"""Memory of `pob serve` once the open-data feed is built, with a big graph in the store.

    .venv/bin/python -m bench.feed_memory                    # 0.5 M triples in graph/bench
    .venv/bin/python -m bench.feed_memory --triples 50000    # a quick run
    .venv/bin/python -m bench.feed_memory --submission       # in graph/submission/bench

One run: the data of `bench.generate` (cached as N-Triples under var/bench/data/, the same
file `bench.service` uses), `pob build` + `pob load` into a store under
var/bench/feed-memory/ (made once per size, seed and version of the generator; `--fresh`
remakes it), then `pob serve`
on 127.0.0.1 with a fresh dumps folder. It waits until the feed is built (`/dumps/pob.ttl`
answers and the process tree is idle), fetches `/.well-known/void` and one page, and prints
the server's VmHWM and VmRSS, its own and summed with its query workers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.load import Memory, wait_idle
from bench.load import start as start_server
from bench.proc import status_kib
from bench.service import GRAPH, WORK, data_file, data_name
from engines.ports import free_port

MIB = 1024


SUBMISSION = "https://w3id.org/pob/graph/submission/bench"


def store_dir(triples: int, seed: int, fresh: bool, graph: str = GRAPH) -> Path:
    """A store with the curated graphs and the generated data in `graph`."""
    kind = "-submission" if graph == SUBMISSION else ""
    data_dir = WORK / "feed-memory" / f"store-{data_name(triples, seed)}{kind}"
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    done = data_dir / ".loaded"
    if not done.exists():
        nt, _ = data_file(triples, seed)
        pob = [sys.executable, "-m", "pob"]
        subprocess.run([*pob, "build", "--data-dir", str(data_dir)], check=True)
        subprocess.run([*pob, "load", str(nt), "--graph", graph, "--data-dir", str(data_dir)],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        done.touch()
    return data_dir


def _rss(pids: list[int]) -> int:
    return sum(status_kib(pid, "VmRSS") for pid in pids)


def measure(args: argparse.Namespace) -> dict[str, float]:
    graph = SUBMISSION if args.submission else GRAPH
    data_dir = store_dir(args.triples, args.seed, args.fresh, graph)
    dumps = WORK / "feed-memory" / "dumps"
    shutil.rmtree(dumps, ignore_errors=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "POB_DUMPS_DIR": str(dumps)}
    command = [sys.executable, "-m", "pob", "serve", "--host", "127.0.0.1", "--port",
               str(port), "--data-dir", str(data_dir), "--workers", str(args.workers),
               "--no-access-log"]  # fmt: skip
    os.environ.update(env)
    log = WORK / "feed-memory" / "serve.log"
    began = time.monotonic()
    server = start_server("ours", command, f"{url}/sparql", log, wait=300)
    try:
        with Memory(server.process.pid) as memory, httpx.Client(timeout=300) as client:
            deadline = time.monotonic() + args.timeout
            while client.head(f"{url}/dumps/pob.ttl").status_code != 200:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the feed was not built in {args.timeout:g} s")
                time.sleep(0.5)
            built = time.monotonic() - began
            wait_idle(server.process.pid)
            memory.sample()
            feed_hwm = dict(memory.hwm)
            void = client.get(f"{url}/.well-known/void")
            page = client.get(f"{url}/id/municipality/aarhus", headers={"Accept": "text/html"})
            wait_idle(server.process.pid)
            memory.sample()
            rss_now = _rss(memory.tree())
        return {
            "graph": graph,
            "triples": args.triples,
            "feed_built_s": round(built, 1),
            "void_status": void.status_code,
            "page_status": page.status_code,
            "own_vmhwm_mib": round(memory.own / MIB, 1),
            "sum_vmhwm_mib": round(memory.hwm_sum / MIB, 1),
            "peak_sum_vmrss_mib": round(memory.peak_sum / MIB, 1),
            "sum_vmrss_now_mib": round(rss_now / MIB, 1),
            "processes": memory.processes,
            "vmhwm_mib_per_process_after_feed": {
                pid: round(kib / MIB, 1) for pid, kib in feed_hwm.items()
            },
            "vmhwm_mib_per_process_after_void_and_page": {
                pid: round(kib / MIB, 1) for pid, kib in memory.hwm.items()
            },
        }
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--fresh", action="store_true", help="rebuild the store")
    parser.add_argument(
        "--submission", action="store_true", help="load into graph/submission/bench (dumped)"
    )
    args = parser.parse_args(argv)
    for key, value in measure(args).items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
