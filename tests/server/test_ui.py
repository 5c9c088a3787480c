"""The query UI without a browser: the page, its language, its assets, the query texts.

The browser test (tests/browser/test_query_ui.py) runs a query in it; these check what the
server sends: the right language, no outside address, and the texts the examples load.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest

from server import i18n
from server.ui import STATIC
from tests.server.conftest import Service

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_every_string_in_both_languages() -> None:
    assert len(i18n.STRINGS) >= 20
    for key, texts in i18n.STRINGS.items():
        assert set(texts) == set(i18n.LANGUAGES), key
        assert all(value.strip() for value in texts.values()), key
    assert i18n.strings("da")["heading"] != i18n.strings("en")["heading"]


@pytest.mark.parametrize(
    ("asked", "accept_language", "chosen"),
    [
        (None, None, "da"),
        (None, "en-GB,en;q=0.9", "en"),
        (None, "de-DE,de;q=0.9,en;q=0.5,da;q=0.4", "en"),
        (None, "en;q=0.5,da", "da"),
        (None, "fr, *", "da"),
        (None, "en;q=0", "da"),
        (None, "en;q=oops", "da"),
        ("en", "da", "en"),
        ("DA", "en", "da"),
        ("sv", "en", "en"),
    ],
    ids=lambda value: str(value),
)
def test_language_choice(asked: str | None, accept_language: str | None, chosen: str) -> None:
    assert i18n.choose(asked, accept_language) == chosen


@pytest.mark.parametrize("path", ["/query", "/sparql"])
def test_page_in_danish_by_default(client: httpx.Client, path: str) -> None:
    response = client.get(path, headers={"Accept": HTML})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == "da"
    assert "accept-language" in response.headers["vary"].lower()
    assert '<html lang="da">' in response.text
    assert i18n.STRINGS["heading"]["da"] in response.text
    assert "<main" in response.text and "<nav" in response.text
    assert 'for="example"' in response.text and 'id="example"' in response.text


def test_page_in_english(client: httpx.Client) -> None:
    by_header = client.get("/query", headers={"Accept": HTML, "Accept-Language": "en-US,en;q=0.8"})
    by_switch = client.get("/query?lang=en", headers={"Accept": HTML, "Accept-Language": "da"})
    for response in (by_header, by_switch):
        assert response.headers["content-language"] == "en"
        assert '<html lang="en">' in response.text
        assert i18n.STRINGS["heading"]["en"] in response.text
        # the named queries are offered with their English titles
        assert "Partnerships with at least a number of members" in response.text


def test_page_names_only_this_server(client: httpx.Client, server: Service) -> None:
    page = client.get("/query", headers={"Accept": HTML}).text
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert url.startswith(("/", "?", "#", "data:")), url
    assert f'"endpoint": "{server.url}/sparql"' in page
    policy = client.get("/query", headers={"Accept": HTML}).headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


@pytest.mark.parametrize(
    "asset",
    ["vendor/yasgui/yasgui.min.js", "vendor/yasgui/yasgui.min.css", "ui/query.js", "ui/query.css"],
)
def test_assets_served(client: httpx.Client, asset: str) -> None:
    if asset.startswith("vendor/") and not (STATIC / asset).is_file():
        pytest.fail(f"{asset} is missing: run `make deps-js` (npm ci + python -m server.assets)")
    response = client.get(f"/static/{asset}")
    assert response.status_code == 200
    assert response.content == (STATIC / asset).read_bytes()


def test_query_text_with_defaults(client: httpx.Client) -> None:
    listed = {q["name"]: q for q in client.get("/api/queries").json()["queries"]}
    assert listed["partnerships"]["sparql"] == "/api/queries/partnerships/sparql"
    response = client.get("/api/queries/partnerships/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-query")
    assert 'FILTER(lang(?label) = "da")' in response.text
    assert "#+" not in response.text


def test_query_text_with_a_value(client: httpx.Client) -> None:
    response = client.get("/api/queries/partnerships/sparql", params={"lang": "en"})
    assert 'FILTER(lang(?label) = "en")' in response.text
    bound = client.get("/api/queries/larger-than/sparql", params={"members": "3"}).text
    assert "$members" not in bound and "3" in bound


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/queries/larger-than/sparql", 400),  # `members` has no default
        ("/api/queries/partnerships/sparql?lang=not+a+tag", 400),
        ("/api/queries/no-such-query/sparql", 404),
    ],
)
def test_query_text_refused(client: httpx.Client, path: str, status: int) -> None:
    assert client.get(path).status_code == status


def test_description_link_followable(client: httpx.Client) -> None:
    response = client.get("/sparql?format=turtle", headers={"Accept": HTML})
    assert response.headers["content-type"].startswith("text/turtle")
    assert client.get("/sparql?format=csv").status_code == 400


def test_linked_query_is_data_not_markup(client: httpx.Client) -> None:
    attack = 'SELECT * { ?s ?p "</script><script>alert(1)</script>" }'
    # the old address `/?query=…` sends a browser to the editor with the same query
    moved = client.get("/", params={"query": attack}, headers={"Accept": HTML})
    assert moved.status_code == 308 and moved.headers["location"].startswith("/query?query=")
    page = client.get("/query", params={"query": attack}, headers={"Accept": HTML}).text
    assert "<script>alert(1)" not in page
    config = re.search(r'<script type="application/json" id="pob-config">(.*?)</script>', page)
    assert config is not None
    assert json.loads(config.group(1))["linkedQuery"] == attack
