"""Where a resource is written in an uploaded file: the line (and column) of its first
occurrence, so a report can say "line 17" beside each focus node.

One pass over the text per file, recording only the resources asked about:

* **Turtle, TriG, N-Triples, N-Quads**: a tokenizer that skips comments and strings, follows
  ``@prefix``/``PREFIX`` and ``@base``/``BASE`` as they come, and resolves IRIs and prefixed
  names; the first occurrence *as a subject* (the start of a statement) wins, else the
  first anywhere.
* **RDF/XML**: the first ``rdf:about`` naming it (against ``xml:base``), else the first
  ``rdf:resource``.
* **JSON-LD**: the first ``"@id"`` whose value, expanded with the prefixes the document
  defines and the project's own, names it.

It is a reading aid, not a parser: the parser (:mod:`pob.validation.upload`) has already
accepted the file. A resource not found this way (a blank node, an IRI a JSON-LD ``@vocab``
or ``@base`` builds) has no location, and the report says "line unknown".
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from pob.core import formats
from pob.core.formats import Syntax
from pob.graph.prefixes import CANONICAL_BASE, prefixes


@dataclass(frozen=True)
class Location:
    """A 1-based line and column (in characters) in a file, with its name when several
    files are read together."""

    line: int
    column: int | None = None
    file: str | None = None

    def to_json(self) -> dict[str, int | str | None]:
        out: dict[str, int | str | None] = {"line": self.line, "column": self.column}
        if self.file is not None:
            out["file"] = self.file
        return out


_TURTLE = re.compile(
    r"""(?P<skip>\#[^\n]*|\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<prefix>(?:@prefix|(?i:PREFIX))\s+(?P<pname>[A-Za-z][\w.-]*)?:\s*<(?P<ns>[^<>\s]*)>)
    |(?P<base>(?:@base|(?i:BASE))\s+<(?P<biri>[^<>\s]*)>)
    |<(?P<iri>[^<>"{}|^`\\\s]*)>
    |(?P<pn>(?P<p>[A-Za-z][\w.-]*)?:(?P<local>(?:[\w:%-]|\\.|\.(?=[\w:%-]))*))
    |(?P<end>[.{}])
    |(?P<word>[\w-]+|@[A-Za-z-]+|\^\^|[\[\](),;])""",
    re.VERBOSE,
)
_XML_ABOUT = re.compile(r"""\b(?:[\w.-]+:)?(about|resource)\s*=\s*(["'])(.*?)\2""", re.DOTALL)
_XML_BASE = re.compile(r"""\bxml:base\s*=\s*(["'])(.*?)\1""", re.DOTALL)
_JSON_ID = re.compile(r'"@id"\s*:\s*"((?:[^"\\]|\\.)*)"')
_JSON_PREFIX = re.compile(
    r'"([A-Za-z][\w.-]*)"\s*:\s*(?:\{\s*"@id"\s*:\s*)?"((?:https?|urn):[^"\\]*[/#:])"'
)
_UNESCAPE = re.compile(r"\\(.)")


class _Lines:
    """Character offsets to 1-based line and column."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _turtle(text: str, wanted: set[str]) -> dict[str, int]:
    names: dict[str, str] = {}
    base: str | None = None
    subject: dict[str, int] = {}
    anywhere: dict[str, int] = {}
    expect_subject = True
    for match in _TURTLE.finditer(text):
        kind = match.lastgroup
        if kind in ("skip", "word"):
            if kind == "word":
                expect_subject = False
            continue
        if match.group("prefix"):
            ns = match.group("ns")
            names[match.group("pname") or ""] = urljoin(base, ns) if base else ns
            expect_subject = True
            continue
        if match.group("base"):
            found = match.group("biri")
            base = urljoin(base, found) if base else found
            expect_subject = True
            continue
        if match.group("end"):
            expect_subject = True
            continue
        if match.group("iri") is not None:
            iri = match.group("iri")
            iri = urljoin(base, iri) if base and ":" not in iri.split("/", 1)[0] else iri
        else:
            ns = names.get(match.group("p") or "")
            if ns is None:
                expect_subject = False
                continue
            iri = ns + _UNESCAPE.sub(r"\1", match.group("local"))
        if iri in wanted:
            anywhere.setdefault(iri, match.start())
            if expect_subject:
                subject.setdefault(iri, match.start())
        expect_subject = False
    return {**anywhere, **subject}


def _rdfxml(text: str, wanted: set[str]) -> dict[str, int]:
    found_base = _XML_BASE.search(text)
    base = html.unescape(found_base.group(2)) if found_base else None
    about: dict[str, int] = {}
    resource: dict[str, int] = {}
    for match in _XML_ABOUT.finditer(text):
        iri = html.unescape(match.group(3))
        iri = urljoin(base, iri) if base else iri
        if iri in wanted:
            target = about if match.group(1) == "about" else resource
            target.setdefault(iri, match.start(3))
    return {**resource, **about}


def _jsonld(text: str, wanted: set[str], base: str) -> dict[str, int]:
    names = prefixes(base)
    names.update({m.group(1): m.group(2) for m in _JSON_PREFIX.finditer(text)})
    found: dict[str, int] = {}
    for match in _JSON_ID.finditer(text):
        value = _UNESCAPE.sub(r"\1", match.group(1))
        prefix, colon, local = value.partition(":")
        if colon and not local.startswith("//") and prefix in names:
            value = names[prefix] + local
        if value in wanted:
            found.setdefault(value, match.start(1))
    return found


def locate(
    data: bytes | str,
    syntax: Syntax,
    iris: Iterable[str],
    *,
    base: str = CANONICAL_BASE,
    file: str | None = None,
) -> dict[str, Location]:
    """The first place each of `iris` is written in `data` (in `syntax`); an IRI not found
    is left out."""
    wanted = set(iris)
    if not wanted:
        return {}
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    text = text.removeprefix("\ufeff")
    if syntax is formats.RDFXML_SYNTAX:
        offsets = _rdfxml(text, wanted)
    elif syntax is formats.JSONLD_SYNTAX:
        offsets = _jsonld(text, wanted, base)
    else:
        offsets = _turtle(text, wanted)
    lines = _Lines(text)
    out = {}
    for iri, offset in offsets.items():
        line, column = lines.at(offset)
        out[iri] = Location(line, column, file)
    return out
