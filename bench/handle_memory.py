"""What one read-only pyoxigraph handle holds as it reads (the cause of the RSS ratio at 5 M).

    .venv/bin/python -m bench.handle_memory --triples 5000000            # print
    .venv/bin/python -m bench.handle_memory --triples 5000000 --write    # ... and docs

Every query worker, the lane and the feed's worker open their own read-only RocksDB handle
on the live store (docs/architecture.md, "Memory: one engine handle per process"). Each
scan below runs in a fresh process on `bench.service_memory`'s 5 M store (made there once):
it opens the store read-only and reads the answer of one query row by row, and its VmRSS is
taken after the opening and after 10^5, 10^6 and all rows. The growth stops at the same
height whatever is read next: a handle's caches are bounded, and they are per process
(Oxigraph gives the column family of its strings, read by key, RocksDB's
`OptimizeForPointLookup` with a 128 MiB block cache; the other column families get the
default block cache).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.doc import write_block
from bench.service import ROOT, machine
from bench.service_memory import DOC, live_version, stores

HEADING = "### One engine handle's memory"
BEGIN, END = "<!-- bench.handle_memory: begin -->", "<!-- bench.handle_memory: end -->"
#: the scans: each query in a fresh process
SCANS = {
    "every quad": "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
    "every label": "SELECT ?l WHERE { GRAPH ?g { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } }",  # noqa: E501
    "subjects from the middle": "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } } OFFSET 2000000",
}
MARKS = (100_000, 1_000_000)


def scan(path: Path, query: str) -> dict[str, float]:
    """`query` read by a fresh process (`bench.handle_scan`) on the store version `path`."""
    marks = ",".join(str(m) for m in MARKS)
    done = subprocess.run(
        [sys.executable, "-m", "bench.handle_scan", str(path), query, marks],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    found: dict[str, float] = json.loads(done.stdout)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--triples", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    began = time.monotonic()
    _, _, ours = stores(args.triples, args.seed)
    current = live_version(ours)
    rows = []
    for name, query in SCANS.items():
        got = scan(current, query)
        at = " | ".join(f"{got[str(m)]:,.0f}" if str(m) in got else "–" for m in MARKS)
        rows.append(
            f"| {name} | {got['rows']:,.0f} | {got['start']:,.0f} | {got['opened']:,.0f} | "
            f"{at} | {got['all']:,.0f} |"
        )
        print(rows[-1], flush=True)
    table = "\n".join(
        [
            f"Measured {time.strftime('%Y-%m-%d')} with `python -m bench.handle_memory "
            f"--triples {args.triples}` on {machine()}; a fresh process per scan.",
            "",
            "| scan | rows | VmRSS before opening, MiB | opened | after 10⁵ rows | "
            "after 10⁶ | after all |",
            "|---|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            f"The run took {time.monotonic() - began:.0f} s.",
        ]
    )
    print(table)
    if args.write:
        write_block(
            table, DOC, HEADING, BEGIN, END, after="<!-- bench.service_memory 5000000: end -->"
        )


if __name__ == "__main__":
    main()
