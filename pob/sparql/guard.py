"""Checks on a SPARQL query before any engine sees it.

Order: size (413) → UTF-8 (400) → tokens → nesting depth and operator count (400) →
query form (Update refused) → no `SERVICE`, no `LOAD` → `FROM`/`FROM NAMED` collected for
the dataset's precedence (:func:`pob.sparql.dataset.resolve_dataset`). Syntax errors are left to
the engine's own parser (in a query worker process, or the remote engine; see
``docs/architecture.md``).

The tokeniser follows the SPARQL 1.1 terminals for what changes the lexical state:
strings, IRIs, comments, prefixed names (with their ``\\'``-style escapes), brackets.
Oxigraph's parser reads ``<`` after an operand as *less than*, so ``?a<'x>'`` would be a
comparison with a string for the engine but an IRI for a plain tokeniser. To keep the two
readings from drifting apart, every IRI that contains a character able to open a string, a
comment or a bracket (``' # ( ) [ ]``) is passed on with that character written as a
``\\uXXXX`` escape: the same IRI if the engine reads an IRI, a syntax error if it does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urljoin

from pob.core.problems import Problem
from pob.sparql.bounded import is_bounded

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\[\s\S]))*'''
              |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\[\s\S]))*\"\"\"
              |'(?:[^'\\\r\n]|\\[\s\S])*'
              |"(?:[^"\\\r\n]|\\[\s\S])*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[^\W\d][\w.\-\u00B7]*)?:
               (?:[\w\-.:\u00B7]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[({\[]|<<)
  | (?P<close>[)}\]]|>>)
  | (?P<op>&&|\|\||!=|<=|>=|\^\^|[!+\-*/|^=<>])
  | (?P<other>[\s\S])
    """,
    re.VERBOSE,
)
_SPECIAL_IN_IRI = re.compile(r"['#()\[\]]")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = frozenset(
    ["INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"]
)
#: keywords that add one more node to a chain in the engine's tree
CHAIN_WORDS = frozenset(
    [
        "OPTIONAL",
        "MINUS",
        "UNION",
        "FILTER",
        "BIND",
        "GRAPH",
        "VALUES",
        "EXISTS",
        "SELECT",
        "LATERAL",
    ]
)
#: words that make a query likely costly: aggregation, sorting, duplicate removal
COSTLY_WORDS = frozenset(
    [
        "COUNT",
        "SUM",
        "AVG",
        "MIN",
        "MAX",
        "SAMPLE",
        "GROUP_CONCAT",
        "GROUP",
        "HAVING",
        "ORDER",
        "DISTINCT",
        "REDUCED",
    ]
)
#: words a prefixed name's prefix must not be: Oxigraph reads `SERVICE:x` as SERVICE + `:x`
RESERVED_PREFIXES = frozenset({"SERVICE", "LOAD", "FROM", "NAMED"})


class GuardError(Problem, ValueError):
    """A query refused before execution, with the HTTP status that says why."""

    status = 400
    title = "Bad query"


class QueryTooLarge(GuardError):
    status = 413
    title = "Query too large"


class UpdateRefused(GuardError):
    status = 400
    title = "SPARQL Update refused"


class Token(NamedTuple):
    """One token: its kind (the regex group's name), its text and its offset in the query
    (a tuple, not a dataclass: a query's tokens are made for every request, and a frozen
    dataclass's `__init__` costs five times a tuple's)."""

    kind: str
    text: str
    start: int


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the guard, ready for an engine."""

    text: str
    original: str
    form: str
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    #: `text` with its FROM / FROM NAMED clauses blanked out ("" if it has none), for an
    #: engine that is given the dataset as protocol parameters instead
    text_without_dataset: str = ""
    base_iri: str | None = None
    #: (start, end) in `text` and (start, end) in `original` of each rewritten IRI
    edits: tuple[tuple[int, int, int, int], ...] = field(default=(), repr=False)
    #: likely cheap (:func:`is_cheap`): the embedded store tries it in its fast lane first
    cheap: bool = False
    #: its work bounded by its answer (:mod:`pob.sparql.bounded`): the embedded store may
    #: answer it in the server process, cut off at a row bound
    bounded: bool = False

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named)

    def where(self, line: int, column: int) -> tuple[int, int]:
        """An engine's (line, column) in `text`, moved back onto `original`."""
        offset = _offset(self.text, line, column)
        original = offset
        for new_start, new_end, old_start, old_end in self.edits:
            if offset < new_start:
                break
            if offset < new_end:
                original = old_start
                break
            original = old_end + (offset - new_end)
        return _line_col(self.original, min(original, len(self.original)))


