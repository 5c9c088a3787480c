"""CSV tables of the main classes, for people who want a spreadsheet rather than RDF.

One row per instance (sorted by IRI), a header row, UTF-8, RFC 4180 quoting. The first column
is the instance's IRI; columns that point at other things hold their IRIs, several of them
separated by one space (IRIs have no spaces). A literal column holds one value: for labels the
one in the column's language, otherwise the first in sorted order. ``sources`` lists the
``dct:source`` IRIs behind the row (see ``sources.csv`` for titles and URLs).

Instances are found by class, including subclasses the graph itself states
(``rdfs:subClassOf*``), so the tables need no inference: they are built from the asserted
ontology + data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS

from pob.graph.iri import term
from pob.graph.namespaces import CV, ORG, SCHEMA


@dataclass(frozen=True)
class Column:
    """A column: the values of `predicate` (only `lang`-tagged ones if `lang` is set)."""

    name: str
    predicate: URIRef
    lang: str | None = None
    class_values: bool = False  # rdf:type column: only the table's own classes


@dataclass(frozen=True)
class Table:
    name: str
    classes: tuple[URIRef, ...]
    columns: tuple[Column, ...]
    exclude: tuple[URIRef, ...] = ()


def _labels() -> tuple[Column, Column]:
    return Column("label_da", RDFS.label, "da"), Column("label_en", RDFS.label, "en")


def tables(base: str) -> tuple[Table, ...]:
    """The tables written to ``csv/``, with the terms of `base`."""
    pob = lambda name: term(name, base)  # noqa: E731
    sources = Column("sources", DCTERMS.source)
    return (
        Table(
            "municipalities",
            (pob("Municipality"),),
            (
                *_labels(),
                Column("kommunekode", pob("kommunekode")),
                Column("region", pob("region")),
                Column("homepage", FOAF.homepage),
                sources,
            ),
        ),
        Table(
            "organisations",
            (ORG.Organization, ORG.FormalOrganization, CV.PublicOrganisation),
            (
                *_labels(),
                Column("type", RDF.type, class_values=True),
                Column("unit_of", ORG.unitOf),
                Column("country", pob("country")),
                Column("homepage", FOAF.homepage),
                sources,
            ),
            exclude=(pob("Municipality"), pob("Partnership")),
        ),
        Table(
            "partnerships",
            (pob("Partnership"),),
            (
                *_labels(),
                Column("type", RDF.type, class_values=True),
                Column("municipality", pob("municipality")),
                Column("area", pob("operatesIn")),
                Column("model", pob("model")),
                Column("case_status", pob("caseStatus")),
                Column("start_date", SCHEMA.startDate),
                Column("end_date", SCHEMA.endDate),
                Column("homepage", FOAF.homepage),
                sources,
            ),
        ),
        Table(
            "publications",
            (pob("Publication"),),
            (
                Column("title", DCTERMS.title),
                *_labels(),
                Column("type", RDF.type, class_values=True),
                Column("issued", DCTERMS.issued),
                Column("publisher", DCTERMS.publisher),
                Column("publication_of", pob("publicationOf")),
                Column("url", SCHEMA.url),
                sources,
            ),
        ),
        Table(
            "memberships",
            (ORG.Membership,),
            (
                Column("organisation", ORG.organization),
                Column("member", ORG.member),
                Column("role", ORG.role),
                Column("start_date", SCHEMA.startDate),
                Column("end_date", SCHEMA.endDate),
                Column("listed_on", pob("listedOn")),
                sources,
            ),
        ),
        Table(
            "sources",
            (pob("Source"),),
            (
                Column("title", DCTERMS.title),
                Column("url", SCHEMA.url),
                Column("date", DCTERMS.date),
                Column("part_of", DCTERMS.isPartOf),
            ),
        ),
    )


def _closure(graph: Graph, classes: tuple[URIRef, ...]) -> set[URIRef]:
    out: set[URIRef] = set()
    for cls in classes:
        out.update(
            c for c in graph.transitive_subjects(RDFS.subClassOf, cls) if isinstance(c, URIRef)
        )
    return out


def instances(graph: Graph, table: Table) -> list[URIRef]:
    """The IRIs of the table's rows, sorted."""
    wanted = _closure(graph, table.classes)
    unwanted = _closure(graph, table.exclude)
    found = {s for c in wanted for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}
    dropped = {s for c in unwanted for s in graph.subjects(RDF.type, c)}
    return sorted(found - dropped, key=str)


def _cell(graph: Graph, subject: URIRef, column: Column, own: set[URIRef]) -> str:
    values = list(graph.objects(subject, column.predicate))
    if column.lang is not None:
        values = [v for v in values if isinstance(v, Literal) and v.language == column.lang]
    if column.class_values:
        values = [v for v in values if v in own]
    if not values:
        return ""
    if all(isinstance(v, URIRef) for v in values):
        return " ".join(sorted(str(v) for v in values))
    return sorted(str(v) for v in values)[0]


def rows(graph: Graph, table: Table) -> Iterator[list[str]]:
    """The header, then one row per instance."""
    yield ["iri", *(c.name for c in table.columns)]
    own = _closure(graph, table.classes)
    for subject in instances(graph, table):
        yield [str(subject), *(_cell(graph, subject, c, own) for c in table.columns)]


def table_csv(graph: Graph, table: Table) -> tuple[bytes, int]:
    """The table as CSV bytes and its number of data rows."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    count = -1
    for row in rows(graph, table):
        writer.writerow(row)
        count += 1
    return buffer.getvalue().encode("utf-8"), count


def write_tables(graph: Graph, base: str) -> Iterator[tuple[str, bytes, int]]:
    """(table name, CSV bytes, row count) for every table."""
    for table in tables(base):
        data, count = table_csv(graph, table)
        yield table.name, data, count
