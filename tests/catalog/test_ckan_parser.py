"""CKAN's own DCAT parser reads the served catalog as a portal operator wants.

A real ``pob serve`` on 127.0.0.1 (the real curated sources, catalog pages of two datasets)
takes two example submissions: the Swedish Gamlestaden one as it is (no title: the catalog
takes it from the data) and the Frederikshavn one with the form fields ``title`` and
``description``. Then ``tests/catalog/ckan/harvest.py`` runs in .venv-ckan (``make
deps-ckan``: ckan 2.11 and ckanext-dcat 2.4.4, nothing stubbed) and harvests the catalog as
ckanext-dcat's ``dcat_rdf`` harvester does: every page, following ``hydra:next``, each parsed
by ``RDFParser`` with the ``euro_dcat_ap_3`` profile, in an English and a Danish portal
(``ckan.locale_default``). The expected values come from the example files and the curated
data, not from the catalog.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from pob.graph.coverage import countries
from pob.graph.curated import curated
from pob.publish.catalog_terms import COUNTRY_CODES, EU
from pob.publish.extent import temporal_extent
from tests.conftest import ROOT, _wait, free_port, wait_for_feed

CKAN_PYTHON = ROOT / ".venv-ckan" / "bin" / "python"
HARVEST = Path(__file__).parent / "ckan" / "harvest.py"
EXAMPLES = ROOT / "data" / "examples" / "submissions"
GAMLESTADEN = EXAMPLES / "good-platssamverkan-gamlestaden.ttl"
FREDERIKSHAVN = EXAMPLES / "good-frederikshavn-bymidtepartnerskab.ttl"
FORM = {
    "title": "Bymidtepartnerskabet i Frederikshavn, indberettet af kommunen",
    "description": "Partnerskabet, dets område og medlemmer med roller, hver med kilde.",
}
BASE = "https://w3id.org/pob/"
TOKEN = "ckan-test-token"
#: what the catalog's distributions are: CKAN format label -> media type
FORMATS = {
    "CSV": "text/csv",
    "Turtle": "text/turtle",
    "N-Triples": "application/n-triples",
    "JSON-LD": "application/ld+json",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`pob serve` with the two submissions: its URL and the submissions' records."""
    if not CKAN_PYTHON.exists():
        pytest.fail(f"{CKAN_PYTHON} is missing: run `make deps-ckan` (`make test` does)")
    folder = tmp_path_factory.mktemp("ckan-serve")
    port = free_port()
    env = {
        **os.environ,
        "POB_DUMPS_DIR": str(folder / "dumps"),
        "POB_CATALOG_PAGE_SIZE": "2",
        "POB_SUBMIT_TOKEN": f"ckan:{TOKEN}",
    }
    env.pop("POB_PUBLIC_URL", None)
    pob = Path(sys.executable).parent / "pob"
    command = [str(pob), "serve", "--port", str(port), "--data-dir", str(folder / "store")]
    log = folder / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*command, "--workers", "1", "--no-access-log"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url + "/sparql?query=ASK%7B%7D", process, log, 300)
        auth = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=url, timeout=300) as client:
            first = client.post(
                "/api/datasets",
                content=GAMLESTADEN.read_bytes(),
                headers={**auth, "Content-Type": "text/turtle"},
            )
            second = client.post(
                "/api/datasets",
                files={"file": (FREDERIKSHAVN.name, FREDERIKSHAVN.read_bytes(), "text/turtle")},
                data=FORM,
                headers=auth,
            )
        assert first.status_code == second.status_code == 201, (first.text, second.text)
        wait_for_feed(url)
        yield {"url": url, "gamlestaden": first.json(), "frederikshavn": second.json()}
    finally:
        process.terminate()
        process.wait(timeout=30)


