"""Named-query pages and the validator in Debian's Chromium: axe-core (npm `axe-core`, its
axe.min.js evaluated in the page) finds nothing serious or critical in Danish and English,
at a desktop and a phone width; keyboard alone reaches and works every control; charts
are drawn; the validator's script keeps the text after a refusal and refuses an oversize
file before sending it. The `page` fixture fails a test on any request outside 127.0.0.1."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import WIDTHS, axe_findings
from tests.browser.test_linked_data_pages import console_errors
from tests.conftest import ROOT, Process, fixture_settings

pytestmark = pytest.mark.browser

EXAMPLES = ROOT / "data" / "examples" / "submissions"
BROKEN = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;\n  ex:d .\n"
#: the page kinds of this helper: named-query index and pages (a form with choices, a bar
#: chart, a timeline) and the validator (empty, after a syntax error, with a report)
PAGES = {
    "queries": "/queries",
    "query-choices": "/queries/partnerships-in-region",
    "query-bar": "/queries/municipality-regions",
    "query-timeline": "/queries/timeline",
    "validate": "/validate",
}
#: how Chromium logs a page answered with 400 (the form after a refused upload says why)
REFUSED = "the server responded with a status of 400 (Bad Request)"
CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex='0']"


def check_page(page: Page) -> None:
    findings = axe_findings(page)
    assert findings == [], json.dumps(findings, indent=1, ensure_ascii=False)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the window"


def test_the_cases_were_collected() -> None:
    assert len(PAGES) * 2 * len(WIDTHS) == 20


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_no_serious_accessibility_finding(
    page: Page, curated_server: Process, kind: str, lang: str, width: str
) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    errors = console_errors(page)
    page.goto(f"{curated_server.url}{PAGES[kind]}?lang={lang}")
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    check_page(page)
    if kind == "validate":  # the outcomes too: a refusal said plainly, then a report
        page.fill("#data", BROKEN)
        page.click("#submit")
        expect(page.locator("#error")).to_be_visible()
        check_page(page)
        page.set_input_files("#file", str(EXAMPLES / "bad-wrong-kommunekode.ttl"))
        page.click("#submit")
        expect(page.locator("#report")).to_be_visible()
        check_page(page)
    assert [e for e in errors if not e.endswith(REFUSED)] == []


def tab_through(page: Page) -> list[str]:
    """Press Tab until focus comes round again; every stop visibly focused. The stops."""
    controls = page.eval_on_selector_all(
        CONTROLS, "els => els.filter(e => e.offsetParent !== null && e.tabIndex >= 0).length"
    )
    reached: list[str] = []
    for _ in range(controls + 5):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const e = document.activeElement;
              const s = getComputedStyle(e);
              const at = Array.prototype.indexOf.call(document.querySelectorAll('*'), e);
              const name = e.id || e.getAttribute('href') || e.name || '';
              return { id: at + ' ' + e.tagName + ' ' + name,
                       outline: s.outlineStyle !== 'none' && s.outlineWidth !== '0px' }; }"""
        )
        if info["id"] in reached or info["id"].split(" ")[1] == "BODY":
            break
        assert info["outline"], f"{info['id']} has no visible focus"
        reached.append(info["id"])
    assert len(reached) >= controls - 1, (len(reached), controls)
    return reached


def test_a_named_query_from_the_keyboard_alone(page: Page, curated_server: Process) -> None:
    errors = console_errors(page)
    page.goto(curated_server.url + "/queries/partnerships-in-region?lang=en")
    stops = " | ".join(tab_through(page))
    for control in ("p-region", "p-lang", "p-inference", "run", "open-editor", "api-link"):
        assert f" {control}" in stops, control
    assert "/api/queries/partnerships-in-region?" in stops  # the downloads
    assert "DIV answer-table" not in stops and " DIV " in stops  # the scrollable table
    # choose another region and run, keys only
    page.goto(curated_server.url + "/queries/partnerships-in-region?lang=en")
    page.locator("#p-region").focus()
    before = page.locator("#p-region").input_value()
    page.keyboard.press("ArrowUp")
    chosen = page.locator("#p-region").input_value()
    assert chosen != before
    page.locator("#run").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"region="))
    expect(page.locator("#p-region")).to_have_value(chosen)
    expect(page.locator("#answer-table tbody tr").first).to_be_visible()
    # a result link goes to the local page
    first = page.locator('#answer-table a[href^="/id/municipality/"]').first
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/id/municipality/"))
    assert errors == []


def test_the_validator_from_the_keyboard_alone(page: Page, curated_server: Process) -> None:
    errors = console_errors(page)
    page.goto(curated_server.url + "/validate?lang=en")
    stops = " | ".join(tab_through(page))
    for control in ("file", "data", "profile", "inference", "lang", "submit"):
        assert f" {control}" in stops, control
    page.locator("#data").focus()
    page.keyboard.insert_text(BROKEN)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # profile, then inference
    expect(page.locator("#inference")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.locator("#submit").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#error")).to_be_focused()  # the outcome is where focus starts
    expect(page.locator("#error .where")).to_have_text("line 3, column 8")
    expect(page.locator("#data")).to_have_value(BROKEN)
    expect(page.locator("#inference")).to_have_value("rdfs")
    assert [e for e in errors if not e.endswith(REFUSED)] == []


@pytest.mark.parametrize(
    ("name", "kind"), [("municipality-regions", "bar"), ("timeline", "timeline")]
)
def test_charts_are_drawn(page: Page, curated_server: Process, name: str, kind: str) -> None:
    errors = console_errors(page)
    page.goto(f"{curated_server.url}/queries/{name}?lang=da")
    figure = page.locator("#chart-figure")
    expect(figure).to_have_attribute("data-kind", kind)
    expect(page.locator("#chart")).to_have_attribute("data-drawn", re.compile(r"^[1-9]\d*$"))
    box = page.locator("#chart").bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    assert errors == []


@pytest.fixture(scope="module")
def small_limit(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> Process:
    """A service on the fixture sources that takes at most 5,000 bytes."""
    data_dir: Path = tmp_path_factory.mktemp("small-limit")
    return live_server(fixture_settings(data_dir, max_upload_bytes=5000))


def test_the_script_keeps_text_after_a_refusal(page: Page, small_limit: Process) -> None:
    page.goto(small_limit.url + "/validate?lang=en")
    big = "# " + "x" * 6000 + "\n" + BROKEN
    page.fill("#data", big)
    page.select_option("#profile", "strict")
    # the limit the script knows is lifted, so the service itself refuses the body (413)
    page.evaluate("document.getElementById('client-error').setAttribute('data-limit', '1e9')")
    page.click("#submit")
    expect(page.locator("#error")).to_have_attribute("data-kind", "too_large")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#data")).to_have_value(big)
    expect(page.locator("#profile")).to_have_value("strict")


def test_the_script_refuses_an_oversize_file_before_sending(
    page: Page, small_limit: Process
) -> None:
    page.goto(small_limit.url + "/validate?lang=da")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if r.method == "POST" else None)
    page.set_input_files(
        "#file", files=[{"name": "stor.ttl", "mimeType": "text/turtle", "buffer": b"#" * 6000}]
    )
    page.fill("#data", "kept text")
    page.click("#submit")
    notice = page.locator("#client-error")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Filen er på 6 kB; tjenesten tager højst 5 kB")
    expect(notice).to_be_focused()
    assert requests == []
    expect(page.locator("#data")).to_have_value("kept text")
