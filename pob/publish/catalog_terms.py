"""What the catalog says in words, and about the external terms it uses.

The catalog's Danish and English texts, and :data:`VOCABULARY`: for each external IRI the
catalog uses (EU authority lists, ADMS, IANA media types, CC BY 4.0, SPDX), the triples that
say what it is. DCAT-AP 3.0.1's range shapes check the class of every object (a licence must
be a ``dct:LicenseDocument``, a media type a ``dct:MediaType`` …), its core shapes require a
``skos:prefLabel`` on every ``skos:Concept`` and a ``dct:title`` on every
``skos:ConceptScheme``, and its code-list shapes look for ``skos:inScheme``. The labels are
those of the EU authority lists.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef

from pob.core import formats
from pob.publish.manifest import DumpFile

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
THEMES = (URIRef(EU + "data-theme/GOVE"), URIRef(EU + "data-theme/REGI"))
LANGUAGES = (URIRef(EU + "language/DAN"), URIRef(EU + "language/ENG"))
#: the EU country code of each country the data name (``{base}id/country/<key>``)
COUNTRY_CODES = {
    "danmark": "DNK", "sverige": "SWE", "norge": "NOR", "tyskland": "DEU",
    "nederlandene": "NLD", "spanien": "ESP", "storbritannien": "GBR",
}  # fmt: skip
COUNTRIES = {code: URIRef(EU + "country/" + code) for code in COUNTRY_CODES.values()}
PUBLISHER_TYPE = URIRef("http://purl.org/adms/publishertype/NonProfitOrganisation")

#: What the catalog says about the external IRIs it uses (labels from the EU authority lists).
VOCABULARY = """
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix spdx: <http://spdx.org/rdf/terms#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix eu: <http://publications.europa.eu/resource/authority/> .
@prefix eutheme: <http://publications.europa.eu/resource/authority/data-theme/> .
@prefix eulang: <http://publications.europa.eu/resource/authority/language/> .
@prefix eucountry: <http://publications.europa.eu/resource/authority/country/> .
@prefix eufreq: <http://publications.europa.eu/resource/authority/frequency/> .
@prefix euaccess: <http://publications.europa.eu/resource/authority/access-right/> .
@prefix euavail: <http://publications.europa.eu/resource/authority/planned-availability/> .
@prefix eufiletype: <http://publications.europa.eu/resource/authority/file-type/> .
@prefix lictype: <http://purl.org/adms/licencetype/> .
@prefix pubtype: <http://purl.org/adms/publishertype/> .

eu:data-theme a skos:ConceptScheme ; dct:title "Data theme"@en, "Datatema"@da .
eutheme:GOVE a skos:Concept ; skos:inScheme eu:data-theme ;
    skos:prefLabel "Government and public sector"@en, "Regeringen og den offentlige sektor"@da .
eutheme:REGI a skos:Concept ; skos:inScheme eu:data-theme ;
    skos:prefLabel "Regions and cities"@en, "Regioner og byer"@da .

eulang:DAN a dct:LinguisticSystem, skos:Concept ; skos:inScheme eu:language ;
    skos:prefLabel "Danish"@en, "dansk"@da .
eulang:ENG a dct:LinguisticSystem, skos:Concept ; skos:inScheme eu:language ;
    skos:prefLabel "English"@en, "engelsk"@da .

# Bounding boxes and centroids (WGS 84, lon lat) are approximate, for the mainland.
eucountry:DNK a dct:Location, skos:Concept ; skos:inScheme eu:country ;
    skos:prefLabel "Denmark"@en, "Danmark"@da ;
    dcat:bbox "POLYGON((8.0 54.5,15.2 54.5,15.2 57.8,8.0 57.8,8.0 54.5))"^^geo:wktLiteral ;
    dcat:centroid "POINT(10.0 56.0)"^^geo:wktLiteral .
eucountry:SWE a dct:Location, skos:Concept ; skos:inScheme eu:country ;
    skos:prefLabel "Sweden"@en, "Sverige"@da ;
    dcat:bbox "POLYGON((10.9 55.3,24.2 55.3,24.2 69.1,10.9 69.1,10.9 55.3))"^^geo:wktLiteral ;
    dcat:centroid "POINT(16.3 62.4)"^^geo:wktLiteral .
eucountry:NOR a dct:Location, skos:Concept ; skos:inScheme eu:country ;
    skos:prefLabel "Norway"@en, "Norge"@da ;
    dcat:bbox "POLYGON((4.5 57.9,31.2 57.9,31.2 71.2,4.5 71.2,4.5 57.9))"^^geo:wktLiteral ;
    dcat:centroid "POINT(12.0 64.5)"^^geo:wktLiteral .
