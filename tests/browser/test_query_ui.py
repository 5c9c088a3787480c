"""The query UI in Debian's Chromium: run a named query, switch language, negotiation.

Against `curated_server` (the real sources). The `page` fixture fails a test on any request
that is not to 127.0.0.1, so these also check that YASGUI reaches nothing outside.
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import Page, expect

from server import i18n
from tests.conftest import Process

pytestmark = pytest.mark.browser

EXAMPLE = "chair-secretariat-changes"
TIMEOUT = 30_000  # ms: the first query starts the worker's store handle


def open_ui(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".yasqe .CodeMirror", timeout=TIMEOUT)


def test_run_a_named_query(page: Page, curated_server: Process) -> None:
    open_ui(page, curated_server.url + "/query")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", level=1)).to_have_text(i18n.STRINGS["heading"]["da"])
    page.get_by_label(i18n.STRINGS["example_label"]["da"]).select_option(EXAMPLE)
    page.get_by_role("button", name=i18n.STRINGS["load_and_run"]["da"]).click()
    results = page.locator(".yasr table")
    expect(results).to_contain_text("Erhvervsstyrelsen", timeout=TIMEOUT)
    expect(results).to_contain_text("Bolig- og Planstyrelsen")
    done = i18n.STRINGS["done_rows"]["da"].format(n=4)
    expect(page.locator("#status")).to_have_text(done)
    # the editor holds the query as the API gives it (parameters bound)
    query = httpx.get(f"{curated_server.url}/api/queries/{EXAMPLE}/sparql?lang=da").text
    editor = page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert editor.strip() == query.strip()


def test_switch_to_english(page: Page, curated_server: Process) -> None:
    open_ui(page, curated_server.url + "/query")
    page.get_by_role("navigation", name=i18n.STRINGS["language_nav"]["da"]).get_by_role(
        "link", name="English"
    ).click()
    page.wait_for_url("**/query?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(i18n.STRINGS["heading"]["en"])
    expect(page.get_by_label(i18n.STRINGS["example_label"]["en"])).to_be_visible()
    expect(page.get_by_role("button", name=i18n.STRINGS["load_and_run"]["en"])).to_be_visible()
    expect(
        page.locator("#example option", has_text="Chair and secretariat over time")
    ).to_have_count(1)
    expect(page.get_by_role("link", name="Dansk")).to_have_attribute("hreflang", "da")


def test_link_into_the_editor(page: Page, curated_server: Process) -> None:
    """Other pages link to `/?query=…`: the query is put in the editor, not run."""
    query = "DESCRIBE <https://w3id.org/pob/id/municipality/varde>"
    page.goto(f"{curated_server.url}/?{urlencode({'query': query, 'lang': 'en'})}")
    expect(page.locator("#status")).to_have_text(i18n.STRINGS["linked"]["en"], timeout=TIMEOUT)
    shown = page.evaluate(
        "Array.from(document.querySelectorAll('.CodeMirror'))"
        ".filter(e => e.offsetParent).map(e => e.CodeMirror.getValue())"
    )
    assert shown == [query]
    expect(page.locator(".yasr table")).to_have_count(0)


def test_sparql_negotiation(curated_server: Process) -> None:
    url = curated_server.url + "/sparql"
    page = httpx.get(url, headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "/static/vendor/yasgui/yasgui.min.js" in page.text
    described = httpx.get(url, headers={"Accept": "text/turtle"})
    assert described.headers["content-type"].startswith("text/turtle")
    assert "sparql-service-description" in described.text
    # a client that takes only SPARQL results gets no page: the description is RDF, so 406
    # with the types it comes in
    only_results = httpx.get(url, headers={"Accept": "application/sparql-results+json"})
    assert only_results.status_code == 406
    assert "text/turtle" in only_results.json()["error"]["offered"]
