"""The DCAT catalog of the open-data feed, conforming to DCAT-AP 3.0.1 (and DCAT-AP-DK).

:func:`catalog_graph` describes, at ``{public_url}/catalog``: the curated graph and every
accepted submission as a ``dcat:Dataset`` with one ``dcat:Distribution`` per dump file (from
the :class:`~pob.publish.dumps.DumpManifest`), and the SPARQL endpoint as a ``dcat:DataService``.
More datasets than `page_size` are paged the way ckanext-dcat serves its catalog: the page's
own IRI (``{public_url}/catalog?page=N``) is a ``hydra:PagedCollection`` with the totals and
the links to the first, last, next and previous pages.

The catalog also carries, for each external IRI it uses, the few triples that say what it is
(:data:`pob.publish.catalog_terms.VOCABULARY`): DCAT-AP's range shapes check the class of every
object.
docs/dcat-ap-dk.md explains the choices.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from pob.core import formats
from pob.graph.iri import graph_iri, normalise_base
from pob.graph.namespaces import HYDRA, SPDX
from pob.publish.catalog_terms import (
    ADMS,
    CATALOG_DESCRIPTION,
    CATALOG_TITLE,
    CC_BY_4,
    COUNTRIES,
    COUNTRY_CODES,
    CURATED_DESCRIPTION,
    CURATED_PROVENANCE,
    CURATED_TITLE,
    DCATAP,
    EU,
    GRAPH_STORE_TEXTS,
    IANA,
    KEYWORDS,
    LANGUAGES,
    PUBLISHER_TYPE,
    SERVICE_DESCRIPTION,
    SERVICE_TITLE,
    SPARQL_PROTOCOL,
    THEMES,
    VCARD,
    VOCABULARY,
    bilingual,
    distribution_texts,
    submission_fallback,
    submission_provenance,
)
from pob.publish.dumps import CURATED, SUBMISSION_ID_RE, SUBMISSION_PREFIX
from pob.publish.manifest import DumpFile, DumpManifest, normalise_public_url
from pob.publish.paging import PageLinks, PageNotFound, add_paging, page_links

__all__ = [
    "PageLinks",
    "PageNotFound",
    "Publisher",
    "SubmissionInfo",
    "catalog_graph",
    "page_links",
]
#: language -> text, "" for a text without a language tag
Texts = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Publisher:
    """Who publishes the catalog (one foaf:Agent; also the contact point)."""

    name: str = "POB Knowledge Graph"
    homepage: str | None = None  # default: {public_url}/
    email: str | None = None  # none yet: the contact point gives the homepage (vcard:hasURL)


@dataclass(frozen=True)
class SubmissionInfo:
    """An accepted submission, as the submission store records it."""

    id: str
    submitted: datetime
    title: Texts = ()  # ((language or "", text), …): what it states, or taken from its data
    description: Texts = ()
    submitter: str | None = None
    modified: datetime | None = None
    countries: tuple[str, ...] = ()  # the countries (pob:Country IRIs) of its places


def _utc(value: str | datetime) -> datetime:
    """A timestamp in UTC (naive ones are taken to be UTC already)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0)


def _xsd_datetime(value: str | datetime) -> Literal:
    return Literal(_utc(value).isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)


