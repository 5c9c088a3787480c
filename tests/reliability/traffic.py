"""The requests of the load test: each kind of request, how often it is sent, and the
statuses a correct service may answer it with.

A kind's `allowed` statuses are what the service documents for that request; on top of
them every kind may get an honest 503 (`Retry-After`, or the documented time-limit titles),
which `test_load.py` checks separately. Bodies are made here, never read from elsewhere.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.conftest import ROOT

BASE = "https://w3id.org/pob/"
EXAMPLES = ROOT / "data" / "examples" / "submissions"
TURTLE = "text/turtle"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"
SPARQL_JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    params: dict[str, str] | None = None
    headers: dict[str, str] | None = None
    content: bytes | None = None
    data: dict[str, str] | None = None
    #: a submission's own triple count and one of its subjects (checked afterwards)
    submission: tuple[int, str] | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    weight: int
    allowed: frozenset[int]
    make: Callable[[random.Random, World], Request]


@dataclass
class World:
    """What the requests pick from (found on the service before the load starts)."""

    resources: list[str]
    queries: list[str]
    max_upload: int
    auth: dict[str, str]


def source_dataset(tag: str, n: int = 3) -> tuple[bytes, int, str]:
    """A conforming dataset of `n` sources, unique to `tag`: its Turtle, triples, a subject."""
    lines = [
        "@prefix dct: <http://purl.org/dc/terms/> .",
        "@prefix pob: <https://w3id.org/pob/ontology#> .",
        "@prefix schema: <https://schema.org/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    ]
    for i in range(n):
        lines.append(
            f'<{BASE}id/source/load-{tag}-{i}> a pob:Source ; dct:title "Load source {tag} {i}" ;'
            f' schema:url "https://example.org/load/{tag}/{i}"^^xsd:anyURI .'
        )
    return ("\n".join(lines) + "\n").encode(), 3 * n, f"{BASE}id/source/load-{tag}-0"


def billion_laughs() -> bytes:
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE lolz [", ' <!ENTITY lol0 "lol">']
    for i in range(1, 10):
        lines.append(f' <!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">')
    lines.append("]>")
    root = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    root += '<rdf:Description rdf:about="http://e/s"><p xmlns="http://e/">&lol9;</p>'
    return ("\n".join(lines) + "\n" + root + "</rdf:Description></rdf:RDF>").encode()


DEEP_JSONLD = b'{"@id": "http://e/s", "http://e/p": ' + b"[" * 900 + b"1" + b"]" * 900 + b"}"
HUGE_INTEGER = (
    b'<http://e/s> <http://e/p> "'
    + b"7" * 5000
    + b'"^^<http://www.w3.org/2001/XMLSchema#integer> .'
)
BAD_SYNTAX = b"<http://e/s> <http://e/p> <http://e/o> ;; . broken"
GOOD = (EXAMPLES / "good-frederikshavn-bymidtepartnerskab.ttl").read_bytes()
BAD_SHAPES = (EXAMPLES / "bad-dates-out-of-order.ttl").read_bytes()

CHEAP_QUERIES = (
    "ASK {}",
    f"SELECT ?p ?o WHERE {{ <{BASE}id/municipality/varde> ?p ?o }}",
    "SELECT ?s WHERE { ?s a ?type } LIMIT 5",
)
HEAVY_QUERIES = (
    # a join over the whole store, then a sort: seconds, not milliseconds
    "SELECT ?a ?c (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?b ?q ?c } GROUP BY ?a ?c ORDER BY DESC(?n) "
    "LIMIT 20",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?o . ?b ?p ?o FILTER(?a != ?b) }",
)


def _validate(body: bytes, media_type: str) -> Request:
    return Request("POST", "/api/validate", headers={"Content-Type": media_type}, content=body)


def _submit(rng: random.Random, world: World) -> Request:
    body, triples, subject = source_dataset(uuid.UUID(int=rng.getrandbits(128)).hex[:12])
    headers = {**world.auth, "Content-Type": TURTLE}
    return Request(
        "POST", "/api/datasets", headers=headers, content=body, submission=(triples, subject)
    )


def _oversized(rng: random.Random, world: World) -> Request:
    filler = b"# " + b"x" * 1000 + b"\n"
    body = filler * (world.max_upload // len(filler) + 10)
    return _validate(body, TURTLE)


def _page(rng: random.Random, world: World) -> Request:
    accept = rng.choice(("text/html", TURTLE, JSONLD, "application/n-triples"))
    return Request("GET", rng.choice(world.resources), headers={"Accept": accept})


def _named(rng: random.Random, world: World) -> Request:
    return Request("GET", rng.choice(world.queries), headers={"Accept": SPARQL_JSON})


def _sparql(queries: tuple[str, ...], method: str) -> Callable[[random.Random, World], Request]:
    def make(rng: random.Random, world: World) -> Request:
        query = rng.choice(queries)
        if method == "GET":
            return Request(
                "GET", "/sparql", params={"query": query}, headers={"Accept": SPARQL_JSON}
            )
        return Request("POST", "/sparql", data={"query": query}, headers={"Accept": SPARQL_JSON})

    return make


def _fixed(request: Request) -> Callable[[random.Random, World], Request]:
    return lambda rng, world: request


OK = frozenset({200})
KINDS: tuple[Kind, ...] = (
    Kind("sparql-cheap-get", 14, OK, _sparql(CHEAP_QUERIES, "GET")),
    Kind("sparql-cheap-post", 6, OK, _sparql(CHEAP_QUERIES, "POST")),
    Kind("sparql-heavy-get", 2, OK, _sparql(HEAVY_QUERIES, "GET")),
    Kind("sparql-heavy-post", 2, OK, _sparql(HEAVY_QUERIES, "POST")),
    Kind("named-query", 10, OK, _named),
    Kind("page", 16, OK, _page),
    Kind("catalog", 4, OK, _fixed(Request("GET", "/catalog", headers={"Accept": TURTLE}))),
    Kind("void", 2, OK, _fixed(Request("GET", "/.well-known/void"))),
    Kind(
        "dump",
        4,
        OK,
        lambda rng, w: Request("GET", rng.choice(("/dumps/pob.ttl", "/dumps/pob.nt"))),
    ),
    Kind("validate-good", 4, OK, _fixed(_validate(GOOD, TURTLE))),
    Kind("validate-bad-syntax", 3, frozenset({400}), _fixed(_validate(BAD_SYNTAX, TURTLE))),
    Kind(
        "validate-billion-laughs", 2, frozenset({400}), _fixed(_validate(billion_laughs(), RDFXML))
    ),
    Kind("validate-deep-jsonld", 2, frozenset({400}), _fixed(_validate(DEEP_JSONLD, JSONLD))),
    Kind(
        "validate-huge-integer",
        2,
        frozenset({400}),
        _fixed(_validate(HUGE_INTEGER, "application/n-triples")),
    ),
    Kind("validate-oversized", 1, frozenset({413}), _oversized),
    Kind("submit-valid", 4, frozenset({200, 201}), _submit),
    Kind(
        "submit-invalid",
        2,
        frozenset({422}),
        lambda rng, w: Request(
            "POST", "/api/datasets", headers={**w.auth, "Content-Type": TURTLE}, content=BAD_SHAPES
        ),
    ),
)


def choose(rng: random.Random) -> Kind:
    return rng.choices(KINDS, weights=[k.weight for k in KINDS])[0]


def send_kwargs(request: Request) -> dict[str, Any]:
    return {
        "params": request.params,
        "headers": request.headers,
        "content": request.content,
        "data": request.data,
    }
