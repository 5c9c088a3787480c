"""Every namespace the project uses, written once.

`POB` is our vocabulary as a `DefinedNamespace` with `_fail = True`, so a misspelt term
fails at import time. `bind_all` binds every prefix of the prefix table (:mod:`pob.graph.prefixes`,
the single source for Turtle output, SPARQL prologues and the query UI) on a graph.
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace, NamespaceManager

from pob.graph.prefixes import CANONICAL_BASE, EXTERNAL_PREFIXES, prefixes


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


ORG = Namespace(EXTERNAL_PREFIXES["org"])
CV = Namespace(EXTERNAL_PREFIXES["cv"])
SCHEMA = Namespace(EXTERNAL_PREFIXES["schema"])
TIME = Namespace(EXTERNAL_PREFIXES["time"])
GEO = Namespace(EXTERNAL_PREFIXES["geo"])
VANN = Namespace(EXTERNAL_PREFIXES["vann"])
DCAT = Namespace(EXTERNAL_PREFIXES["dcat"])
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")


def bind_all(graph: Graph, base: str = CANONICAL_BASE) -> Graph:
    """Bind every project prefix on `graph`, and only those: rdflib's own defaults (about 60,
    such as ``brick`` and ``sosa``) are dropped, so serialisations carry our prefixes."""
    graph.namespace_manager = NamespaceManager(graph, bind_namespaces="none")
    for prefix, ns in prefixes(base).items():
        graph.bind(prefix, Namespace(ns), override=True, replace=True)
    return graph
