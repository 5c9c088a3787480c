"""What CKAN's DCAT harvester (ckanext-dcat) would read from our catalog.

ckanext-dcat needs a full CKAN to run, so this is an independent reader (rdflib + SPARQL) of
exactly the fields its DCAT-AP profile parses, following ckan/ckanext-dcat:

* ``ckanext/dcat/profiles/euro_dcat_ap_base.py``, ``BaseEuropeanDCATAPProfile._parse_dataset_base``:
  title (dct:title), notes (dct:description), tags (dcat:keyword), extras identifier
  (dct:identifier), theme (dcat:theme), publisher_* (dct:publisher), uri; per
  dcat:distribution a resource with url = dcat:downloadURL or else dcat:accessURL, name,
  format/mimetype, size (dcat:byteSize), hash/hash_algorithm (spdx:checksum), license.
* ``ckanext/dcat/profiles/base.py``, ``RDFProfile``: ``_object_value`` (a literal in the
  default language, else the first literal; an IRI as is), ``_keywords`` (split on commas),
  ``_publisher``/``_agents_details`` (foaf:name, dct:type, foaf:homepage, foaf:mbox),
  ``_distribution_format`` (media type from dcat:mediaType; label from a dct:format IRI that
  is not an IANA one).
* ``ckanext/dcat/harvesters/rdf.py``, ``DCATRDFHarvester._get_guid`` (the dataset IRI, else
  dct:identifier) and ``gather_stage`` (follow the next page until there is none; stop when a
  page's content repeats); ``ckanext/dcat/processors.py``, ``RDFParser.next_page``
  (hydra:next, else hydra:nextPage, of the hydra:PagedCollection).

The harvester fetches RDF/XML unless told otherwise, so the pages go through RDF/XML here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.query import ResultRow
from rdflib.term import Node

from pob.publish.catalog import catalog_graph
from pob.publish.manifest import DumpManifest

from .conftest import BASE, N_SUBMISSIONS, PAGE_SIZE, PUBLIC_URL, submission_infos

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
PREFIXES = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX hydra: <http://www.w3.org/ns/hydra/core#>
"""


class CkanReader:
    """The parts of ckanext-dcat's RDFParser + DCAT-AP profile that build a package dict."""

    def __init__(self, graph: Graph, default_lang: str) -> None:
        self.g = graph
        self.lang = default_lang  # CKAN's ckan.locale_default

    def value(self, subject: Node, predicate: URIRef) -> str:
        fallback = ""
        for o in self.g.objects(subject, predicate):
            if isinstance(o, Literal):
                if o.language == self.lang:
                    return str(o)
                if fallback == "":
                    fallback = str(o)
            else:
                return str(o)
        return fallback

    def values(self, subject: Node, predicate: URIRef) -> list[str]:
        return [str(o) for o in self.g.objects(subject, predicate)]

    def datasets(self) -> list[Node]:
        rows = self.g.query(PREFIXES + "SELECT ?d WHERE { ?d a dcat:Dataset }")
        return [r[0] for r in rows if isinstance(r, ResultRow)]

    def next_page(self) -> str | None:
        rows = self.g.query(
            PREFIXES
            + """SELECT ?next ?old WHERE { ?p a hydra:PagedCollection .
                 OPTIONAL { ?p hydra:next ?next } OPTIONAL { ?p hydra:nextPage ?old } }"""
        )
        for row in rows:
            assert isinstance(row, ResultRow)
            nxt, old = row[0], row[1]
            if nxt is not None:
                return str(nxt)
            if old is not None:
                return str(old)
        return None

    def keywords(self, d: Node) -> list[str]:
        words = self.values(d, DCAT.keyword)
        return [w.strip() for word in words for w in word.split(",")]

    def publisher(self, d: Node) -> dict[str, str]:
        agent = next(iter(self.g.objects(d, DCT.publisher)), None)
        if agent is None:
            return {}
        return {
            "uri": str(agent) if isinstance(agent, URIRef) else "",
            "name": self.value(agent, FOAF.name),
            "email": self.value(agent, FOAF.mbox),
            "url": self.value(agent, FOAF.homepage),
            "type": self.value(agent, DCT.type),
        }

    def resource(self, dist: Node) -> dict[str, Any]:
        res: dict[str, Any] = {
            "name": self.value(dist, DCT.title),
            "description": self.value(dist, DCT.description),
            "access_url": self.value(dist, DCAT.accessURL),
            "download_url": self.value(dist, DCAT.downloadURL),
            "license": self.value(dist, DCT.license),
            "uri": str(dist) if isinstance(dist, URIRef) else "",
        }
        res["url"] = res["download_url"] or res["access_url"]
        mimetype = self.value(dist, DCAT.mediaType)
        fmt = next(iter(self.g.objects(dist, DCT["format"])), None)
        label = None
        iana = "iana.org/assignments/media-types"
        if isinstance(fmt, Literal) or (isinstance(fmt, URIRef) and iana not in str(fmt)):
            label = str(fmt)
        res["mimetype"] = mimetype or None
        res["format"] = label or mimetype or None
        size = self.value(dist, DCAT.byteSize)
        res["size"] = int(float(size)) if size else None
        for checksum in self.g.objects(dist, SPDX.checksum):
            res["hash_algorithm"] = self.value(checksum, SPDX.algorithm)
            res["hash"] = self.value(checksum, SPDX.checksumValue)
        return res

    def package(self, d: Node) -> dict[str, Any]:
        extras: dict[str, Any] = {
            "identifier": self.value(d, DCT.identifier),
            "theme": self.values(d, DCAT.theme),
            "issued": self.value(d, DCT.issued),
            "modified": self.value(d, DCT.modified),
            "uri": str(d) if isinstance(d, URIRef) else "",
        }
        extras.update({f"publisher_{k}": v for k, v in self.publisher(d).items() if v})
        package = {
            "title": self.value(d, DCT.title),
            "notes": self.value(d, DCT.description),
            "tags": [{"name": t} for t in self.keywords(d)],
            "extras": extras,
            "resources": [self.resource(dist) for dist in self.g.objects(d, DCAT.distribution)],
        }
        package["guid"] = extras["uri"] or extras["identifier"]
        return package


