"""What the home page shows, every figure from the store by SPARQL (`Store.select`).

:func:`home` gathers: the kinds of thing the graph holds with their counts (each a browse
page), the national network and its municipalities with their map points (only points with
a source: ``geo:hasCentroid`` → a ``geo:Geometry`` with ``schema:latitude``/``longitude``
and ``dct:source``), the timeline of publications and events, the comparison of the
collaboration models and the conclusions of the final report. Nothing is counted or dated
in Python that the store did not say; Python only picks labels in the page language and
orders the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import RDFS, Literal, URIRef

from pob.graph.labels import display_labels
from pob.graph.prefixes import prefixes
from pob.store.base import Store

PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX schema: <https://schema.org/>
PREFIX pob: <{base}ontology#>
"""
#: reused classes that the home page counts beside our own
REUSED_KINDS = ("http://www.w3.org/ns/org#Organization", "http://xmlns.com/foaf/0.1/Person")


@dataclass(frozen=True)
class Item:
    """A resource as a page links it: IRI, label in the page language, local page."""

    iri: str
    label: str
    href: str


@dataclass(frozen=True)
class Kind:
    """A class and how many resources of ours it has; `key` is its browse name (a CURIE)."""

    iri: str
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Point:
    item: Item
    lat: float
    lon: float
    source: str


@dataclass(frozen=True)
class Dated:
    item: Item
    date: str
    kind: str  # "publication" or "event"


@dataclass(frozen=True)
class ModelRow:
    item: Item
    financing: tuple[str, ...]
    participation: tuple[str, ...]
    national_law: bool | None
    legal_bases: int
    partnerships: int


@dataclass
class Home:
    kinds: list[Kind]
    network: Item | None
    members: list[Item] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    timeline: list[Dated] = field(default_factory=list)
    models: list[ModelRow] = field(default_factory=list)
    conclusions: list[tuple[int, Item, str]] = field(default_factory=list)


def sparql(base: str, body: str) -> str:
    """`body` with our prefixes (the base's ontology namespace as ``pob:``)."""
    return PREFIXES.format(base=base) + body


def value(row: dict[str, Any], name: str) -> str | None:
    cell = row.get(name)
    return None if cell is None else str(cell["value"])


def local_href(iri: str, base: str) -> str:
    """The page of `iri` on this service (our IRIs), else the IRI itself."""
    return "/" + iri[len(base) :] if iri.startswith(base) else iri


def curie(iri: str, base: str) -> str:
    """`iri` as prefix:local with the project's prefixes, else the IRI."""
    for prefix, namespace in sorted(prefixes(base).items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def expand(name: str, base: str) -> str | None:
    """A CURIE of the project's prefixes as an IRI (None if the prefix is unknown)."""
    prefix, colon, local = name.partition(":")
    namespace = prefixes(base).get(prefix)
    return namespace + local if colon and namespace and local else None


def iri_list(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in sorted(set(iris)))


async def labels(store: Store, base: str, iris: Iterable[str], lang: str) -> dict[str, str]:
    """The label of each IRI in `lang` (else another language, else the display labels of
    reused terms, else the IRI's last segment): rdfs:label or skos:prefLabel."""
    wanted = sorted(set(iris))
    found: dict[str, tuple[int, str]] = {}
    if wanted:
        rows = await store.select(
            sparql(
                base,
                f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {iri_list(wanted)} }} "
                "?x rdfs:label|skos:prefLabel ?l }",
            )
        )
        for row in rows:
            iri, cell = str(row["x"]["value"]), row["l"]
            rank = 0 if cell.get("xml:lang") == lang else 1 if cell.get("xml:lang") else 2
            text = str(cell["value"])
            if iri not in found or (rank, text) < found[iri]:
                found[iri] = (rank, text)
    out = {iri: text for iri, (_, text) in found.items()}
    extra = display_labels()
    for iri in wanted:
        if iri not in out:
            names = [o for o in extra.objects(URIRef(iri), RDFS.label) if isinstance(o, Literal)]
            chosen = [str(n) for n in names if n.language == lang] or [str(n) for n in names]
            out[iri] = chosen[0] if chosen else iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#")[-1]
    return out


