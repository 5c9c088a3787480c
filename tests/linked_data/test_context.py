"""The project's JSON-LD context: served at ``{base}context.jsonld``, used by the JSON-LD of
resources and by ``pob export --format jsonld``; only the project's prefixes are bound.

`own_server` runs with its own address as the base, so the context IRI the documents name
resolves on it, and rdflib reads them by fetching the context from 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic

from pob.graph.context import CONTEXT_FILE, context_document
from pob.graph.namespaces import bind_all
from pob.graph.prefixes import CANONICAL_BASE, prefixes
from tests.linked_data.conftest import Served

RDFLIB_DEFAULTS = ("brick", "sosa", "qb", "odrl2", "schema1", "wgs")
RESOURCE = "/id/municipality/aarhus"


def test_the_context_is_served(own_server: Served) -> None:
    response = own_server.client.get("/context.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    expected = json.loads(
        CONTEXT_FILE.read_text(encoding="utf-8").replace(CANONICAL_BASE, own_server.base)
    )
    assert response.json() == expected
    assert response.json()["@context"]["mun"] == own_server.base + "id/municipality/"
    again = own_server.client.get(
        "/context.jsonld", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304
    head = own_server.client.head("/context.jsonld")
    assert head.status_code == 200 and head.content == b""


def test_resource_json_ld_uses_the_context(own_server: Served) -> None:
    response = own_server.client.get(RESOURCE, headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    document = response.json()
    assert document["@context"] == own_server.base + "context.jsonld"
    nodes = {node["@id"]: node for node in document.get("@graph", [document])}
    node = nodes["mun:aarhus"]  # a prefixed name, and keys from the context:
    assert "da" in node["label"] and "region" in node  # a language map; an @id term
    assert not any(f'"{p}:' in response.text for p in RDFLIB_DEFAULTS)
    # the same triples as the Turtle (rdflib fetches the context from the server)
    from_jsonld = Graph().parse(data=response.text, format="json-ld", base=own_server.url)
    turtle = own_server.client.get(RESOURCE, headers={"Accept": "text/turtle"})
    from_turtle = Graph().parse(data=turtle.text, format="turtle")
    assert len(from_turtle) > 5
    assert isomorphic(from_jsonld, from_turtle)
    assert not any(f"@prefix {p}:" in turtle.text for p in RDFLIB_DEFAULTS)


def test_only_the_project_prefixes_are_bound() -> None:
    bound = {p for p, _ in bind_all(Graph()).namespaces()}
    assert bound == set(prefixes())


def test_export_json_ld_is_compact_with_the_context(tmp_path: Path) -> None:
    pob = str(Path(sys.executable).parent / "pob")
    jsonld, nt = tmp_path / "pob.jsonld", tmp_path / "pob.nt"
    for fmt, out in (("jsonld", jsonld), ("nt", nt)):
        subprocess.run([pob, "export", "--format", fmt, "-o", str(out)], check=True, timeout=300)
    document = json.loads(jsonld.read_text(encoding="utf-8"))
    assert document["@context"] == context_document()["@context"]  # inline: reads offline
    ids = {node["@id"] for node in document["@graph"]}
    assert "mun:aarhus" in ids and "pob:Municipality" in ids
    graph = Graph().parse(jsonld, format="json-ld")
    expected = Graph().parse(nt, format="nt")
    assert len(graph) == len(expected) > 1000
    assert isomorphic(graph, expected)