def harvest(url: str, lang: str) -> dict[str, Any]:
    done = subprocess.run(
        [str(CKAN_PYTHON), str(HARVEST), url + "/catalog", "--lang", lang],
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module", params=["en", "da"])
def harvested(request: pytest.FixtureRequest, served: dict[str, Any]) -> dict[str, Any]:
    result = harvest(served["url"], request.param)
    return {**result, "lang": request.param, **served}


def extras(dataset: dict[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in dataset["extras"]}


def by_uri(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {extras(d)["uri"]: d for d in result["datasets"]}


def text(graph: Graph, node: URIRef, predicate: URIRef, lang: str) -> str:
    found = [o for o in graph.objects(node, predicate) if isinstance(o, Literal)]
    return str(next(o for o in found if o.language == lang))


def eu_countries(found: list[URIRef]) -> set[str]:
    return {EU + "country/" + COUNTRY_CODES[str(c).rsplit("/", 1)[-1]] for c in found}


def test_the_harvester_reads_every_page(harvested: dict[str, Any]) -> None:
    url = harvested["url"]
    assert [p["url"] for p in harvested["pages"]] == [f"{url}/catalog", f"{url}/catalog?page=2"]
    assert all(p["status"] == 200 for p in harvested["pages"])
    uris = [extras(d)["uri"] for d in harvested["datasets"]]
    assert len(uris) == len(set(uris)) == 3
    assert all(u.startswith(f"{url}/catalog/dataset/") for u in uris)


def test_every_dataset_has_what_a_portal_needs(harvested: dict[str, Any]) -> None:
    url = harvested["url"]
    for dataset in harvested["datasets"]:
        ex = extras(dataset)
        assert dataset["license_id"] == "cc-by", ex["uri"]  # a licence stock CKAN knows
        assert dataset["title"] and dataset["notes"], ex["uri"]
        assert ex["identifier"] == ex["uri"]
        assert ex["spatial_uri"].startswith(EU + "country/")
        assert ex["temporal_start"] and ex["temporal_end"]
        assert ex["provenance"].startswith("Dansk: ") and "\nEnglish: " in ex["provenance"]
        assert dataset["resources"], ex["uri"]
        for res in dataset["resources"]:
            assert FORMATS.get(res["format"]) == res["mimetype"], res
            assert res["license"] == "https://creativecommons.org/licenses/by/4.0/"
            if res["url"].startswith(f"{url}/dumps/"):
                body = httpx.get(res["url"]).content
                assert res["size"] == len(body)
                assert res["hash"] == hashlib.sha256(body).hexdigest()


def test_the_curated_dataset(harvested: dict[str, Any]) -> None:
    url, lang = harvested["url"], harvested["lang"]
    dataset = by_uri(harvested)[f"{url}/catalog/dataset/curated"]
    ex = extras(dataset)
    assert dataset["title"] == (
        "POB Knowledge Graph: curated graph" if lang == "en" else "POB-vidensgrafen: kurateret graf"
    )
    data = dict(curated(BASE).parts())["data"]
    expected = eu_countries(countries(data, None, BASE))
    assert EU + "country/DNK" in expected
    assert ex["spatial_uri"] in expected  # ckanext-dcat keeps one of them
    start, end = temporal_extent(data, BASE) or ("", "")
    assert ex["temporal_start"].startswith(str(start)[:4]), ex
    assert ex["temporal_end"].startswith(str(end)[:4]), ex
    assert {r["format"] for r in dataset["resources"]} == set(FORMATS)


def test_a_submission_is_titled_and_placed_from_its_data(harvested: dict[str, Any]) -> None:
    """Gamlestaden states no title: the catalog takes its partnership's label and
    description in the portal's language; its municipality is Swedish, so it covers Sweden."""
    url, lang, record = harvested["url"], harvested["lang"], harvested["gamlestaden"]
    dataset = by_uri(harvested)[f"{url}/catalog/dataset/submission/{record['id']}"]
    ex = extras(dataset)
    data = Graph().parse(GAMLESTADEN)
    partnership = next(data.subjects(RDF.type, URIRef(BASE + "ontology#LocalPartnership")))
    assert isinstance(partnership, URIRef)
    assert dataset["title"] == text(data, partnership, RDFS.label, lang)
    assert dataset["notes"] == text(data, partnership, DCTERMS.description, lang)
    assert ex["spatial_uri"] == EU + "country/SWE"
    assert json.loads(ex["alternate_identifier"]) == [record["graph"]]
    start, end = temporal_extent(data, BASE) or ("", "")
    assert (ex["temporal_start"], ex["temporal_end"]) == (str(start), str(end))
    assert [r["format"] for r in dataset["resources"]] == ["Turtle", "Turtle"]


def test_a_submission_titled_in_the_form(harvested: dict[str, Any]) -> None:
    url, record = harvested["url"], harvested["frederikshavn"]
    assert record["title"] == {"": FORM["title"]}
    dataset = by_uri(harvested)[f"{url}/catalog/dataset/submission/{record['id']}"]
    ex = extras(dataset)
    assert (dataset["title"], dataset["notes"]) == (FORM["title"], FORM["description"])
    assert ex["spatial_uri"] == EU + "country/DNK"  # mun:frederikshavn, a curated municipality
    assert json.loads(ex["alternate_identifier"]) == [record["graph"]]


def test_a_second_harvest_gives_the_same_datasets(harvested: dict[str, Any]) -> None:
    """Identifiers never change between harvests (no blank-node ids)."""
    again = harvest(harvested["url"], harvested["lang"])
    assert again["datasets"] == harvested["datasets"]
