"""Seeded generator of POB-shaped submission data, for benchmarks and inference tests.

`generate(triples=50_000, seed=1)` builds municipalities (with region, country and
kommunekode), local areas, local partnerships with memberships (``org:Membership`` with
``org:organization``/``org:member`` and a member role, ``role:medlem``) and roles that are not
membership (``pob:Involvement`` with ``pob:heldIn``/``pob:holder``/``org:role``: chair,
secretariat, affiliated, contributor, initiator, leader), organisations, persons, reports with
conclusions, grants and sources, with IRIs from :func:`pob.graph.iri.mint` and terms from
:mod:`pob.graph.namespaces` and the code lists of ``docs/modelling.md``. The same seed gives the
same graph, and without errors it conforms to the shapes (also beside the curated data: no
generated municipality takes a listed kommunekode). ``errors=0.05`` damages about 5 % of the
nodes that can be damaged: a kommunekode that is not three digits, a label without ``@da``, an
end date before the start date; validation finds each at its node. ``refer_to`` (e.g. the
curated data) makes part of the data point at its municipalities and organisations instead of
minting new ones, as a real submission would. :func:`source_key` names a version of this
generator, for caches of its output.

    python -m bench.generate --triples 5000 --seed 1 > /tmp/submission.ttl
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, XSD

from pob.graph.iri import check, mint, slug
from pob.graph.namespaces import ORG, POB, SCHEMA, bind_all
from pob.graph.prefixes import CANONICAL_BASE

CHALLENGES = (
    "arbejdskraft",
    "detailhandel",
    "bosaetning",
    "turisme",
    "traengsel-og-mobilitet",
    "ivaerksaetteri",
)
AREA_TYPES = ("turistomraade", "bymidte", "erhvervsomraade", "socialt-udfordret-omraade")
MEASURE_TYPES = ("fysisk", "indholdsmaessig", "kommunikationsmaessig", "driftsmaessig")
ACTOR_TYPES = ("ejendomsejere", "handel-og-service", "borgere", "foreninger", "virksomheder")
#: an organisation's role in a partnership; only `medlem` is a member role (org:roleProperty
#: org:memberOf), the others are written as pob:Involvement (docs/modelling.md, "Roles")
ORGANISATION_ROLES = ("medlem", "formand", "sekretariat", "tilknyttet", "bidragyder")
MEMBER_ROLES = frozenset(
    {"medlem", "deltagende-kommune", "formandskabsmedlem", "foelgegruppemedlem"}
)
#: kommunekoder of generated municipalities: the Danish ones run 101-860, so a generated
#: municipality never takes a code of the reference list (pobsh:MunicipalityKommunekodeTaken)
KOMMUNEKODER = (900, 999)
MODELS = ("pob", "frivillig-bid", "town-centre-management")
REGIONS = {
    "hovedstaden": ("DK-84", "Region Hovedstaden", "Capital Region of Denmark"),
    "sjaelland": ("DK-85", "Region Sjælland", "Region Zealand"),
    "syddanmark": ("DK-83", "Region Syddanmark", "Region of Southern Denmark"),
    "midtjylland": ("DK-82", "Region Midtjylland", "Central Denmark Region"),
    "nordjylland": ("DK-81", "Region Nordjylland", "North Denmark Region"),
}
DAMAGE_KINDS = ("kommunekode", "label", "dates")

_PREFIXES = ("", "Ny", "Øster", "Vester", "Sønder", "Nørre", "Store", "Lille", "Gammel")
_STEMS = ("Bjerg", "Havn", "Løse", "Rød", "Strup", "Købing", "Sted", "Holm", "Lev", "Skov", "Vig")
_STEMS_LOWER = tuple(s.lower() for s in _STEMS)
_FIRST = ("Anne", "Bo", "Camilla", "Jens", "Karen", "Lars", "Mette", "Ole", "Søren", "Åse")
_LAST = ("Hansen", "Jensen", "Nielsen", "Pedersen", "Kjær", "Møller", "Østergaard", "Bækgaard")
_TRADES = ("Handelsstandsforening", "Erhvervsforening", "Ejendomsselskab", "Turistforening")


@dataclass
class _Builder:
    rng: random.Random
    base: str
    errors: float
    graph: Graph
    injected: list[tuple[str, URIRef]]
    sources: list[URIRef] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)
    municipalities: list[URIRef] = field(default_factory=list)
    organisations: list[URIRef] = field(default_factory=list)

    def iri(self, kind: str, name: str) -> tuple[URIRef, str]:
        """A new IRI of `kind` for `name` (a number is added to a name already taken)."""
        key, n = slug(name), 1
        while f"{kind}/{key}" in self.taken:
            n += 1
            key = slug(f"{name} {n}")
        self.taken.add(f"{kind}/{key}")
        return mint(kind, key, self.base), key

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.graph.add((s, p, o))

    def damaged(self, kind: str, node: URIRef) -> bool:
        if self.errors and self.rng.random() < self.errors:
            self.injected.append((kind, node))
            return True
        return False

    def label(self, node: URIRef, da: str, en: str, damageable: bool = True) -> None:
        if not (damageable and self.damaged("label", node)):
            self.add(node, RDFS.label, Literal(da, lang="da"))
        self.add(node, RDFS.label, Literal(en, lang="en"))

    def source(self) -> URIRef:
        if not self.sources or self.rng.random() < 0.02:
            n = len(self.sources) + 1
            node, key = self.iri("source", f"kilde {n}")
            self.add(node, RDF.type, POB.Source)
            self.add(node, DCTERMS.title, Literal(f"Kilde {n}: indberetning"))
            url = Literal(f"https://example.org/kilder/{key}", datatype=XSD.anyURI)
            self.add(node, SCHEMA.url, url)
            self.sources.append(node)
            return node
        return self.rng.choice(self.sources)

    def sourced(self, node: URIRef) -> None:
        self.add(node, DCTERMS.source, self.source())

    def code(self, scheme: str, keys: tuple[str, ...]) -> URIRef:
        return mint(scheme, self.rng.choice(keys), self.base)

    def town(self) -> str:
        rng = self.rng
        prefix = rng.choice(_PREFIXES)
        stem = rng.choice(_STEMS)
        name = f"{prefix}{stem.lower()}" if prefix else stem
        return name + rng.choice(_STEMS_LOWER) if rng.random() < 0.5 else name

    def dates(self, node: URIRef) -> None:
        start = self.rng.randint(2005, 2022)
        end = start + self.rng.randint(1, 6)
        damaged = self.damaged("dates", node)
        if damaged:
            start, end = end, start
        self.add(node, SCHEMA.startDate, Literal(str(start), datatype=XSD.gYear))
        if self.rng.random() < 0.6 or damaged:  # damaged dates have both, or none is wrong
            self.add(node, SCHEMA.endDate, Literal(str(end), datatype=XSD.gYear))


def _regions(b: _Builder) -> None:
    denmark = mint("country", "danmark", b.base)
    b.add(denmark, RDF.type, POB.Country)
    # the curated data names the country and the regions too, which would hide a damaged name
    b.label(denmark, "Danmark", "Denmark", damageable=False)
    b.add(denmark, POB.isoCode, Literal("DK"))
    b.sourced(denmark)
    for key, (iso, da, en) in REGIONS.items():
        region = mint("region", key, b.base)
        b.add(region, RDF.type, POB.Region)
        b.label(region, da, en, damageable=False)
        b.add(region, POB.isoCode, Literal(iso))
        b.sourced(region)


def _municipality(b: _Builder) -> URIRef:
    name = b.town()
    node, _ = b.iri("municipality", name)
    b.add(node, RDF.type, POB.Municipality)
    b.label(node, f"{name} Kommune", f"{name} Municipality")
    code = f"{b.rng.randint(*KOMMUNEKODER)}"
    if b.damaged("kommunekode", node):
        code = code[:2] if b.rng.random() < 0.5 else f"K{code}"
    b.add(node, POB.kommunekode, Literal(code))
    b.add(node, POB.region, mint("region", b.rng.choice(list(REGIONS)), b.base))
    b.add(node, POB.country, mint("country", "danmark", b.base))
    b.sourced(node)
    b.municipalities.append(node)
    return node


def _organisation(b: _Builder, town: str) -> URIRef:
    name = f"{town} {b.rng.choice(_TRADES)}"
    node, key = b.iri("organisation", name)
    b.add(node, RDF.type, ORG.FormalOrganization)
    b.label(node, name, f"{name} (association)")
    b.add(node, FOAF.homepage, URIRef(f"https://example.org/{key}"))
    b.sourced(node)
    b.organisations.append(node)
    return node


def _person(b: _Builder, organisation: URIRef) -> URIRef:
    name = f"{b.rng.choice(_FIRST)} {b.rng.choice(_LAST)}"
    node, _ = b.iri("person", name)
    b.add(node, RDF.type, FOAF.Person)
    b.label(node, name, name)
    b.add(node, SCHEMA.affiliation, organisation)
    b.sourced(node)
    return node


def _role(b: _Builder, ps: URIRef, agent: URIRef, role: str) -> None:
    """`agent`'s role in `ps`: an org:Membership for a member role, else a pob:Involvement
    (no org:member/org:organization, so no org:memberOf is inferred); the same IRI rule."""
    keys = (str(ps).rsplit("/", 1)[1], str(agent).rsplit("/", 1)[1], role)
    node = URIRef(f"{b.base}id/membership/{'--'.join(keys)}")
    if str(node) in b.taken:
        return
    b.taken.add(str(node))
    check(str(node), b.base)
    da, en = f"{keys[1]}: {role} i {keys[0]}", f"{keys[1]}: {role} of {keys[0]}"
    if role in MEMBER_ROLES:
        b.add(node, RDF.type, ORG.Membership)
        b.label(node, da, en)
        b.add(node, ORG.organization, ps)
        b.add(node, ORG.member, agent)
    else:
        b.add(node, RDF.type, POB.Involvement)
        b.label(node, da, en)
        b.add(node, POB.heldIn, ps)
        b.add(node, POB.holder, agent)
    b.add(node, ORG.role, mint("role", role, b.base))
    b.dates(node)
    b.sourced(node)


def _report(b: _Builder, ps: URIRef, town: str) -> None:
    node, key = b.iri("publication", f"Slutrapport {town}")
    b.add(node, RDF.type, POB.Report)
    b.label(node, f"Slutrapport: bysamarbejdet i {town}", f"Final report: partnership in {town}")
    b.add(node, DCTERMS.issued, Literal(str(b.rng.randint(2010, 2024)), datatype=XSD.gYear))
    b.add(node, POB.finalReportOf, ps)
    b.sourced(node)
    for n in range(1, b.rng.randint(2, 6)):
        concl = mint("conclusion", f"{key} {n}", b.base)
        b.add(concl, RDF.type, POB.Conclusion)
        b.label(concl, f"Konklusion {n} i {town}", f"Conclusion {n} in {town}")
        b.add(concl, POB.position, Literal(n, datatype=XSD.integer))
        b.add(concl, POB.conclusionOf, node)
        b.sourced(concl)


def _grant(b: _Builder, ps: URIRef, funder: URIRef, town: str) -> None:
    node, _ = b.iri("grant", f"Tilskud {town}")
    b.add(node, RDF.type, POB.Grant)
    b.label(node, f"Tilskud til {town}", f"Grant to {town}")
    b.add(node, POB.amount, Literal(f"{b.rng.randint(5, 500) * 10_000}.00", datatype=XSD.decimal))
    b.add(node, POB.currency, Literal("DKK"))
    b.add(node, SCHEMA.funder, funder)
    b.add(node, SCHEMA.fundedItem, ps)
    b.sourced(node)


def _cluster(b: _Builder, refer: list[URIRef]) -> None:
    """One municipality with its areas, partnerships, memberships and other roles, people,
    reports and grants."""
    rng = b.rng
    municipality = rng.choice(refer) if refer and rng.random() < 0.3 else _municipality(b)
    for _ in range(rng.randint(1, 2)):
        town = b.town()
        area, _ = b.iri("area", f"{town} bymidte")
        b.add(area, RDF.type, POB.Area)
        b.label(area, f"{town} bymidte", f"{town} town centre")
        b.add(area, POB.municipality, municipality)
        b.add(area, POB.areaType, b.code("area-type", AREA_TYPES))
        b.sourced(area)
        ps, _ = b.iri("partnership", f"Bysamarbejde {town}")
        b.add(ps, RDF.type, POB.LocalPartnership)
        b.label(ps, f"Bysamarbejde {town}", f"{town} urban partnership")
        b.add(ps, DCTERMS.description, Literal(f"Samarbejde om {town} bymidte.", lang="da"))
        b.add(ps, POB.municipality, municipality)
        b.add(ps, POB.operatesIn, area)
        for key in rng.sample(CHALLENGES, rng.randint(1, 3)):
            b.add(ps, POB.addressesChallenge, mint("challenge", key, b.base))
        b.add(ps, POB.measureType, b.code("measure-type", MEASURE_TYPES))
        b.add(ps, POB.participantType, b.code("actor-type", ACTOR_TYPES))
        b.add(ps, POB.model, b.code("model", MODELS))
        b.add(ps, POB.caseStatus, mint("case-status", "relateret", b.base))
        b.dates(ps)
        b.sourced(ps)
        _role(b, ps, municipality, "initiativtager")
        involved = [_organisation(b, town) for _ in range(rng.randint(2, 5))]
        if b.organisations and rng.random() < 0.5:
            involved.append(rng.choice(b.organisations))
        for organisation in involved:
            _role(b, ps, organisation, rng.choice(ORGANISATION_ROLES))
            if rng.random() < 0.5:
                _role(b, ps, _person(b, organisation), "leder")
        if rng.random() < 0.4:
            _report(b, ps, town)
        if rng.random() < 0.3:
            _grant(b, ps, municipality, town)


def generate(
    triples: int = 50_000,
    seed: int = 1,
    errors: float = 0.0,
    refer_to: Graph | None = None,
    base: str = CANONICAL_BASE,
    injected: list[tuple[str, URIRef]] | None = None,
) -> Graph:
    """A POB-shaped graph of about `triples` triples (a little more: clusters are whole).

    `injected` (if given) receives ``(kind, node)`` for every deliberate error.
    """
    rng = random.Random(seed)
    b = _Builder(
        rng, base, errors, bind_all(Graph(), base), injected if injected is not None else []
    )
    refer: list[URIRef] = []
    if refer_to is not None:
        refer = sorted(
            s for s in refer_to.subjects(RDF.type, POB.Municipality) if isinstance(s, URIRef)
        )
    else:
        _regions(b)
    while len(b.graph) < triples:
        _cluster(b, refer)
    return b.graph


def source_key() -> str:
    """A short hash of this module's source: what a cache of generated data is also keyed by,
    so that a changed generator never reuses data an older one made."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:10]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Seeded POB-shaped submission data (Turtle)")
    parser.add_argument("--triples", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--errors", type=float, default=0.0)
    args = parser.parse_args(argv)
    graph = generate(args.triples, args.seed, args.errors)
    sys.stdout.write(graph.serialize(format="turtle"))


if __name__ == "__main__":
    main()
