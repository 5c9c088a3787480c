"""What the catalog's pages show, read from the catalog graph (:mod:`pob.publish.catalog`).

The HTML of ``/catalog`` and ``/catalog/…`` is rendered from the same DCAT graph that the
RDF answers carry; this module picks out what a person needs beside the generic property
table of :func:`pob.publish.resources.describe`: the datasets of the catalog, and for a
dataset (or one distribution) a download per distribution with its format, media type, size
and SHA-256 checksum.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF
from rdflib.term import Node

from pob.graph.labels import Link, Text
from pob.graph.namespaces import SPDX
from pob.publish.catalog_terms import IANA
from pob.publish.resources import GraphView, Property, describe

#: what the page's own sections show, so the property table leaves them out
SHOWN_APART = frozenset(
    str(p) for p in (DCTERMS.title, DCTERMS.description, DCAT.distribution, DCAT.dataset)
)
_UNITS = ("B", "kB", "MB", "GB", "TB")


@dataclass(frozen=True)
class Download:
    """One distribution as a download button: `href` is the file (or the service that
    gives it), `page` the distribution's own page here."""

    link: Link
    description: Text | None
    href: str | None
    direct: bool  # a dcat:downloadURL (a file), not only a dcat:accessURL
    format: Link | None
    media_type: str | None
    byte_size: int | None
    sha256: str | None


@dataclass(frozen=True)
class DatasetEntry:
    """A dataset as the catalog page lists it."""

    link: Link
    description: Text | None
    downloads: int


def human_size(size: int, lang: str) -> str:
    """`size` bytes in decimal units, one decimal below 10 (``1,2 MB`` in Danish)."""
    value, unit = float(size), 0
    while value >= 1000 and unit < len(_UNITS) - 1:
        value, unit = value / 1000, unit + 1
    if unit == 0:
        return f"{size} B"
    text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    if lang == "da":
        text = text.replace(".", ",")
    return f"{text} {_UNITS[unit]}"


def _first(graph: Graph, s: Node, p: URIRef) -> Node | None:
    return min(graph.objects(s, p), key=str, default=None)


def _checksum(graph: Graph, dist: Node) -> str | None:
    for node in graph.objects(dist, SPDX.checksum):
        if (node, SPDX.algorithm, SPDX.checksumAlgorithm_sha256) in graph:
            value = _first(graph, node, SPDX.checksumValue)
            if value is not None:
                return str(value)
    return None


def download(view: GraphView, dist: Node, lang: str) -> Download:
    """What the page shows of one distribution."""
    graph, namer = view.union, view.namer
    target = _first(graph, dist, DCAT.downloadURL)
    direct = target is not None
    target = target if target is not None else _first(graph, dist, DCAT.accessURL)
    media = _first(graph, dist, DCAT.mediaType)
    media_type = str(media).removeprefix(IANA) if media is not None else None
    fmt = _first(graph, dist, DCTERMS["format"])
    size = _first(graph, dist, DCAT.byteSize)
    return Download(
        link=namer.link(dist, lang),
        description=namer.description(dist, lang),
        href=namer.href(str(target))[0] if target is not None else None,
        direct=direct,
        format=namer.link(fmt, lang) if fmt is not None else None,
        media_type=media_type,
        byte_size=int(str(size)) if size is not None and str(size).isdigit() else None,
        sha256=_checksum(graph, dist),
    )


def downloads(view: GraphView, iri: str, lang: str) -> tuple[Download, ...]:
    """The downloads of a dataset (its distributions, files first, by title), or of a
    distribution (itself); none for anything else."""
    node, graph = URIRef(iri), view.union
    if (node, RDF.type, DCAT.Distribution) in graph:
        return (download(view, node, lang),)
    found = [download(view, d, lang) for d in graph.objects(node, DCAT.distribution)]
    found.sort(key=lambda d: (not d.direct, d.link.label.value.casefold(), d.link.iri))
    return tuple(found)


def datasets(view: GraphView, iri: str, lang: str) -> tuple[DatasetEntry, ...]:
    """The datasets of a catalog page, in the catalog's order (by title)."""
    graph, namer = view.union, view.namer
    entries = [
        DatasetEntry(
            namer.link(d, lang),
            namer.description(d, lang),
            len(set(graph.objects(d, DCAT.distribution))),
        )
        for d in graph.objects(URIRef(iri), DCAT.dataset)
    ]
    entries.sort(key=lambda e: (e.link.label.value.casefold(), e.link.iri))
    return tuple(entries)


def parent_dataset(view: GraphView, iri: str, lang: str) -> Link | None:
    """The dataset a distribution belongs to."""
    for d in view.union.subjects(DCAT.distribution, URIRef(iri)):
        return view.namer.link(d, lang)
    return None


@dataclass(frozen=True)
class Part:
    """A node with a hash IRI in the document (``/catalog#publisher``): shown on the page
    under the anchor its IRI names."""

    anchor: str
    label: Text
    properties: tuple[Property, ...]


def parts(view: GraphView, iri: str, lang: str) -> tuple[Part, ...]:
    """The nodes ``{iri}#…`` the graph describes, so that links to them land on a section."""
    found = {s for s in view.union.subjects() if isinstance(s, URIRef) and s.startswith(iri + "#")}
    out = []
    for node in sorted(found):
        r = describe(view, str(node), lang)
        out.append(Part(node.removeprefix(iri + "#"), r.label, r.properties))
    return tuple(out)


def shown_properties(properties: tuple[Property, ...]) -> tuple[Property, ...]:
    """The property table of a catalog page: what its own sections do not show."""
    return tuple(p for p in properties if p.predicate.iri not in SHOWN_APART)
