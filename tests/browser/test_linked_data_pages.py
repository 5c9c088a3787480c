"""The linked-data pages in a real browser (Debian Chromium), on the real curated data.

From `/` a person follows links to the network's page, from there to each of the 11
municipalities that took part, and from each back to the network. The pages are checked for
what a keyboard or screen-reader user needs: landmarks, headings in order, a skip link, a
language switch that works from the keyboard, and a neighbourhood picture with a label and
the same links as text. The `page` fixture fails the test on any request outside 127.0.0.1.
"""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import Page, expect

from pob.graph.curated import memory_store, select
from tests.conftest import Process

pytestmark = pytest.mark.browser

NETWORK = "/id/partnership/netvaerk-for-privat-offentlige-bysamarbejder"
MEMBERS = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX pob: <https://w3id.org/pob/ontology#>
PREFIX ps: <https://w3id.org/pob/id/partnership/>
PREFIX role: <https://w3id.org/pob/id/role/>
SELECT DISTINCT ?m ?label WHERE {
  ?ms org:organization ps:netvaerk-for-privat-offentlige-bysamarbejder ;
      org:member ?m ;
      org:role role:deltagende-kommune .
  ?m a pob:Municipality ; rdfs:label ?label .
  FILTER (lang(?label) = "da")
}
"""


def network_municipalities() -> dict[str, str]:
    """Page path -> Danish name of each municipality that took part in the network."""
    rows = select(memory_store(), MEMBERS)
    return {r["m"].removeprefix("https://w3id.org/pob"): r["label"] for r in rows}


def console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_from_home_to_every_network_municipality_and_back(
    page: Page, curated_server: Process
) -> None:
    url = curated_server.url
    errors = console_errors(page)
    municipalities = network_municipalities()
    assert len(municipalities) == 11
    page.goto(url + "/")
    page.get_by_role("link", name=re.compile("Netværket for privat-offentlige")).click()
    expect(page).to_have_url(url + NETWORK)
    expect(page.locator("h1")).to_have_text("Netværk for privat-offentlige bysamarbejder")
    for path, name in sorted(municipalities.items()):
        # the network page links each member (org:hasMember, inferred from the memberships)
        page.locator(f'table.properties a[href="{path}"]').first.click()
        expect(page).to_have_url(url + path)
        expect(page.locator("h1")).to_have_text(name)
        # and the municipality page links back to the network (org:memberOf)
        page.locator(f'table.properties a[href="{NETWORK}"]').first.click()
        expect(page).to_have_url(url + NETWORK)
    # the network is also one click away from every page's main menu
    page.goto(url + "/ontology")
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Netværket for privat-offentlige bysamarbejder"
    ).click()
    expect(page).to_have_url(url + NETWORK)
    assert errors == []


def heading_levels(page: Page) -> list[int]:
    levels: list[int] = page.eval_on_selector_all(
        "h1, h2, h3, h4, h5, h6", "els => els.map(e => Number(e.tagName[1]))"
    )
    return levels


@pytest.mark.parametrize(
    "path", ["/id/municipality/varde", NETWORK, "/id/scheme/challenge", "/ontology", "/shapes"]
)
def test_landmarks_and_headings(page: Page, curated_server: Process, path: str) -> None:
    page.goto(curated_server.url + path)
    for role in ("banner", "main", "contentinfo"):
        expect(page.get_by_role(role)).to_have_count(1)
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Sprog")).to_have_count(1)
    levels = heading_levels(page)
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), "duplicate ids"


def test_neighbourhood_picture_and_its_text(page: Page, curated_server: Process) -> None:
    errors = console_errors(page)
    page.goto(curated_server.url + "/id/municipality/varde")
    picture = page.locator("#neighbourhood")
    expect(picture).to_have_attribute("role", "img")
    expect(picture).to_have_attribute("aria-label", re.compile("Varde Kommune"))
    expect(picture).to_have_attribute("data-drawn", re.compile(r"^[1-9]\d*$"))  # cytoscape drew
    expect(picture.locator("canvas").first).to_be_attached()
    links = page.locator("ul.edges li")
    assert links.count() >= 10
    expect(page.locator(f'ul.edges a[href="{NETWORK}"]').first).to_be_visible()
    assert errors == []


def test_keyboard_skip_link_and_language_switch(page: Page, curated_server: Process) -> None:
    page.goto(curated_server.url + "/id/municipality/varde")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Spring til indholdet")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    english = page.get_by_role("navigation", name="Sprog").get_by_role("link", name="English")
    english.focus()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Varde Municipality")
    # the chosen language stays on the way through the graph
    page.locator(f'table.properties a[href="{NETWORK}?lang=en"]').first.click()
    expect(page.locator("h1")).to_have_text("Network for private-public urban partnerships")


def test_page_shows_types_sources_shape_and_query(page: Page, curated_server: Process) -> None:
    url = curated_server.url
    page.goto(url + "/id/municipality/varde?lang=en")
    types = page.locator("ul.types li")
    expect(types.filter(has_text="Municipality")).to_have_count(1)
    expect(types.filter(has_text="(inferred)").first).to_be_visible()
    sources = page.locator("ul.sources li")
    assert sources.count() >= 3
    expect(sources.locator("a.external").first).to_have_attribute("href", re.compile("^https?://"))
    page.locator('a[href^="/id/source/"]').first.click()
    expect(page.locator("ul.types")).to_contain_text("Source")
    page.go_back()
    query = page.locator("#open-query")
    expect(query).to_have_attribute("href", re.compile(r"^/query\?query=DESCRIBE%20%3C"))
    page.locator('section[aria-labelledby="shapes-heading"] a[href^="/shapes"]').first.click()
    expect(page).to_have_url(re.compile(r"/shapes(\?lang=en)?#"))
    anchor = page.url.split("#", 1)[1]
    expect(page.locator(f'[id="{anchor}"]')).to_be_attached()


def test_concept_shows_its_scheme_and_class_lists_instances(
    page: Page, curated_server: Process
) -> None:
    url = curated_server.url
    page.goto(url + "/id/challenge/detailhandel")
    scheme = page.locator('section[aria-labelledby="scheme-heading"] a')
    expect(scheme).to_have_attribute("href", "/id/scheme/challenge")
    scheme.click()
    expect(page.locator('section[aria-labelledby="members-heading"] li')).to_have_count(6)
    page.goto(url + "/ontology#Municipality")
    card = page.locator('section[id="Municipality"]')
    card.locator("summary").focus()
    page.keyboard.press("Enter")  # open the list of instances from the keyboard
    expect(card.locator('details a[href="/id/municipality/varde"]')).to_be_visible()