eucountry:DEU a dct:Location, skos:Concept ; skos:inScheme eu:country ;
    skos:prefLabel "Germany"@en, "Tyskland"@da ;
    dcat:bbox "POLYGON((5.9 47.3,15.0 47.3,15.0 55.1,5.9 55.1,5.9 47.3))"^^geo:wktLiteral ;
    dcat:centroid "POINT(10.4 51.2)"^^geo:wktLiteral .
eucountry:NLD a dct:Location, skos:Concept ; skos:inScheme eu:country ;
    skos:prefLabel "Netherlands"@en, "Nederlandene"@da ;
    dcat:bbox "POLYGON((3.4 50.8,7.2 50.8,7.2 53.5,3.4 53.5,3.4 50.8))"^^geo:wktLiteral ;
    dcat:centroid "POINT(5.3 52.1)"^^geo:wktLiteral .
eucountry:ESP a dct:Location, skos:Concept ; skos:inScheme eu:country ;
    skos:prefLabel "Spain"@en, "Spanien"@da ;
    dcat:bbox "POLYGON((-9.3 36.0,3.3 36.0,3.3 43.8,-9.3 43.8,-9.3 36.0))"^^geo:wktLiteral ;
    dcat:centroid "POINT(-3.7 40.2)"^^geo:wktLiteral .
eucountry:GBR a dct:Location, skos:Concept ; skos:inScheme eu:country ;
    skos:prefLabel "United Kingdom"@en, "Storbritannien"@da ;
    dcat:bbox "POLYGON((-8.2 49.9,1.8 49.9,1.8 60.9,-8.2 60.9,-8.2 49.9))"^^geo:wktLiteral ;
    dcat:centroid "POINT(-2.0 54.0)"^^geo:wktLiteral .

eufreq:IRREG a dct:Frequency, skos:Concept ; skos:inScheme eu:frequency ;
    skos:prefLabel "irregular"@en, "uregelmæssig"@da .
euaccess:PUBLIC a dct:RightsStatement, skos:Concept ; skos:inScheme eu:access-right ;
    skos:prefLabel "public"@en, "offentlig"@da .
euavail:STABLE a skos:Concept ; skos:inScheme eu:planned-availability ;
    skos:prefLabel "stable"@en, "stabil"@da .

# CKAN's DCAT parser reads a format's label only from a dct:format typed dct:IMT (DCAT-AP 1's
# form), and a media type's name from the rdfs:label of the dcat:mediaType IRI (IANA's name).
dct:IMT rdfs:subClassOf dct:MediaType .
dct:MediaType rdfs:subClassOf dct:MediaTypeOrExtent .
eufiletype:RDF_TURTLE a dct:IMT ; skos:inScheme eu:file-type ;
    rdfs:label "Turtle" ; skos:prefLabel "RDF Turtle"@en .
eufiletype:RDF_N_TRIPLES a dct:IMT ; skos:inScheme eu:file-type ;
    rdfs:label "N-Triples" ; skos:prefLabel "RDF N-Triples"@en .
eufiletype:JSON_LD a dct:IMT ; skos:inScheme eu:file-type ;
    rdfs:label "JSON-LD" ; skos:prefLabel "JSON-LD"@en .
eufiletype:CSV a dct:IMT ; skos:inScheme eu:file-type ;
    rdfs:label "CSV" ; skos:prefLabel "CSV"@en .


# One dct:title, CKAN's for its licence "cc-by": stock CKAN's licence register lists CC BY
# under the Open Definition URL, so ckanext-dcat finds it by this title (docs/dcat-ap-dk.md).
<https://creativecommons.org/licenses/by/4.0/> a dct:LicenseDocument ;
    dct:title "Creative Commons Attribution" ;
    dct:identifier "CC-BY-4.0" ;
    dct:description "Creative Commons Attribution 4.0 International (CC BY 4.0)"@en,
        "Creative Commons Navngivelse 4.0 International (CC BY 4.0)"@da ;
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
#: the media types of the distributions, each labelled with its name (what CKAN shows)
MEDIA_TYPES = (formats.TURTLE, formats.NTRIPLES, formats.JSONLD, formats.CSV)
VOCABULARY += "".join(f'<{IANA}{m}> a dct:MediaType ; rdfs:label "{m}" .\n' for m in MEDIA_TYPES)

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


