"""The T-box: owlrl's closure of the ontology, computed once per ontology and cached.

owlrl is run here on the ontology alone (plus any schema triples the data brings), which
takes about a second; the result is kept, keyed by a hash of the input, with the rules
compiled from it. owlrl's post-processing step (dropping triples with a blank-node predicate)
is skipped, so the generalized triples that property chains need stay available to the
A-box run; they are removed from every result at the end.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import owlrl
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF

from pob.graph.owlrl_reference import _trivial
from pob.graph.reasoning.index import Index
from pob.graph.reasoning.rules import Rules, Unsupported, compile_rules
from pob.graph.reasoning.terms import Terms, Triple

log = logging.getLogger(__name__)

_ERR = "http://www.daml.org/2002/03/agents/agent-ont#"
_CACHE_SIZE = 8


class _KeepGeneralized(owlrl.OWLRL_Semantics):
    """OWL 2 RL without the final removal of triples whose predicate is a blank node."""

    def post_process(self) -> None:
        return None


@dataclass(frozen=True)
class TBox:
    """A closed T-box and what was compiled from it."""

    key: str
    terms: Terms
    #: every triple of the closure, generalized ones included
    closed: Index
    #: the closure minus the ontology, trivia and generalized triples
    inferred: tuple[Triple, ...]
    #: None when the ontology needs rules that are not compiled (`unsupported` says which)
    rules: Rules | None
    unsupported: str | None = None
    #: owlrl's inconsistency messages about the T-box (not part of any result)
    errors: tuple[str, ...] = ()


def reportable(s: object, p: object, o: object) -> bool:
    """Whether a closure triple belongs in a result (what is left after owlrl and `_trivial`)."""
    return not isinstance(p, BNode) and not _trivial(s, p, o)


def graph_key(triples: Iterable[Triple]) -> str:
    """A hash of a set of triples (blank-node labels included: the same parse, the same key)."""
    lines = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in triples)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


_cache: OrderedDict[str, TBox] = OrderedDict()
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every closed T-box (the next call closes the ontology again)."""
    with _lock:
        _cache.clear()


def tbox(ontology: Graph, extra: Iterable[Triple] = ()) -> TBox:
    """The closed T-box of `ontology` plus `extra` schema triples (cached)."""
    extra = sorted(set(extra) - set(ontology.triples((None, None, None))))
    key = graph_key(ontology) + ("+" + graph_key(extra) if extra else "")
    with _lock:  # one thread closes a T-box; the others wait for it
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
        result = _close(key, ontology, extra)
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        return result


def _close(key: str, ontology: Graph, extra: list[Triple]) -> TBox:
    work = Graph()
    for triple in ontology:
        work.add(triple)
    asserted = set(work)
    for triple in extra:
        work.add(triple)
    owlrl.DeductiveClosure(_KeepGeneralized, axiomatic_triples=False, datatype_axioms=False).expand(
        work
    )
    errors: list[str] = []
    for node in list(work.subjects(RDF.type, URIRef(_ERR + "ErrorMessage"))):
        errors.extend(str(m) for m in work.objects(node, URIRef(_ERR + "error")))
        work.remove((node, None, None))
    for message in errors:
        log.warning("owlrl reports on the ontology: %s", message)
    # eq-ref (`x owl:sameAs x` for every term) is left implicit, as in the A-box run
    triples = [t for t in work if not (t[1] == OWL.sameAs and t[0] == t[2])]
    terms = Terms()
    closed = Index(terms.encode(triples), by_object=True)
    inferred = tuple(t for t in triples if t not in asserted and reportable(*t))
    try:
        rules: Rules | None = compile_rules(closed, terms)
        unsupported = None
    except Unsupported as exc:
        rules, unsupported = None, str(exc)
        log.warning("the ontology needs %s: inference falls back to owlrl", unsupported)
    return TBox(key, terms, closed, inferred, rules, unsupported, tuple(errors))
