"""The Turtle format check: every hand-edited `.ttl` file is rdflib `longturtle` output.

``python -m pob.graph.turtlefmt --check`` lists files that differ (exit 1);
``--write`` rewrites them. Same prefixes everywhere (:func:`pob.graph.namespaces.bind_all`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rdflib import Graph

from pob.graph.namespaces import bind_all
from pob.graph.sources import DATA_DIR, ONTOLOGY_DIR, ROOT, SHAPES_DIR

FOLDERS = (ONTOLOGY_DIR, DATA_DIR, SHAPES_DIR)


def formatted(path: Path) -> str:
    """The canonical text of a Turtle file."""
    graph = Graph(bind_namespaces="none")
    graph.parse(path, format="turtle")
    bind_all(graph)
    return graph.serialize(format="longturtle")


def turtle_files() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in folder.rglob("*.ttl"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="fail if a file is not formatted")
    mode.add_argument("--write", action="store_true", help="rewrite files in place")
    args = parser.parse_args(argv)
    bad: list[Path] = []
    for path in turtle_files():
        text = formatted(path)
        if path.read_text(encoding="utf-8") != text:
            if args.write:
                path.write_text(text, encoding="utf-8")
                print(f"formatted {path.relative_to(ROOT)}")
            else:
                bad.append(path)
    for path in bad:
        print(f"not formatted (run `make fmt`): {path.relative_to(ROOT)}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
