"""The DCAT catalog of the open-data feed, conforming to DCAT-AP 3.0.1 (and DCAT-AP-DK).

:func:`catalog_graph` describes, at ``{public_url}/catalog``: the curated graph and every
accepted submission as a ``dcat:Dataset`` with one ``dcat:Distribution`` per dump file (from
the :class:`~pob.dumps.DumpManifest`), and the SPARQL endpoint as a ``dcat:DataService``.
More datasets than `page_size` are paged the way ckanext-dcat serves its catalog: the page's
own IRI (``{public_url}/catalog?page=N``) is a ``hydra:PagedCollection`` with the totals and
the links to the first, last, next and previous pages.

DCAT-AP's range shapes check the class of every object (a licence must be a
``dct:LicenseDocument``, a media type a ``dct:MediaType`` …), and its core shapes require a
``skos:prefLabel`` on every ``skos:Concept``. So the catalog carries, for each external IRI it
uses (EU authority lists, IANA media types, CC BY 4.0), the few triples that say what it is:
:data:`VOCABULARY`, in Turtle, below. docs/dcat-ap-dk.md explains the choices.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from pob.dumps import CURATED, SUBMISSION_PREFIX, DumpFile, DumpManifest, normalise_public_url
from pob.iri import graph_iri, normalise_base
from pob.namespaces import HYDRA, SPDX

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
THEMES = (URIRef(EU + "data-theme/GOVE"), URIRef(EU + "data-theme/REGI"))
LANGUAGES = (URIRef(EU + "language/DAN"), URIRef(EU + "language/ENG"))
DENMARK = URIRef(EU + "country/DNK")
COUNTRIES = {code: URIRef(EU + "country/" + code) for code in ("DNK", "SWE", "NOR")}
PUBLISHER_TYPE = URIRef("http://purl.org/adms/publishertype/NonProfitOrganisation")

#: What the catalog says about the external IRIs it uses (labels from the EU authority lists).
VOCABULARY = """
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix spdx: <http://spdx.org/rdf/terms#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix eu: <http://publications.europa.eu/resource/authority/> .
@prefix theme: <http://publications.europa.eu/resource/authority/data-theme/> .
@prefix lang: <http://publications.europa.eu/resource/authority/language/> .
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
@prefix freq: <http://publications.europa.eu/resource/authority/frequency/> .
@prefix access: <http://publications.europa.eu/resource/authority/access-right/> .
@prefix avail: <http://publications.europa.eu/resource/authority/planned-availability/> .
@prefix ftype: <http://publications.europa.eu/resource/authority/file-type/> .
@prefix lictype: <http://purl.org/adms/licencetype/> .
@prefix pubtype: <http://purl.org/adms/publishertype/> .

eu:data-theme a skos:ConceptScheme ; dct:title "Data theme"@en, "Datatema"@da .
theme:GOVE a skos:Concept ; skos:inScheme eu:data-theme ;
    skos:prefLabel "Government and public sector"@en, "Regeringen og den offentlige sektor"@da .
theme:REGI a skos:Concept ; skos:inScheme eu:data-theme ;
    skos:prefLabel "Regions and cities"@en, "Regioner og byer"@da .

lang:DAN a dct:LinguisticSystem, skos:Concept ; skos:inScheme eu:language ;
    skos:prefLabel "Danish"@en, "dansk"@da .
lang:ENG a dct:LinguisticSystem, skos:Concept ; skos:inScheme eu:language ;
    skos:prefLabel "English"@en, "engelsk"@da .

# Bounding boxes and centroids (WGS 84, lon lat) are approximate, for the mainland.
country:DNK a dct:Location, skos:Concept ; skos:inScheme eu:country ;
    skos:prefLabel "Denmark"@en, "Danmark"@da ;
    dcat:bbox "POLYGON((8.0 54.5,15.2 54.5,15.2 57.8,8.0 57.8,8.0 54.5))"^^geo:wktLiteral ;
    dcat:centroid "POINT(10.0 56.0)"^^geo:wktLiteral .
country:SWE a dct:Location, skos:Concept ; skos:inScheme eu:country ;
    skos:prefLabel "Sweden"@en, "Sverige"@da ;
    dcat:bbox "POLYGON((10.9 55.3,24.2 55.3,24.2 69.1,10.9 69.1,10.9 55.3))"^^geo:wktLiteral ;
    dcat:centroid "POINT(16.3 62.4)"^^geo:wktLiteral .
