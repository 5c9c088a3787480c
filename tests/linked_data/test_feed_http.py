"""The open-data feed over HTTP: /catalog, /catalog/…, /.well-known/void, /dumps/….

The catalog fetched from the running service is validated against the official DCAT-AP
3.0.1 shapes (as tests/catalog does for the library) and read the way ckanext-dcat reads it
(RDF/XML, following hydra:next). A submission (POST /api/datasets) must page the catalog
and appear in the dumps; withdrawing it must take it out again.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from pob.publish.manifest import load_manifest
from tests.catalog.test_ckan_parser import extras, harvest
from tests.catalog.test_dcat_ap import REQUIRED_TARGETS, findings, focus_pairs
from tests.linked_data.conftest import SUBMIT, TOKEN, Served

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
SHAPE_FILES = ("shapes.ttl", "shapes_recommended.ttl", "range.ttl")


def fetch_graph(client: httpx.Client, url: str, accept: str = "application/rdf+xml") -> Graph:
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    return Graph().parse(data=response.content, format=RDF_FORMATS[accept])


def links(response: httpx.Response) -> dict[str, str]:
    """rel -> URL of the Link header (alternates left out)."""
    out = {}
    for part in response.headers.get("link", "").split(","):
        url, _, params = part.strip().partition(";")
        if 'rel="alternate"' not in params and "rel=" in params:
            out[params.split("rel=")[1].strip('" ')] = url.strip("<> ")
    return out


# ----------------------------------------------------------------------------- catalog


@pytest.mark.parametrize("accept", [None, "*/*", *RDF_FORMATS])
def test_catalog_by_content_negotiation(own_server: Served, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    response = own_server.client.get("/catalog", headers=headers)
    media_type = accept if accept in RDF_FORMATS else "text/turtle"
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert "Accept" in response.headers["vary"]
    graph = Graph().parse(data=response.content, format=RDF_FORMATS[media_type])
    catalog = URIRef(f"{own_server.url}/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert links(response) == {"first": f"{own_server.url}/catalog?page=1",
                               "last": f"{own_server.url}/catalog?page=1"}  # fmt: skip


@pytest.mark.parametrize("shapes_file", SHAPE_FILES)
def test_served_catalog_conforms_to_dcat_ap(own_server: Served, shapes_file: str) -> None:
    data = fetch_graph(own_server.client, "/catalog")  # RDF/XML, as ckanext-dcat asks
    assert REQUIRED_TARGETS[shapes_file] - {"Identifier"} <= set(focus_pairs(data, shapes_file))
    results = findings(data, shapes_file)
    assert [f for f in results if f.severity == "Violation"] == []
    assert results == []


def test_every_download_in_the_catalog_is_served(own_server: Served) -> None:
    data = fetch_graph(own_server.client, "/catalog.ttl", "text/turtle")
    downloads = list(data.subject_objects(DCAT.downloadURL))
    assert len(downloads) >= 11
    for dist, url in downloads:
        response = own_server.client.get(str(url))
        assert response.status_code == 200, url
        assert int(response.headers["content-length"]) == int(data.value(dist, DCAT.byteSize))
        checksum = data.value(data.value(dist, SPDX.checksum), SPDX.checksumValue)
        assert hashlib.sha256(response.content).hexdigest() == str(checksum)
        assert response.headers["etag"] == f'"{checksum}"'
        media = str(data.value(dist, DCAT.mediaType)).rsplit("media-types/", 1)[1]
        assert response.headers["content-type"].startswith(media)


def test_ckan_reads_the_served_catalog(own_server: Served) -> None:
    """CKAN's own parser (ckanext-dcat, tests/catalog/test_ckan_parser.py) on this server."""
    result = harvest(own_server.url, "da")
    assert [p["url"] for p in result["pages"]] == [own_server.url + "/catalog"]
    (package,) = result["datasets"]
    assert package["title"] and package["notes"] and extras(package)["identifier"]
    assert extras(package)["publisher_name"] and extras(package)["theme"]
    assert package["license_id"] == "cc-by"
    assert len(package["resources"]) >= 11
    for resource in package["resources"]:
        assert resource["url"].startswith(own_server.url + "/dumps/")
        assert resource["mimetype"] and resource["hash"] and resource["format"]


@pytest.mark.parametrize(("page", "status"), [("0", 400), ("x", 400), ("-1", 400), ("2", 404)])
def test_bad_catalog_pages(own_server: Served, page: str, status: int) -> None:
    assert own_server.client.get(f"/catalog?page={page}").status_code == status


