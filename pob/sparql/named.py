"""The named-query registry: one `.rq` file per query in `queries/`, its header read here.

A query file starts with a YAML header in comment lines prefixed ``#+`` (as grlc does)::

    #+ title:
    #+   da: Roller i netværket
    #+   en: Roles in the network
    #+ description:
    #+   da: …
    #+   en: …
    #+ params:
    #+   - name: lang
    #+     type: lang
    #+     default: da
    #+     description: {da: Sprog for etiketter, en: Language of labels}
    #+ returns: one row per organisation and role
    #+ chart: bar roleLabel           # optional: bar LABEL [VALUE] or timeline DATE LABEL

An ``iri`` parameter may name the class its values have (``class: pob:Region``, a prefixed
name or an IRI): the query's page offers the things of that class as choices. ``chart``
asks the page for a chart of the rows: ``bar LABEL`` counts the rows per LABEL, ``bar LABEL
VALUE`` sums the numbers in VALUE per LABEL, ``timeline DATE LABEL`` puts each row's LABEL
at its DATE (a year, year-month or date). The variables must be in the query.

Parameters appear in the query body as ``$name``; :func:`bind` replaces each with a typed,
escaped RDF term (never pasted text), outside strings, IRIs and comments.
QC queries that must return nothing are named ``*-violation.rq`` (:func:`load_qc_queries`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import yaml
from rdflib import Literal as RDFLiteral
from rdflib import URIRef
from rdflib.namespace import XSD

from pob.core.texts import LANGUAGES
from pob.graph.prefixes import CANONICAL_BASE, prefixes
from pob.graph.sources import QUERIES_DIR

ParamType = Literal["iri", "string", "integer", "decimal", "date", "boolean", "lang"]
PARAM_TYPES: tuple[str, ...] = ("iri", "string", "integer", "decimal", "date", "boolean", "lang")
QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

_IRI_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_LANG_RE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9-]*$")
_FORM_RE = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


class QueryFileError(ValueError):
    """A query file whose header is missing or wrong."""


class ParameterError(ValueError):
    """A parameter value that does not fit its declared type."""

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        self.message = message
        super().__init__(f"parameter {param!r}: {message}")


ChartKind = Literal["bar", "timeline"]
_CHART_RE = re.compile(r"^(bar|timeline)\s+([A-Za-z_]\w*)(?:\s+([A-Za-z_]\w*))?$")


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    default: str | None = None
    required: bool = False
    description: dict[str, str] = field(default_factory=dict)
    #: the class of an ``iri`` parameter's values (an IRI with the canonical base)
    of_class: str | None = None


@dataclass(frozen=True)
class Chart:
    """What the query's page draws (the header's ``chart``): a bar chart of `label` (row
    counts, or the sum of `value`), or a timeline of `label` at `value` (a date)."""

    kind: ChartKind
    label: str
    value: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"kind": self.kind, "label": self.label, "value": self.value}


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    title: dict[str, str]
    description: dict[str, str]
    params: list[Param]
    returns: str
    form: QueryForm
    text: str
    chart: Chart | None = None

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def header(self) -> dict[str, Any]:
        """The header as plain data (for the API and the CLI)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "form": self.form,
            "returns": self.returns,
            "params": [
                {
                    "name": p.name,
                    "type": p.type,
                    "default": p.default,
                    "required": p.required,
                    "description": p.description,
                    **({"class": p.of_class} if p.of_class else {}),
                }
                for p in self.params
            ],
            **({"chart": self.chart.to_json()} if self.chart else {}),
        }


def _bilingual(value: Any, what: str, path: Path) -> dict[str, str]:
    if not isinstance(value, dict) or not set(LANGUAGES) <= set(value):
        needed = " and ".join(repr(lang) for lang in LANGUAGES)
        raise QueryFileError(f"{path}: header '{what}' needs {needed}")
    return {str(k): str(v).strip() for k, v in value.items()}


def _strip_comments_and_strings(text: str) -> str:
    return re.sub(r"#[^\n]*|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|<[^<>\s]*>", " ", text)


