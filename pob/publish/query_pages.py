"""A named query as a page: its answer as rows, the choices for its parameters, its chart.

:func:`answer` runs the query exactly as ``GET /api/queries/{name}?format=json`` does
(:func:`pob.sparql.named.bind`, then :func:`pob.sparql.protocol.prepare` and ``execute``:
the guard, the row limit, the timeout), so the page's table and the API give the same
rows. :func:`choices` offers, for an ``iri`` parameter whose header names a class, the
things of that class with their labels in the page language (one SELECT on the store).
:func:`chart_data` reduces the rows to what the header's ``chart`` asks for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pob.graph.prefixes import CANONICAL_BASE
from pob.publish.portal import curie, labels, local_href
from pob.settings import Settings
from pob.sparql import protocol
from pob.sparql.named import Chart, NamedQuery, Param, bind
from pob.store.base import Store

#: the most choices a select offers (past it the parameter is a text field)
MAX_CHOICES = 400
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(frozen=True)
class Cell:
    """One value of a row as a page shows it: the text, a link (our IRIs to their local
    page), and the value as the API gives it (for the tests and the chart)."""

    value: str
    kind: str  # uri, literal, bnode
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Answer:
    """The query's variables and rows (a row: variable → cell; unbound ones missing)."""

    variables: list[str]
    rows: list[dict[str, Cell]]


def rebased(iri: str, base: str) -> str:
    """An IRI written with the canonical base, moved to the service's base."""
    if base != CANONICAL_BASE and iri.startswith(CANONICAL_BASE):
        return base + iri[len(CANONICAL_BASE) :]
    return iri


def cell(binding: Mapping[str, Any], base: str) -> Cell:
    """A SPARQL JSON binding as a cell."""
    value, kind = str(binding["value"]), str(binding["type"])
    if kind == "uri":
        return Cell(value, kind, curie(value, base), local_href(value, base))
    if kind == "bnode":
        return Cell(value, kind, f"_:{value}")
    return Cell(value, "literal", value)


async def answer(
    store: Store,
    settings: Settings,
    query: NamedQuery,
    values: Mapping[str, str],
    inference: bool = True,
) -> Answer:
    """The rows of `query` with `values`, as ``/api/queries/{name}?format=json`` has them.
    Raises :class:`pob.sparql.named.ParameterError` for a bad value and the protocol's
    :class:`~pob.core.problems.Problem` s (timeout, too many rows)."""
    text = bind(query, values, settings.base)
    prepared = await protocol.prepare(
        store, settings, text, format_name="json", inference=inference
    )
    result = await protocol.execute(store, settings, prepared)
    data = json.loads(result.read())
    variables = list(data["head"]["vars"])
    rows = [
        {name: cell(binding, settings.base) for name, binding in row.items()}
        for row in data["results"]["bindings"]
    ]
    return Answer(variables, rows)


async def choices(store: Store, param: Param, lang: str, base: str) -> list[tuple[str, str]]:
    """The things of `param`'s class as (IRI, label in `lang`), by label; [] when it names
    no class or there are more than :data:`MAX_CHOICES`."""
    if param.of_class is None:
        return []
    of_class = rebased(param.of_class, base)
    rows = await store.select(
        f"SELECT DISTINCT ?x WHERE {{ ?x a <{of_class}> FILTER(isIRI(?x)) }} "
        f"LIMIT {MAX_CHOICES + 1}"
    )
    iris = [str(r["x"]["value"]) for r in rows]
    if len(iris) > MAX_CHOICES:
        return []
    named = await labels(store, base, iris, lang)
    return sorted(((iri, named.get(iri, curie(iri, base))) for iri in iris), key=_sort_key)


def _sort_key(item: tuple[str, str]) -> tuple[str, str]:
    return (item[1].casefold(), item[0])


def _number(text: str) -> float | None:
    try:
        return float(Decimal(text))
    except (InvalidOperation, ValueError):
        return None


def _year(text: str) -> float | None:
    """A date of the precision the sources give (``2018``, ``2018-06``, ``2018-06-22``) as
    a fractional year."""
    found = _DATE.match(text)
    if not found:
        return None
    year, month, day = (int(g) if g else None for g in found.groups())
    assert year is not None
    return year + ((month or 1) - 1) / 12 + ((day or 1) - 1) / 365


def chart_data(chart: Chart, result: Answer) -> dict[str, Any]:
    """What the page's script draws: ``bar``: labels and values (rows counted per label,
    or the sum of the value column per label, in first-seen order); ``timeline``: points
    (fractional year, label, the date as written)."""
    out: dict[str, Any] = {"kind": chart.kind}
    if chart.kind == "bar":
        totals: dict[str, float] = {}
        for row in result.rows:
            label = row.get(chart.label)
            if label is None:
                continue
            amount = 1.0
            if chart.value is not None:
                found = row.get(chart.value)
                amount = (_number(found.value) if found else None) or 0.0
            totals[label.text] = totals.get(label.text, 0.0) + amount
        out |= {"labels": list(totals), "values": list(totals.values())}
        return out
    points = []
    for row in result.rows:
        date, label = row.get(chart.value or ""), row.get(chart.label)
        year = _year(date.value) if date else None
        if date is not None and year is not None:
            points.append(
                {"x": round(year, 3), "label": label.text if label else "", "date": date.value}
            )
    out["points"] = points
    return out


def download_formats() -> list[tuple[str, str]]:
    """(short name, label) of each format a SELECT answer downloads in."""
    return [("csv", "CSV"), ("tsv", "TSV"), ("json", "JSON"), ("xml", "XML")]
