"""Every example: the same verdict and findings through the API, the web form and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.submissions.conftest import (
    EXAMPLES,
    EXPECTED_EXAMPLES,
    Service,
    expectation,
    findings_of,
    media_type,
)

Findings = set[tuple[str, str, str, str, str]]


class _Results(HTMLParser):
    """The findings in the report part of the form page (data-* attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # > 0 inside <section id="results">
        self.found: Findings = set()
        self.verdict: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            if a.get("id") == "report":
                self.verdict = a.get("data-conforms")
            if a.get("id") == "results" or self.depth:
                self.depth += 1
        if tag == "li" and self.depth and "result" in (a.get("class") or "").split():
            self.found.add(
                (
                    a["data-focus"] or "",
                    a["data-path"] or "",
                    a["data-value"] or "",
                    a["data-component"] or "",
                    a["data-severity"] or "",
                )
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.depth:
            self.depth -= 1


def test_collected_every_example() -> None:
    assert len(EXAMPLES) >= EXPECTED_EXAMPLES
    assert {p.name.split("-", 1)[0] for p in EXAMPLES} == {"good", "bad"}


def via_api(service: Service, path: Path) -> tuple[bool, Findings]:
    response = service.client.post(
        "/api/validate",
        content=path.read_bytes(),
        headers={"Content-Type": media_type(path), "Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    summary = response.json()
    return summary["conforms"], findings_of(summary)


def via_form(service: Service, path: Path) -> tuple[bool, Findings]:
    """What a browser sends: multipart with the file, the form's options, Accept: text/html."""
    response = service.client.post(
        "/api/validate",
        files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
        data={"profile": "core", "inference": "none", "lang": "da"},
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert response.status_code == 200, response.text
    parser = _Results()
    parser.feed(response.text)
    assert parser.verdict in ("true", "false")
    return parser.verdict == "true", parser.found


def via_cli(path: Path) -> tuple[bool, Findings]:
    result = subprocess.run(
        [sys.executable, "-m", "pob", "validate", str(path), "--with-curated", "--report", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr
    summary = json.loads(result.stdout)
    assert (result.returncode == 0) is summary["conforms"]
    return summary["conforms"], findings_of(summary)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_same_verdict_and_findings_everywhere(embedded: Service, path: Path) -> None:
    expected = expectation(path)
    api, form, cli = via_api(embedded, path), via_form(embedded, path), via_cli(path)
    assert api == form == cli
    conforms, findings = api
    assert conforms is expected.conforms is path.name.startswith("good-")
    assert {(f, p, c, s) for f, p, _, c, s in findings} == set(expected.findings)
