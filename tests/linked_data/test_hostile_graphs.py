"""Graphs a client should not be able to make, and IRIs a page must not link.

* A ``submission/<id>`` graph without its record in the meta graph (written straight into
  the store, as one could be in a remote engine or through /store before it refused the
  namespace) is no submission: not in the catalog, the dumps or the VoID.
* ``<javascript:…>``, ``<data:…>`` and ``<mailto:…>`` IRIs are shown as text: no ``href``
  on the page (parsed, not grepped), no link in the neighbourhood picture's data.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import BNode, URIRef

from pob.core.links import web_href
from pob.graph.labels import Namer
from pob.settings import Settings
from pob.store import make_store
from pob.store.build import build
from pob.validation.html_report import shape_link
from tests.conftest import Process, fixture_settings
from tests.linked_data.conftest import TOKEN
from tests.serve import PATHS

BASE = "https://w3id.org/pob/"
ROGUE = b'<https://w3id.org/pob/id/partnership/rogue> <http://www.w3.org/2000/01/rdf-schema#label> "Rogue"@en .\n'  # noqa: E501
HOSTILE_IRIS = ("javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "mailto:x@y")
HOSTILE = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix pob: <https://w3id.org/pob/ontology#> .
<{BASE}id/partnership/hostile> rdfs:label "Fjendtlig"@da , "Hostile"@en ;
    pob:municipality <{BASE}id/municipality/aarhus> ;
    dct:source [ dct:title "Hostile source" ; schema:url "javascript:alert(2)" ] ;
    rdfs:seeAlso {", ".join(f"<{iri}>" for iri in HOSTILE_IRIS)} .
{" ".join(f"<{iri}> rdfs:seeAlso <{BASE}id/partnership/hostile> ." for iri in HOSTILE_IRIS)}
""".encode()


@pytest.fixture(scope="module")
def seeded(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """A server on a store that holds a ``submission/rogue`` graph with no record, put
    there before the server started (the store API, not /store)."""
    values = fixture_settings(tmp_path_factory.mktemp("hostile-store"), write_token=TOKEN)
    settings = Settings(**{k: Path(v) if k in PATHS else v for k, v in values.items()})

    async def seed() -> None:
        store = make_store(settings)
        await store.open(workers=False)
        try:
            await build(store, settings)
            await store.put_graph(settings.graph("submission/rogue"), ROGUE)
        finally:
            await store.close()

    asyncio.run(seed())
    process = live_server(values)
    with httpx.Client(base_url=process.url, timeout=60) as client:
        yield client


def test_a_submission_graph_without_its_record_is_no_submission(seeded: httpx.Client) -> None:
    graph = f"{BASE}graph/submission/rogue"
    assert seeded.get("/store", params={"graph": graph}).status_code == 200  # it is there
    for accept in ("text/turtle", "application/rdf+xml", "text/html"):
        catalog = seeded.get("/catalog", headers={"Accept": accept})
        assert catalog.status_code == 200
        assert "rogue" not in catalog.text, accept
    assert seeded.get("/catalog/dataset/submission/rogue").status_code == 404
    assert seeded.get("/dumps/submissions/rogue.ttl").status_code == 404
    assert "rogue" not in seeded.get("/.well-known/void").text
    # and it cannot be withdrawn or replaced through /store either: the namespace is closed
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert seeded.delete("/store", params={"graph": graph}, headers=auth).status_code == 403


class Hrefs(HTMLParser):
    """Every (tag, attribute, value, attributes) that makes a link or loads something."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            if named.get(name) is not None:
                self.found.append((tag, name, str(named[name]), named))


def links_of(html: str) -> list[tuple[str, str, str, dict[str, str | None]]]:
    parser = Hrefs()
    parser.feed(html)
    return parser.found


def _web_or_ours(value: str) -> bool:
    return value.startswith(("http://", "https://", "#", "?")) or (
        value.startswith("/") and not value.startswith("//")
    )


def test_hostile_iris_are_text_not_links(seeded: httpx.Client) -> None:
    put = seeded.put(
        "/store",
        params={"graph": "http://example.org/hostile"},
        content=HOSTILE,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"},
    )
    assert put.status_code == 201, put.text
    page = seeded.get("/id/partnership/hostile", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    found = links_of(page.text)
    assert any(tag == "a" and "/id/municipality/aarhus" in value for tag, _, value, _ in found)
    for tag, attr, value, attrs in found:
        if tag == "link" and attrs.get("rel") == "icon":
            assert value == "data:,"  # the page's own empty icon
            continue
        assert _web_or_ours(value), (tag, attr, value)
    for iri in (*HOSTILE_IRIS, "javascript:alert(2)"):
        assert all(iri not in value for _, _, value, _ in found), iri
    assert "javascript:alert(1)" in page.text  # shown, as text
    assert "Hostile source" in page.text

    picture = _picture_data(page.text)
    nodes = [m for group in picture["groups"] for m in group["members"]]
    ids = {n["id"] for n in nodes}
    assert f"{BASE}id/municipality/aarhus" in ids
    for node in nodes:
        assert node["href"] is None or _web_or_ours(node["href"]), node
        assert node["href"] is None or node["id"] not in HOSTILE_IRIS, node


def _picture_data(html: str) -> dict[str, Any]:
    marker = '<script type="application/json" id="neighbourhood-data">'
    start = html.index(marker) + len(marker)
    data: dict[str, Any] = json.loads(html[start : html.index("</script>", start)])
    return data


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("HTTP://example.org/a", "HTTP://example.org/a"),
        ("/id/x", "/id/x"),
        ("#anchor", "#anchor"),
        ("?lang=da", "?lang=da"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,x", None),
        ("mailto:x@y", None),
        ("urn:isbn:1", None),
        ("//evil.example/", None),
        ("/\\evil.example/", None),
        ("relative/path", None),
        ("", None),
        (None, None),
    ],
)
def test_web_href(href: str | None, expected: str | None) -> None:
    assert web_href(href) == expected


def test_namer_and_report_link_only_web_iris() -> None:
    from rdflib import Graph

    namer = Namer(Graph(), BASE)
    assert namer.href(f"{BASE}id/x") == ("/id/x", True)
    assert namer.href("https://schema.org/name") == ("https://schema.org/name", False)
    for iri in HOSTILE_IRIS:
        assert namer.href(iri) == (None, False)
        assert namer.link(URIRef(iri), "da").href is None
    assert shape_link(URIRef("javascript:alert(1)")) == ""
    assert shape_link(URIRef(f"{BASE}shapes#S"), BASE) == "/shapes#S"
    assert shape_link(URIRef("https://example.org/shapes#S")) == "https://example.org/shapes#S"
    assert shape_link(BNode()) == ""