class _Builder:
    def __init__(self, manifest: DumpManifest, base: str, public_url: str, publisher: Publisher):
        self.m = manifest
        self.base = normalise_base(base)
        self.url = normalise_public_url(public_url)
        self.g = Graph()
        self.vocabulary = _vocabulary()
        for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                           ("spdx", SPDX), ("adms", ADMS), ("hydra", HYDRA), ("skos", SKOS),
                           ("dcatap", DCATAP), ("xsd", XSD)):  # fmt: skip
            self.g.bind(prefix, ns)
        self.catalog = URIRef(f"{self.url}/catalog")
        self.service = URIRef(f"{self.url}/catalog/service/sparql")
        self.publisher = URIRef(f"{self.url}/catalog#publisher")
        self.contact = URIRef(f"{self.url}/catalog#contact-point")
        self.homepage = URIRef(publisher.homepage or f"{self.url}/")
        self.ontology = URIRef(f"{self.base}ontology")
        self._agent(publisher)

    def finish(self) -> Graph:
        """The catalog plus what the vocabulary says about the external IRIs it uses."""
        pending = {o for o in self.g.objects() if isinstance(o, URIRef)}
        seen: set[URIRef] = set()
        while pending:
            node = pending.pop()
            seen.add(node)
            for p, o in self.vocabulary.predicate_objects(node):
                self.g.add((node, p, o))
                if isinstance(o, URIRef) and o not in seen:
                    pending.add(o)
        for prefix, ns in self.vocabulary.namespaces():
            if prefix.startswith("eu") or prefix in ("lictype", "pubtype", "geo"):
                self.g.bind(prefix, ns)
        return self.g

    def add(self, s: URIRef | BNode, p: URIRef, *objects: URIRef | BNode | Literal) -> None:
        for o in objects:
            self.g.add((s, p, o))

    def text(self, s: URIRef | BNode, p: URIRef, da: str, en: str) -> None:
        self.add(s, p, Literal(da, lang="da"), Literal(en, lang="en"))

    def texts(self, s: URIRef, p: URIRef, texts: Texts) -> None:
        for lang, text in texts:
            self.add(s, p, Literal(text, lang=lang or None))

    def spatial(self, s: URIRef, countries: Sequence[str]) -> None:
        """dct:spatial: the EU country of each country IRI (one the table lacks is left out)."""
        for country in countries:
            code = COUNTRY_CODES.get(country.rstrip("/").rsplit("/", 1)[-1])
            if code is not None:
                self.add(s, DCTERMS.spatial, COUNTRIES[code])

    def provenance(self, d: URIRef, key: str, da: str, en: str) -> None:
        """dct:provenance: one label naming both languages (CKAN reads a single value) and a
        description in each."""
        node = BNode(_bnode_id("provenance", key))
        self.add(d, DCTERMS.provenance, node)
        self.add(node, RDF.type, DCTERMS.ProvenanceStatement)
        self.add(node, RDFS.label, Literal(bilingual(da, en)))
        self.text(node, DCTERMS.description, da, en)

    def _agent(self, publisher: Publisher) -> None:
        self.add(self.publisher, RDF.type, FOAF.Agent)
        self.add(self.publisher, FOAF.name, Literal(publisher.name))
        self.add(self.publisher, DCTERMS.type, PUBLISHER_TYPE)
        self.add(self.publisher, FOAF.homepage, self.homepage)
        self.add(self.homepage, RDF.type, FOAF.Document)
        self.add(self.contact, RDF.type, VCARD.Kind, VCARD.Organization)
        self.add(self.contact, VCARD.fn, Literal(publisher.name))
        self.add(self.contact, VCARD.hasURL, self.homepage)
        if publisher.email:
            self.add(self.contact, VCARD.hasEmail, URIRef(f"mailto:{publisher.email}"))
        self.add(self.ontology, RDF.type, DCTERMS.Standard, FOAF.Document)
        self.text(self.ontology, DCTERMS.title, "POB-ontologien", "The POB ontology")

    def common(self, s: URIRef) -> None:
        """What the catalog, its datasets and its service share."""
        self.add(s, DCTERMS.publisher, self.publisher)
        self.add(s, DCAT.contactPoint, self.contact)

    def describe_catalog(self, modified: Literal) -> None:
        c = self.catalog
        self.add(c, RDF.type, DCAT.Catalog)
        self.text(c, DCTERMS.title, *CATALOG_TITLE)
        self.text(c, DCTERMS.description, *CATALOG_DESCRIPTION)
        self.common(c)
        self.add(c, DCTERMS.license, CC_BY_4)
        self.add(c, DCTERMS.language, *LANGUAGES)
        self.add(c, DCTERMS.issued, _xsd_datetime(self.m.issued))
        self.add(c, DCTERMS.modified, modified)
        self.add(c, FOAF.homepage, self.homepage)
        self.add(c, DCAT.themeTaxonomy, URIRef(EU + "data-theme"))
        self.add(c, DCAT.service, self.service)

    def describe_service(self, datasets: list[URIRef]) -> None:
        s = self.service
        self.add(s, RDF.type, DCAT.DataService)
        self.text(s, DCTERMS.title, *SERVICE_TITLE)
        self.text(s, DCTERMS.description, *SERVICE_DESCRIPTION)
        endpoint = URIRef(f"{self.url}/sparql")
        self.add(s, DCAT.endpointURL, endpoint)
        self.add(s, DCAT.endpointDescription, endpoint)
        self.add(s, DCTERMS.conformsTo, SPARQL_PROTOCOL)
        self.add(s, DCAT.servesDataset, *datasets)
        self.common(s)
        self.add(s, DCAT.theme, *THEMES)
        self.add(s, DCAT.keyword, Literal("SPARQL", lang="da"), Literal("SPARQL", lang="en"))
        self.add(s, DCAT.keyword, Literal("lænkede data", lang="da"))
        self.add(s, DCAT.keyword, Literal("linked data", lang="en"))
        self.add(s, DCTERMS.license, CC_BY_4)
        self.add(s, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC"))

    def dataset_iri(self, name: str) -> URIRef:
        return URIRef(f"{self.url}/catalog/dataset/{name}")

    def describe_dataset(self, d: URIRef, name: str, issued: Literal, modified: Literal) -> None:
        """What every dataset has; the caller adds title, description and spatial coverage."""
        self.add(self.catalog, DCAT.dataset, d)
        self.add(d, RDF.type, DCAT.Dataset)
        self.add(d, DCTERMS.identifier, Literal(str(d)))
        self.common(d)
        self.add(d, DCAT.theme, *THEMES)
        for lang, words in KEYWORDS.items():
            self.add(d, DCAT.keyword, *(Literal(w, lang=lang) for w in words))
        self.add(d, DCTERMS.language, *LANGUAGES)
        self.add(d, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC"))
        self.add(d, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/IRREG"))
        self.add(d, DCTERMS.issued, issued)
        self.add(d, DCTERMS.modified, modified)
        self.add(d, DCAT.landingPage, self.homepage)
        self.add(d, DCTERMS.conformsTo, self.ontology)
        self.add(d, FOAF.page, self.ontology)
        summary = self.m.dataset(name)
        extent = summary.temporal() if summary is not None else None
        if extent is not None:
            period = BNode(_bnode_id("period", name))
            self.add(d, DCTERMS.temporal, period)
            self.add(period, RDF.type, DCTERMS.PeriodOfTime)
            self.add(period, DCAT.startDate, extent[0])
            self.add(period, DCAT.endDate, extent[1])
        for f in self.m.files_of(name):
            self.dump_distribution(d, f)

    def distribution(self, d: URIRef, key: str, media_type: str, file_type: str) -> URIRef:
        """A distribution of `d` with what every distribution has."""
        dist = URIRef(f"{d}/distribution/{key}")
        self.add(d, DCAT.distribution, dist)
        self.add(dist, RDF.type, DCAT.Distribution)
        self.add(dist, DCAT.mediaType, URIRef(IANA + media_type))
        self.add(dist, DCTERMS["format"], URIRef(EU + "file-type/" + file_type))
        self.add(dist, DCTERMS.license, CC_BY_4)
        self.add(dist, DCATAP.availability, URIRef(EU + "planned-availability/STABLE"))
        if media_type != formats.CSV:
            self.add(dist, DCTERMS.conformsTo, self.ontology)
        return dist

    def dump_distribution(self, d: URIRef, f: DumpFile) -> None:
        dist = self.distribution(d, f.path.replace("/", "-"), f.media_type, f.file_type)
        da, en = distribution_texts(f)
        self.text(dist, DCTERMS.title, da[0], en[0])
        self.text(dist, DCTERMS.description, da[1], en[1])
        url = URIRef(self.m.download_url(f))
        self.add(dist, DCAT.downloadURL, url)
        self.add(dist, DCAT.accessURL, url)
        self.add(dist, DCAT.byteSize, Literal(f.byte_size, datatype=XSD.nonNegativeInteger))
        checksum = BNode(_bnode_id("checksum", f.path))
        self.add(dist, SPDX.checksum, checksum)
        self.add(checksum, RDF.type, SPDX.Checksum)
        self.add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        self.add(checksum, SPDX.checksumValue, Literal(f.sha256, datatype=XSD.hexBinary))
        self.add(dist, DCTERMS.modified, _xsd_datetime(f.modified))

    def graph_store_distribution(self, d: URIRef, graph: str) -> None:
        """The named graph itself, read through the SPARQL 1.1 Graph Store HTTP Protocol."""
        turtle = formats.TURTLE_SYNTAX
        dist = self.distribution(d, "graph-store", turtle.media_type, turtle.eu_file_type or "")
        (title_da, text_da), (title_en, text_en) = GRAPH_STORE_TEXTS
        self.text(dist, DCTERMS.title, title_da, title_en)
        self.text(dist, DCTERMS.description, text_da, text_en)
        self.add(dist, DCAT.accessURL, URIRef(f"{self.url}/store?graph={quote(graph, safe='')}"))


@cache
def _vocabulary() -> Graph:
    return Graph().parse(data=VOCABULARY, format="turtle")


def _bnode_id(kind: str, key: str) -> str:
    """Stable blank-node labels, so the same catalog serialises the same way."""
    return f"{kind}{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _describe_curated(b: _Builder, d: URIRef, countries: Sequence[str]) -> None:
    b.text(d, DCTERMS.title, *CURATED_TITLE)
    b.text(d, DCTERMS.description, *CURATED_DESCRIPTION)
    b.spatial(d, countries)
    b.provenance(d, CURATED, *CURATED_PROVENANCE)


def _describe_submission(b: _Builder, d: URIRef, s: SubmissionInfo) -> None:
    """Its own title and description (the submitter's, or taken from its data), the countries
    of its places, its graph IRI as a stable alternate identifier (an IRI, which ckanext-dcat
    reads as the value), and who submitted it when."""
    graph = graph_iri(f"submission/{s.id}", b.base)
    da, en = submission_fallback(s.id)
    b.texts(d, DCTERMS.title, s.title or (("da", da), ("en", en)))
    day = s.submitted.date().isoformat()
    prov_da, prov_en = submission_provenance(s.submitter, day, str(graph))
    b.texts(d, DCTERMS.description, s.description or (("da", prov_da), ("en", prov_en)))
    b.spatial(d, s.countries)
    b.add(d, ADMS.identifier, graph)
    b.add(graph, RDF.type, ADMS.Identifier)
    b.add(graph, SKOS.notation, Literal(str(graph), datatype=XSD.anyURI))
    b.provenance(d, s.id, prov_da, prov_en)
    b.graph_store_distribution(d, str(graph))


def catalog_graph(
    manifest: DumpManifest,
    base: str,
    public_url: str,
    submissions: Sequence[SubmissionInfo] = (),
    page: int | None = None,
    page_size: int = 50,
    *,
    publisher: Publisher | None = None,
    countries: Sequence[str] = (),
) -> Graph:
    """The DCAT catalog (one page of it when there are more than `page_size` datasets).
    `countries`: of the curated data (:func:`pob.graph.coverage.countries`), IRIs."""
    b = _Builder(manifest, base, public_url, publisher or Publisher())
    for s in submissions:
        if not SUBMISSION_ID_RE.match(s.id):
            raise ValueError(f"submission id {s.id!r} is not a safe name")
    ordered = sorted(submissions, key=lambda s: (_utc(s.submitted), s.id))
    entries: list[tuple[str, SubmissionInfo | None]] = [(CURATED, None)]
    entries += [(SUBMISSION_PREFIX + s.id, s) for s in ordered]
    modified = _xsd_datetime(
        max([_utc(manifest.modified), *(_utc(s.modified or s.submitted) for s in ordered)])
    )
    shown = entries
    if page is not None or len(entries) > page_size:
        links = page_links(len(entries), 1 if page is None else page, page_size, b.url)
        start = (links.page - 1) * page_size
        shown = entries[start : start + page_size]
        add_paging(b.g, links)
    b.describe_catalog(modified)
    b.spatial(b.catalog, countries)
    iris: list[URIRef] = []
    for name, info in shown:
        d = b.dataset_iri(name)
        iris.append(d)
        if info is None:
            b.describe_dataset(
                d, name, _xsd_datetime(manifest.issued), _xsd_datetime(manifest.modified)
            )
            _describe_curated(b, d, countries)
        else:
            stamp = _xsd_datetime(info.modified or info.submitted)
            b.describe_dataset(d, name, _xsd_datetime(info.submitted), stamp)
            _describe_submission(b, d, info)
    b.describe_service(iris)
    return b.finish()