async def items(store: Store, base: str, iris: Sequence[str], lang: str) -> list[Item]:
    """`iris` as linked items, sorted by label."""
    named = await labels(store, base, iris, lang)
    found = [Item(i, named[i], local_href(i, base)) for i in set(iris)]
    return sorted(found, key=lambda it: (it.label.casefold(), it.iri))


async def kinds(store: Store, base: str, lang: str, *, home: bool = False) -> list[Kind]:
    """The classes of the graph's resources (``{base}id/…``) that a vocabulary defines, with
    counts (asserted and inferred types). `home`: only our own classes that are no code-list
    concepts, and organisations and persons."""
    rows = await store.select(
        sparql(
            base,
            "SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?class . "
            f'FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{base}id/")) '
            "?class rdfs:isDefinedBy ?vocabulary . "
            + (
                "FILTER NOT EXISTS { ?class rdfs:subClassOf skos:Concept } "
                f'FILTER(STRSTARTS(STR(?class), "{base}ontology#") || '
                f"?class IN ({', '.join(f'<{k}>' for k in REUSED_KINDS)}))"
                if home
                else ""
            )
            + " } GROUP BY ?class",
        )
    )
    counts = {str(r["class"]["value"]): int(r["n"]["value"]) for r in rows}
    named = await labels(store, base, counts, lang)
    out = [Kind(c, curie(c, base), named[c], n) for c, n in counts.items()]
    return sorted(out, key=lambda k: (-k.count, k.label.casefold()))


async def national_network(store: Store, base: str) -> str | None:
    """The national initiative the graph is about: the one with a final report, else the
    first (as the resource pages' :func:`pob.publish.resources.national_network`)."""
    rows = await store.select(
        sparql(
            base,
            "SELECT ?n (COUNT(?r) AS ?reports) WHERE { ?n a pob:NationalInitiative "
            "OPTIONAL { ?r pob:finalReportOf ?n } } GROUP BY ?n ORDER BY DESC(?reports) STR(?n)",
        )
    )
    return value(rows[0], "n") if rows else None


async def network_points(
    store: Store, base: str, network: str, lang: str
) -> tuple[list[Item], list[Point]]:
    """The network's member municipalities (``org:hasMember``, inferred from the
    memberships), and the map point of each that has one with a source."""
    rows = await store.select(
        sparql(
            base,
            f"SELECT DISTINCT ?m ?lat ?lon ?url WHERE {{ <{network}> org:hasMember ?m . "
            "?m a pob:Municipality . OPTIONAL { ?m geo:hasCentroid ?pt . "
            "?pt schema:latitude ?lat ; schema:longitude ?lon ; dct:source ?src . "
            "?src schema:url ?url } }",
        )
    )
    members = await items(store, base, [str(r["m"]["value"]) for r in rows], lang)
    by_iri = {m.iri: m for m in members}
    points: dict[str, Point] = {}
    for r in rows:
        lat, lon, url = value(r, "lat"), value(r, "lon"), value(r, "url")
        iri = str(r["m"]["value"])
        if lat is not None and lon is not None and url is not None and iri not in points:
            points[iri] = Point(by_iri[iri], float(lat), float(lon), url)
    return members, sorted(points.values(), key=lambda p: p.item.label.casefold())


async def timeline(store: Store, base: str, lang: str) -> list[Dated]:
    """Publications (``dct:issued``) and events (``schema:startDate``), by date."""
    rows = await store.select(
        sparql(
            base,
            "SELECT DISTINCT ?x ?date ?kind WHERE { "
            '{ ?x a pob:Publication ; dct:issued ?date BIND("publication" AS ?kind) } '
            'UNION { ?x a pob:Event ; schema:startDate ?date BIND("event" AS ?kind) } '
            "} ORDER BY ?date ?x",
        )
    )
    named = await labels(store, base, [str(r["x"]["value"]) for r in rows], lang)
    return [
        Dated(
            Item(x, named[x], local_href(x, base)),
            str(r["date"]["value"]),
            str(r["kind"]["value"]),
        )
        for r in rows
        if (x := str(r["x"]["value"]))
    ]


