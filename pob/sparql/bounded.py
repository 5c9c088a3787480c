"""Queries whose work is bounded by what they answer, read off their tokens.

A query is *bounded* when the engine cannot do more work than the answer it writes: every
solution the engine finds is a row (or triples) of the result, so a result cut off after
`n` rows cost about `n` matches. That holds for one triple pattern (optionally in one
`GRAPH`) under a plain projection, `ASK`, a `CONSTRUCT` of one template triple holding every
variable, with at most a `LIMIT`, and for `DESCRIBE` of IRIs with no `WHERE`. It does not
hold once anything can consume solutions without writing them: a `FILTER` (a variable used
twice in the pattern is one), a join of two patterns, `OPTIONAL`, `DISTINCT` (millions of
matches, three distinct rows), a `CONSTRUCT` template that leaves a variable out (the engine
drops repeated triples), `ORDER BY` and aggregates (everything is read before the first
row), `OFFSET` (skipped rows are read), a property path, a sub-query.

The embedded store answers a bounded query in the server process, with its result cut off
at a row bound, instead of sending it to a query worker; one that reaches the bound goes to
a worker as every other query does (docs/architecture.md, "Execution model"). So the
judgement is about work, not about syntax the engine accepts: a token sequence this module
does not recognise is simply not bounded, and the engine's parser still decides whether
the text is a query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class _Token(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...


#: terms that can stand as a pattern's subject (a blank node label reads as a pname)
_NODE = frozenset({"var", "iri", "pname"})


def is_bounded(toks: Sequence[_Token], form: str) -> bool:
    """Whether the query's work is bounded by its answer (see the module's docstring).

    `toks` are the guard's tokens (whitespace and comments left out), `form` its query form."""
    i = _after_prologue(toks)
    if i is None:
        return False
    word = _word(toks, i)
    if word != form:
        return False
    template: set[str] | None = None
    at: int | None = i + 1
    if form == "SELECT":
        at = _projection(toks, i + 1)
    elif form == "CONSTRUCT" and _word(toks, i + 1) == "WHERE":
        template = {"*"}  # the short form: the pattern is the template
    elif form == "CONSTRUCT":
        template = set()
        at = _template(toks, i + 1, template)
    elif form == "DESCRIBE":
        return _describe(toks, i + 1)
    if at is None:
        return False
    i = _dataset(toks, at)
    if _word(toks, i) == "WHERE":
        i += 1
    pattern: set[str] = set()
    i = _group(toks, i, pattern)
    if i is None:
        return False
    if template is not None and "*" not in template and not pattern <= template:
        return False  # CONSTRUCT drops repeated triples: every match must make a new one
    if _word(toks, i) == "LIMIT" and form != "ASK":
        i = _number(toks, i + 1)
    return i == len(toks)


def _word(toks: Sequence[_Token], i: int) -> str:
    if i < len(toks) and toks[i].kind == "word":
        return toks[i].text.upper()
    return ""


def _is(toks: Sequence[_Token], i: int, kind: str, text: str) -> bool:
    return i < len(toks) and toks[i].kind == kind and toks[i].text == text


def _after_prologue(toks: Sequence[_Token]) -> int | None:
    i = 0
    while True:
        word = _word(toks, i)
        if word == "PREFIX":
            if i + 2 >= len(toks) or toks[i + 1].kind != "pname" or toks[i + 2].kind != "iri":
                return None
            i += 3
        elif word == "BASE":
            if i + 1 >= len(toks) or toks[i + 1].kind != "iri":
                return None
            i += 2
        else:
            return i


def _projection(toks: Sequence[_Token], i: int) -> int | None:
    """After SELECT: `*` or variables only (no DISTINCT, REDUCED or expression)."""
    if _is(toks, i, "op", "*"):
        return i + 1
    start = i
    while i < len(toks) and toks[i].kind == "var":
        i += 1
    return i if i > start else None


def _template(toks: Sequence[_Token], i: int, variables: set[str]) -> int | None:
    """A CONSTRUCT template of one triple, its variables added to `variables`.

    One triple holding every variable of the pattern is a new triple for every match (the
    engine drops a triple it already wrote, so a template that leaves a variable out could
    scan millions of matches and write one triple)."""
    if not _is(toks, i, "open", "{"):
        return None
    end = _triple(toks, i + 1)
    if end is None:
        return None
    variables.update(t.text[1:] for t in toks[i + 1 : end] if t.kind == "var")
    if _is(toks, end, "other", "."):
        end += 1
    return end + 1 if _is(toks, end, "close", "}") else None


def _describe(toks: Sequence[_Token], i: int) -> bool:
    """DESCRIBE of IRIs only: no variable, no WHERE, no dataset clause, no modifier."""
    start = i
    while i < len(toks) and toks[i].kind in ("iri", "pname"):
        i += 1
    return start < i == len(toks)


def _dataset(toks: Sequence[_Token], i: int) -> int:
    while _word(toks, i) == "FROM":
        i += 3 if _word(toks, i + 1) == "NAMED" else 2
    return i


def _group(toks: Sequence[_Token], i: int, variables: set[str]) -> int | None:
    """`{ pattern }` or `{ GRAPH g { pattern } }`: the index after its closing brace; the
    pattern's variables (the graph's too) added to `variables`."""
    if not _is(toks, i, "open", "{"):
        return None
    i += 1
    graph = _word(toks, i) == "GRAPH"
    if graph:
        if i + 2 >= len(toks) or toks[i + 1].kind not in _NODE:
            return None
        if not _is(toks, i + 2, "open", "{"):
            return None
        i += 3
    end = _triple(toks, i)
    if end is None:
        return None
    terms = [t.text for t in toks[i - 2 if graph else i : end] if t.kind in _NODE]
    names = [t[1:] if t[0] in "?$" else t for t in terms if t[0] in "?$" or t.startswith("_:")]
    if len(set(names)) < len(names):
        return None  # `?s ?s ?s`: a repeated variable filters matches the engine still reads
    variables.update(names)
    i = end
    if _is(toks, i, "other", "."):
        i += 1
    if graph:
        if not _is(toks, i, "close", "}"):
            return None
        i += 1
    return i + 1 if _is(toks, i, "close", "}") else None


def _triple(toks: Sequence[_Token], i: int) -> int | None:
    """One triple pattern: subject, predicate (a term or `a`, no path), object."""
    if i >= len(toks) or toks[i].kind not in _NODE:
        return None
    i += 1
    if i < len(toks) and (toks[i].kind in _NODE or _word(toks, i) == "A"):
        if _word(toks, i) == "A" and toks[i].text != "a":
            return None
        i += 1
    else:
        return None
    return _object(toks, i)


def _object(toks: Sequence[_Token], i: int) -> int | None:
    if i >= len(toks):
        return None
    tok = toks[i]
    if tok.kind in _NODE or _word(toks, i) in ("TRUE", "FALSE"):
        return i + 1
    if tok.kind != "string":
        return None
    i += 1
    if i < len(toks) and toks[i].kind == "lang":
        return i + 1
    if _is(toks, i, "op", "^^"):
        return i + 2 if i + 1 < len(toks) and toks[i + 1].kind in ("iri", "pname") else None
    return i


def _number(toks: Sequence[_Token], i: int) -> int | None:
    """A non-negative integer: the tokeniser gives its digits one `other` token each."""
    start = i
    while i < len(toks) and toks[i].kind == "other" and toks[i].text.isdigit():
        i += 1
    return i if i > start else None
