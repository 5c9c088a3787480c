"""Catalog details: publisher settings, submissions, stable output."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from rdflib import Literal, Namespace, URIRef

from pob.publish.catalog import Publisher, SubmissionInfo, catalog_graph
from pob.publish.manifest import DumpManifest

from .conftest import BASE, PUBLIC_URL, submission_infos

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
CATALOG = URIRef(f"{PUBLIC_URL}/catalog")


def test_contact_point_without_and_with_email(small_dumps: tuple[Path, DumpManifest]) -> None:
    contact = URIRef(f"{PUBLIC_URL}/catalog#contact-point")
    g = catalog_graph(small_dumps[1], BASE, PUBLIC_URL)
    assert g.value(contact, VCARD.hasURL) == URIRef(f"{PUBLIC_URL}/")
    assert g.value(contact, VCARD.hasEmail) is None
    g = catalog_graph(
        small_dumps[1], BASE, PUBLIC_URL, publisher=Publisher(email="data@example.dk")
    )
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:data@example.dk")


def test_submission_without_a_dump_is_still_reachable(
    small_dumps: tuple[Path, DumpManifest],
) -> None:
    built = datetime.fromisoformat(small_dumps[1].modified.replace("Z", ""))
    when = (built + timedelta(days=1)).replace(hour=9, minute=30, second=0)
    stamp = Literal(when.isoformat() + "Z", datatype=XSD.dateTime)
    late = SubmissionInfo("late-1", when)  # naive: taken as UTC
    g = catalog_graph(small_dumps[1], BASE, PUBLIC_URL, [late])
    dataset = URIRef(f"{PUBLIC_URL}/catalog/dataset/submission/late-1")
    urls = {str(g.value(d, DCAT.accessURL)) for d in g.objects(dataset, DCAT.distribution)}
    assert urls == {
        f"{PUBLIC_URL}/store?graph=https%3A%2F%2Fw3id.org%2Fpob%2Fgraph%2Fsubmission%2Flate-1"
    }
    assert g.value(dataset, DCT.issued) == stamp
    assert g.value(CATALOG, DCT.modified) == stamp  # later than the dumps


def test_unsafe_submission_ids_are_refused(small_dumps: tuple[Path, DumpManifest]) -> None:
    with pytest.raises(ValueError):
        catalog_graph(
            small_dumps[1], BASE, PUBLIC_URL, [SubmissionInfo("../x", datetime(2026, 1, 1))]
        )


def test_spatial_coverage_is_the_countries_given(small_dumps: tuple[Path, DumpManifest]) -> None:
    """EU country IRIs for the countries the data name; one without an EU code is left out
    rather than guessed; no country, no dct:spatial."""
    country = BASE + "id/country/"
    infos = [
        SubmissionInfo("se", datetime(2026, 1, 1), countries=(country + "sverige",)),
        SubmissionInfo("xx", datetime(2026, 1, 2), countries=(country + "atlantis",)),
    ]
    g = catalog_graph(
        small_dumps[1], BASE, PUBLIC_URL, infos, countries=(country + "danmark", country + "norge")
    )
    eu = "http://publications.europa.eu/resource/authority/country/"

    def spatial(name: str) -> set[str]:
        return {
            str(o) for o in g.objects(URIRef(f"{PUBLIC_URL}/catalog/dataset/{name}"), DCT.spatial)
        }

    assert spatial("curated") == {eu + "DNK", eu + "NOR"}
    assert spatial("submission/se") == {eu + "SWE"}
    assert spatial("submission/xx") == set()


def test_a_submission_without_texts_is_named_by_its_id(
    small_dumps: tuple[Path, DumpManifest],
) -> None:
    g = catalog_graph(
        small_dumps[1], BASE, PUBLIC_URL, [SubmissionInfo("s9", datetime(2026, 1, 1))]
    )
    dataset = URIRef(f"{PUBLIC_URL}/catalog/dataset/submission/s9")
    titles = {(o.language, str(o)) for o in g.objects(dataset, DCT.title) if isinstance(o, Literal)}
    assert titles == {("da", "Indsendt datasæt s9"), ("en", "Submitted dataset s9")}


def test_same_input_same_output(small_dumps: tuple[Path, DumpManifest]) -> None:
    def lines() -> list[str]:
        g = catalog_graph(small_dumps[1], BASE, PUBLIC_URL, submission_infos(2))
        return sorted(g.serialize(format="nt").splitlines())

    assert lines() == lines()


def test_dataset_texts_in_danish_and_english(small_dumps: tuple[Path, DumpManifest]) -> None:
    g = catalog_graph(small_dumps[1], BASE, PUBLIC_URL, submission_infos(2))
    for dataset in g.objects(CATALOG, DCAT.dataset):
        for prop in (DCT.title, DCT.description, DCAT.keyword):
            langs = {o.language for o in g.objects(dataset, prop) if isinstance(o, Literal)}
            assert langs == {"da", "en"}, (dataset, prop)
