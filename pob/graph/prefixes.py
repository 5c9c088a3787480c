"""The prefix table: every prefix the project writes, as plain strings, written once.

The single source for Turtle output, SPARQL prologues, the query UI and compact names in
reports. It imports nothing but the standard library, so the store's worker processes,
which need the prefixes for their dumps, do not load rdflib (11 MiB and 70 ms of import a
process; docs/architecture.md, "Memory: one engine handle per process").
:mod:`pob.graph.namespaces` builds rdflib's namespaces and bindings from it.
"""

from __future__ import annotations

import re

CANONICAL_BASE = "https://w3id.org/pob/"
#: a local name shown after a prefix (no "/", "#", "?" or spaces)
_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")

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
    "org": "http://www.w3.org/ns/org#",
    "cv": "http://data.europa.eu/m8g/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "time": "http://www.w3.org/2006/time#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": "http://purl.org/vocab/vann/",
    "dcat": "http://www.w3.org/ns/dcat#",
}


def prefixes(base: str = CANONICAL_BASE) -> dict[str, str]:
    """All prefixes for a given base: ours (rebased) and the reused vocabularies."""
    table = {"pob": base + "ontology#", "pobsh": base + "shapes#", "pobg": base + "graph/"}
    table.update({p: base + path for p, path in INSTANCE_PATHS.items()})
    table.update(EXTERNAL_PREFIXES)
    return table


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