def _offset(text: str, line: int, column: int) -> int:
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    line = min(max(line, 1), len(starts))
    return min(starts[line - 1] + max(column - 1, 0), len(text))


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def decode(raw: bytes, max_bytes: int) -> str:
    """The query text from raw bytes: 413 over the size limit, 400 if not UTF-8."""
    if len(raw) > max_bytes:
        raise QueryTooLarge(f"the query is {len(raw):,} bytes; the limit is {max_bytes:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise GuardError(
            f"the query is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            line,
            column,
        ) from exc


def tokens(text: str) -> list[Token]:
    """Every token of `text`, whitespace and comments left out."""
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append(Token(kind, m.group(), m.start()))
    return out


def _iri_value(token_text: str) -> str:
    inner = token_text[1:-1]
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), inner)


def _escape_iri(token_text: str) -> str:
    return "<" + _SPECIAL_IN_IRI.sub(lambda m: f"\\u{ord(m.group()):04X}", token_text[1:-1]) + ">"


class _Prologue:
    """PREFIX and BASE declarations, to turn `FROM ex:g` into an IRI."""

    def __init__(self, text: str, base: str | None = None) -> None:
        self.text = text
        self.base = base
        self.prefixes: dict[str, str] = {}

    def resolve(self, token: Token) -> str:
        if token.kind == "iri":
            value = _iri_value(token.text)
            return urljoin(self.base, value) if self.base else value
        prefix, _, local = token.text.partition(":")
        if prefix not in self.prefixes:
            raise GuardError(
                f"undeclared prefix {prefix + ':'!r}", *_line_col(self.text, token.start)
            )
        local = re.sub(r"\\(.)", r"\1", local)
        return self.prefixes[prefix] + local


def check(
    text: str, max_nesting: int = 64, max_operators: int = 1000, base_iri: str | None = None
) -> CheckedQuery:
    """Refuse what no engine should see; return the text to run and what it asks for.

    `base_iri` (the endpoint's address) resolves relative IRIs when the query has no BASE.
    """
    toks = tokens(text)

    def _pos(token: Token) -> tuple[int, int]:
        return _line_col(text, token.start)

    depth = operators = 0
    for tok in toks:
        if tok.kind == "open":
            depth += 1
            if depth > max_nesting:
                raise GuardError(
                    f"the query nests brackets more than {max_nesting} deep", *_pos(tok)
                )
        elif tok.kind == "close":
            depth = max(depth - 1, 0)
        elif (tok.kind == "op" and tok.text != "^^") or (
            tok.kind == "word" and tok.text.upper() in CHAIN_WORDS
        ):
            operators += 1
            if operators > max_operators:
                raise GuardError(
                    f"the query has more than {max_operators} operators and group keywords",
                    *_pos(tok),
                )
    prologue = _Prologue(text, base_iri)
    form = _form(toks, prologue)
    from_graphs: list[str] = []
    from_named: list[str] = []
    dataset_tokens: set[int] = set()  # FROM [NAMED] target: left out of text_without_dataset
    for i, tok in enumerate(toks):
        word = tok.text.upper() if tok.kind == "word" else ""
        if tok.kind == "pname" and tok.text.split(":", 1)[0].upper() in RESERVED_PREFIXES:
            raise GuardError(
                f"{tok.text.split(':', 1)[0]!r} cannot be used as a prefix here; "
                "write a space after the keyword",
                *_pos(tok),
            )
        if word == "SERVICE":
            raise GuardError(
                "SERVICE (federated query) is not allowed: this endpoint fetches nothing "
                "from other addresses",
                *_pos(tok),
            )
        if word == "LOAD":
            raise UpdateRefused("LOAD is not allowed: this endpoint is read-only", *_pos(tok))
        if word == "FROM":
            target = toks[i + 1] if i + 1 < len(toks) else None
            named = target is not None and target.kind == "word" and target.text.upper() == "NAMED"
            if named:
                target = toks[i + 2] if i + 2 < len(toks) else None
            if target is None or target.kind not in ("iri", "pname"):
                continue  # a syntax error; the engine will say where
            (from_named if named else from_graphs).append(prologue.resolve(target))
            dataset_tokens.update(range(i, i + (3 if named else 2)))
    rewritten, edits = _rewrite(text, toks)
    without = ""
    if dataset_tokens:  # blanked, not cut: every other token keeps its line and column
        blanked = list(text)
        for i in dataset_tokens:
            for at in range(toks[i].start, toks[i].start + len(toks[i].text)):
                blanked[at] = " "
        kept = [t for i, t in enumerate(toks) if i not in dataset_tokens]
        without = _rewrite("".join(blanked), kept)[0]
    return CheckedQuery(
        text=rewritten,
        original=text,
        form=form,
        from_graphs=tuple(from_graphs),
        from_named=tuple(from_named),
        text_without_dataset=without,
        base_iri=base_iri,
        edits=tuple(edits),
        cheap=is_cheap(toks, form),
        bounded=is_bounded(toks, form),
    )


