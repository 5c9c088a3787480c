"""The compiled shapes as plain objects (:class:`Shape`, :class:`Compiled`), and what a
constraint check is: a function of (the run, focus node → value nodes) that returns the
failures. The run is seen through :class:`Runner`, what the checks use of
:class:`pob.validation.shacl.run.Run`, so neither the compiler nor the checks import it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from pob.validation.shacl.data import Index
from pob.validation.shacl.terms import Term, Terms

WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


class Runner(Protocol):
    """What a constraint check reads of a run: the indexes, the terms, literals as rdflib
    sees them, and whether a node conforms to a (helper) shape."""

    index: Index
    terms: Terms

    def literal(self, term: Term) -> Literal: ...

    def conforms(self, shape: Shape, node: Term) -> bool: ...


Values = dict[Term, set[Term]]
_NO_VALUES: dict[Term, set[Term]] = {}
_EMPTY: set[Term] = frozenset()  # type: ignore[assignment]  # shared, never changed
Found = list[tuple[Term, Term | None]]  # (focus, value)
Check = Callable[[Runner, Values], Found]


@dataclass(eq=False)
class SparqlConstraint:
    node: Node
    text: str
    messages: dict[str, str]


@dataclass(eq=False)
class Shape:
    node: Node
    severity: URIRef = SH.Violation
    path: Node | None = None  # as in the shapes graph (for the report)
    predicate: Term | None = None  # the path's IRI, as a pyoxigraph term
    inverse: bool = False  # the path is ^predicate
    messages: dict[str, str] = field(default_factory=dict)
    deactivated: bool = False
    checks: list[tuple[str, Check, str]] = field(default_factory=list)  # component, fn, detail
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
    target_classes: list[Term] = field(default_factory=list)
    target_nodes: list[Term] = field(default_factory=list)
    target_subjects_of: list[Term] = field(default_factory=list)
    target_objects_of: list[Term] = field(default_factory=list)
    target_selects: list[str] = field(default_factory=list)

    @property
    def targeted(self) -> bool:
        return bool(
            self.target_classes
            or self.target_nodes
            or self.target_subjects_of
            or self.target_objects_of
            or self.target_selects
        )

    def values(self, index: Index, focus: Term) -> set[Term]:
        if self.predicate is None:
            return {focus}
        if self.inverse:
            return index.inverse(self.predicate, focus)
        return index.objects(focus, self.predicate)

    def value_map(self, index: Index, focus: Iterable[Term]) -> Values:
        """Focus node -> its value nodes (the same as :meth:`values`, in one go)."""
        p = self.predicate
        if p is None:
            return {f: {f} for f in focus}
        if self.inverse:
            return {f: index.inverse(p, f) for f in focus}
        get, none, empty = index.spo.get, _NO_VALUES, _EMPTY
        return {f: (get(f) or none).get(p, empty) for f in focus}


@dataclass
class Compiled:
    """A shapes graph, compiled: the shapes that have targets, and the graph itself."""

    graph: Graph
    targeted: list[Shape]
