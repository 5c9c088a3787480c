"""The constraint components, each a function of (run, focus node → value nodes) that
returns the failures: pySHACL's semantics, on pyoxigraph terms."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from pyshacl.rdfutil.compare import compare_literal
from rdflib import Literal
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from pob.validation.shacl.model import Check, Found, Runner, Shape, Values
from pob.validation.shacl.terms import LANG_STRING, STRING, Term, Unsupported


def class_(c: Term) -> Check:
    def check(run: Runner, fv: Values) -> Found:
        has = run.index.has_class
        return [(f, v) for f, values in fv.items() for v in values if not has(v, c)]

    return check


PYTHON_TYPES: dict[Node, tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: (int,),
    XSD.float: (float,),
    XSD.decimal: (Decimal,),
    XSD.boolean: (bool,),
    XSD.date: (date,),
    XSD.time: (time,),
    XSD.dateTime: (datetime,),
}


def datatype(dt: Node) -> Check:
    expected = PYTHON_TYPES.get(dt)
    dt_text = str(dt)

    def ok(run: Runner, term: Term) -> bool:  # pySHACL's DatatypeConstraintComponent
        if not isinstance(term, ox.Literal):
            return False
        has_lang = bool(term.language)
        literal_dt = None if has_lang else term.datatype.value
        if dt_text in (STRING, LANG_STRING):  # a string's value is its text: no rdflib
            return literal_dt == STRING if dt_text == STRING else has_lang
        if literal_dt == dt_text:
            v = run.literal(term)
            if getattr(v, "ill_typed", None) is True:
                return False
            return expected is None or isinstance(v.value, expected)
        if dt == RDFS.Literal:
            return True
        if dt == RDFS.Datatype:  # rdflib gives plain and tagged literals no datatype
            return literal_dt is not None and literal_dt != STRING
        if dt == RDF.langString and has_lang:
            return expected is None or isinstance(run.literal(term).value, expected)
        return False

    def check(run: Runner, fv: Values) -> Found:
        return [(f, v) for f, values in fv.items() for v in values if not ok(run, v)]

    return check


def node_kind(kind: Node) -> Check:
    kinds: dict[Node, tuple[type, ...]] = {
        SH.BlankNode: (ox.BlankNode,),
        SH.IRI: (ox.NamedNode,),
        SH.Literal: (ox.Literal,),
        SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode),
        SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
        SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
    }
    if kind not in kinds:
        raise Unsupported(f"sh:nodeKind {kind}")
    allowed = kinds[kind]

    def check(run: Runner, fv: Values) -> Found:
        return [(f, v) for f, values in fv.items() for v in values if not isinstance(v, allowed)]

    return check


def count(n: int, at_least: bool) -> Check:
    def check(run: Runner, fv: Values) -> Found:
        if at_least:
            return [(f, None) for f, values in fv.items() if len(values) < n]
        return [(f, None) for f, values in fv.items() if len(values) > n]

    return check


def pattern(regex: re.Pattern[str]) -> Check:
    def ok(run: Runner, term: Term) -> bool:  # pySHACL: blank nodes never match
        if isinstance(term, ox.BlankNode):
            return False
        if isinstance(term, ox.NamedNode):
            return regex.search(term.value) is not None
        if term.language or term.datatype.value == STRING:
            return regex.search(term.value) is not None
        v = run.literal(term)  # the string pySHACL sees (value_node_to_string)
        text = (
            str(v.value)
            if v.value is not None and v.datatype in (None, RDF.langString, XSD.string)
            else str(v)
        )
        return regex.search(text) is not None

    def check(run: Runner, fv: Values) -> Found:
        return [(f, v) for f, values in fv.items() for v in values if not ok(run, v)]

    return check


def language_in(wanted: set[str]) -> Check:
    def ok(term: Term) -> bool:
        if not isinstance(term, ox.Literal) or not term.language:
            return False
        lang = term.language.lower()
        return "*" in wanted or lang in wanted or lang.split("-")[0] in wanted

    def check(run: Runner, fv: Values) -> Found:
        return [(f, v) for f, values in fv.items() for v in values if not ok(v)]

    return check


def unique_lang(run: Runner, fv: Values) -> Found:
    out: Found = []
    for f, values in fv.items():
        seen: set[str] = set()
        duplicated: set[str] = set()
        for v in values:
            if isinstance(v, ox.Literal) and v.language:
                lang = v.language.lower()
                (duplicated if lang in seen else seen).add(lang)
        out.extend((f, None) for _ in duplicated)
    return out


def _equal(run: Runner, term: Term, node: Node) -> bool:
    """rdflib's term equality, which pySHACL uses (literals compare by rdflib's rules)."""
    if isinstance(node, Literal):
        return isinstance(term, ox.Literal) and run.literal(term) == node
    return run.terms.ox(node) == term


def in_(allowed: list[Node]) -> Check:
    def check(run: Runner, fv: Values) -> Found:
        return [
            (f, v)
            for f, values in fv.items()
            for v in values
            if not any(_equal(run, v, a) for a in allowed)
        ]

    return check


def has_value(wanted: Node) -> Check:
    def check(run: Runner, fv: Values) -> Found:
        return [
            (f, None) for f, values in fv.items() if not any(_equal(run, v, wanted) for v in values)
        ]

    return check


def range(bound: Literal, accept: Callable[[int], bool]) -> Check:
    bound_is_string = isinstance(bound.value, str)

    def ok(run: Runner, term: Term) -> bool:
        if not isinstance(term, ox.Literal):
            return False
        v = run.literal(term)
        if isinstance(v.value, str) != bound_is_string:
            return False
        try:
            return accept(compare_literal(v, bound))
        except (TypeError, NotImplementedError):
            return False

    def check(run: Runner, fv: Values) -> Found:
        return [(f, v) for f, values in fv.items() for v in values if not ok(run, v)]

    return check


def node(other: Shape) -> Check:
    def check(run: Runner, fv: Values) -> Found:
        return [(f, v) for f, values in fv.items() for v in values if not run.conforms(other, v)]

    return check


def not_(other: Shape) -> Check:
    """sh:not: a value that conforms to `other` fails (a deactivated `other` never does)."""

    def check(run: Runner, fv: Values) -> Found:
        if other.deactivated:
            return []
        return [(f, v) for f, values in fv.items() for v in values if run.conforms(other, v)]

    return check


def or_(alternatives: list[Shape]) -> Check:
    active = [s for s in alternatives if not s.deactivated]

    def check(run: Runner, fv: Values) -> Found:
        if not active:
            return []
        return [
            (f, v)
            for f, values in fv.items()
            for v in values
            if not any(run.conforms(s, v) for s in active)
        ]

    return check


def qualified(other: Shape, n: int, at_least: bool) -> Check:
    def check(run: Runner, fv: Values) -> Found:
        if other.deactivated:
            return []
        out: Found = []
        for f, values in fv.items():
            if at_least and not values and n < 1:
                continue
            count = sum(1 for v in values if run.conforms(other, v))
            if (count < n) if at_least else (count > n):
                out.append((f, None))
        return out

    return check