def is_cheap(toks: list[Token], form: str) -> bool:
    """Whether a query looks cheap from its tokens alone: no property path or arithmetic
    `*`/`+` (`SELECT *` aside), no aggregate, GROUP BY, ORDER BY, DISTINCT/REDUCED or
    sub-SELECT, and either an ASK, a LIMIT, or an IRI or prefixed name in the pattern (a
    bound term). Only a scheduling hint: a query judged cheap that is not is stopped in the
    fast lane after a short deadline and run again in the pool (docs/architecture.md)."""
    selects = 0
    bound = limited = False
    in_pattern = False
    previous = ""
    for tok in toks:
        word = tok.text.upper() if tok.kind == "word" else ""
        if word in COSTLY_WORDS:
            return False
        if word == "SELECT":
            selects += 1
            if selects > 1:
                return False
        elif word == "LIMIT":
            limited = True
        elif (
            tok.kind == "op"
            and tok.text in ("*", "+")
            and not (tok.text == "*" and previous == "SELECT")
        ):
            return False
        elif (tok.kind == "open" and tok.text == "{") or word == "DESCRIBE":
            in_pattern = True
        elif in_pattern and tok.kind in ("iri", "pname"):
            bound = True
        previous = word
    return form == "ASK" or limited or bound


def _form(toks: list[Token], prologue: _Prologue) -> str:
    i = 0
    while i < len(toks):
        tok = toks[i]
        word = tok.text.upper() if tok.kind == "word" else ""
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 2].kind == "iri":
            prologue.prefixes[toks[i + 1].text[:-1]] = prologue.resolve(toks[i + 2])
            i += 3
            continue
        if word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            prologue.base = prologue.resolve(toks[i + 1])
            i += 2
            continue
        if word in FORMS:
            return word
        where = _line_col(prologue.text, tok.start)
        if word in UPDATE_WORDS:
            raise UpdateRefused(
                f"{word} is SPARQL Update; this endpoint answers queries only (read-only)",
                *where,
            )
        raise GuardError(
            "expected a query: SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue", *where
        )
    raise GuardError("the query is empty")


def _rewrite(text: str, toks: list[Token]) -> tuple[str, list[tuple[int, int, int, int]]]:
    parts: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    last = growth = 0
    for tok in toks:
        if tok.kind != "iri" or not _SPECIAL_IN_IRI.search(tok.text):
            continue
        escaped = _escape_iri(tok.text)
        end = tok.start + len(tok.text)
        edits.append(
            (tok.start + growth, end + growth + len(escaped) - len(tok.text), tok.start, end)
        )
        parts += [text[last : tok.start], escaped]
        growth += len(escaped) - len(tok.text)
        last = end
    if not edits:
        return text, []
    parts.append(text[last:])
    return "".join(parts), edits


__all__ = [
    "CheckedQuery",
    "GuardError",
    "QueryTooLarge",
    "UpdateRefused",
    "check",
    "decode",
    "is_cheap",
    "tokens",
]
