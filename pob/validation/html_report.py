"""A validation report as HTML (``pob/validation/templates/report.html``).

:func:`render_html` shows a :class:`~pob.validation.report.Check`: results grouped by focus
node, each with its message, the offending value and a link to the shape; with inference,
the comparison side by side; downloads of the machine report (the W3C report in Turtle and
JSON-LD, :func:`pob.validation.w3c.report_rdf`, and the JSON of
:meth:`~pob.validation.report.Check.to_json`).

The words around the messages (headings, labels) are the ``report`` section of
:mod:`pob.core.texts`; the HTML is rendered with the one Jinja2 environment
(:mod:`pob.core.templates`, to which this module adds its ``templates`` folder).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.term import Node

from pob.core import formats, templates, texts
from pob.core.links import web_href
from pob.core.problems import Problem
from pob.graph.prefixes import CANONICAL_BASE, prefixes
from pob.validation import upload
from pob.validation.body import NoDataset
from pob.validation.report import Check, Result, finding_key, term_key
from pob.validation.w3c import report_rdf
from pob.validation.workers import OutOfMemory

TEMPLATES = Path(__file__).resolve().parent / "templates"

templates.add_folder(TEMPLATES)


class _Shortener:
    def __init__(self, base: str) -> None:
        self.table = sorted(prefixes(base).items(), key=lambda kv: -len(kv[1]))

    def __call__(self, node: Node | str | None) -> str:
        if node is None:
            return "–"
        if isinstance(node, RDFLiteral):
            text = str(node)
            if node.language:
                return f'"{text}"@{node.language}'
            if node.datatype is not None:
                return f'"{text}"^^{self(str(node.datatype))}'
            return f'"{text}"'
        if isinstance(node, BNode):
            return "[ ]"
        text = str(node)
        for prefix, ns in self.table:
            if text.startswith(ns) and len(text) > len(ns):
                return f"{prefix}:{text[len(ns) :]}"
        return f"<{text}>"

    def path(self, path: str | None) -> str:
        if path is None:
            return "–"
        if not path.startswith(("<", "^", "(")):
            return self(path)
        return re.sub(r"<([^>]+)>", lambda m: self(m.group(1)), path)


def shape_link(shape: Node, base: str = CANONICAL_BASE, shapes_page: str | None = "/shapes") -> str:
    """Where a person reads about a shape: ``/shapes#Name`` for ours, else the IRI; "" (no
    link) for a blank node or an IRI that is no web address (:func:`pob.core.links.web_href`)."""
    text = str(shape)
    ours = f"{base}shapes#"
    if shapes_page is not None and isinstance(shape, URIRef) and text.startswith(ours):
        return web_href(f"{shapes_page}#{text[len(ours) :]}") or ""
    return (web_href(text) or "") if isinstance(shape, URIRef) else ""


def _data_url(media_type: str, body: bytes) -> str:
    return f"data:{media_type};base64," + base64.b64encode(body).decode("ascii")


def render_html(
    check: Check,
    lang: str = "en",
    *,
    base: str = CANONICAL_BASE,
    shapes_page: str | None = "/shapes",
    standalone: bool = True,
    downloads: bool = True,
) -> str:
    """The report as HTML in `lang`: a whole page, or (`standalone=False`) a fragment."""
    words = texts.words("report", lang if lang in texts.LANGUAGES else "en")
    short = _Shortener(base)
    located = texts.words("validator", lang if lang in texts.LANGUAGES else "en")

    def where(result: Result) -> str | None:
        """ "line 20, column 1" for the focus node; "line unknown"; None: not looked up."""
        if check.locations is None:
            return None
        found = check.where(result)
        if found is None:
            return str(located["line_unknown"])
        key = "line_column" if found.column is not None else "line"
        return str(located[key]).format(line=found.line, column=found.column)

    groups: dict[str, list[Result]] = {}
    for result in check.report.results:
        groups.setdefault(term_key(result.focus_node) or "", []).append(result)
    files = []
    if downloads:
        turtle = report_rdf(check, "turtle")
        summary = json.dumps(check.to_json(lang), ensure_ascii=False, indent=2).encode("utf-8")
        files = [
            ("report.ttl", "Turtle", _data_url(formats.TURTLE, turtle)),
            ("report.json", "JSON", _data_url("application/json", summary)),
            (
                "report.jsonld",
                "JSON-LD",
                _data_url(formats.JSONLD, report_rdf(check, "json-ld")),
            ),
        ]
    return (
        templates.environment()
        .get_template("report.html")
        .render(
            check=check,
            report=check.report,
            comparison=check.comparison(),
            groups=[(results[0].focus_node, results) for results in groups.values()],
            lang=lang,
            w=words,
            short=short,
            key=finding_key,
            shape_link=lambda s: shape_link(s, base, shapes_page),
            fix=lambda r: fix_hint(r, lang, short),
            where=where,
            v=texts.words("validator", lang if lang in texts.LANGUAGES else "en"),
            files=files,
            standalone=standalone,
        )
    )


# ----------------------------------------------------------------------------- plain words

#: a refused upload's kind (the ``what_``/``fix_``/``example_`` keys of the ``validator``
#: words), most specific class first
KINDS: tuple[tuple[type[Problem], str], ...] = (
    (upload.BadSyntax, "syntax"),
    (upload.TooLarge, "too_large"),
    (upload.TooManyTriples, "too_many"),
    (OutOfMemory, "too_many"),
    (upload.UnsupportedFormat, "format"),
    (upload.NotText, "not_text"),
    (upload.EmptyDataset, "empty"),
    (NoDataset, "no_data"),
    (upload.RemoteContext, "remote_context"),
)


@dataclass(frozen=True)
class Explanation:
    """A refusal said plainly: what is wrong, where, how to fix it, an example; the lines
    around the place in the person's own text, and the technical detail."""

    kind: str
    what: str
    fix: str
    example: str
    where: str | None = None
    excerpt: list[tuple[int, str, bool]] = field(default_factory=list)
    column: int | None = None
    detail: str = ""


def explain(problem: Problem, lang: str, text: str | None = None) -> Explanation:
    """`problem` (a refused upload) in plain words in `lang`; with the submitted `text`,
    the line it names and one line either side."""
    words = texts.words("validator", lang if lang in texts.LANGUAGES else "en")
    kind = next((k for cls, k in KINDS if isinstance(problem, cls)), "other")
    what = words[f"what_{kind}"]
    if isinstance(problem, upload.BadSyntax):
        # the place is said under "where"; the parser's own "between line … and line …" goes
        message = re.sub(r"^Parser error (at|between) [^:]*: ", "", problem.message)
        what = what.format(format=problem.format.name, message=message)
    where = None
    if problem.line is not None:
        key = "line_column" if problem.column is not None else "line"
        where = words[key].format(line=problem.line, column=problem.column)
    excerpt = []
    if text and problem.line is not None:
        lines = text.splitlines()
        for number in range(max(1, problem.line - 1), min(len(lines), problem.line + 1) + 1):
            excerpt.append((number, lines[number - 1], number == problem.line))
    return Explanation(
        kind,
        what,
        words[f"fix_{kind}"],
        words[f"example_{kind}"],
        where,
        excerpt,
        problem.column,
        problem.detail,
    )


def fix_hint(result: Result, lang: str, short: _Shortener) -> str:
    """How to fix one finding, in `lang`, naming its focus node and path."""
    words = texts.words("validator", lang if lang in texts.LANGUAGES else "en")
    hint = words.get(f"fix_{result.constraint_component}", words["fix_other_component"])
    return str(hint).format(path=short.path(result.path), focus=short(result.focus_node))
