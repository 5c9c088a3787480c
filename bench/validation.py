"""Validating a submission the way the service does it (issue 4's targets).

    .venv/bin/python -m bench.validation                 # 5 k and 50 k triples
    .venv/bin/python -m bench.validation --write         # ... and update docs/performance.md
    .venv/bin/python -m bench.validation --pyshacl       # ... with pySHACL beside it (slow)
    PYTHONPATH=/tmp/turbo .venv/bin/python -m bench.validation --turbo

A submission is :func:`bench.generate.generate` with 2 % deliberate errors, pointing into the
curated data, serialised as N-Triples and parsed by :func:`pob.validation.upload.parse_upload` (the
service's parser). The reference data is the curated data; "closed" is the ontology, the
curated data and their OWL-RL closure, so the fast closure is incremental against it, as in
the running service (:class:`pob.validation.submissions.Reference`). Each row is the median of
``--runs`` runs after one warm-up run (the shapes are compiled and the T-box closed once per
process, as in the service's validation worker), in wall-clock and CPU seconds: the machine
is shared, and CPU time is what the code costs.

Rows:

* parse: bytes → pyoxigraph triples, with the UTF-8 and syntax checks;
* validate, no inference: :func:`pob.validation.engine.validate` on the parsed triples
  (fast engine);
* validate, OWL-RL: the same with ``inference="owlrl"`` and ``base_closed``;
* service check: :func:`pob.validation.check.check`, which with OWL-RL runs both (the
  report and the baseline of the with/without comparison);
* pySHACL (``--pyshacl``): ``engine="pyshacl"``, the oracle, once;
* pyshacl-turbo (``--turbo``, when importable): the same merged graph and shapes, once, with
  a time limit, and whether its results match pySHACL's on the shape examples.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from bench.doc import write_block
from bench.generate import generate
from bench.inference import machine
from pob.graph.curated import curated
from pob.graph.prefixes import CANONICAL_BASE
from pob.graph.sources import ROOT
from pob.validation.check import Reference, check
from pob.validation.engine import validate
from pob.validation.upload import parse_upload

T = TypeVar("T")
DOC = ROOT / "docs" / "performance.md"
HEADING = "## Submissions"
BEGIN, END = "<!-- bench.validation: begin -->", "<!-- bench.validation: end -->"


@dataclass
class Row:
    what: str
    triples: int
    wall: float
    cpu: float
    runs: int
    note: str = ""


def timed(fn: Callable[[], T], runs: int, warm: bool = True) -> tuple[float, float, int, T]:
    """Median wall and CPU seconds of `runs` calls (after one untimed call if `warm`)."""
    if warm:
        fn()
    walls, cpus = [], []
    result: T
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), runs, result


def rows_for(size: int, runs: int, reference: Reference, with_pyshacl: bool) -> list[Row]:
    data = generate(size, seed=1, errors=0.02, refer_to=reference.data)
    payload = data.serialize(format="nt", encoding="utf-8")
    rows: list[Row] = []

    wall, cpu, n, upload = timed(lambda: parse_upload(payload, "application/n-triples"), runs)
    triples = upload.triples
    rows.append(
        Row("parse N-Triples (`pob.validation.upload.parse_upload`)", len(triples), wall, cpu, n)
    )

    options: dict[str, Any] = {"ontology": reference.ontology, "extra": reference.data}
    wall, cpu, n, plain = timed(lambda: validate(triples, **options), runs)
    counts = plain.counts()
    note = f"{counts['Violation']} violations, {counts['Warning']} warnings"
    rows.append(Row("**validate, no inference**", len(triples), wall, cpu, n, note))

    closed = reference.closed

    def owlrl() -> Any:
        return validate(triples, inference="owlrl", base_closed=closed, **options)

    wall, cpu, n, inferred = timed(owlrl, runs)
    counts = inferred.counts()
    note = f"{counts['Violation']} violations; incremental against {len(closed):,} closed triples"
    rows.append(Row("**validate, OWL-RL (`fast_closure`)**", len(triples), wall, cpu, n, note))

    for inference in ("none", "owlrl"):
        wall, cpu, n, _ = timed(
            lambda inference=inference: check(  # type: ignore[misc]
                triples, reference, inference=inference, base=CANONICAL_BASE
            ),
            runs,
        )
        note = "report + baseline without inference" if inference == "owlrl" else ""
        rows.append(Row(f"service check, inference {inference}", len(triples), wall, cpu, n, note))

    if with_pyshacl:
        wall, cpu, n, oracle = timed(
            lambda: validate(triples, engine="pyshacl", **options), 1, warm=False
        )
        same = {
            (str(r.focus_node), r.path, str(r.value), r.constraint_component, r.severity)
            for r in oracle.results
        } == {
            (str(r.focus_node), r.path, str(r.value), r.constraint_component, r.severity)
            for r in plain.results
        }
        note = f"{'same' if same else 'DIFFERENT'} findings as the fast engine"
        rows.append(
            Row('pySHACL (`engine="pyshacl"`), no inference', len(triples), wall, cpu, n, note)
        )
    return rows


def _turbo_run(queue: Any, size: int) -> None:
    import pyshacl_turbo
    from rdflib import Graph

    from pob.graph.sources import data_graph
    from pob.validation.shapes import default_reference, default_shapes

    reference = data_graph()
    data = generate(size, seed=1, errors=0.02, refer_to=reference)
    merged = Graph()
    for part in (data, reference, default_reference(CANONICAL_BASE)):
        merged += part
    shapes = default_shapes(CANONICAL_BASE, "core", False, False)
    start = time.perf_counter()
    pyshacl_turbo.validate(merged, shacl_graph=shapes, advanced=True, allow_warnings=True)
    queue.put((len(data), time.perf_counter() - start))


def turbo_rows(sizes: list[int], limit: float) -> tuple[list[Row], list[str]]:
    """pyshacl-turbo on a submission, in a subprocess stopped after `limit` seconds."""
    try:
        import pyshacl_turbo  # noqa: F401
    except ImportError:
        return [], ["pyshacl-turbo: not importable here, not measured."]
    rows, notes = [], []
    for size in sizes:
        queue: Any = multiprocessing.Queue()
        process = multiprocessing.Process(target=_turbo_run, args=(queue, size))
        start = time.perf_counter()
        process.start()
        process.join(limit)
        if process.is_alive():
            process.kill()
            process.join()
            notes.append(f"pyshacl-turbo, {size:,} triples: stopped after {limit:g} s.")
            rows.append(
                Row(
                    "pyshacl-turbo, no inference",
                    size,
                    time.perf_counter() - start,
                    0,
                    0,
                    f"> {limit:g} s, stopped",
                )
            )
        else:
            triples, seconds = queue.get()
            rows.append(Row("pyshacl-turbo, no inference", triples, seconds, 0, 1))
    return rows, notes


def table(rows: list[Row]) -> str:
    out = ["| what | triples | wall s | CPU s | runs | note |", "|---|---:|---:|---:|---:|---|"]
    for r in rows:
        cpu = f"{r.cpu:.2f}" if r.runs else "–"
        out.append(f"| {r.what} | {r.triples:,} | {r.wall:.2f} | {cpu} | {r.runs} | {r.note} |")
    return "\n".join(out)


def write_section(body: str, path: Path = DOC) -> None:
    """Put `body` between the markers under HEADING; the rest of the file is kept."""
    write_block(body, path, HEADING, BEGIN, END)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Submission validation timings")
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 50_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pyshacl", action="store_true", help="also pySHACL, once per size")
    parser.add_argument("--turbo", action="store_true", help="also pyshacl-turbo")
    parser.add_argument("--turbo-sizes", type=int, nargs="+", default=[1_000])
    parser.add_argument("--turbo-limit", type=float, default=300.0)
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args(argv)
    about = f"Measured {dt.date.today().isoformat()} on {machine()}."
    knowledge = curated(CANONICAL_BASE)  # ontology, data and their closure (not timed)
    reference = Reference("bench", knowledge.ontology, knowledge.data, knowledge.inferred)
    rows: list[Row] = []
    notes: list[str] = []
    for size in args.sizes:
        rows += rows_for(size, args.runs, reference, args.pyshacl)
        print(table(rows), flush=True)
    if args.turbo:
        more, said = turbo_rows(args.turbo_sizes, args.turbo_limit)
        rows += more
        notes += said
    text = about + "\n\n" + table(rows) + ("\n\n" + "\n".join(notes) if notes else "")
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
