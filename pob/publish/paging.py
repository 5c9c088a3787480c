"""Paging the catalog the way ckanext-dcat pages its own (a ``hydra:PagedCollection``).

:func:`page_links` says where a page sits among the pages (for the HTTP ``Link`` headers too);
:func:`add_paging` writes it into a page of the catalog (:mod:`pob.publish.catalog`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from pob.graph.namespaces import HYDRA
from pob.publish.manifest import normalise_public_url


class PageNotFound(ValueError):
    """A catalog page number outside 1..last."""


@dataclass(frozen=True)
class PageLinks:
    """Where a catalog page sits among the pages (ckanext-dcat's pagination info)."""

    public_url: str
    page: int
    last: int
    total: int
    page_size: int

    def url(self, page: int) -> str:
        return f"{self.public_url}/catalog?page={page}"

    @property
    def next(self) -> str | None:
        return self.url(self.page + 1) if self.page < self.last else None

    @property
    def previous(self) -> str | None:
        return self.url(self.page - 1) if self.page > 1 else None


def page_links(total: int, page: int, page_size: int, public_url: str) -> PageLinks:
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    last = max(1, math.ceil(total / page_size))
    if not 1 <= page <= last:
        raise PageNotFound(f"page {page} is not in 1..{last}")
    return PageLinks(normalise_public_url(public_url), page, last, total, page_size)


def add_paging(g: Graph, links: PageLinks) -> None:
    """hydra:PagedCollection as ckanext-dcat writes it (processors.py `_add_pagination_triples`).

    ckanext-dcat writes the deprecated ``hydra:firstPage``/``lastPage``/``nextPage``/
    ``previousPage`` and the current ``hydra:first``/``last``/``next``/``previous`` with the
    page URLs as plain literals; its harvester reads ``hydra:next`` first, then
    ``hydra:nextPage``, with ``str()``. We write the deprecated four as literals (exactly what
    older harvesters saw) and the current four as IRIs (their range in Hydra), which both read.
    """
    node = URIRef(links.url(links.page))
    g.add((node, RDF.type, HYDRA.PagedCollection))
    g.add((node, HYDRA.totalItems, Literal(links.total)))
    g.add((node, HYDRA.itemsPerPage, Literal(links.page_size)))
    pairs = (
        (links.url(1), HYDRA.firstPage, HYDRA.first),
        (links.url(links.last), HYDRA.lastPage, HYDRA.last),
        (links.next, HYDRA.nextPage, HYDRA.next),
        (links.previous, HYDRA.previousPage, HYDRA.previous),
    )
    for url, old, new in pairs:
        if url is not None:
            g.add((node, old, Literal(url)))
            g.add((node, new, URIRef(url)))
