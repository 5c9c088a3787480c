"""A validation report as HTML (``pob/validation/templates/report.html``).

:func:`render_html` shows a :class:`~pob.validation.report.Check`: results grouped by focus
node, each with its message, the offending value and a link to the shape; with inference,
the comparison side by side; downloads of the machine report (the W3C report in Turtle and
JSON-LD, :func:`pob.validation.w3c.report_rdf`, and the JSON of
:meth:`~pob.validation.report.Check.to_json`).

The words around the messages (headings, labels) are in :data:`WORDS`, Danish and English.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import BNode, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.term import Node

from pob.graph.namespaces import CANONICAL_BASE, prefixes
from pob.validation.report import Check, Result, finding_key, term_key
from pob.validation.w3c import report_rdf

TEMPLATES = Path(__file__).resolve().parent / "templates"

WORDS: dict[str, dict[str, str]] = {
    "da": {
        "title": "Valideringsrapport",
        "conforms": "Datasættet overholder reglerne",
        "not_conforms": "Datasættet overholder ikke reglerne",
        "counts": "Fund efter alvor",
        "Violation": "Overtrædelse",
        "Warning": "Advarsel",
        "Info": "Oplysning",
        "profile": "Profil",
        "inference": "Ræsonnering",
        "triples": "tripler",
        "format": "Format",
        "focus": "Fokusnode",
        "path": "Egenskab",
        "value": "Værdi",
        "component": "Regeltype",
        "shape": "Regel",
        "message": "Besked",
        "none_found": "Ingen fund.",
        "download": "Hent rapporten",
        "comparison": "Med og uden ræsonnering",
        "appeared": "Kommer til med ræsonnering",
        "disappeared": "Forsvinder med ræsonnering",
        "unchanged": "Uændret med og uden ræsonnering (antal fund)",
        "without": "Uden ræsonnering",
        "with": "Med ræsonnering",
        "notes": "Bemærk",
        "lang_switch": "English",
        "results_for": "fund",
        "results_for_one": "fund",
    },
    "en": {
        "title": "Validation report",
        "conforms": "The dataset conforms",
        "not_conforms": "The dataset does not conform",
        "counts": "Findings by severity",
        "Violation": "Violation",
        "Warning": "Warning",
        "Info": "Info",
        "profile": "Profile",
        "inference": "Inference",
        "triples": "triples",
        "format": "Format",
        "focus": "Focus node",
        "path": "Property",
        "value": "Value",
        "component": "Constraint",
        "shape": "Shape",
        "message": "Message",
        "none_found": "No findings.",
        "download": "Download the report",
        "comparison": "With and without inference",
        "appeared": "Appear with inference",
        "disappeared": "Disappear with inference",
        "unchanged": "Unchanged with and without inference (findings)",
        "without": "Without inference",
        "with": "With inference",
        "notes": "Note",
        "lang_switch": "Dansk",
        "results_for": "findings",
        "results_for_one": "finding",
    },
}


_ENV = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


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
    """Where a person reads about a shape: ``/shapes#Name`` for ours, else the IRI."""
    text = str(shape)
    ours = f"{base}shapes#"
    if shapes_page is not None and isinstance(shape, URIRef) and text.startswith(ours):
        return f"{shapes_page}#{text[len(ours) :]}"
    return text if isinstance(shape, URIRef) else ""


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
    words = WORDS.get(lang, WORDS["en"])
    short = _Shortener(base)
    groups: dict[str, list[Result]] = {}
    for result in check.report.results:
        groups.setdefault(term_key(result.focus_node) or "", []).append(result)
    files = []
    if downloads:
        turtle = report_rdf(check, "turtle")
        summary = json.dumps(check.to_json(lang), ensure_ascii=False, indent=2).encode("utf-8")
        files = [
            ("report.ttl", "Turtle", _data_url("text/turtle", turtle)),
            ("report.json", "JSON", _data_url("application/json", summary)),
            (
                "report.jsonld",
                "JSON-LD",
                _data_url("application/ld+json", report_rdf(check, "json-ld")),
            ),
        ]
    return _ENV.get_template("report.html").render(
        check=check,
        report=check.report,
        comparison=check.comparison(),
        groups=[(results[0].focus_node, results) for results in groups.values()],
        lang=lang,
        w=words,
        short=short,
        key=finding_key,
        shape_link=lambda s: shape_link(s, base, shapes_page),
        files=files,
        standalone=standalone,
    )
