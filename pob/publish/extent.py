"""The temporal extent of a dataset (dcat:temporal): its earliest and latest dates."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from pob.graph.iri import term
from pob.graph.namespaces import SCHEMA
from pob.graph.prefixes import CANONICAL_BASE

#: predicates whose date values give a dataset's temporal extent (dcat:startDate/endDate):
#: when things happened (publications, partnerships, memberships, events, laws; and
#: ``pob:listedOn``, the date of a member list), not when a web page was read (sources'
#: ``dct:date``) nor the ontology's own version dates.
DATE_PREDICATES = (
    DCTERMS.issued,
    SCHEMA.startDate,
    SCHEMA.endDate,
    SCHEMA.legislationDate,
    SCHEMA.legislationDateOfApplicability,
)
DATE_TYPES = (XSD.date, XSD.dateTime, XSD.gYearMonth, XSD.gYear)
_DATE_RE = re.compile(r"^(-?\d{4,})(?:-(\d{2}))?(?:-(\d{2}))?")


def _date_bounds(value: Literal) -> tuple[tuple[int, int, int], tuple[int, int, int]] | None:
    m = _DATE_RE.match(str(value))
    if not m:
        return None
    year = int(m.group(1))
    month, day = m.group(2), m.group(3)
    first = (year, int(month or 1), int(day or 1))
    last = (year, int(month or 12), int(day or 31))
    return first, last


def temporal_extent(graph: Graph, base: str = CANONICAL_BASE) -> tuple[Literal, Literal] | None:
    """The earliest and latest date in `graph` (by :data:`DATE_PREDICATES`), as written."""
    return extent_of(v for p in date_predicates(base) for v in graph.objects(None, p))


def extent_of(values: Iterable[object]) -> tuple[Literal, Literal] | None:
    """The earliest and latest of the date literals among `values`, as written."""
    start: tuple[tuple[int, int, int], Literal] | None = None
    end: tuple[tuple[int, int, int], Literal] | None = None
    for value in values:
        if not isinstance(value, Literal) or value.datatype not in DATE_TYPES:
            continue
        bounds = _date_bounds(value)
        if bounds is None:
            continue
        first, last = bounds
        if start is None or first < start[0]:
            start = (first, value)
        if end is None or last > end[0]:
            end = (last, value)
    if start is None or end is None:
        return None
    return start[1], end[1]


def date_predicates(base: str) -> tuple[URIRef, ...]:
    """The predicates whose dates make the temporal extent."""
    return (*DATE_PREDICATES, term("listedOn", base))
