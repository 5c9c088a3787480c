"""Every page kind in Debian's Chromium, in Danish and English, at a desktop and a phone
width, checked with axe-core (npm `axe-core`; its axe.min.js evaluated in the page): no
serious or critical finding. The home page is used from the keyboard alone, its map and
charts are drawn from the page's data, the query UI speaks Danish and links results to
local pages. The `page` fixture fails a test on any request outside 127.0.0.1."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import WIDTHS, axe_findings
from tests.browser.test_linked_data_pages import console_errors
from tests.conftest import Process

pytestmark = pytest.mark.browser

#: one of each page kind
PAGES = {
    "home": "/",
    "search": "/search?q=hillerod",
    "browse-index": "/browse",
    "browse": "/browse/pob:Area?region=region/hovedstaden",
    "resource": "/id/municipality/varde",
    "network": "/id/partnership/netvaerk-for-privat-offentlige-bysamarbejder",
    "concept": "/id/scheme/challenge",
    "query": "/query",
    "validate": "/validate",
    "catalog": "/catalog",
    "dataset": "/catalog/dataset/curated",
    "distribution": "/catalog/dataset/curated/distribution/pob.ttl",
    "ontology": "/ontology",
    "shapes": "/shapes",
    "api-docs": "/docs",
    "not-found": "/no/such/page",
}


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_no_serious_accessibility_finding(
    page: Page, curated_server: Process, kind: str, lang: str, width: str
) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    path = PAGES[kind]
    joiner = "&" if "?" in path else "?"
    page.goto(f"{curated_server.url}{path}{joiner}lang={lang}")
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    findings = axe_findings(page)
    assert findings == [], json.dumps(findings, indent=1, ensure_ascii=False)
    # nothing wider than the window (a phone scrolls down, never sideways)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{kind} is {overflow}px wider than the window"


def test_the_cases_were_collected() -> None:
    assert len(PAGES) * 2 * len(WIDTHS) == 64


@pytest.mark.parametrize("lang", ["da", "en"])
def test_api_docs_with_an_operation_open(page: Page, curated_server: Process, lang: str) -> None:
    """/docs with operations open and "Try it out" on (fields, Execute, Cancel): still no
    serious finding; each field is named (its parameter, or the request body in the page's
    language); an operation opens from the address and puts itself there when opened."""
    errors = console_errors(page)
    page.goto(f"{curated_server.url}/docs?lang={lang}#/SPARQL/sparql_sparql_get")
    expect(page.locator("#operations-SPARQL-sparql_sparql_get.is-open")).to_be_visible(
        timeout=30_000
    )  # Swagger UI opens it once the description is loaded and drawn: seconds under load
    assert page.locator(".opblock-summary-control a").count() == 0  # no link in a button
    validate = page.locator("#operations-Validation-validate_api_validate_post")
    validate.locator(".opblock-summary-control").click()
    validate.locator(".try-out__btn").click()
    expect(validate.locator(".btn.execute")).to_be_visible()
    body = "Forespørgslens indhold" if lang == "da" else "Request body"
    expect(validate.locator("textarea.body-param__text")).to_have_attribute("aria-label", body)
    operation = "query_members_on_date_api_queries_members_on_date_get"
    members = page.locator(f"#operations-Named_queries-{operation}")
    members.locator(".opblock-summary-control").click()
    members.locator(".try-out__btn").click()
    for name, field in (("inference", "select"), ("date", "input")):
        expect(members.locator(f'[data-param-name="{name}"] {field}')).to_have_attribute(
            "aria-label", f"Parameter {name}"
        )
    assert page.evaluate("location.hash").endswith("/" + operation)
    for width in sorted(WIDTHS):
        page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
        findings = axe_findings(page)
        assert findings == [], (width, json.dumps(findings, indent=1, ensure_ascii=False))
    # Swagger UI warns (console.error) of `_` in any address it opens from: not ours
    assert [e for e in errors if "deep link whitespace" not in e] == []


def test_home_from_the_keyboard_alone(page: Page, curated_server: Process) -> None:
    """Tab reaches every link, button and field of the home page, in order, each visibly
    focused; Enter on the search box searches."""
    errors = console_errors(page)
    page.goto(curated_server.url + "/")
    controls = page.eval_on_selector_all(
        "a[href], button, input:not([type=hidden]), select, textarea, [tabindex='0']",
        "els => els.filter(e => e.offsetParent !== null && e.tabIndex >= 0).length",
    )
    reached: list[str] = []
    for _ in range(controls + 5):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const e = document.activeElement;
              const s = getComputedStyle(e);
              const at = Array.prototype.indexOf.call(document.querySelectorAll('*'), e);
              const name = e.getAttribute('href') || e.id || e.name || '';
              return { id: at + ' ' + e.tagName + ' ' + name,
                       outline: s.outlineStyle !== 'none' && s.outlineWidth !== '0px' }; }"""
        )
        if info["id"] in reached or " BODY " in info["id"]:
            break  # round the page once
        assert info["outline"], f"{info['id']} has no visible focus"
        reached.append(info["id"])
    assert len(reached) >= controls - 1, (len(reached), controls)
    # the first stop is the skip link, which moves focus to the content
    assert reached[0].endswith("A #main")
    page.keyboard.press("Shift+Tab")
    page.goto(curated_server.url + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # site name, then the search box
    expect(page.locator("#site-q")).to_be_focused()
    page.keyboard.type("hillerod")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=hillerod"))
    expect(page.locator('ol.hits a[href="/id/municipality/hilleroed"]')).to_be_visible()
    assert errors == []


def test_home_map_and_charts_are_drawn(page: Page, curated_server: Process) -> None:
    errors = console_errors(page)
    page.goto(curated_server.url + "/")
    expect(page.locator("#map")).to_have_attribute("data-drawn", "11")
    expect(page.locator("#map svg circle")).to_have_count(11)
    expect(page.locator("#timeline-chart")).to_have_attribute("data-drawn", re.compile(r"^\d+$"))
    expect(page.locator("#models-chart")).to_have_attribute("data-drawn", re.compile(r"^\d+$"))
    # a point is a link to its municipality's page
    page.locator('#map a[href="/id/municipality/varde"]').dispatch_event("click")
    expect(page).to_have_url(curated_server.url + "/id/municipality/varde")
    assert errors == []


def test_query_ui_in_danish_with_local_links(page: Page, curated_server: Process) -> None:
    page.goto(curated_server.url + "/query?lang=da")
    expect(page.locator(".yasqe")).to_be_visible()
    # YASGUI's own words are Danish
    expect(page.locator("#yasgui [title='Kør forespørgslen']").first).to_be_attached()
    assert page.locator("#yasgui [title='Run query']").count() == 0
    # focus does not start in the editor, and Tab leaves it
    assert not page.evaluate("document.getElementById('yasgui').contains(document.activeElement)")
    page.locator(".CodeMirror").first.click()
    page.keyboard.press("Tab")
    assert not page.evaluate("!!document.activeElement.closest('.CodeMirror')"), (
        "Tab stayed in the editor"
    )
    # a result IRI within the base links to the local page
    query = (
        "SELECT ?m WHERE { ?m a <https://w3id.org/pob/ontology#Municipality> ; "
        '<https://w3id.org/pob/ontology#kommunekode> "573" }'
    )
    page.goto(curated_server.url + "/query?lang=da&query=" + quote(query, safe=""))
    page.locator(".CodeMirror:visible").first.click()
    page.keyboard.press("Control+Enter")
    link = page.locator(".yasr a[href='/id/municipality/varde']").first
    expect(link).to_be_visible(timeout=20_000)
