"""`pob submit` against a real server, and `pob validate --report html`, as a user runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, free_port
from tests.submissions.conftest import (
    EXAMPLES_DIR,
    SUBMIT_TOKEN,
    TOKENS,
    Service,
    sources_dataset,
)


def pob(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pob", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def test_submit_accepted_exit_0(embedded: Service, tmp_path: Path) -> None:
    dataset = tmp_path / "sources.nt"
    dataset.write_bytes(sources_dataset(3))
    result = pob("submit", str(dataset), "--url", embedded.url, "--token", TOKENS["alice"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("accepted: ")
    again = pob(
        "submit",
        str(dataset),
        "--url",
        embedded.url,
        env={"POB_TOKEN": TOKENS["bob"], "POB_SUBMIT_TOKEN": SUBMIT_TOKEN},
    )
    assert again.returncode == 0 and again.stdout.startswith("already there: ")


def test_submit_rejected_exit_1_with_report(embedded: Service) -> None:
    bad = EXAMPLES_DIR / "bad-wrong-kommunekode.ttl"
    result = pob(
        "submit", str(bad), "--url", embedded.url, "--token", TOKENS["alice"], "--lang", "da"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "afvist: intet blev gemt" in result.stdout  # one language: Danish throughout
    assert "Kommunekode (pob:kommunekode)" in result.stdout
    assert "[Overtrædelse] mun:jammerbugt pob:kommunekode" in result.stdout
    assert "Violation" not in result.stdout and "https://w3id.org" not in result.stdout


def test_submit_bad_input_or_unreachable_exit_2(embedded: Service, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://e/> .\nex:a ex:b .\n", encoding="utf-8")
    syntax = pob("submit", str(broken), "--url", embedded.url, "--token", TOKENS["alice"])
    assert syntax.returncode == 2 and "line 2" in syntax.stderr
    good = EXAMPLES_DIR / "good-frederikshavn-bymidtepartnerskab.ttl"
    token = pob("submit", str(good), "--url", embedded.url, "--token", "wrong")
    assert token.returncode == 2 and "did not accept the submit token" in token.stderr
    assert "Bearer" not in token.stderr and "401" not in token.stderr
    missing = pob("submit", str(tmp_path / "nope.ttl"), "--url", embedded.url, "--token", "x")
    assert missing.returncode == 2
    away = pob("submit", str(good), "--url", f"http://127.0.0.1:{free_port()}", "--token", "x")
    assert away.returncode == 2 and "cannot reach" in away.stderr


def test_validate_html_report() -> None:
    bad = EXAMPLES_DIR / "bad-missing-danish-label.ttl"
    result = pob("validate", str(bad), "--with-curated", "--report", "html", "--lang", "da")
    assert result.returncode == 1
    html = result.stdout
    assert html.startswith("<!doctype html>") and '<html lang="da">' in html
    assert 'data-component="QualifiedMinCountConstraintComponent"' in html
    assert "https://w3id.org/pob/shapes#LabelledLabel" in html  # offline: the shape's IRI
    assert "Navn (rdfs:label)" in html
