"""`fast_closure`: owlrl's OWL 2 RL closure by compiled rules, optionally incremental.

The result is the same set of triples as :func:`pob.inference.closure` (owlrl is the oracle
in `tests/inference/`), except that owlrl's inconsistency messages (``[] err:error "…"``,
e.g. for an ill-typed literal) are not entailments and are not reproduced.
"""

from __future__ import annotations

import logging
import weakref
from collections import OrderedDict

from rdflib import Graph
from rdflib.namespace import RDF

from pob.inference import closure
from pob.reasoning.engine import Saturation, saturate
from pob.reasoning.index import Lookup, Triple
from pob.reasoning.rules import LIST_PREDICATES, META_CLASSES, SCHEMA_PREDICATES, is_schema
from pob.reasoning.tbox import TBox, reportable, tbox

log = logging.getLogger(__name__)

_MAX_ROUNDS = 8
_BASE_CACHE_SIZE = 4
_base_cache: OrderedDict[tuple[int, int, str], tuple[weakref.ref[Graph], Saturation]] = (
    OrderedDict()
)


def fast_closure(ontology: Graph, data: Graph, base_closed: Graph | None = None) -> Graph:
    """The triples that OWL 2 RL entails from ontology + data (+ base) and none of them asserts.

    `base_closed` is an already closed graph (ontology, curated data and their inferred
    triples) that `data` may point into: its triples take part in the rules, and the result
    leaves out whatever it holds.
    """
    seeds: list[Triple] = list(data.triples((None, None, None)))
    extra = {t for t in seeds if is_schema(*t)}
    if extra:
        extra.update(t for t in seeds if t[1] in LIST_PREDICATES)
    if base_closed is not None:
        extra.update(_schema_of(base_closed))
    tb = tbox(ontology)
    extra = {t for t in extra if t not in tb.closed}
    for _ in range(_MAX_ROUNDS):
        if extra:
            tb = tbox(ontology, extra)
        if tb.rules is None:
            return _fallback(ontology, data, base_closed)
        known: list[Lookup] = [tb.closed]
        base_run: Saturation | None = None
        if base_closed is not None:
            base_run = _completed(base_closed, tb)
            if base_run.schema - extra:
                extra |= base_run.schema
                continue
            known.append(base_run.added)
        run = saturate(tb.rules, known, seeds)
        if run.schema - extra:
            extra |= run.schema
            continue
        return _result(data, base_closed, tb, run, base_run)
    log.warning("the T-box kept growing from the data: falling back to owlrl")
    return _fallback(ontology, data, base_closed)


def _schema_of(graph: Graph) -> set[Triple]:
    out: set[Triple] = set()
    for p in SCHEMA_PREDICATES:
        out.update(graph.triples((None, p, None)))
    for c in META_CLASSES:
        out.update(graph.triples((None, RDF.type, c)))
    return out


def _completed(base: Graph, tb: TBox) -> Saturation:
    """The closed base with the triples a closure filters out put back (cached per graph)."""
    key = (id(base), len(base), tb.key)
    hit = _base_cache.get(key)
    if hit is not None and hit[0]() is base:
        _base_cache.move_to_end(key)
        return hit[1]
    assert tb.rules is not None
    run = saturate(tb.rules, [tb.closed], base.triples((None, None, None)), by_object=True)
    _base_cache[key] = (weakref.ref(base), run)
    while len(_base_cache) > _BASE_CACHE_SIZE:
        _base_cache.popitem(last=False)
    return run


def _result(
    data: Graph, base: Graph | None, tb: TBox, run: Saturation, base_run: Saturation | None
) -> Graph:
    asserted = set(data.triples((None, None, None)))

    def new(t: Triple) -> bool:
        return t not in asserted and (base is None or t not in base) and reportable(*t)

    out = Graph()
    for t in tb.inferred:
        if new(t):
            out.add(t)
    for t in run.derived:
        if new(t):
            out.add(t)
    if base_run is not None:  # non-empty only if `base` was not quite closed
        for t in base_run.derived:
            if new(t):
                out.add(t)
    for prefix, ns in data.namespaces():
        out.bind(prefix, ns, override=True)
    return out


def _fallback(ontology: Graph, data: Graph, base: Graph | None) -> Graph:
    if base is None:
        return closure(ontology, data)
    everything = Graph()
    for t in base:
        everything.add(t)
    for t in data:
        everything.add(t)
    out = Graph()
    for t in closure(ontology, everything):
        if t not in base:
            out.add(t)
    for prefix, ns in data.namespaces():
        out.bind(prefix, ns, override=True)
    return out