def test_a_dataset_resolves(own_server: Served) -> None:
    iri = f"{own_server.url}/catalog/dataset/curated"
    data = fetch_graph(own_server.client, iri, "text/turtle")
    dataset = URIRef(iri)
    assert (dataset, RDF.type, DCAT.Dataset) in data
    dists = list(data.objects(dataset, DCAT.distribution))
    assert len(dists) >= 11
    assert all((d, DCAT.downloadURL, None) in data for d in dists)  # its parts come along
    page = own_server.client.get(iri, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<h1" in page.text
    dist = own_server.client.get(str(dists[0]), headers={"Accept": "text/turtle"})
    assert dist.status_code == 200
    assert own_server.client.get("/catalog/dataset/nothing").status_code == 404


# ----------------------------------------------------------------------------- VoID


def test_void(own_server: Served, own_graph: Graph) -> None:
    response = own_server.client.get("/.well-known/void")
    assert response.headers["content-type"].startswith("text/turtle")
    void = Graph().parse(data=response.content, format="turtle")
    dataset = URIRef(f"{own_server.url}/.well-known/void#dataset")
    triples = int(void.value(dataset, VOID.triples))
    assert triples > len(own_graph)  # asserted + inferred + meta
    assert (dataset, VOID.sparqlEndpoint, URIRef(f"{own_server.url}/sparql")) in void
    for dump in void.objects(dataset, VOID.dataDump):
        assert own_server.client.head(str(dump)).status_code == 200
    for example in void.objects(dataset, VOID.exampleResource):
        assert own_server.client.get(str(example), headers={"Accept": "text/turtle"}).is_success
    etag = response.headers["etag"]
    again = own_server.client.get("/.well-known/void", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    xml = own_server.client.get("/.well-known/void", headers={"Accept": "application/rdf+xml"})
    assert xml.headers["etag"] != etag
    assert len(Graph().parse(data=xml.content, format="xml")) == len(void)


# ----------------------------------------------------------------------------- dumps


def test_dump_headers_and_conditional_requests(own_server: Served) -> None:
    client = own_server.client
    response = client.get("/dumps/pob.ttl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    digest = hashlib.sha256(response.content).hexdigest()
    assert response.headers["etag"] == f'"{digest}"'
    assert int(response.headers["content-length"]) == len(response.content)
    modified = response.headers["last-modified"]
    assert parsedate_to_datetime(modified).year >= 2024
    head = client.head("/dumps/pob.ttl")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == response.headers["etag"]
    assert head.headers["content-length"] == response.headers["content-length"]
    for headers in (
        {"If-None-Match": f'"{digest}"'},
        {"If-None-Match": f'"other", W/"{digest}"'},
        {"If-None-Match": "*"},
        {"If-Modified-Since": modified},
    ):
        cached = client.get("/dumps/pob.ttl", headers=headers)
        assert cached.status_code == 304, headers
        assert cached.content == b"" and cached.headers["etag"] == f'"{digest}"'
    older = format_datetime(parsedate_to_datetime(modified).replace(year=2000), usegmt=True)
    assert client.get("/dumps/pob.ttl", headers={"If-Modified-Since": older}).status_code == 200
    stale = {"If-None-Match": '"other"', "If-Modified-Since": modified}  # ETag wins
    assert client.get("/dumps/pob.ttl", headers=stale).status_code == 200


@pytest.mark.parametrize(
    "path", ["manifest.json", "nothing.ttl", "..%2Fpob.ttl", "csv%2F..%2Fpob.ttl", "csv", ""]
)
def test_only_manifest_files_are_served(own_server: Served, path: str) -> None:
    assert own_server.client.get(f"/dumps/{path}").status_code == 404


def test_pob_export_all_builds_what_the_service_serves(own_server: Served) -> None:
    """`pob export --all` on the service's folder, with its settings: the content key is
    the same, so not a file is rewritten and every ETag stays."""
    folder = Path(own_server.process.info["dumps_dir"])
    assert own_server.client.head("/dumps/pob.ttl").status_code == 200  # the feed is built
    before = load_manifest(folder)
    assert before is not None and len(before.files) >= 11
    env = {**os.environ, "POB_BASE": own_server.base, "POB_PUBLIC_URL": own_server.url}
    pob = Path(sys.executable).parent / "pob"
    done = subprocess.run([str(pob), "export", "--all", "--out", str(folder)], env=env,
                          check=True, capture_output=True, text=True)  # fmt: skip
    assert before.key[:12] in done.stderr
    assert load_manifest(folder) == before
    for f in before.files:
        assert own_server.client.head(f"/dumps/{f.path}").headers["etag"] == f'"{f.sha256}"'


# ----------------------------------------------------------------------------- changes


def _wait_for(check: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the feed did not follow the store"
        time.sleep(0.2)


#: a dataset that conforms to the shapes on the small fixture ontology (labels only)
SUBMISSION = b"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix pob: <https://w3id.org/pob/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/pob/id/partnership/indsendt>
    rdfs:label "Indsendt bysamarbejde"@da , "Submitted partnership"@en ;
    dct:source <https://w3id.org/pob/id/source/indsendt> .
<https://w3id.org/pob/id/source/indsendt> a pob:Source ;
    dct:title "Kilde" ; schema:url "https://example.org/kilde"^^xsd:anyURI .
"""
SUBMITTED = "https://w3id.org/pob/id/partnership/indsendt"


def test_a_submission_pages_the_catalog_and_the_dumps(feed_server: Served) -> None:
    client = feed_server.client
    auth = {"Authorization": f"Bearer {SUBMIT}"}
    first = client.get("/catalog")
    assert "next" not in links(first)
    void_before = client.get("/.well-known/void").headers["etag"]

    # the submission's graph cannot be written directly (only with its record)
    direct = client.put(
        "/store", params={"graph": f"{feed_server.base}graph/submission/s1"},
        content=SUBMISSION,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"},
    )  # fmt: skip
    assert direct.status_code == 403
    posted = client.post(
        "/api/datasets", content=SUBMISSION, headers={**auth, "Content-Type": "text/turtle"}
    )
    assert posted.status_code == 201, posted.text
    sid = posted.json()["id"]
    _wait_for(lambda: "next" in links(client.get("/catalog")))
    paged = client.get("/catalog", headers={"Accept": "application/rdf+xml"})
    assert links(paged)["next"] == f"{feed_server.url}/catalog?page=2"
    assert links(paged)["last"] == f"{feed_server.url}/catalog?page=2"
    second = client.get("/catalog?page=2", headers={"Accept": "application/rdf+xml"})
    assert links(second)["prev"] == f"{feed_server.url}/catalog?page=1"
    assert "next" not in links(second)
    assert client.get("/catalog?page=3").status_code == 404

    # the harvester's walk: page 1, then hydra:next, and the submission is a dataset
    walked = harvest(feed_server.url, "da")
    assert [p["url"] for p in walked["pages"]] == [
        f"{feed_server.url}/catalog",
        f"{feed_server.url}/catalog?page=2",
    ]
    assert extras(walked["datasets"][-1])["uri"] == (
        f"{feed_server.url}/catalog/dataset/submission/{sid}"
    )
    page_two = Graph().parse(data=second.content, format="xml")
    for shapes_file in SHAPE_FILES:
        assert [f for f in findings(page_two, shapes_file) if f.severity == "Violation"] == []

    dump = client.get(f"/dumps/submissions/{sid}.ttl")
    assert dump.status_code == 200
    dumped = Graph().parse(data=dump.content, format="turtle")
    assert (URIRef(SUBMITTED), None, None) in dumped
    assert client.get("/.well-known/void").headers["etag"] != void_before
    page = client.get("/id/partnership/indsendt", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Indsendt bysamarbejde" in page.text

    assert client.delete(f"/api/datasets/{sid}", headers=auth).status_code == 204
    _wait_for(lambda: client.get(f"/dumps/submissions/{sid}.ttl").status_code == 404)
    assert "next" not in links(client.get("/catalog"))
    assert client.get("/id/partnership/indsendt").status_code == 404


@pytest.mark.remote
def test_the_feed_on_a_remote_store(
    live_server: Any, oxigraph: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The same pages and feed when the graphs live in `oxigraph serve`."""
    from tests.conftest import fixture_settings

    settings = fixture_settings(tmp_path_factory.mktemp("remote-feed"), store_url=oxigraph().url)
    process = live_server(settings)
    with httpx.Client(base_url=process.url, timeout=60) as client:
        page = client.get("/id/partnership/bymidte-hilleroed", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Bymidte Hillerød" in page.text
        data = fetch_graph(client, "/id/partnership/bymidte-hilleroed", "application/n-triples")
        assert len(data) > 3
        catalog = fetch_graph(client, "/catalog")
        assert len(list(catalog.subjects(RDF.type, DCAT.Dataset))) == 1
        assert client.get("/dumps/pob.ttl").status_code == 200
        assert client.get("/.well-known/void").status_code == 200
