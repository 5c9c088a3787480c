"""Running compiled shapes on a graph: focus nodes, checks, SPARQL, results."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from pob.validation.shacl.data import Index, Sparql
from pob.validation.shacl.model import WHERE, Compiled, Shape, SparqlConstraint
from pob.validation.shacl.terms import OxTriple, Term, Terms, Unsupported

_GENERIC = {  # pySHACL's own wording, for shapes without sh:message ({} is the parameter)
    "ClassConstraintComponent": "Value does not have class {}",
    "DatatypeConstraintComponent": "Value is not Literal with datatype {}",
    "NodeKindConstraintComponent": "Value is not of Node Kind {}",
    "MinCountConstraintComponent": "Less than {} values",
    "MaxCountConstraintComponent": "More than {} values",
    "PatternConstraintComponent": "Value does not match pattern '{}'",
    "LanguageInConstraintComponent": "String language is not in {}",
    "UniqueLangConstraintComponent": "More than one String shares the same Language{}",
    "InConstraintComponent": "Value not in list {}",
    "HasValueConstraintComponent": "Node does not have value {}",
    "NodeConstraintComponent": "Value does not conform to Shape {}",
    "OrConstraintComponent": "Node must conform to one or more shapes in {}",
    "NotConstraintComponent": "Node must not conform to shape {}",
    "QualifiedMinCountConstraintComponent": "Too few values conform to the qualified shape{}",
    "QualifiedMaxCountConstraintComponent": "Too many values conform to the qualified shape{}",
    "MinInclusiveConstraintComponent": "Value is not >= {}",
    "MaxInclusiveConstraintComponent": "Value is not <= {}",
    "MinExclusiveConstraintComponent": "Value is not > {}",
    "MaxExclusiveConstraintComponent": "Value is not < {}",
    "SPARQLConstraintComponent": "SPARQL constraint was not satisfied{}",
}
_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True)
class RawResult:
    """One result: data terms as rdflib terms, the shape's terms from the shapes graph."""

    focus: Node
    path: Node | None
    value: Node | None
    component: str  # local name, e.g. "MinCountConstraintComponent"
    shape: Node
    severity: URIRef
    messages: dict[str, str]
    source_constraint: Node | None = None


class Prefetch:
    """Oxigraph loads the graph and runs the SPARQL targets of `compiled`, in a thread
    started as soon as the N-Triples are there: Oxigraph parses and evaluates without the
    GIL, so this overlaps with the indexes and the checks that need no SPARQL."""

    def __init__(self, compiled: Compiled, ntriples: Sequence[bytes]) -> None:
        texts = sorted({text for s in compiled.targeted for text in s.target_selects})
        pool = ThreadPoolExecutor(max_workers=1)
        self.loading: Future[Sparql] = pool.submit(Sparql, (), ntriples)
        self.targets: Future[dict[str, list[Term]]] = pool.submit(self._select, texts)
        pool.shutdown(wait=False)

    def _select(self, texts: list[str]) -> dict[str, list[Term]]:
        store = self.loading.result()
        return {text: store.column(text) for text in texts}