country:NOR a dct:Location, skos:Concept ; skos:inScheme eu:country ;
    skos:prefLabel "Norway"@en, "Norge"@da ;
    dcat:bbox "POLYGON((4.5 57.9,31.2 57.9,31.2 71.2,4.5 71.2,4.5 57.9))"^^geo:wktLiteral ;
    dcat:centroid "POINT(12.0 64.5)"^^geo:wktLiteral .

freq:IRREG a dct:Frequency, skos:Concept ; skos:inScheme eu:frequency ;
    skos:prefLabel "irregular"@en, "uregelmæssig"@da .
access:PUBLIC a dct:RightsStatement, skos:Concept ; skos:inScheme eu:access-right ;
    skos:prefLabel "public"@en, "offentlig"@da .
avail:STABLE a skos:Concept ; skos:inScheme eu:planned-availability ;
    skos:prefLabel "stable"@en, "stabil"@da .

ftype:RDF_TURTLE a dct:MediaTypeOrExtent, skos:Concept ; skos:inScheme eu:file-type ;
    skos:prefLabel "RDF Turtle"@en .
ftype:RDF_N_TRIPLES a dct:MediaTypeOrExtent, skos:Concept ; skos:inScheme eu:file-type ;
    skos:prefLabel "RDF N-Triples"@en .
ftype:JSON_LD a dct:MediaTypeOrExtent, skos:Concept ; skos:inScheme eu:file-type ;
    skos:prefLabel "JSON-LD"@en .
ftype:CSV a dct:MediaTypeOrExtent, skos:Concept ; skos:inScheme eu:file-type ;
    skos:prefLabel "CSV"@en .

<http://www.iana.org/assignments/media-types/text/turtle> a dct:MediaType .
<http://www.iana.org/assignments/media-types/application/n-triples> a dct:MediaType .
<http://www.iana.org/assignments/media-types/application/ld+json> a dct:MediaType .
<http://www.iana.org/assignments/media-types/text/csv> a dct:MediaType .

<https://creativecommons.org/licenses/by/4.0/> a dct:LicenseDocument ;
    dct:title "Creative Commons Attribution 4.0 International (CC BY 4.0)"@en ;
    dct:type lictype:Attribution .
lictype:Attribution a skos:Concept ; skos:inScheme <http://purl.org/adms/licencetype/1.0> ;
    skos:prefLabel "Attribution"@en .
<http://purl.org/adms/publishertype/1.0> a skos:ConceptScheme ; dct:title "Publisher type"@en .
pubtype:NonProfitOrganisation a skos:Concept ;
    skos:inScheme <http://purl.org/adms/publishertype/1.0> ;
    skos:prefLabel "Non-Profit Organisation"@en, "Nonprofitorganisation"@da .
