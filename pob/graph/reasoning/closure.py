"""`fast_closure`: owlrl's OWL 2 RL closure by compiled rules, optionally incremental.

The result is the same set of triples as :func:`pob.graph.owlrl_reference.closure` (owlrl is the
oracle
in `tests/inference/`), except that owlrl's inconsistency messages (``[] err:error "…"``,
e.g. for an ill-typed literal) are diagnostics, not entailments, and are not reproduced.
"""

from __future__ import annotations

import gc
import logging
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from pob.graph.owlrl_reference import _BUILTIN_PREFIXES, closure
from pob.graph.reasoning.engine import Saturation, saturate
from pob.graph.reasoning.tbox import TBox, reportable, tbox
from pob.graph.reasoning.tbox import clear_cache as clear_tbox_cache
from pob.graph.reasoning.terms import META_CLASSES, SCHEMA_PREDICATES, Ids, Terms, Triple

log = logging.getLogger(__name__)

_MAX_ROUNDS = 8
_BASE_CACHE_SIZE = 4


@dataclass(frozen=True)
class _Base:
    """A closed base graph, encoded, with what its closure had filtered out put back."""

    terms: Terms
    run: Saturation


_base_cache: OrderedDict[tuple[int, int, str], tuple[weakref.ref[Graph], _Base]] = OrderedDict()
_base_lock = threading.Lock()


def clear_cache() -> None:
    """Forget the closed T-boxes and the completed base graphs.

    Needed only after changing a graph in place that was passed before (as ontology or as
    `base_closed` with the same number of triples); new graphs are recognised anyway.
    """
    clear_tbox_cache()
    with _base_lock:
        _base_cache.clear()


def fast_closure(ontology: Graph, data: Graph, base_closed: Graph | None = None) -> Graph:
    """The triples that OWL 2 RL entails from ontology + data (+ base) and none of them asserts.

    `base_closed` is an already closed graph (ontology, curated data and their inferred
    triples) that `data` may point into: its triples take part in the rules, and the result
    leaves out whatever it holds.
    """
    collecting = gc.isenabled()
    gc.disable()  # the run makes many small containers and frees none of them
    try:
        return _fast_closure(ontology, data, base_closed)
    finally:
        if collecting:
            gc.enable()


def _fast_closure(ontology: Graph, data: Graph, base_closed: Graph | None) -> Graph:
    triples: list[Triple] = list(data.triples((None, None, None)))
    tb = tbox(ontology)
    extra = _beyond(tb, _schema_of(data))
    if extra:  # axioms in the data: their lists go into the T-box with them
        extra.update(data.triples((None, RDF.first, None)))
        extra.update(data.triples((None, RDF.rest, None)))
    if base_closed is not None:
        extra.update(_beyond(tb, _schema_of(base_closed)))
    for _ in range(_MAX_ROUNDS):
        if extra:
            tb = tbox(ontology, extra)
        if tb.rules is None:
            return _fallback(ontology, data, base_closed)
        known = [tb.closed]
        base: _Base | None = None
        if base_closed is not None:
            base = _completed(base_closed, tb)
            if base.run.schema:
                extra.update(base.terms.decode(t) for t in base.run.schema)
                continue
            known.append(base.run.added)
        terms = (base.terms if base is not None else tb.terms).fork()
        seeds = terms.encode(triples)
        run = saturate(tb.rules, terms, known, seeds)
        if run.schema:
            extra.update(terms.decode(t) for t in run.schema)
            continue
        return _result(data, base_closed, tb, terms, run, base)
    log.warning("the T-box kept growing from the data: falling back to owlrl")
    return _fallback(ontology, data, base_closed)


def _schema_of(graph: Graph) -> set[Triple]:
    out: set[Triple] = set()
    for p in SCHEMA_PREDICATES:
        out.update(graph.triples((None, p, None)))
    for c in META_CLASSES:
        out.update(graph.triples((None, RDF.type, c)))
    return out


def _beyond(tb: TBox, triples: set[Triple]) -> set[Triple]:
    """The triples that the closed T-box does not hold already."""
    listed = list(triples)
    return {
        t for t, i in zip(listed, tb.terms.fork().encode(listed), strict=True) if i not in tb.closed
    }


def _completed(graph: Graph, tb: TBox) -> _Base:
    """The closed base, encoded, with the triples its closure filtered out (cached per graph)."""
    key = (id(graph), len(graph), tb.key)
    with _base_lock:
        hit = _base_cache.get(key)
        if hit is not None and hit[0]() is graph:
            _base_cache.move_to_end(key)
            return hit[1]
        assert tb.rules is not None
        terms = tb.terms.fork()
        seeds = terms.encode(graph.triples((None, None, None)))
        base = _Base(terms, saturate(tb.rules, terms, [tb.closed], seeds, by_object=True))
        _base_cache[key] = (weakref.ref(graph), base)
        while len(_base_cache) > _BASE_CACHE_SIZE:
            _base_cache.popitem(last=False)
        return base


def _result(
    data: Graph,
    base_graph: Graph | None,
    tb: TBox,
    terms: Terms,
    run: Saturation,
    base: _Base | None,
) -> Graph:
    out = Graph()
    add = out.add
    for t in tb.inferred:
        if t not in data and (base_graph is None or t not in base_graph):
            add(t)
    decode = terms.decode
    keep = _Reportable(terms)
    for i in run.derived:  # never asserted: a derived triple is one that was not there
        if keep(i):
            add(decode(i))
    if base is not None:  # not empty only if the base was not quite closed
        for i in base.run.derived:
            t = base.terms.decode(i)
            if reportable(*t) and t not in data:
                add(t)
    for prefix, ns in data.namespaces():
        out.bind(prefix, ns, override=True)
    return out


class _Reportable:
    """:func:`reportable` on ids, remembered per (predicate, object) for plain subjects.

    `_trivial` looks at a subject only for being a literal, a blank node or a built-in term,
    and for being equal to the object; for any other subject (an IRI of the data, not equal
    to the object) the answer depends on predicate and object alone.
    """

    def __init__(self, terms: Terms) -> None:
        self.terms = terms
        self.plain: dict[int, bool] = {}
        self.memo: dict[tuple[int, int], bool] = {}

    def __call__(self, t: Ids) -> bool:
        s, p, o = t
        if s != o:
            plain = self.plain.get(s)
            if plain is None:
                node = self.terms.nodes[s]
                plain = type(node) is URIRef and not str(node).startswith(_BUILTIN_PREFIXES)
                self.plain[s] = plain
            if plain:
                hit = self.memo.get((p, o))
                if hit is None:
                    hit = self.memo[(p, o)] = reportable(*self.terms.decode(t))
                return hit
        return reportable(*self.terms.decode(t))


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
