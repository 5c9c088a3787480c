"""Every namespace the project uses, written once.

`POB` is our vocabulary as a `DefinedNamespace` with `_fail = True`, so a misspelt term
fails at import time. `bind_all` binds every prefix on a graph; the prefix table is the
single source for Turtle output, SPARQL prologues and the query UI.
"""

from __future__ import annotations

import re

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace, NamespaceManager

CANONICAL_BASE = "https://w3id.org/pob/"
#: a local name shown after a prefix (no "/", "#", "?" or spaces)
_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")


class POB(DefinedNamespace):
    """The POB ontology (`https://w3id.org/pob/ontology#`)."""

    _fail = True
    _NS = Namespace(CANONICAL_BASE + "ontology#")

    # classes
    Municipality: URIRef
    Region: URIRef
    Jurisdiction: URIRef
    Country: URIRef
    Area: URIRef
    Partnership: URIRef
    LocalPartnership: URIRef
    NationalInitiative: URIRef
    CollaborationModel: URIRef
    Challenge: URIRef
    MeasureType: URIRef
    AreaType: URIRef
    ActorType: URIRef
    ParticipationMode: URIRef
    FinancingType: URIRef
    CaseStatus: URIRef
    Legislation: URIRef
    Publication: URIRef
    Report: URIRef
    Conclusion: URIRef
    Event: URIRef
    Grant: URIRef
    Source: URIRef
    Involvement: URIRef
    Claim: URIRef
    # object properties
    municipality: URIRef
    region: URIRef
    country: URIRef
    operatesIn: URIRef
    addressesChallenge: URIRef
    measureType: URIRef
    areaType: URIRef
    participantType: URIRef
    model: URIRef
    participation: URIRef
    financing: URIRef
    legalBasis: URIRef
    enablesModel: URIRef
    caseStatus: URIRef
    namedAsExampleIn: URIRef
    namesExample: URIRef
    publicationOf: URIRef
    finalReportOf: URIRef
    buildsOn: URIRef
    hasConclusion: URIRef
    conclusionOf: URIRef
    eventOf: URIRef
    drewOn: URIRef
    facilitatedBy: URIRef
    supervisedBy: URIRef
    commissionedBy: URIRef
    inputFrom: URIRef
    holder: URIRef
    heldIn: URIRef
    claimProperty: URIRef
    # datatype properties
    kommunekode: URIRef
    isoCode: URIRef
    requiresNationalLegislation: URIRef
    hasBidLegislation: URIRef
    bidLegislationStatus: URIRef
    bidCount: URIRef
    approvalRule: URIRef
    applicationThreshold: URIRef
    blockingThreshold: URIRef
    levyPayer: URIRef
    typicalTerm: URIRef
    legalForm: URIRef
    memberCount: URIRef
    memberCountIsApproximate: URIRef
    activity: URIRef
    dateNote: URIRef
    plannedDuration: URIRef
    listedOn: URIRef
    position: URIRef
    isDraft: URIRef
    amount: URIRef
    currency: URIRef
    isPublic: URIRef
    annualAmount: URIRef


ORG = Namespace("http://www.w3.org/ns/org#")
CV = Namespace("http://data.europa.eu/m8g/")
SCHEMA = Namespace("https://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
VANN = Namespace("http://purl.org/vocab/vann/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")

#: instance namespaces: prefix -> path under the base (see docs/modelling.md)
INSTANCE_PATHS: dict[str, str] = {
    "mun": "id/municipality/",
    "reg": "id/region/",
    "country": "id/country/",
    "jur": "id/jurisdiction/",
    "orgn": "id/organisation/",
    "person": "id/person/",
    "ps": "id/partnership/",
    "unit": "id/unit/",
    "mship": "id/membership/",
    "area": "id/area/",
    "pub": "id/publication/",
    "concl": "id/conclusion/",
    "event": "id/event/",
    "law": "id/legislation/",
    "src": "id/source/",
    "grant": "id/grant/",
    "place": "id/place/",
    "claim": "id/claim/",
    "scheme": "id/scheme/",
    "challenge": "id/challenge/",
    "measure": "id/measure-type/",
    "areatype": "id/area-type/",
    "actortype": "id/actor-type/",
    "model": "id/model/",
    "role": "id/role/",
    "participation": "id/participation/",
    "financing": "id/financing/",
    "casestatus": "id/case-status/",
}

#: reused vocabularies: prefix -> namespace IRI
EXTERNAL_PREFIXES: dict[str, str] = {
    "org": str(ORG),
    "cv": str(CV),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": str(SCHEMA),
    "time": str(TIME),
    "geo": str(GEO),
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": str(VANN),
    "dcat": str(DCAT),
}


def prefixes(base: str = CANONICAL_BASE) -> dict[str, str]:
    """All prefixes for a given base: ours (rebased) and the reused vocabularies."""
    table = {"pob": base + "ontology#", "pobsh": base + "shapes#", "pobg": base + "graph/"}
    table.update({p: base + path for p, path in INSTANCE_PATHS.items()})
    table.update(EXTERNAL_PREFIXES)
    return table


def bind_all(graph: Graph, base: str = CANONICAL_BASE) -> Graph:
    """Bind every project prefix on `graph`, and only those: rdflib's own defaults (about 60,
    such as ``brick`` and ``sosa``) are dropped, so serialisations carry our prefixes."""
    graph.namespace_manager = NamespaceManager(graph, bind_namespaces="none")
    for prefix, ns in prefixes(base).items():
        graph.bind(prefix, Namespace(ns), override=True, replace=True)
    return graph


def sparql_prologue(base: str = CANONICAL_BASE) -> str:
    """PREFIX lines for every project prefix."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes(base).items())


def compact(iri: str, base: str = CANONICAL_BASE) -> str:
    """`iri` as a prefixed name (``mun:varde``) when a project prefix covers it and the rest
    is a plain local name; else the IRI itself. For people reading (tables, reports)."""
    best = ""
    chosen = ""
    for prefix, ns in prefixes(base).items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, chosen = ns, prefix
    rest = iri[len(best) :]
    if best and rest and _LOCAL.fullmatch(rest):
        return f"{chosen}:{rest}"
    return iri