def parse_query_file(path: Path) -> NamedQuery:
    """Read one `.rq` file and its header."""
    raw = path.read_text(encoding="utf-8")
    header_lines = [line[2:] for line in raw.splitlines() if line.startswith("#+")]
    if not header_lines:
        raise QueryFileError(f"{path}: no '#+' header")
    try:
        meta = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise QueryFileError(f"{path}: header is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise QueryFileError(f"{path}: header must be a mapping")
    name = path.stem
    if not _NAME_RE.match(name):
        raise QueryFileError(f"{path}: file name must be lower-case words joined by '-'")
    params: list[Param] = []
    for item in meta.get("params") or []:
        if not isinstance(item, dict) or "name" not in item or "type" not in item:
            raise QueryFileError(f"{path}: every param needs 'name' and 'type'")
        if item["type"] not in PARAM_TYPES:
            raise QueryFileError(f"{path}: param {item['name']}: unknown type {item['type']!r}")
        default = item.get("default")
        params.append(
            Param(
                name=str(item["name"]),
                type=item["type"],
                default=None if default is None else str(default),
                required=bool(item.get("required", default is None)),
                description=_bilingual(item.get("description"), f"params.{item['name']}", path),
                of_class=_class(item, path),
            )
        )
    body = "\n".join(line for line in raw.splitlines() if not line.startswith("#+"))
    form_match = _FORM_RE.search(
        _strip_comments_and_strings(re.sub(r"(?im)^\s*PREFIX.*$", "", body))
    )
    if not form_match:
        raise QueryFileError(f"{path}: cannot find the query form")
    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", _strip_comments_and_strings(body)))
    declared = {p.name for p in params}
    if used != declared:
        raise QueryFileError(
            f"{path}: parameters used {sorted(used)} differ from declared {sorted(declared)}"
        )
    if "returns" not in meta:
        raise QueryFileError(f"{path}: header needs 'returns'")
    chart = _chart(meta.get("chart"), body, path)
    return NamedQuery(
        name=name,
        path=path,
        title=_bilingual(meta.get("title"), "title", path),
        description=_bilingual(meta.get("description"), "description", path),
        params=params,
        returns=str(meta["returns"]).strip(),
        form=form_match.group(1).upper(),  # type: ignore[arg-type]
        text=body.strip() + "\n",
        chart=chart,
    )


def _class(item: dict[str, Any], path: Path) -> str | None:
    """An ``iri`` parameter's ``class`` as an IRI (a prefixed name of the project's, or an
    IRI)."""
    value = item.get("class")
    if value is None:
        return None
    if item["type"] != "iri":
        raise QueryFileError(f"{path}: param {item['name']}: only an iri parameter has a class")
    text = str(value).strip().strip("<>")
    prefix, colon, local = text.partition(":")
    table = prefixes()
    if colon and prefix in table and not local.startswith("//"):
        return table[prefix] + local
    if not _IRI_RE.match(text) or not text.startswith(("http://", "https://")):
        raise QueryFileError(f"{path}: param {item['name']}: class {value!r} is no known name")
    return text


def _chart(value: Any, body: str, path: Path) -> Chart | None:
    if value is None:
        return None
    found = _CHART_RE.match(str(value).strip())
    if not found:
        raise QueryFileError(f"{path}: chart must be 'bar LABEL [VALUE]' or 'timeline DATE LABEL'")
    kind, first, second = found.groups()
    if kind == "timeline" and second is None:
        raise QueryFileError(f"{path}: a timeline needs 'timeline DATE LABEL'")
    for name in (first, second):
        if name is not None and not re.search(rf"\?{name}\b", body):
            raise QueryFileError(f"{path}: chart variable ?{name} is not in the query")
    if kind == "timeline":
        return Chart("timeline", label=second, value=first)
    return Chart("bar", label=first, value=second)


def load_queries(folder: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """All named queries (not the `*-violation.rq` QC queries), by name."""
    return {
        q.name: q
        for q in (parse_query_file(p) for p in sorted(folder.glob("*.rq")))
        if not q.name.endswith("-violation")
    }


def load_qc_queries(folder: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """The QC queries that must return nothing, by name."""
    return {p.stem: parse_query_file(p) for p in sorted(folder.glob("*-violation.rq"))}


def to_term(param: Param, value: str, base: str = CANONICAL_BASE) -> str:
    """The SPARQL syntax of a validated parameter value."""
    value = value.strip()
    kind = param.type
    if kind == "iri":
        if not _IRI_RE.match(value):
            raise ParameterError(param.name, f"not an absolute IRI: {value!r}")
        return URIRef(value).n3()
    if kind == "string":
        return RDFLiteral(value).n3()
    if kind == "lang":
        if not _LANG_RE.match(value):
            raise ParameterError(param.name, f"not a language tag: {value!r}")
        if value.lower() not in LANGUAGES:  # the labels and titles exist in these only
            offered = " or ".join(LANGUAGES)
            raise ParameterError(param.name, f"no labels in {value!r}; choose {offered}")
        return RDFLiteral(value.lower()).n3()
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", value):
            raise ParameterError(param.name, f"not an integer: {value!r}")
        return RDFLiteral(int(value), datatype=XSD.integer).n3()
    if kind == "decimal":
        try:
            number = Decimal(value)
        except InvalidOperation as exc:
            raise ParameterError(param.name, f"not a decimal number: {value!r}") from exc
        if not number.is_finite():
            raise ParameterError(param.name, f"not a finite number: {value!r}")
        return RDFLiteral(number, datatype=XSD.decimal).n3()
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise ParameterError(param.name, f"not a date (YYYY-MM-DD): {value!r}") from exc
        return RDFLiteral(value, datatype=XSD.date).n3()
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise ParameterError(param.name, f"not true or false: {value!r}")
        return RDFLiteral(value.lower() == "true").n3()
    raise ParameterError(param.name, f"unknown type {kind}")  # pragma: no cover


_TOKEN_RE = re.compile(
    r"(?P<skip>#[^\n]*|\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|\"(?:[^\"\\\n]|\\.)*\""
    r"|'(?:[^'\\\n]|\\.)*'|<[^<>\s]*>)|\$(?P<var>[A-Za-z_][A-Za-z0-9_]*)"
)


def bind(query: NamedQuery, values: Mapping[str, str], base: str = CANONICAL_BASE) -> str:
    """The query text with every `$param` replaced by its typed value (or default)."""
    unknown = set(values) - {p.name for p in query.params}
    if unknown:
        name = sorted(unknown)[0]
        raise ParameterError(name, f"{query.name} has no such parameter")
    terms: dict[str, str] = {}
    for param in query.params:
        raw = values.get(param.name, param.default)
        if raw is None or raw == "":
            raise ParameterError(param.name, "is required")
        if param.type == "iri" and raw.startswith(CANONICAL_BASE) and base != CANONICAL_BASE:
            raw = base + raw[len(CANONICAL_BASE) :]
        terms[param.name] = to_term(param, raw, base)

    def replace(match: re.Match[str]) -> str:
        if match.group("skip"):
            return match.group(0)
        return terms[match.group("var")]

    text = _TOKEN_RE.sub(replace, query.text)
    if base != CANONICAL_BASE:
        text = text.replace(CANONICAL_BASE, base)
    return text