class Run:
    """One validation: the indexes, the Oxigraph copy and what is known to conform."""

    def __init__(
        self,
        compiled: Compiled,
        triples: Iterable[OxTriple],
        ntriples: Sequence[bytes] | None = None,
        prefetch: Prefetch | None = None,
    ) -> None:
        self.compiled = compiled
        if prefetch is None and ntriples is not None:
            prefetch = Prefetch(compiled, ntriples)
        self.prefetch = prefetch
        self.index = Index(triples)
        self.terms = Terms()
        self._sparql: Sparql | None = None
        self._conforms: dict[tuple[int, Term], bool] = {}

    @property
    def sparql(self) -> Sparql:
        if self._sparql is None:
            if self.prefetch is not None:
                self._sparql = self.prefetch.loading.result()
            else:
                self._sparql = Sparql(self.index.triples)
        return self._sparql

    def literal(self, term: Term) -> Literal:
        found = self.terms.rdflib(term)
        assert isinstance(found, Literal)
        return found

    def focus_nodes(self, shape: Shape) -> set[Term]:
        index = self.index
        found: set[Term] = set(shape.target_nodes)
        for c in shape.target_classes:
            for sub in index.subclasses(c):
                found |= index.instances.get(sub, set())
        for p in shape.target_subjects_of:
            found |= index.subjects_of(p)
        for p in shape.target_objects_of:
            for s in index.subjects_of(p):
                found |= index.objects(s, p)
        prefetched: dict[str, list[Term]] = {}
        if shape.target_selects and self.prefetch is not None:
            prefetched = self.prefetch.targets.result()
        for text in shape.target_selects:
            if text in prefetched:
                found.update(prefetched[text])
            else:
                found.update(self.sparql.column(text))
        return found

    def conforms(self, shape: Shape, node: Term) -> bool:
        """Whether `node` conforms to `shape` (no result of any severity), memoised."""
        if shape.deactivated:
            return True
        key = (id(shape), node)
        known = self._conforms.get(key)
        if known is None:
            known = self._conforms[key] = not self._failures(shape, [node], first=True)
        return known

    def _failures(
        self, shape: Shape, focus: Iterable[Term], first: bool = False
    ) -> list[tuple[Shape, Term, Term | None, str, str]]:
        """What fails in `shape` on `focus`: (shape, focus, value, component, detail)."""
        if shape.deactivated:
            return []
        fv = shape.value_map(self.index, focus)
        if not fv:
            return []
        out: list[tuple[Shape, Term, Term | None, str, str]] = []
        for component, check, detail in shape.checks:
            for f, value in check(self, fv):
                out.append((shape, f, value, component, detail))
                if first:
                    return out
        for prop in shape.properties:
            out += self._failures(prop, fv, first)
            if first and out:
                return out
        for constraint in shape.sparql:
            if self._sparql_rows(constraint, list(fv), first):
                out.append((shape, next(iter(fv)), None, "SPARQLConstraintComponent", ""))
                if first:
                    return out
        return out

    def validate(self, shape: Shape, focus: Iterable[Term]) -> list[RawResult]:
        """The results of `shape` (and its property shapes) on `focus`."""
        if shape.deactivated:
            return []
        fv = shape.value_map(self.index, focus)
        if not fv:
            return []
        out: list[RawResult] = []
        for component, check, detail in shape.checks:
            for f, value in check(self, fv):
                out.append(self._result(shape, f, value, component, detail))
        for prop in shape.properties:
            out += self.validate(prop, fv)
        for constraint in shape.sparql:
            out += self._sparql_results(shape, constraint, list(fv))
        return out

    def _result(
        self, shape: Shape, focus: Term, value: Term | None, component: str, detail: str
    ) -> RawResult:
        messages = shape.messages
        if not messages:
            text = _GENERIC.get(component, component + "{}").replace("{}", detail, 1)
            messages = {"da": text, "en": text}
        rdf = self.terms.rdflib
        return RawResult(
            rdf(focus),
            shape.path,
            rdf(value) if value is not None else None,
            component,
            shape.node,
            shape.severity,
            messages,
        )

    def _sparql_rows(
        self, constraint: SparqlConstraint, focus: list[Term], first: bool = False
    ) -> list[dict[str, Term]]:
        rows: list[dict[str, Term]] = []
        iris = [f for f in focus if isinstance(f, ox.NamedNode)]
        for start in range(0, len(iris), 2000):
            batch = " ".join(str(f) for f in iris[start : start + 2000])
            rows += self.sparql.select(_prebind(constraint.text, batch))
            if first and rows:
                return rows
        for f in focus:
            if not isinstance(f, ox.NamedNode):
                rows += [{**row, "this": f} for row in self.sparql.select(constraint.text, this=f)]
        return rows

    def _sparql_results(
        self, shape: Shape, constraint: SparqlConstraint, focus: list[Term]
    ) -> list[RawResult]:
        rdf = self.terms.rdflib
        out: list[RawResult] = []
        seen: set[tuple[Any, ...]] = set()
        for row in self._sparql_rows(constraint, focus):
            if "failure" in row:
                raise Unsupported(f"{constraint.node}: ?failure")
            f, path, value = row.pop("this", None), row.pop("path", None), row.pop("value", None)
            key = (f, path, value, tuple(sorted(row.items(), key=lambda kv: kv[0])))
            if f is None or key in seen:
                continue
            seen.add(key)
            if value is None and shape.predicate is None:
                value = f
            bound = {name: rdf(term) for name, term in row.items()}
            bound["this"] = rdf(f)
            if path is not None:
                bound["path"] = rdf(path)
            if value is not None:
                bound["value"] = rdf(value)
            messages = {lang: _fill(text, bound) for lang, text in constraint.messages.items()}
            if not messages:
                messages = self._result(shape, f, value, "SPARQLConstraintComponent", "").messages
            out.append(
                RawResult(
                    bound["this"],
                    bound.get("path", shape.path),
                    bound.get("value"),
                    "SPARQLConstraintComponent",
                    shape.node,
                    shape.severity,
                    messages,
                    constraint.node,
                )
            )
        return out

    def results(self, focus: set[Term] | None = None) -> list[RawResult]:
        """Every result of the targeted shapes (on `focus` only, when given): first the
        shapes that need no SPARQL, while the :class:`Prefetch` thread works."""
        out: list[RawResult] = []
        for shape in sorted(self.compiled.targeted, key=_needs_sparql):
            nodes = self.focus_nodes(shape)
            if focus is not None:
                nodes &= focus
            if nodes:
                out += self.validate(shape, sorted(nodes, key=str))
        return out


def _needs_sparql(shape: Shape) -> bool:
    def uses(s: Shape, seen: set[int]) -> bool:
        if id(s) in seen:
            return False
        seen.add(id(s))
        return bool(s.target_selects or s.sparql) or any(uses(p, seen) for p in s.properties)

    return uses(shape, set())


def _prebind(text: str, values: str) -> str:
    """`text` with ``VALUES ?this { … }`` at the top of its WHERE clause."""
    match = WHERE.search(text)
    assert match is not None  # checked when compiled
    return f"{text[: match.end()]}\n    VALUES ?this {{ {values} }}\n{text[match.end() :]}"


def _fill(template: str, bound: dict[str, Node]) -> str:
    """A SPARQL constraint's message with ``{?var}`` filled in, as pySHACL does it."""

    def value(m: re.Match[str]) -> str:
        node = bound.get(m.group(1))
        return str(node) if node is not None else m.group(0)

    return _PLACEHOLDER.sub(value, template)


def validate(
    compiled: Compiled,
    triples: Iterable[OxTriple],
    focus: set[Term] | None = None,
    ntriples: Sequence[bytes] | None = None,
    prefetch: Prefetch | None = None,
) -> list[RawResult]:
    """The results of `compiled` on the graph of `triples` (only on `focus`, if given);
    `ntriples`, if given, are the same triples as N-Triples (for Oxigraph).

    The garbage collector is paused meanwhile: a run builds many dicts and sets and frees
    none of them before it ends, so collections would only walk them again and again (they
    took a quarter of the time, and a varying one, on 50 k triples)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return Run(compiled, triples, ntriples, prefetch).results(focus)
    finally:
        if collecting:
            gc.enable()