def fetch(manifest: DumpManifest, page_url: str) -> Graph:
    """What the harvester downloads for `page_url`, parsed as it parses it (RDF/XML)."""
    query = parse_qs(urlparse(page_url).query)
    number = int(query["page"][0]) if "page" in query else None
    graph = catalog_graph(
        manifest, BASE, PUBLIC_URL, submission_infos(N_SUBMISSIONS), number, PAGE_SIZE
    )
    xml = graph.serialize(format="pretty-xml", encoding="utf-8")
    return Graph().parse(data=xml, format="xml")


def harvest(manifest: DumpManifest, lang: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The gather stage: every page from the first, following the next-page links."""
    packages: list[dict[str, Any]] = []
    visited: list[str] = []
    next_url: str | None = f"{PUBLIC_URL}/catalog"
    last_hash = None
    while next_url:
        visited.append(next_url)
        graph = fetch(manifest, next_url)
        content = hashlib.md5(graph.serialize(format="nt").encode()).digest()
        assert content != last_hash, "a page repeats the previous one; the harvester would stop"
        last_hash = content
        reader = CkanReader(graph, lang)
        packages += [reader.package(d) for d in reader.datasets()]
        next_url = reader.next_page()
        assert len(visited) < 10, "paging does not end"
    return packages, visited


@pytest.fixture(scope="module", params=["en", "da"])
def harvested(
    request: pytest.FixtureRequest, curated_dumps: tuple[Path, DumpManifest]
) -> tuple[list[dict[str, Any]], list[str], str]:
    packages, visited = harvest(curated_dumps[1], request.param)
    return packages, visited, request.param


def test_the_harvester_visits_every_page(
    harvested: tuple[list[dict[str, Any]], list[str], str],
) -> None:
    packages, visited, _ = harvested
    assert visited == [f"{PUBLIC_URL}/catalog", *(f"{PUBLIC_URL}/catalog?page={n}" for n in (2, 3))]
    guids = [p["guid"] for p in packages]
    assert len(guids) == len(set(guids)) == N_SUBMISSIONS + 1


def test_every_dataset_yields_a_complete_package(
    harvested: tuple[list[dict[str, Any]], list[str], str],
    curated_dumps: tuple[Path, DumpManifest],
) -> None:
    packages, _, lang = harvested
    out, manifest = curated_dumps
    assert len(packages) == N_SUBMISSIONS + 1
    for package in packages:
        assert package["title"] and package["notes"], package["guid"]
        assert package["guid"].startswith(f"{PUBLIC_URL}/catalog/dataset/")
        extras = package["extras"]
        assert extras["identifier"] == package["guid"]
        assert extras["publisher_name"] == "POB Knowledge Graph"
        assert (
            extras["publisher_type"] == "http://purl.org/adms/publishertype/NonProfitOrganisation"
        )
        themes = "http://publications.europa.eu/resource/authority/data-theme/"
        assert extras["theme"] and all(t.startswith(themes) for t in extras["theme"])
        assert extras["issued"] and extras["modified"]
        assert package["tags"] and all(t["name"] for t in package["tags"])
        assert package["resources"], package["guid"]
        for res in package["resources"]:
            assert res["url"] and res["name"] and res["format"] and res["mimetype"], res
            assert res["mimetype"].startswith("http://www.iana.org/assignments/media-types/")
            assert res["license"] == "https://creativecommons.org/licenses/by/4.0/"
            if res["url"].startswith(f"{PUBLIC_URL}/dumps/"):
                path = res["url"].removeprefix(f"{PUBLIC_URL}/dumps/")
                data = (out / path).read_bytes()
                assert res["size"] == len(data)
                assert res["hash"] == hashlib.sha256(data).hexdigest()
                assert res["hash_algorithm"] == "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
    curated = next(p for p in packages if p["guid"].endswith("/dataset/curated"))
    assert {r["url"] for r in curated["resources"]} == {
        manifest.download_url(f) for f in manifest.files_of("curated")
    }
    title = curated["title"]
    assert title == (
        "POB Knowledge Graph: curated graph" if lang == "en" else "POB-vidensgrafen: kurateret graf"
    )


def test_submissions_are_readable_live_and_as_dumps(
    harvested: tuple[list[dict[str, Any]], list[str], str],
) -> None:
    packages, _, _ = harvested
    for package in packages:
        if package["guid"].endswith("/dataset/curated"):
            continue
        urls = sorted(r["url"] for r in package["resources"])
        sid = package["guid"].rsplit("/", 1)[1]
        assert urls == [
            f"{PUBLIC_URL}/dumps/submissions/{sid}.ttl",
            f"{PUBLIC_URL}/store?graph=https%3A%2F%2Fw3id.org%2Fpob%2Fgraph%2Fsubmission%2F{sid}",
        ]
