"""What a page costs as the store grows (issue 10): the linked-data pages, the catalog, VoID,
the documentation pages and the dumps, with 0.05 M, 0.5 M and 5 M extra triples loaded.

    .venv/bin/python -m bench.pages                           # the three sizes (5 M: long)
    .venv/bin/python -m bench.pages --sizes 50000 500000      # the quick ones
    .venv/bin/python -m bench.pages --write                   # ... into docs/performance.md
    .venv/bin/python -m bench.pages --code /tmp/old --label before   # another checkout, its .venv

One run per size: the data of :mod:`bench.generate` (0.5 M triples cached as N-Triples under
var/bench/data/, named by :func:`bench.service.data_name`; 5 M is that file ten times over
with every ``{base}id/…`` IRI and blank node renamed per copy, so the copies share nothing),
`pob build` + `pob load` into a graph of its own in a store under var/bench/pages/ (made once
per size and version of the generator and kept on disk: the load time is recorded beside
it), then `pob serve` on 127.0.0.1 with a fresh dumps folder. From
the moment it answers ``ASK {}``, every page is asked once a second until it answers 200
(the column "first 200": a page that waits for the feed to be rebuilt shows it here), for
at most `--wait` seconds; then each page is timed `--runs` times (median; a page that never
answered is timed anyway, with its status). A table per run goes to docs/performance.md
between the markers of its label.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.doc import write_block
from bench.load import Server
from bench.load import start as start_server
from bench.service import WORK, data_file, data_name, machine
from engines.ports import free_port

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
HEADING = "## Page cost and store size"
GRAPH = "https://data.example.org/graph/bench-pages"
BASE = "https://w3id.org/pob/"
SEED_SIZE = 500_000
HTML, TURTLE = "text/html", "text/turtle"
_IRI = re.compile(rb"<" + re.escape(BASE.encode()) + rb"id/([^>]*)>")
_BNODE = re.compile(rb"_:([A-Za-z0-9]+)")


def data_for(triples: int, seed: int) -> Path:
    """N-Triples of about `triples` triples: generated up to 0.5 M, copies of 0.5 M above."""
    if triples <= SEED_SIZE:
        return data_file(triples, seed)[0]
    path = WORK / "data" / f"{data_name(triples, seed)}-copies.nt"
    if path.exists():
        return path
    source = data_file(SEED_SIZE, seed)[0]
    with source.open("rb") as handle:
        per_copy = sum(1 for _ in handle)
    copies = -(-triples // per_copy)
    partial = path.with_suffix(".part")
    with partial.open("wb") as out:
        for copy in range(copies):
            iri = rb"<" + BASE.encode() + rb"id/\1-c" + str(copy).encode() + rb">"
            blank = rb"_:\1c" + str(copy).encode()
            with source.open("rb") as handle:
                for line in handle:
                    out.write(_BNODE.sub(blank, _IRI.sub(iri, line)))
    partial.rename(path)
    return path


def store_for(triples: int, seed: int) -> tuple[Path, float]:
    """A store with the curated graphs and the data in :data:`GRAPH` (made once), and the
    seconds `pob load` took when it was made."""
    data_dir = WORK / "pages" / f"store-{data_name(triples, seed)}"
    done = data_dir / "loaded.json"
    if not done.exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        nt = data_for(triples, seed)
        pob = [sys.executable, "-m", "pob"]
        subprocess.run([*pob, "build", "--data-dir", str(data_dir)], check=True)
        began = time.perf_counter()
        subprocess.run([*pob, "load", str(nt), "--graph", GRAPH, "--data-dir", str(data_dir)],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        seconds = time.perf_counter() - began
        done.write_text(json.dumps({"load_seconds": round(seconds, 1), "file": str(nt)}))
    return data_dir, float(json.loads(done.read_text())["load_seconds"])


def loaded_resource(triples: int, seed: int) -> str:
    """The path of a municipality of the loaded data (the first one in the file)."""
    marker = re.compile(rb"<" + re.escape(BASE.encode()) + rb"id/(municipality/[^>]+)>")
    with data_for(triples, seed).open("rb") as handle:
        for line in handle:
            if found := marker.match(line):
                return "/id/" + found.group(1).decode()
    raise RuntimeError("no municipality in the generated data")


@dataclass
class Page:
    name: str
    path: str
    accept: str
    first_ok: float | None = None
    statuses: set[int] = field(default_factory=set)
    times: list[float] = field(default_factory=list)
    last_status: int = 0


def pages(triples: int, seed: int) -> list[Page]:
    return [
        Page("/id/ page, curated resource", "/id/municipality/aarhus", HTML),
        Page("/id/ page, loaded resource", loaded_resource(triples, seed), HTML),
        Page("/id/ RDF, curated resource", "/id/municipality/aarhus", TURTLE),
        Page("/catalog", "/catalog", TURTLE),
        Page("/.well-known/void", "/.well-known/void", TURTLE),
        Page("/ontology", "/ontology", HTML),
        Page("/shapes", "/shapes", HTML),
        Page("/dumps/pob.ttl", "/dumps/pob.ttl", TURTLE),
    ]


def fetch(client: httpx.Client, url: str, page: Page) -> tuple[int, float]:
    began = time.perf_counter()
    try:
        status = client.get(url + page.path, headers={"Accept": page.accept}).status_code
    except httpx.HTTPError:
        status = 0
    return status, time.perf_counter() - began


def measure(triples: int, args: argparse.Namespace) -> tuple[float, list[Page]]:
    data_dir, load_seconds = store_for(triples, args.seed)
    work = Path(tempfile.mkdtemp(prefix="pob-bench-pages-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "POB_DUMPS_DIR": str(work / "dumps")}
    python = (
        str(Path(args.code).resolve() / ".venv" / "bin" / "python") if args.code else sys.executable
    )
    command = [python, "-m", "pob", "serve", "--host", "127.0.0.1", "--port",
               str(port), "--data-dir", str(data_dir), "--no-access-log"]  # fmt: skip
    listed = pages(triples, args.seed)
    saved, here = dict(os.environ), Path.cwd()
    os.environ.clear()
    os.environ.update(env)
    os.chdir(args.code or here)  # `python -m pob` imports from the working directory first
    try:
        server: Server = start_server("pob", command, f"{url}/sparql", work / "serve.log", 600)
    finally:
        os.chdir(here)
        os.environ.clear()
        os.environ.update(saved)
    try:
        began = time.monotonic()
        with httpx.Client(timeout=args.timeout) as client:
            while time.monotonic() - began < args.wait:
                waiting = [p for p in listed if p.first_ok is None]
                if not waiting:
                    break
                for page in waiting:
                    status, _ = fetch(client, url, page)
                    page.statuses.add(status)
                    if status == 200:
                        page.first_ok = time.monotonic() - began
                time.sleep(1.0)
            for page in listed:
                for _ in range(args.runs):
                    status, seconds = fetch(client, url, page)
                    page.statuses.add(status)
                    page.last_status = status
                    page.times.append(seconds)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return load_seconds, listed


def table(
    label: str, results: dict[int, tuple[float, list[Page]]], args: argparse.Namespace
) -> str:
    sizes = sorted(results)
    head = "| page | " + " | ".join(f"{n / 1e6:g} M: first 200 / median" for n in sizes) + " |"
    rows = [head, "|---|" + "---|" * len(sizes)]
    names = [p.name for p in results[sizes[0]][1]]
    for i, name in enumerate(names):
        cells = []
        for n in sizes:
            page = results[n][1][i]
            first = (
                f"{page.first_ok:.1f} s"
                if page.first_ok is not None
                else f"never ({args.wait:g} s)"
            )
            median = statistics.median(page.times) * 1000
            codes = ",".join(str(s) for s in sorted(page.statuses))
            cells.append(f"{first} / {median:,.0f} ms ({codes})")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    loads = ", ".join(f"{n / 1e6:g} M: {results[n][0]:.0f} s" for n in sizes)
    return (
        f"{label}: {machine()}; {dt.date.today().isoformat()}.\n"
        f"`pob load` of the extra graph (once, kept on disk): {loads}. "
        f"Median of {args.runs} requests after every page answered (or {args.wait:g} s "
        "passed); the statuses seen are in brackets.\n\n" + "\n".join(rows)
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 500_000, 5_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--wait", type=float, default=300.0)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--code", help="run `pob serve` from this checkout (its .venv)")
    parser.add_argument("--label", default="after")
    parser.add_argument("--prepare", action="store_true", help="only make the stores")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    if args.prepare:
        for n in args.sizes:
            print(n, store_for(n, args.seed), flush=True)
        return
    results = {}
    for n in args.sizes:
        results[n] = measure(n, args)
        for page in results[n][1]:
            print(n, page.name, page.first_ok, statistics.median(page.times), page.statuses,
                  flush=True)  # fmt: skip
    body = table(args.label, results, args)
    print(body)
    if args.write:
        begin, end = (
            f"<!-- bench.pages {args.label}: begin -->",
            f"<!-- bench.pages {args.label}: end -->",
        )
        write_block(body, DOC, HEADING, begin, end)


if __name__ == "__main__":
    main()
