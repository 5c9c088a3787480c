"""The rest of "one site" in Debian's Chromium: the neighbourhood picture stays readable at
40+ neighbours (measured with cytoscape's own bounding boxes of nodes and labels) and is
used from the keyboard; /shapes, /ontology, a catalog dataset page and the partnership page
fit a 1366 px and a 390 px window; a checksum is copied with one button."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_linked_data_pages import NETWORK, console_errors
from tests.conftest import Process

pytestmark = pytest.mark.browser

WINDOWS = {"desktop": (1366, 768), "phone": (390, 844)}
#: every pair of drawn boxes (a neighbour with its label, a group with its title, the
#: resource itself) that overlap by more than this many pixels on both axes counts
TOLERANCE = 1.0
#: how many such overlaps the picture may have
OVERLAP_BOUND = 0

MEASURE = """(tolerance) => {
  const cy = document.getElementById('neighbourhood').cytoscape;
  const box = (el) => el.renderedBoundingBox({ includeLabels: true, includeOverlays: false });
  const overlap = (a, b) => Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) > tolerance
                         && Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) > tolerance;
  const count = (els) => {
    const boxes = els.map(box); let n = 0;
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) if (overlap(boxes[i], boxes[j])) n++;
    return n;
  };
  const leaves = cy.nodes('.member, .center, .group.closed').toArray();
  const tops = cy.nodes('.group, .center').toArray();  // groups as boxes, with their titles
  const width = document.getElementById('neighbourhood').clientWidth;
  const all = cy.nodes().toArray().map(box);
  return {
    members: cy.nodes('.member').length,
    leafOverlaps: count(leaves),
    groupOverlaps: count(tops),
    zoom: cy.zoom(),
    left: Math.min(...all.map(b => b.x1)),
    right: Math.max(...all.map(b => b.x2)),
    width: width,
  };
}"""


def picture_data(page: Page) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(page.locator("#neighbourhood-data").text_content() or "")
    return data


@pytest.mark.parametrize("window", sorted(WINDOWS))
def test_neighbourhood_readable_with_every_link_shown(
    page: Page, curated_server: Process, window: str
) -> None:
    width, height = WINDOWS[window]
    page.set_viewport_size({"width": width, "height": height})
    errors = console_errors(page)
    page.goto(curated_server.url + NETWORK + "?lang=en")
    total = sum(len(g["members"]) for g in picture_data(page)["groups"])
    assert total >= 40, total  # the page this is about
    picture = page.locator("#neighbourhood")
    expect(picture).to_have_attribute("data-drawn", re.compile(r"^[1-9]\d*$"))
    closed = page.evaluate(MEASURE, TOLERANCE)
    assert closed["members"] < total  # big groups start closed
    page.get_by_role("button", name="Show all links").click()
    expect(picture).to_have_attribute("data-drawn", str(total + 1))
    drawn = page.evaluate(MEASURE, TOLERANCE)
    for measured in (closed, drawn):
        assert measured["leafOverlaps"] <= OVERLAP_BOUND, measured
        assert measured["groupOverlaps"] <= OVERLAP_BOUND, measured
        assert measured["zoom"] == 1, measured  # never shrunk to fit: text keeps its size
        assert measured["left"] >= 0 and measured["right"] <= measured["width"], measured
    assert drawn["members"] == total
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    assert errors == []


def test_neighbourhood_groups_open_from_the_keyboard(page: Page, curated_server: Process) -> None:
    page.goto(curated_server.url + NETWORK + "?lang=en")
    picture = page.locator("#neighbourhood")
    groups = picture_data(page)["groups"]
    members = next(g for g in groups if g["label"] == "has member (14)")
    toggle = page.locator(f'button[data-group="{members["key"]}"]')
    expect(toggle).to_have_attribute("aria-expanded", "false")
    before = int(picture.get_attribute("data-drawn") or 0)
    # reach the toggle with Tab alone, from the controls' first button
    page.get_by_role("button", name="Show all links").focus()
    for _ in range(len(groups) + 2):
        if page.evaluate("document.activeElement.dataset.group") == members["key"]:
            break
        page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(picture).to_have_attribute("data-drawn", str(before + 14))
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(picture).to_have_attribute("data-drawn", str(before))
    # the same links are in the list below, as ordinary links
    assert page.locator("ul.edges li").count() == sum(len(g["members"]) for g in groups)


@pytest.mark.parametrize("window", sorted(WINDOWS))
@pytest.mark.parametrize(
    "path", ["/shapes", "/ontology", "/catalog/dataset/curated", "/catalog", NETWORK]
)
def test_page_fits_the_window(page: Page, curated_server: Process, path: str, window: str) -> None:
    width, height = WINDOWS[window]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(curated_server.url + path)
    page.wait_for_load_state("networkidle")
    sizes = page.evaluate(
        "({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth })"
    )
    assert sizes["inner"] == width
    assert sizes["scroll"] <= sizes["inner"], sizes


def test_checksum_is_copied_with_one_button(page: Page, curated_server: Process) -> None:
    url = curated_server.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page.goto(url + "/catalog/dataset/curated?lang=en")
    first = page.locator("li.download").first
    checksum = first.locator("dd.checksum code").text_content() or ""
    assert len(checksum) == 64
    button = first.get_by_role("button", name="Copy the checksum")
    button.click()
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == checksum
    link = first.locator("a.button[download]")
    expect(link).to_contain_text("Download (")
    response = page.request.get(url + (link.get_attribute("href") or ""))
    assert response.status == 200 and len(response.body()) > 0
