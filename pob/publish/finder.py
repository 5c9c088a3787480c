"""Search and browse, answered from the store (`Store.select`).

**Search** (:func:`search`): over ``rdfs:label``, ``skos:prefLabel`` and ``skos:altLabel``
of the graph's resources (``{base}id/…``) in every language. Labels and query are folded
the same way (:func:`fold`: case, accents, æ/ø/å and their spellings ae/oe/aa), so
``hillerod`` and ``hilleroed`` find Hillerød, ``aarhus`` finds Århus and ``bid`` finds the BID
model (its alternative label). The labels are read once per store version (the version the
feed uses: triples per graph and the sources hash) and kept.

**Browse** (:func:`browse`): the resources of one class with facets (municipality, region,
challenge, model, case status, country), each facet value with its count, each count one
SPARQL aggregate over the class and the chosen filters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pob.core.problems import Problem
from pob.publish.portal import Item, Kind, curie, expand, items, kinds, labels, local_href, sparql
from pob.store.base import Store

#: facet key → SPARQL property path from a resource to the facet's value
FACETS: tuple[tuple[str, str], ...] = (
    ("municipality", "pob:municipality"),
    ("region", "pob:region|pob:municipality/pob:region"),
    ("challenge", "pob:addressesChallenge"),
    ("model", "pob:model"),
    ("status", "pob:caseStatus"),
    ("country", "pob:country"),
)
FACET_KEYS = tuple(key for key, _ in FACETS)
MAX_RESULTS = 50
MAX_QUERY = 200
_SPELLINGS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue"})
_DOUBLES = (("aa", "a"), ("ae", "a"), ("oe", "o"), ("ue", "u"))
_NOT_WORD = re.compile(r"[^0-9a-z]+")
#: a facet value as given in a URL: the part of its IRI after ``{base}id/``
_VALUE = re.compile(r"^[a-z0-9-]+/[A-Za-z0-9._~-]+$")


class BadParameter(Problem):
    status = 400
    title = "Bad parameter"


class UnknownClass(Problem):
    status = 404
    title = "Not Found"


def fold(text: str) -> str:
    """`text` for matching: lower case, no accents, æ ø å ä ö ü and their two-letter
    spellings the same, words separated by one space."""
    text = text.casefold().translate(_SPELLINGS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    for double, single in _DOUBLES:
        text = text.replace(double, single)
    return _NOT_WORD.sub(" ", text).strip()


@dataclass(frozen=True)
class Hit:
    item: Item
    matched: str  # the label that matched (may be an alternative label)
    kind: str  # the label of its most specific asserted class
    score: int


@dataclass
class _Index:
    #: (resource IRI, label text, its folded form, 0 for a name, 1 for an alternative)
    labels: list[tuple[str, str, str, int]]
    types: dict[str, list[str]]


_INDEXES: dict[tuple[int, Any], _Index] = {}


async def _index(store: Store, base: str, version: Any) -> _Index:
    key = (id(store), version)
    if key not in _INDEXES:
        rows = await store.select(
            sparql(
                base,
                "SELECT ?x ?p ?l WHERE { GRAPH ?g { ?x ?p ?l } "
                "VALUES ?p { rdfs:label skos:prefLabel skos:altLabel } "
                f'FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{base}id/")) }}',
            )
        )
        found = {
            (str(r["x"]["value"]), str(r["l"]["value"]), str(r["p"]["value"]).endswith("altLabel"))
            for r in rows
        }
        entries = [(x, text, fold(text), int(alt)) for x, text, alt in sorted(found)]
        type_rows = await store.select(
            sparql(
                base,
                "SELECT DISTINCT ?x ?t WHERE { GRAPH ?g { ?x a ?t } "
                f'FILTER(?g != <{base}graph/inferred> && STRSTARTS(STR(?x), "{base}id/")) }}',
            )
        )
        types: dict[str, list[str]] = {}
        for r in type_rows:
            types.setdefault(str(r["x"]["value"]), []).append(str(r["t"]["value"]))
        _INDEXES.clear()  # one version per process is enough: the newest
        _INDEXES[key] = _Index(entries, types)
    return _INDEXES[key]


def _score(query: str, label: str) -> int | None:
    """How well folded `label` matches folded `query` (lower is better; None: no match)."""
    if label == query:
        return 0
    words = query.split()
    if not all(w in label for w in words):
        return None
    if label.startswith(query):
        return 1
    spaced = " " + label
    return 2 if all(f" {w}" in spaced for w in words) else 3


async def search(
    store: Store, base: str, text: str, lang: str, version: Any, limit: int = MAX_RESULTS
) -> list[Hit]:
    """The resources whose labels match `text` (best first), labelled in `lang`."""
    if len(text) > MAX_QUERY:
        raise BadParameter(f"q: at most {MAX_QUERY} characters, not {len(text)}")
    query = fold(text)
    if not query:
        return []
    index = await _index(store, base, version)
    best: dict[str, tuple[int, int, int, str]] = {}
    for iri, label, folded, alt in index.labels:
        score = _score(query, folded)
        if score is None:
            continue
        rank = (score, alt, len(folded), label)
        if iri not in best or rank < best[iri]:
            best[iri] = rank
    ordered = sorted(best.items(), key=lambda kv: (kv[1], kv[0]))[:limit]
    iris = [iri for iri, _ in ordered]
    type_of = {iri: sorted(index.types.get(iri, []))[:1] for iri in iris}
    named = await labels(store, base, [*iris, *(t for ts in type_of.values() for t in ts)], lang)
    return [
        Hit(
            Item(iri, named[iri], local_href(iri, base)),
            rank[3],
            named[type_of[iri][0]] if type_of[iri] else "",
            rank[0],
        )
        for iri, rank in ordered
    ]


@dataclass
class Facet:
    key: str
    values: list[tuple[Item, int]]  # value, how many resources (with the other filters)
    chosen: str | None = None  # the value's IRI when the facet filters


@dataclass
class Browse:
    kind: Kind
    items: list[Item]
    facets: list[Facet] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)  # facet key → value IRI


def facet_filters(params: dict[str, str], base: str) -> dict[str, str]:
    """The facet filters in URL parameters (facet key → ``type/key``) as IRIs; a malformed
    value is refused naming its parameter."""
    out = {}
    for key in FACET_KEYS:
        raw = params.get(key)
        if raw is None or raw == "":
            continue
        if not _VALUE.match(raw):
            raise BadParameter(
                f"{key}: expected a resource such as region/hovedstaden, not {raw!r}"
            )
        out[key] = f"{base}id/{raw}"
    return out


def _patterns(filters: dict[str, str], skip: str | None = None) -> str:
    paths = dict(FACETS)
    return " ".join(f"?x {paths[k]} <{v}> ." for k, v in sorted(filters.items()) if k != skip)


async def browse(store: Store, base: str, name: str, filters: dict[str, str], lang: str) -> Browse:
    """The resources of the class `name` (a CURIE such as ``pob:Partnership``) that pass
    `filters`, and every facet with its values and counts."""
    iri = expand(name, base)
    known = {k.iri: k for k in await kinds(store, base, lang)}
    if iri is None or iri not in known:
        raise UnknownClass(f"no class {name!r} to browse: see /browse for the classes")
    of_class = f'?x a <{iri}> . FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{base}id/"))'
    rows = await store.select(
        sparql(base, f"SELECT DISTINCT ?x WHERE {{ {of_class} {_patterns(filters)} }}")
    )
    found = await items(store, base, [str(r["x"]["value"]) for r in rows], lang)
    kind = known[iri]
    result = Browse(Kind(kind.iri, kind.key, kind.label, len(found)), found, [], filters)
    for key, path in FACETS:
        counts = await store.select(
            sparql(
                base,
                f"SELECT ?v (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {of_class} "
                f"{_patterns(filters, skip=key)} ?x {path} ?v . FILTER(isIRI(?v)) }} GROUP BY ?v",
            )
        )
        if not counts:
            continue
        by_value = {str(r["v"]["value"]): int(r["n"]["value"]) for r in counts}
        values = await items(store, base, list(by_value), lang)
        result.facets.append(Facet(key, [(v, by_value[v.iri]) for v in values], filters.get(key)))
    return result


def facet_param(iri: str, base: str) -> str:
    """A facet value's IRI as its URL parameter (the part after ``{base}id/``)."""
    return iri[len(base) + 3 :] if iri.startswith(base + "id/") else iri


__all__ = ["FACETS", "Browse", "Facet", "Hit", "browse", "curie", "facet_filters", "fold", "search"]