<https://www.w3.org/TR/sparql11-protocol/> a dct:Standard ; dct:title "SPARQL 1.1 Protocol"@en .
spdx:checksumAlgorithm_sha256 a spdx:ChecksumAlgorithm .
"""

KEYWORDS = {
    "da": ("privat-offentlige bysamarbejder", "bymidter", "business improvement districts",
           "kommuner", "byudvikling", "lænkede data"),
    "en": ("private-public urban partnerships", "town centres", "business improvement districts",
           "municipalities", "urban development", "linked data"),
}  # fmt: skip
TABLE_NAMES = {
    "municipalities": ("kommuner", "municipalities"),
    "organisations": ("organisationer", "organisations"),
    "partnerships": ("samarbejder", "partnerships"),
    "publications": ("publikationer", "publications"),
    "memberships": ("medlemskaber", "memberships"),
    "sources": ("kilder", "sources"),
}
SYNTAX_NAMES = {"text/turtle": "Turtle", "application/n-triples": "N-Triples",
                "application/ld+json": "JSON-LD", "text/csv": "CSV"}  # fmt: skip


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
    title: str | None = None
    description: str | None = None
    submitter: str | None = None
    triples: int | None = None
    modified: datetime | None = None
    countries: tuple[str, ...] = ()  # EU country codes it covers (DNK, SWE, NOR)


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


def _xsd_datetime(value: str | datetime) -> Literal:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text = value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Literal(text, datatype=XSD.dateTime)


class _Builder:
    def __init__(self, manifest: DumpManifest, base: str, public_url: str, publisher: Publisher):
        self.m = manifest
        self.base = normalise_base(base)
        self.url = normalise_public_url(public_url)
        self.g = Graph()
        self.g.parse(data=VOCABULARY, format="turtle")
        for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                           ("spdx", SPDX), ("adms", ADMS), ("hydra", HYDRA), ("skos", SKOS),
                           ("dcatap", DCATAP), ("xsd", XSD)):  # fmt: skip
            self.g.bind(prefix, ns)
        self.catalog = URIRef(f"{self.url}/catalog")
        self.service = URIRef(f"{self.url}/catalog/service/sparql")
        self.publisher = URIRef(f"{self.url}/catalog#publisher")
        self.contact = URIRef(f"{self.url}/catalog#contact-point")
        self.homepage = URIRef(publisher.homepage or f"{self.url}/")
        self._agent(publisher)

    def add(self, s: URIRef | BNode, p: URIRef, *objects: URIRef | BNode | Literal) -> None:
        for o in objects:
            self.g.add((s, p, o))

    def text(self, s: URIRef | BNode, p: URIRef, da: str, en: str) -> None:
        self.add(s, p, Literal(da, lang="da"), Literal(en, lang="en"))

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

    def common(self, s: URIRef) -> None:
        """What the catalog, its datasets and its service share."""
        self.add(s, DCTERMS.publisher, self.publisher)
        self.add(s, DCAT.contactPoint, self.contact)

    def describe_catalog(self, modified: Literal) -> None:
        c = self.catalog
        self.add(c, RDF.type, DCAT.Catalog)
        self.text(c, DCTERMS.title, "POB-vidensgrafen: katalog over åbne data",
                  "POB Knowledge Graph: open data catalogue")  # fmt: skip
        self.text(
            c,
            DCTERMS.description,
            "Katalog over de åbne data i POB-vidensgrafen om privat-offentlige bysamarbejder "
            "(POB), Business Improvement Districts og nordiske varianter: den kuraterede graf og "
            "godkendte indsendte datasæt, som dumps og gennem et SPARQL-endpoint.",
            "Catalogue of the open data in the POB Knowledge Graph on private-public urban "
            "partnerships (POB), business improvement districts and their Nordic variants: the "
            "curated graph and accepted submitted datasets, as dumps and through a SPARQL "
            "endpoint.",
        )
        self.common(c)
        self.add(c, DCTERMS.license, CC_BY_4)
        self.add(c, DCTERMS.language, *LANGUAGES)
        self.add(c, DCTERMS.issued, _xsd_datetime(self.m.issued))
        self.add(c, DCTERMS.modified, modified)
        self.add(c, FOAF.homepage, self.homepage)
        self.add(c, DCAT.themeTaxonomy, URIRef(EU + "data-theme"))
        self.add(c, DCTERMS.spatial, DENMARK)
        self.add(c, DCAT.service, self.service)

    def describe_service(self, datasets: list[URIRef]) -> None:
        s = self.service
        self.add(s, RDF.type, DCAT.DataService)
        self.text(s, DCTERMS.title, "SPARQL-endpoint for POB-vidensgrafen",
                  "SPARQL endpoint of the POB Knowledge Graph")  # fmt: skip
        self.text(
            s,
            DCTERMS.description,
            "SPARQL 1.1-forespørgsler mod hele vidensgrafen: ontologi, data, afledte tripler og "
            "godkendte indsendte datasæt, hver i sin navngivne graf. GET uden forespørgsel giver "
            "en SPARQL-tjenestebeskrivelse.",
            "SPARQL 1.1 queries over the whole knowledge graph: ontology, data, inferred triples "
            "and accepted submissions, each in its own named graph. GET without a query returns "
            "a SPARQL service description.",
        )
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
        ontology = URIRef(f"{self.base}ontology")
        self.add(d, DCTERMS.conformsTo, ontology)
        self.add(ontology, RDF.type, DCTERMS.Standard)
        self.text(ontology, DCTERMS.title, "POB-ontologien", "The POB ontology")
        self.add(d, FOAF.page, ontology)
        self.add(ontology, RDF.type, FOAF.Document)
        summary = self.m.dataset(name)
        extent = summary.temporal() if summary is not None else None
        if extent is not None:
            period = BNode(_bnode_id("period", name))
            self.add(d, DCTERMS.temporal, period)
            self.add(period, RDF.type, DCTERMS.PeriodOfTime)
            self.add(period, DCAT.startDate, extent[0])
            self.add(period, DCAT.endDate, extent[1])
        for f in self.m.files_of(name):
            self.describe_distribution(d, f)

    def describe_distribution(self, d: URIRef, f: DumpFile) -> None:
        dist = URIRef(f"{d}/distribution/{f.path.replace('/', '-')}")
        self.add(d, DCAT.distribution, dist)
        self.add(dist, RDF.type, DCAT.Distribution)
        da, en = _distribution_texts(f)
        self.text(dist, DCTERMS.title, da[0], en[0])
        self.text(dist, DCTERMS.description, da[1], en[1])
        url = URIRef(self.m.download_url(f))
        self.add(dist, DCAT.downloadURL, url)
        self.add(dist, DCAT.accessURL, url)
        self.add(dist, DCAT.mediaType, URIRef(IANA + f.media_type))
        self.add(dist, DCTERMS["format"], URIRef(EU + "file-type/" + f.file_type))
        self.add(dist, DCAT.byteSize, Literal(f.byte_size, datatype=XSD.nonNegativeInteger))
        checksum = BNode(_bnode_id("checksum", f.path))
        self.add(dist, SPDX.checksum, checksum)
        self.add(checksum, RDF.type, SPDX.Checksum)
        self.add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        self.add(checksum, SPDX.checksumValue, Literal(f.sha256, datatype=XSD.hexBinary))
        self.add(dist, DCTERMS.license, CC_BY_4)
        self.add(dist, DCATAP.availability, URIRef(EU + "planned-availability/STABLE"))
        self.add(dist, DCTERMS.modified, _xsd_datetime(f.modified))
        if f.media_type != "text/csv":
            self.add(dist, DCTERMS.conformsTo, URIRef(f"{self.base}ontology"))


def _bnode_id(kind: str, key: str) -> str:
    """Stable blank-node labels, so the same catalog serialises the same way."""
    return f"{kind}{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _distribution_texts(f: DumpFile) -> tuple[tuple[str, str], tuple[str, str]]:
    """((title, description) in Danish, (title, description) in English) for a dump file."""
    syntax = SYNTAX_NAMES.get(f.media_type, f.media_type)
    if f.part == "asserted":
        return (
            (f"Hele grafen (ontologi og data) i {syntax}",
             f"Ontologien og de kuraterede data, {f.items} tripler, i {syntax}."),
            (f"Whole graph (ontology and data) in {syntax}",
             f"The ontology and the curated data, {f.items} triples, in {syntax}."),
        )  # fmt: skip
    if f.part == "inferred":
        return (
            (f"Afledte tripler (OWL 2 RL) i {syntax}",
             f"Kun de {f.items} tripler, som OWL 2 RL-ræsonnering tilføjer. Indlæs dem sammen "
             "med hele grafen for at få det, SPARQL-endpointet svarer ud fra."),
            (f"Inferred triples (OWL 2 RL) in {syntax}",
             f"Only the {f.items} triples that OWL 2 RL reasoning adds. Load them with the whole "
             "graph to get what the SPARQL endpoint answers from."),
        )  # fmt: skip
    if f.part.startswith("table/"):
        table = f.part.split("/", 1)[1]
        da_name, en_name = TABLE_NAMES.get(table, (table, table))
        return (
            (f"Tabel over {da_name} (CSV)",
             f"{f.items} rækker, én pr. ressource, med IRI'er; kolonner i første række."),
            (f"Table of {en_name} (CSV)",
             f"{f.items} rows, one per resource, with IRIs; column names in the first row."),
        )  # fmt: skip
    return (
        (f"Indsendt datasæt i {syntax}", f"Det godkendte datasæt, {f.items} tripler."),
        (f"Submitted dataset in {syntax}", f"The accepted dataset, {f.items} triples."),
    )


def _describe_curated(b: _Builder, d: URIRef) -> None:
    b.text(d, DCTERMS.title, "POB-vidensgrafen: kurateret graf",
           "POB Knowledge Graph: curated graph")  # fmt: skip
    b.text(
        d,
        DCTERMS.description,
        "Kildebelagte data om privat-offentlige bysamarbejder i danske kommuner, netværket for "
        "privat-offentlige bysamarbejder, samarbejdsmodeller (POB, BID og nordiske varianter), "
        "deres lovgrundlag, publikationer og kilder, beskrevet med POB-ontologien. Hvert faktum "
        "henviser til sin kilde (dct:source). Hovedgrafen rummer ontologi og data; de afledte "
        "OWL 2 RL-tripler er en særskilt distribution.",
        "Sourced data on private-public urban partnerships in Danish municipalities, the network "
        "for private-public urban partnerships, collaboration models (POB, BID and Nordic "
        "variants), their legal basis, publications and sources, described with the POB "
        "ontology. Every fact names its source (dct:source). The main graph holds ontology and "
        "data; the OWL 2 RL inferred triples are a distribution of their own.",
    )
    b.add(d, DCTERMS.spatial, DENMARK)
    provenance = BNode(_bnode_id("provenance", CURATED))
    b.add(d, DCTERMS.provenance, provenance)
    b.add(provenance, RDF.type, DCTERMS.ProvenanceStatement)
    b.text(
        provenance,
        RDFS.label,
        "Kurateret i hånden fra offentlige kilder (rapporter, pressemeddelelser, kommunale og "
        "statslige websider). Etiketter og beskrivelser er projektets egne ord. Afledte tripler "
        "er beregnet med OWL 2 RL.",
        "Curated by hand from public sources (reports, press releases, municipal and government "
        "web pages). Labels and descriptions are the project's own words. Inferred triples are "
        "computed with OWL 2 RL.",
    )


def _describe_submission(b: _Builder, d: URIRef, s: SubmissionInfo) -> None:
    day = s.submitted.date().isoformat()
    named = f": {s.title}" if s.title else f" {s.id}"
    b.text(d, DCTERMS.title, f"Indsendt datasæt{named}", f"Submitted dataset{named}")
    graph = graph_iri(f"submission/{s.id}", b.base)
    b.text(
        d,
        DCTERMS.description,
        (s.description + "\n\n" if s.description else "")
        + f"Indsendt {day} og godkendt mod POB-vidensgrafens SHACL-former; ligger i den "
        f"navngivne graf <{graph}>.",
        (s.description + "\n\n" if s.description else "")
        + f"Submitted on {day} and accepted against the POB Knowledge Graph's SHACL shapes; held "
        f"in the named graph <{graph}>.",
    )
    for code in s.countries:
        if code not in COUNTRIES:
            raise ValueError(f"submission {s.id}: unsupported country code {code!r}")
        b.add(d, DCTERMS.spatial, COUNTRIES[code])
    identifier = BNode(_bnode_id("identifier", s.id))
    b.add(d, ADMS.identifier, identifier)
    b.add(identifier, RDF.type, ADMS.Identifier)
    b.add(identifier, SKOS.notation, Literal(str(graph), datatype=XSD.anyURI))
    if s.submitter:
        provenance = BNode(_bnode_id("provenance", s.id))
        b.add(d, DCTERMS.provenance, provenance)
        b.add(provenance, RDF.type, DCTERMS.ProvenanceStatement)
        b.text(
            provenance, RDFS.label, f"Indsendt af {s.submitter}.", f"Submitted by {s.submitter}."
        )


def catalog_graph(
    manifest: DumpManifest,
    base: str,
    public_url: str,
    submissions: Sequence[SubmissionInfo] = (),
    page: int | None = None,
    page_size: int = 50,
    *,
    publisher: Publisher | None = None,
) -> Graph:
    """The DCAT catalog (one page of it when there are more than `page_size` datasets)."""
    b = _Builder(manifest, base, public_url, publisher or Publisher())
    ordered = sorted(submissions, key=lambda s: (s.submitted, s.id))
    entries: list[tuple[str, SubmissionInfo | None]] = [(CURATED, None)]
    entries += [(SUBMISSION_PREFIX + s.id, s) for s in ordered]
    modified = max(
        [_xsd_datetime(manifest.modified)]
        + [_xsd_datetime(s.modified or s.submitted) for s in ordered],
        key=lambda lit: lit.toPython(),
    )
    shown = entries
    if page is not None or len(entries) > page_size:
        links = page_links(len(entries), page or 1, page_size, b.url)
        start = (links.page - 1) * page_size
        shown = entries[start : start + page_size]
        _paging(b.g, links)
    b.describe_catalog(modified)
    iris: list[URIRef] = []
    for name, info in shown:
        d = b.dataset_iri(name)
        iris.append(d)
        if info is None:
            b.describe_dataset(
                d, name, _xsd_datetime(manifest.issued), _xsd_datetime(manifest.modified)
            )
            _describe_curated(b, d)
        else:
            stamp = _xsd_datetime(info.modified or info.submitted)
            b.describe_dataset(d, name, _xsd_datetime(info.submitted), stamp)
            _describe_submission(b, d, info)
    b.describe_service(iris)
    return b.g


def _paging(g: Graph, links: PageLinks) -> None:
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
