"""The submission service under test: uvicorn on the real curated sources, with tokens.

`service` runs one server per store kind (embedded, and a remote `oxigraph serve`) for the
whole session; `limits` runs one on the small fixture sources with tiny limits. The example
datasets are in `data/examples/submissions/`; each says in its header what to expect
(``# expect: conforms`` or ``# expect: focus=<…> path=… component=sh:… severity=…``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from engines.oxigraph import Oxigraph
from tests.conftest import ROOT, Process, fixture_settings

EXAMPLES_DIR = ROOT / "data" / "examples" / "submissions"
EXAMPLES = sorted(p for p in EXAMPLES_DIR.iterdir() if p.name.startswith(("good-", "bad-")))
#: the number of example files today; a glob that finds fewer fails
EXPECTED_EXAMPLES = 8
BASE = "https://w3id.org/pob/"
TOKENS = {"alice": "alice-token", "bob": "bob-token"}
SUBMIT_TOKEN = ",".join(f"{name}:{token}" for name, token in TOKENS.items())
PREFIXES = {
    "pob": BASE + "ontology#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
}


@dataclass(frozen=True)
class Expectation:
    conforms: bool
    findings: frozenset[tuple[str, str, str, str]] = field(default_factory=frozenset)


def expand(curie: str) -> str:
    if curie.startswith("<") and curie.endswith(">"):
        return curie[1:-1]
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


def expectation(path: Path) -> Expectation:
    """What an example's header says: conforms, or the (focus, path, component, severity)
    it must give."""
    findings = set()
    conforms = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            if not line.strip().startswith("{") and line.strip():
                break
            continue
        body = line.lstrip("# ").strip()
        if body.startswith("expect: conforms"):
            conforms = True
        elif body.startswith("expect:") and "=" in body:
            fields = dict(part.split("=", 1) for part in body.split(":", 1)[1].split())
            findings.add(
                (
                    expand(fields["focus"]),
                    expand(fields["path"]),
                    expand(fields["component"]).rsplit("#", 1)[-1],
                    fields["severity"],
                )
            )
    if path.suffix == ".jsonld":  # JSON has no comments: good-* files conform
        conforms = path.name.startswith("good-")
    return Expectation(conforms, frozenset(findings))


def media_type(path: Path) -> str:
    from pob.core import formats

    return formats.by_suffix(path.name, formats.RDF_SYNTAXES).media_type  # type: ignore[union-attr]


def findings_of(summary: dict[str, Any]) -> set[tuple[str, str, str, str, str]]:
    """(focus, path, value, component, severity) of a JSON summary; blank nodes as _:."""

    def term(value: Any) -> str:
        if value is None:
            return ""
        return "_:" if str(value).startswith("_:") else str(value)

    return {
        (
            term(r["focusNode"]),
            r["path"] or "",
            term(r["value"]),
            r["constraintComponent"],
            r["severity"],
        )
        for r in summary["results"]
    }


def sources_dataset(n: int, tag: str | None = None) -> bytes:
    """A conforming dataset of `n` sources (3 triples each), unique per `tag`."""
    tag = tag or uuid.uuid4().hex[:8]
    lines = []
    for i in range(n):
        s = f"<{BASE}id/source/test-{tag}-{i}>"
        lines.append(
            f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{BASE}ontology#Source> ."
        )
        lines.append(f'{s} <http://purl.org/dc/terms/title> "Testkilde {tag} {i}" .')
        lines.append(
            f'{s} <https://schema.org/url> "https://example.org/{tag}/{i}"'
            "^^<http://www.w3.org/2001/XMLSchema#anyURI> ."
        )
    return ("\n".join(lines) + "\n").encode()


def warned_dataset(n: int, tag: str | None = None) -> bytes:
    """A conforming dataset of a source and `n` areas named in Danish only: `n` warnings
    (pobsh:LabelledRecommendedLabelEn), so its record holds a report with results."""
    tag = tag or uuid.uuid4().hex[:8]
    source = f"<{BASE}id/source/test-{tag}>"
    lines = [
        f"{source} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{BASE}ontology#Source> .",
        f'{source} <http://purl.org/dc/terms/title> "Testkilde {tag}" .',
        f'{source} <https://schema.org/url> "https://example.org/{tag}"'
        "^^<http://www.w3.org/2001/XMLSchema#anyURI> .",
    ]
    for i in range(n):
        area = f"<{BASE}id/area/test-{tag}-{i}>"
        lines.append(
            f"{area} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{BASE}ontology#Area> ."
        )
        lines.append(f'{area} <{PREFIXES["rdfs"]}label> "Testområde {tag} {i}"@da .')
        lines.append(f"{area} <http://purl.org/dc/terms/source> {source} .")
    return ("\n".join(lines) + "\n").encode()


@dataclass
class Service:
    kind: str
    url: str
    process: Process
    client: httpx.Client

    def auth(self, name: str = "alice") -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKENS[name]}"}

    def graph(self, name: str) -> str:
        return f"{BASE}graph/{name}"

    def graphs(self) -> set[str]:
        response = self.client.get(
            "/sparql",
            params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        response.raise_for_status()
        return {b["g"]["value"] for b in response.json()["results"]["bindings"]}


def curated_settings(data_dir: Path, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "data_dir": str(data_dir),
        "dumps_dir": str(data_dir / "dumps"),
        "query_timeout": 10.0,
        "workers": 2,
        "submit_token": SUBMIT_TOKEN,
        "validation_timeout": 120.0,
    }
    values.update(overrides)
    return values


@pytest.fixture(
    scope="session", params=["embedded", pytest.param("remote", marks=pytest.mark.remote)]
)
def service(
    request: pytest.FixtureRequest,
    live_server: Callable[..., Process],
    oxigraph: Callable[[], Oxigraph],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Service]:
    """The service on the real curated sources, embedded store and remote engine."""
    kind: str = request.param
    extra = {"store_url": oxigraph().url} if kind == "remote" else {}
    settings = curated_settings(tmp_path_factory.mktemp(f"submissions-{kind}"), **extra)
    process = live_server(settings, 600)
    with httpx.Client(base_url=process.url, timeout=300) as client:
        yield Service(kind, process.url, process, client)


@pytest.fixture(scope="session")
def embedded(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """The service on the real curated sources, embedded store only."""
    settings = curated_settings(tmp_path_factory.mktemp("submissions-api"))
    process = live_server(settings, 600)
    with httpx.Client(base_url=process.url, timeout=300) as client:
        yield Service("embedded", process.url, process, client)


LIMIT_BYTES = 20_000
LIMIT_TRIPLES = 300


@pytest.fixture(scope="session")
def limits(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """The service on the fixture sources with tiny limits (bytes, triples, time)."""
    data_dir = tmp_path_factory.mktemp("submissions-limits")
    settings = fixture_settings(
        data_dir,
        dumps_dir=str(data_dir / "dumps"),
        max_upload_bytes=LIMIT_BYTES,
        max_triples=LIMIT_TRIPLES,
        submit_token=SUBMIT_TOKEN,
    )
    process = live_server(settings)
    with httpx.Client(base_url=process.url, timeout=120) as client:
        yield Service("embedded", process.url, process, client)


@pytest.fixture(scope="session")
def slow(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """The service on the fixture sources with a validation time limit of 0.3 s."""
    data_dir = tmp_path_factory.mktemp("submissions-slow")
    settings = fixture_settings(data_dir, dumps_dir=str(data_dir / "dumps"), validation_timeout=0.3)
    process = live_server(settings)
    with httpx.Client(base_url=process.url, timeout=120) as client:
        yield Service("embedded", process.url, process, client)
