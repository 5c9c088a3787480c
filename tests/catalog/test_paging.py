"""Catalog paging as ckanext-dcat serves it: a hydra:PagedCollection on each page."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from pob.publish.catalog import PageNotFound, catalog_graph, page_links
from pob.publish.manifest import DumpManifest

from .conftest import BASE, N_SUBMISSIONS, PAGE_SIZE, PUBLIC_URL, submission_infos

RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
CATALOG = URIRef(f"{PUBLIC_URL}/catalog")


def page(manifest: DumpManifest, number: int | None, size: int = PAGE_SIZE) -> Graph:
    return catalog_graph(manifest, BASE, PUBLIC_URL, submission_infos(N_SUBMISSIONS), number, size)


def url(n: int) -> str:
    return f"{PUBLIC_URL}/catalog?page={n}"


def test_three_pages_hold_every_dataset_once(curated_dumps: tuple[Path, DumpManifest]) -> None:
    manifest = curated_dumps[1]
    seen: list[URIRef] = []
    for n in (1, 2, 3):
        g = page(manifest, n)
        datasets = sorted(d for d in g.objects(CATALOG, DCAT.dataset) if isinstance(d, URIRef))
        assert len(datasets) == PAGE_SIZE
        assert set(datasets) == set(g.subjects(RDF.type, DCAT.Dataset))
        seen += datasets
        # every page is complete in itself: catalog metadata and the service
        assert g.value(CATALOG, DCT.title) is not None
        assert g.value(CATALOG, DCT.publisher) is not None
        service = g.value(CATALOG, DCAT.service)
        assert set(g.objects(service, DCAT.servesDataset)) == set(datasets)
    assert len(seen) == len(set(seen)) == N_SUBMISSIONS + 1
    assert URIRef(f"{PUBLIC_URL}/catalog/dataset/curated") in seen


@pytest.mark.parametrize("n", [1, 2, 3])
def test_hydra_links(curated_dumps: tuple[Path, DumpManifest], n: int) -> None:
    g = page(curated_dumps[1], n)
    nodes = list(g.subjects(RDF.type, HYDRA.PagedCollection))
    assert nodes == [URIRef(url(n))]
    node = nodes[0]
    assert g.value(node, HYDRA.totalItems) == Literal(N_SUBMISSIONS + 1)
    assert g.value(node, HYDRA.itemsPerPage) == Literal(PAGE_SIZE)
    expected = {
        "first": url(1),
        "last": url(3),
        "next": url(n + 1) if n < 3 else None,
        "previous": url(n - 1) if n > 1 else None,
    }
    for name, target in expected.items():
        current = g.value(node, HYDRA[name])
        deprecated = g.value(node, HYDRA[f"{name}Page"])
        if target is None:
            assert current is None and deprecated is None, name
        else:
            assert current == URIRef(target), name
            assert deprecated == Literal(target), name


def test_no_paging_when_everything_fits(curated_dumps: tuple[Path, DumpManifest]) -> None:
    g = page(curated_dumps[1], None, size=50)
    assert not list(g.subjects(RDF.type, HYDRA.PagedCollection))
    assert len(list(g.objects(CATALOG, DCAT.dataset))) == N_SUBMISSIONS + 1


def test_too_many_datasets_start_paging_at_page_one(
    curated_dumps: tuple[Path, DumpManifest],
) -> None:
    g = page(curated_dumps[1], None)
    assert list(g.subjects(RDF.type, HYDRA.PagedCollection)) == [URIRef(url(1))]


@pytest.mark.parametrize("n", [0, 4, -1])
def test_pages_out_of_range(curated_dumps: tuple[Path, DumpManifest], n: int) -> None:
    with pytest.raises(PageNotFound):
        page(curated_dumps[1], n)


def test_page_links_for_link_headers() -> None:
    links = page_links(total=6, page=2, page_size=2, public_url=PUBLIC_URL + "/")
    assert (links.last, links.next, links.previous) == (3, url(3), url(1))
    assert page_links(0, 1, 50, PUBLIC_URL).last == 1
    with pytest.raises(ValueError):
        page_links(6, 1, 0, PUBLIC_URL)