CATALOG_TITLE = (
    "POB-vidensgrafen: katalog over åbne data",
    "POB Knowledge Graph: open data catalogue",
)
CATALOG_DESCRIPTION = (
    "Katalog over de åbne data i POB-vidensgrafen om privat-offentlige bysamarbejder (POB), "
    "Business Improvement Districts og nordiske varianter: den kuraterede graf og godkendte "
    "indsendte datasæt, som dumps og gennem et SPARQL-endpoint.",
    "Catalogue of the open data in the POB Knowledge Graph on private-public urban "
    "partnerships (POB), business improvement districts and their Nordic variants: the curated "
    "graph and accepted submitted datasets, as dumps and through a SPARQL endpoint.",
)
SERVICE_TITLE = (
    "SPARQL-endpoint for POB-vidensgrafen",
    "SPARQL endpoint of the POB Knowledge Graph",
)
SERVICE_DESCRIPTION = (
    "SPARQL 1.1-forespørgsler mod hele vidensgrafen: ontologi, data, afledte tripler og "
    "godkendte indsendte datasæt, hver i sin navngivne graf. GET uden forespørgsel giver en "
    "SPARQL-tjenestebeskrivelse.",
    "SPARQL 1.1 queries over the whole knowledge graph: ontology, data, inferred triples and "
    "accepted submissions, each in its own named graph. GET without a query returns a SPARQL "
    "service description.",
)
CURATED_TITLE = ("POB-vidensgrafen: kurateret graf", "POB Knowledge Graph: curated graph")
CURATED_DESCRIPTION = (
    "Kildebelagte data om privat-offentlige bysamarbejder i danske kommuner, netværket for "
    "privat-offentlige bysamarbejder, samarbejdsmodeller (POB, BID og nordiske varianter), "
    "deres lovgrundlag, publikationer og kilder, beskrevet med POB-ontologien. Hvert faktum "
    "henviser til sin kilde (dct:source). Hovedgrafen rummer ontologi og data; de afledte "
    "OWL 2 RL-tripler er en særskilt distribution.",
    "Sourced data on private-public urban partnerships in Danish municipalities, the network "
    "for private-public urban partnerships, collaboration models (POB, BID and Nordic "
    "variants), their legal basis, publications and sources, described with the POB ontology. "
    "Every fact names its source (dct:source). The main graph holds ontology and data; the "
    "OWL 2 RL inferred triples are a distribution of their own.",
)
CURATED_PROVENANCE = (
    "Kurateret i hånden fra offentlige kilder (rapporter, pressemeddelelser, kommunale og "
    "statslige websider). Etiketter og beskrivelser er projektets egne ord. Afledte tripler er "
    "beregnet med OWL 2 RL.",
    "Curated by hand from public sources (reports, press releases, municipal and government "
    "web pages). Labels and descriptions are the project's own words. Inferred triples are "
    "computed with OWL 2 RL.",
)
GRAPH_STORE_TEXTS = (
    ("Direkte fra lageret (Graph Store-protokollen)",
     "Den navngivne graf, hentet direkte fra lageret med SPARQL 1.1 Graph Store HTTP "
     "Protocol; bed om en anden RDF-syntaks med Accept."),
    ("Live from the store (Graph Store Protocol)",
     "The named graph, fetched live from the store with the SPARQL 1.1 Graph Store HTTP "
     "Protocol; ask for another RDF syntax with Accept."),
)  # fmt: skip


def submission_fallback(sid: str) -> tuple[str, str]:
    """(da, en) title of a submission that states none and has no labelled resources."""
    return f"Indsendt datasæt {sid}", f"Submitted dataset {sid}"


def submission_provenance(submitter: str | None, day: str, graph: str) -> tuple[str, str]:
    """(da, en): who submitted a dataset, when, and where it is held."""
    by_da, by_en = (f" af {submitter}", f" by {submitter}") if submitter else ("", "")
    return (
        f"Indsendt{by_da} {day} og godkendt mod POB-vidensgrafens SHACL-former; ligger i den "
        f"navngivne graf <{graph}>.",
        f"Submitted{by_en} on {day} and accepted against the POB Knowledge Graph's SHACL "
        f"shapes; held in the named graph <{graph}>.",
    )


def bilingual(da: str, en: str) -> str:
    """One text in both languages, each named: for readers that take a single value of a
    property whatever its language tag (CKAN's provenance field)."""
    return f"Dansk: {da}\nEnglish: {en}"


def distribution_texts(f: DumpFile) -> tuple[tuple[str, str], tuple[str, str]]:
    """((title, description) in Danish, (title, description) in English) for a dump file."""
    known = formats.by_media_type(f.media_type)
    syntax = known.name if known is not None else f.media_type
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
