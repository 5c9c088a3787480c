"""Ours over Virtuoso beside Virtuoso direct (issue 12): `python -m bench.virtuoso`.

One Virtuoso open source (engines/virtuoso.py: its own database in var/bench/, free
ports on 127.0.0.1) holds the curated graphs (`pob build --store`) and the generated data
(`bench.service.data_file`, one Graph Store PUT into `{base}graph/bench`, timed). Then
`pob serve --store …/sparql --workers 2 --no-access-log` runs in front of it and the 9
queries of bench/queries/ go (a) to ours and (b) straight to Virtuoso's `/sparql`, whose
default graph is already the union of its graphs. Answers are compared per query (rows,
boolean or distinct triples), per-query medians taken in turns (`bench.load.medians`), and
the query mix run with `--clients` threads for `--duration` s each, A B B A. `--write`
replaces the block between its markers in docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.doc import write_block
from bench.load import Query, Throughput, ask, medians, mix
from bench.load import start as start_server
from bench.service import DOC, GRAPH, POB, QUERIES, WORK, answer, data_file, lines, machine
from engines.ports import free_port
from engines.virtuoso import start as start_virtuoso
from pob.sparql.named import bind, load_queries

PCLI = Path(sys.executable).parent / "pob"
HEADING = "## SPARQL service over Virtuoso"
BEGIN, END = "<!-- bench.virtuoso: begin -->", "<!-- bench.virtuoso: end -->"


def queries(endpoint: str) -> list[Query]:
    first = httpx.get(
        endpoint,
        params={
            "query": f"SELECT ?p WHERE {{ GRAPH <{GRAPH}> {{ ?p a <{POB}LocalPartnership> }} }} "
            "ORDER BY ?p LIMIT 1"
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=300,
    ).json()
    partnership = first["results"]["bindings"][0]["p"]["value"]
    return [
        Query(n.name, n.form, bind(n, {"partnership": partnership} if n.params else {}))
        for n in load_queries(QUERIES).values()
    ]


def loaded(endpoint: str, triples: int, wait: float = 1800) -> None:
    """Wait until the bench graph holds `triples` triples; RuntimeError past `wait` s. (In
    one 5 M run the queries right after the PUT found 13,573 rows where the next run found
    15,886, both sides alike: the load time counts until every triple can be read.)"""
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
    began, seen = time.perf_counter(), -1
    while time.perf_counter() - began < wait:
        reply = httpx.get(
            endpoint,
            params={"query": count},
            headers={"Accept": "application/sparql-results+json"},
            timeout=wait,
        ).json()
        seen = int(reply["results"]["bindings"][0]["n"]["value"])
        if seen == triples:
            return
        print(f"loaded so far: {seen:,} of {triples:,} triples", flush=True)
        time.sleep(5)
    raise RuntimeError(f"Virtuoso holds {seen:,} of the {triples:,} triples loaded")


def measure(args: argparse.Namespace) -> str:
    nt, _ = data_file(args.triples, args.seed)
    work = WORK / "virtuoso"
    subprocess.run(["rm", "-rf", str(work)], check=True)
    engine = start_virtuoso(work / "db", buffers=args.buffers)
    env = {
        **os.environ,
        "POB_STORE_USER": engine.user,
        "POB_STORE_PASSWORD": engine.password,
        "POB_QUERY_TIMEOUT": str(args.timeout),
        "POB_MAX_RESULT_ROWS": "100000000",  # as bench.service: the CONSTRUCTs grow with the data
        "POB_DUMPS_DIR": str(work / "dumps"),
    }
    server = None
    try:
        print("build: pob build --store", flush=True)
        subprocess.run([str(PCLI), "build", "--store", engine.url], env=env, check=True)
        print(f"load: {nt.name} into Virtuoso (Graph Store PUT)", flush=True)
        began = time.perf_counter()
        with nt.open("rb") as body:
            httpx.put(
                engine.root + "/sparql-graph-crud-auth",
                params={"graph": GRAPH},
                content=body.read(),
                headers={"Content-Type": "application/n-triples"},
                auth=engine.auth,
                timeout=3600,
            ).raise_for_status()
        triples = lines(nt)
        loaded(engine.url, triples)  # every triple there: a short load is no measurement
        load = time.perf_counter() - began
        port = free_port()
        command = [str(PCLI), "serve", "--store", engine.url, "--port", str(port)]
        command += ["--workers", "2", "--no-access-log"]
        os.environ.update({k: v for k, v in env.items() if k.startswith("POB_")})
        server = start_server(
            "ours", command, f"http://127.0.0.1:{port}/sparql", work / "serve.log", 600
        )
        time.sleep(args.settle)  # the feed is built in the background after start
        ends = {"ours": server.endpoint, "virtuoso": engine.url}
        qs = queries(engine.url)
        rows = []
        with httpx.Client(timeout=900) as a, httpx.Client(timeout=900) as b:
            for q in qs:
                got = {"ours": answer(q, ask(a, ends["ours"], q))}
                got["virtuoso"] = answer(q, ask(b, ends["virtuoso"], q))
                times = medians(
                    args.runs,
                    {
                        "ours": lambda q=q: ask(a, ends["ours"], q),
                        "virtuoso": lambda q=q: ask(b, ends["virtuoso"], q),
                    },
                )
                rows.append((q, got, times))
                print(q.name, got, times, flush=True)
        half = args.duration / 2
        runs: dict[str, Throughput] = {"ours": Throughput(0, 0, 0), "virtuoso": Throughput(0, 0, 0)}
        for name in ("ours", "virtuoso", "virtuoso", "ours"):
            runs[name] = runs[name] + mix(ends[name], qs, args.clients, half)
        print({k: (v.rate, v.errors) for k, v in runs.items()}, flush=True)
    finally:
        if server is not None:
            server.stop()
        engine.stop()
    return table(args, triples, load, rows, runs)


def table(
    args: argparse.Namespace,
    triples: int,
    load: float,
    rows: list[tuple[Query, dict[str, str], dict[str, float]]],
    runs: dict[str, Throughput],
) -> str:
    ratio = runs["ours"].rate / runs["virtuoso"].rate if runs["virtuoso"].rate else 0.0
    same = all(g["ours"] == g["virtuoso"] for _, g, _ in rows)
    out = [
        f"{dt.date.today()}, {machine()}; {triples:,} generated triples in `{GRAPH}` plus the "
        f"curated graphs; Virtuoso {args.buffers:,} buffers; `pob serve --store` with 2 "
        f"workers, query timeout {args.timeout:g} s; {args.clients} clients, "
        f"{args.duration:g} s of mix each (A B B A); medians of {args.runs} runs.",
        "",
        "| | ours over Virtuoso | Virtuoso direct |",
        "|---|---:|---:|",
        f"| load (Graph Store PUT), triples/s | – | {triples / load:,.0f} |",
        f"| query mix, q/s | {runs['ours'].rate:.1f} | {runs['virtuoso'].rate:.1f} |",
        f"| failed in the mix | {runs['ours'].errors} | {runs['virtuoso'].errors} |",
        "",
        "| query | form | answer (ours / Virtuoso) | ours, ms | Virtuoso, ms | ours ÷ Virtuoso |",
        "|---|---|---|---:|---:|---:|",
    ]
    for q, got, times in rows:
        mark = "" if got["ours"] == got["virtuoso"] else " **differs**"
        out.append(
            f"| {q.name} | {q.form} | {got['ours']} / {got['virtuoso']}{mark} | "
            f"{times['ours'] * 1000:.1f} | {times['virtuoso'] * 1000:.1f} | "
            f"{times['ours'] / times['virtuoso']:.2f}× |"
        )
    target = "met" if ratio >= 0.8 else "**not met**"
    out += [
        "",
        f"Target (issue 12): the mix within 0.8× of Virtuoso direct: {ratio:.2f}×, {target}; "
        f"the same answers for every query: {'yes' if same else '**no**'}.",
    ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--buffers", type=int, default=60_000)
    parser.add_argument("--settle", type=float, default=20.0)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    body = measure(args)
    print(body)
    if args.write:
        begin, end = markers(args.triples)
        write_block(body, DOC, HEADING, begin, end, after=END)


def markers(triples: int) -> tuple[str, str]:
    """This bench's markers in docs/performance.md: one table per data size (the 0.5 M one
    first, another size's after it)."""
    if triples == 500_000:
        return BEGIN, END
    return f"<!-- bench.virtuoso {triples}: begin -->", f"<!-- bench.virtuoso {triples}: end -->"


if __name__ == "__main__":
    main()
