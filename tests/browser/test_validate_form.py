"""The validation form in Debian's Chromium: upload a bad example and read the findings,
then a good one and see that it conforms."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import ROOT, Process

EXAMPLES = ROOT / "data" / "examples" / "submissions"
pytestmark = pytest.mark.browser


def test_bad_then_good(page: Page, curated_server: Process) -> None:
    page.goto(curated_server.url + "/validate?lang=da")
    expect(page.locator("h1")).to_have_text("Valider et datasæt")

    page.set_input_files("#file", str(EXAMPLES / "bad-wrong-kommunekode.ttl"))
    page.select_option("#lang", "da")
    page.click("#submit")
    report = page.locator("#report")
    expect(report).to_be_visible()
    expect(page.locator("#verdict")).to_have_text("Datasættet overholder ikke reglerne")
    focus = page.locator('section.focus[data-focus$="/municipality/jammerbugt"]')
    expect(focus).to_contain_text("mun:jammerbugt")
    expect(focus.locator("li.result")).to_have_count(2)  # the pattern, and two codes
    result = focus.locator('li.result[data-component="PatternConstraintComponent"]')
    expect(result).to_have_count(1)
    expect(result.locator(".message")).to_contain_text(
        "Kommunekode (pob:kommunekode): højst én, skrevet som tekst med præcis tre cifre"
    )
    expect(result.locator(".value")).to_have_text('"0849"')
    expect(result.locator("a.shape")).to_have_attribute("href", "/shapes#MunicipalityKommunekode")
    turtle = page.locator('a.download[data-format="Turtle"]')
    expect(turtle).to_have_attribute("download", "report.ttl")
    href = turtle.get_attribute("href") or ""
    assert href.startswith("data:text/turtle;base64,")
    assert b"sh:ValidationReport" in base64.b64decode(href.split(",", 1)[1])

    page.set_input_files("#file", str(EXAMPLES / "bad-dates-out-of-order.ttl"))
    page.select_option("#lang", "en")
    page.click("#submit")
    expect(page.locator("#report li.result .message")).to_contain_text(
        "The end date (schema:endDate 2019) is before the start date (schema:startDate 2021)."
    )

    page.set_input_files("#file", str(EXAMPLES / "good-platssamverkan-gamlestaden.ttl"))
    page.click("#submit")
    expect(page.locator("#verdict")).to_contain_text("conforms")
    expect(page.locator("#report li.result")).to_have_count(0)


def test_pasted_turtle_and_a_syntax_error(page: Page, curated_server: Process) -> None:
    page.goto(curated_server.url + "/validate?lang=en")
    page.fill("#data", "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;\n  ex:d .\n")
    page.click("#submit")
    expect(page.locator("#error")).to_contain_text("Turtle syntax error at line 3, column 8")


def test_the_form_and_report_work_under_their_policy(page: Page, curated_server: Process) -> None:
    """The form and its report (inline styles, data: downloads) with the security headers
    every HTML answer now carries: no Content-Security-Policy violation in the browser."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(curated_server.url + "/validate?lang=en")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    page.set_input_files("#file", str(EXAMPLES / "bad-wrong-kommunekode.ttl"))
    with page.expect_navigation() as navigation:
        page.click("#submit")
    report = navigation.value
    assert report is not None and "content-security-policy" in report.headers
    expect(page.locator("#verdict")).to_be_visible()
    # the report's own styles applied (inline <style> is allowed)
    verdict_border = page.locator("#verdict").evaluate("el => getComputedStyle(el).borderTopStyle")
    assert verdict_border == "solid"
    assert page.evaluate("window.__csp") == []
    assert violations == []
