"""Byte-stable serialisations of an rdflib graph: the same triples give the same bytes.

rdflib labels blank nodes at random when it parses, and its N-Triples and JSON-LD writers
follow the store's insertion order, so two builds of the same dumps differed in their
bytes (issue 11, "Checksums drift"). Here the blank nodes get canonical labels
(:func:`rdflib.compare.to_canonical_graph`), the triples are inserted in sorted order, and
each syntax is then made deterministic: N-Triples lines sorted; Turtle as rdflib's
``longturtle`` writes it (subjects, predicates and objects sorted); JSON-LD with the nodes
of ``@graph`` sorted by ``@id``, every unordered array sorted, keys sorted (``@list``
values keep their order). Graphs held by the store are made stable there
(:mod:`pob.store.canonical`).
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import Graph
from rdflib.compare import to_canonical_graph

from pob.core import formats
from pob.core.formats import Syntax
from pob.graph.context import to_jsonld


def canonical(graph: Graph) -> Graph:
    """A copy of `graph` with canonical blank-node labels, its triples added in sorted
    order, with the prefixes of `graph`."""
    labelled = to_canonical_graph(graph)
    out = Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    for triple in sorted(labelled, key=lambda t: tuple(term.n3() for term in t)):
        out.add(triple)
    return out


def _ordered(value: Any, key: str | None = None) -> Any:
    """JSON with every array sorted (but an ``@list``), recursively."""
    if isinstance(value, dict):
        return {k: _ordered(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_ordered(v) for v in value]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def stable_bytes(graph: Graph, syntax: Syntax, base: str) -> bytes:
    """`graph` in one of the dump syntaxes (Turtle, N-Triples, JSON-LD compacted with the
    project's prefixes), byte for byte the same for the same triples."""
    stable = canonical(graph)
    if syntax is formats.NTRIPLES_SYNTAX:
        text = stable.serialize(format="nt", encoding="utf-8").decode("utf-8")
        lines = sorted(line for line in text.splitlines() if line.strip())
        return "".join(line + "\n" for line in lines).encode("utf-8")
    if syntax is formats.JSONLD_SYNTAX:  # compact with the project's context, inline
        document = _ordered(json.loads(to_jsonld(stable, base, inline=True)))
        if isinstance(document, dict) and isinstance(document.get("@graph"), list):
            document["@graph"].sort(key=lambda node: str(node.get("@id", "")))
        return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    writer = "longturtle" if syntax is formats.TURTLE_SYNTAX else str(syntax.rdflib_writer)
    return stable.serialize(format=writer, encoding="utf-8")
