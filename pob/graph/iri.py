"""The one rule for minting IRIs (written down in data/ttl/README.md and docs/modelling.md).

* ontology terms: ``{base}ontology#{LocalName}``
* instances: ``{base}id/{type}/{key}``; code-list concepts ``{base}id/{scheme}/{key}``
* named graphs: ``{base}graph/{name}``; shapes: ``{base}shapes#{Name}``

``key`` is :func:`slug` of the Danish (or own-language) name.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from pob.graph.prefixes import CANONICAL_BASE

INSTANCE_TYPES = frozenset(
    [
        "municipality",
        "region",
        "country",
        "jurisdiction",
        "organisation",
        "person",
        "partnership",
        "unit",
        "membership",
        "area",
        "publication",
        "conclusion",
        "event",
        "legislation",
        "source",
        "grant",
        "place",
        "claim",
    ]
)
SCHEMES = frozenset(
    [
        "challenge",
        "measure-type",
        "area-type",
        "actor-type",
        "model",
        "role",
        "participation",
        "financing",
        "case-status",
    ]
)
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MEMBERSHIP_KEY_RE = re.compile(
    r"^[a-z0-9]+(-[a-z0-9]+)*--[a-z0-9]+(-[a-z0-9]+)*--[a-z0-9]+(-[a-z0-9]+)*"
    r"(--\d{4}-\d{2}-\d{2})?$"
)
#: a claim key: the subject's key, then what the claim is about
CLAIM_KEY_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*--[a-z0-9]+(-[a-z0-9]+)*$")
_FOLD = {"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "&": " og "}


class IRIError(ValueError):
    """An IRI that breaks the minting rule."""


def slug(text: str) -> str:
    """ASCII slug of a name: æ→ae, ø→oe, å→aa, other accents dropped, runs of others → '-'."""
    lowered = text.lower()
    for char, repl in _FOLD.items():
        lowered = lowered.replace(char, repl)
    ascii_text = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    result = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if not result:
        raise IRIError(f"cannot make a key from {text!r}")
    return result


def normalise_base(base: str) -> str:
    """A base IRI always ends with '/'."""
    if not re.match(r"^https?://[^\s/]+(/[^\s]*)?$", base):
        raise IRIError(f"base IRI must be an http(s) IRI, got {base!r}")
    return base if base.endswith("/") else base + "/"


def mint(kind: str, name: str, base: str = CANONICAL_BASE) -> URIRef:
    """The IRI of an instance or code-list concept named `name` (slugged) of `kind`."""
    if kind not in INSTANCE_TYPES and kind not in SCHEMES and kind != "scheme":
        raise IRIError(f"unknown IRI type {kind!r}")
    return URIRef(f"{normalise_base(base)}id/{kind}/{slug(name)}")


def term(local_name: str, base: str = CANONICAL_BASE) -> URIRef:
    return URIRef(f"{normalise_base(base)}ontology#{local_name}")


def graph_iri(name: str, base: str = CANONICAL_BASE) -> URIRef:
    return URIRef(f"{normalise_base(base)}graph/{name}")


def shape_iri(name: str, base: str = CANONICAL_BASE) -> URIRef:
    return URIRef(f"{normalise_base(base)}shapes#{name}")


def check(iri: str, base: str = CANONICAL_BASE) -> None:
    """Raise IRIError if an IRI under `base` breaks the rule; other IRIs pass."""
    base = normalise_base(base)
    if not iri.startswith(base):
        return
    rest = iri[len(base) :]
    if re.fullmatch(r"ontology/\d+\.\d+\.\d+", rest):
        return  # a version IRI of the ontology
    if rest in ("ontology", "shapes") or rest.startswith(("ontology#", "shapes#")):
        local = rest.split("#", 1)[1] if "#" in rest else ""
        if local and not re.match(r"^[A-Za-z][A-Za-z0-9]*$", local):
            raise IRIError(f"{iri}: term name must be alphanumeric camelCase")
        return
    parts = rest.split("/")
    if parts[0] == "graph":
        if len(parts) < 2 or not all(SLUG_RE.match(p) for p in parts[1:]):
            raise IRIError(f"{iri}: graph names are slugs")
        return
    if parts[0] != "id" or len(parts) != 3:
        raise IRIError(f"{iri}: expected {base}id/<type>/<key>")
    kind, key = parts[1], parts[2]
    if kind not in INSTANCE_TYPES and kind not in SCHEMES and kind != "scheme":
        raise IRIError(f"{iri}: unknown type {kind!r}")
    pattern = {"membership": MEMBERSHIP_KEY_RE, "claim": CLAIM_KEY_RE}.get(kind, SLUG_RE)
    if not pattern.match(key):
        raise IRIError(f"{iri}: key {key!r} is not a slug")


def rebase(graph: Graph, base: str, source_base: str = CANONICAL_BASE) -> Graph:
    """A copy of `graph` with every IRI under `source_base` moved under `base`."""
    base = normalise_base(base)
    if base == source_base:
        return graph
    out = Graph()

    def move(node: Node) -> Node:
        if isinstance(node, URIRef) and str(node).startswith(source_base):
            return URIRef(base + str(node)[len(source_base) :])
        if (
            isinstance(node, Literal)
            and node.datatype
            and str(node.datatype).startswith(source_base)
        ):
            dt = URIRef(base + str(node.datatype)[len(source_base) :])
            return Literal(str(node), datatype=dt)
        return node

    for s, p, o in graph:
        out.add((move(s), move(p), move(o)))
    for prefix, ns in graph.namespaces():
        nss = str(ns)
        out.bind(prefix, base + nss[len(source_base) :] if nss.startswith(source_base) else ns)
    return out
