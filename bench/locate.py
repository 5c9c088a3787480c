"""How long finding the focus nodes' lines takes (pob.validation.locate), on generated
submissions written as Turtle and N-Triples, for 500 focus nodes.

    .venv/bin/python -m bench.locate            # print the table
    .venv/bin/python -m bench.locate --write    # ... and put it in docs/performance.md

The validation form does this in the server process, on its event loop, for uploads up to
``server.routes.forms.LOCATE_LIMIT`` bytes; the table is what that limit is chosen from.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from rdflib import URIRef

from bench.doc import write_block
from bench.generate import generate
from pob.core import formats
from pob.graph.namespaces import bind_all
from pob.validation.locate import locate

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
BEGIN, END = "<!-- bench.locate begin -->", "<!-- bench.locate end -->"


def measure(triples: int, runs: int) -> list[tuple[str, float, int, float]]:
    graph = bind_all(generate(triples, seed=1))
    subjects = sorted({str(s) for s in graph.subjects() if isinstance(s, URIRef)})
    wanted = subjects[:: max(1, len(subjects) // 500)][:500]
    rows = []
    for syntax, writer in ((formats.TURTLE_SYNTAX, "turtle"), (formats.NTRIPLES_SYNTAX, "nt")):
        data = graph.serialize(format=writer).encode("utf-8")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            found = locate(data, syntax, wanted)
            times.append(time.perf_counter() - start)
        rows.append((syntax.name, len(data) / 1e6, len(found), statistics.median(times)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--triples", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    lines = [
        "| triples | syntax | MB | focus nodes found (of 500) | seconds | s per MB |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for triples in args.triples:
        for name, mb, found, seconds in measure(triples, args.runs):
            per_mb = seconds / mb
            lines.append(
                f"| {triples:,} | {name} | {mb:.1f} | {found} | {seconds:.3f} | {per_mb:.3f} |"
            )
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_block(table, DOC, "## Submissions", BEGIN, END)


if __name__ == "__main__":
    main()