async def models(store: Store, base: str, lang: str) -> list[ModelRow]:
    """Each collaboration model: financing, participation, whether it needs national
    legislation, how many legal bases and partnerships the graph names for it."""
    rows = await store.select(
        sparql(
            base,
            "SELECT ?m ?fin ?part ?law "
            "(COUNT(DISTINCT ?basis) AS ?bases) (COUNT(DISTINCT ?p) AS ?uses) "
            "WHERE { ?m a pob:CollaborationModel . "
            "OPTIONAL { ?m pob:financing ?fin } OPTIONAL { ?m pob:participation ?part } "
            "OPTIONAL { ?m pob:requiresNationalLegislation ?law } "
            "OPTIONAL { ?m pob:legalBasis ?basis } OPTIONAL { ?p pob:model ?m } "
            "} GROUP BY ?m ?fin ?part ?law",
        )
    )
    codes = {v for r in rows for v in (value(r, "fin"), value(r, "part")) if v}
    named = await labels(store, base, {*codes, *(str(r["m"]["value"]) for r in rows)}, lang)
    folded: dict[str, dict[str, Any]] = {}
    for r in rows:
        m = str(r["m"]["value"])
        entry = folded.setdefault(
            m, {"fin": set(), "part": set(), "law": None, "bases": 0, "uses": 0}
        )
        if (fin := value(r, "fin")) is not None:
            entry["fin"].add(named[fin])
        if (part := value(r, "part")) is not None:
            entry["part"].add(named[part])
        if (law := value(r, "law")) is not None:
            entry["law"] = law in ("true", "1")
        entry["bases"] = max(entry["bases"], int(r["bases"]["value"]))
        entry["uses"] = max(entry["uses"], int(r["uses"]["value"]))
    out = [
        ModelRow(
            Item(m, named[m], local_href(m, base)),
            tuple(sorted(e["fin"])),
            tuple(sorted(e["part"])),
            e["law"],
            e["bases"],
            e["uses"],
        )
        for m, e in folded.items()
    ]
    return sorted(out, key=lambda row: row.item.label.casefold())


async def conclusions(store: Store, base: str, lang: str) -> list[tuple[int, Item, str]]:
    """The conclusions (``pob:Conclusion`` with ``pob:position``) and their descriptions."""
    rows = await store.select(
        sparql(
            base,
            "SELECT ?c ?pos ?d WHERE { ?c a pob:Conclusion ; pob:position ?pos "
            f'OPTIONAL {{ ?c dct:description ?d FILTER(LANGMATCHES(LANG(?d), "{lang}")) }} '
            "} ORDER BY ?pos",
        )
    )
    named = await labels(store, base, [str(r["c"]["value"]) for r in rows], lang)
    seen: dict[str, tuple[int, Item, str]] = {}
    for r in rows:
        c = str(r["c"]["value"])
        seen.setdefault(
            c,
            (int(r["pos"]["value"]), Item(c, named[c], local_href(c, base)), value(r, "d") or ""),
        )
    return sorted(seen.values(), key=lambda t: t[0])


async def home(store: Store, base: str, lang: str) -> Home:
    """Everything the home page shows, in `lang`."""
    page = Home(await kinds(store, base, lang, home=True), None)
    network = await national_network(store, base)
    if network is not None:
        page.network = (await items(store, base, [network], lang))[0]
        page.members, page.points = await network_points(store, base, network, lang)
    page.timeline = await timeline(store, base, lang)
    page.models = await models(store, base, lang)
    page.conclusions = await conclusions(store, base, lang)
    return page
