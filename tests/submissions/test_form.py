"""The forgiving validator over a real server: the form comes back in the chosen language,
with its options and the pasted text, after a syntax error, a refusal, a non-conforming and a
conforming dataset; refusals are said plainly; each finding's focus node has the line where
the uploaded file writes it; refused uploads and rejected submissions link the form."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import httpx
import pytest

from tests.submissions.conftest import (
    EXAMPLES,
    LIMIT_BYTES,
    TOKENS,
    Service,
    expectation,
)

BAD = [p for p in EXAMPLES if p.name.startswith("bad-")]
BROKEN = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;\n  ex:d .\n"
HTML = {"Accept": "text/html"}


def post_form(
    service: Service, fields: dict[str, str], file: Path | None = None, page_lang: str = "da"
) -> httpx.Response:
    files = {"file": (file.name, file.read_bytes(), "application/octet-stream")} if file else None
    return service.client.post(
        f"/api/validate?lang={page_lang}", data=fields, files=files or {"none": ("", b"")},
        headers=HTML,
    )  # fmt: skip


def textarea(html: str) -> str:
    found = re.search(r'<textarea id="data" name="data"[^>]*>(.*?)</textarea>', html, re.S)
    assert found is not None
    return unescape(found.group(1))


def selected(html: str, name: str) -> str:
    block = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', html, re.S)
    assert block is not None
    found = re.search(r'<option value="([^"]+)"[^>]* selected', block.group(1))
    assert found is not None, name
    return found.group(1)


def first_line_as_subject(path: Path, iri: str) -> int:
    """Where a reader finds the resource: the first line that starts with it (its prefixed
    name from the file's own @prefix lines, or the IRI in <>)."""
    text = path.read_text(encoding="utf-8")
    names = [f"<{iri}>"]
    for prefix, ns in re.findall(r"@prefix\s+(\w*):\s*<([^>]+)>", text):
        if iri.startswith(ns):
            names.append(f"{prefix}:{iri[len(ns) :]}")
    for number, line in enumerate(text.splitlines(), start=1):
        if any(re.match(rf"{re.escape(n)}(\s|$)", line) for n in names):
            return number
    raise AssertionError(f"{iri} is not a subject in {path.name}")


def test_the_bad_examples_were_collected() -> None:
    assert len(BAD) == 5


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_line_numbers_of_the_focus_nodes(embedded: Service, path: Path) -> None:
    response = post_form(embedded, {"lang": "en"}, path)
    assert response.status_code == 200
    html = response.text
    focuses = {focus for focus, *_ in expectation(path).findings}
    assert focuses
    for focus in focuses:
        section = re.search(
            rf'<section class="focus" data-focus="{re.escape(focus)}">.*?</section>', html, re.S
        )
        assert section is not None, focus
        line = first_line_as_subject(path, focus)
        assert f'<span class="line">line {line}, column 1</span>' in section.group(0)
        assert f'<dd class="where">line {line}, column 1</dd>' in section.group(0)
        assert '<dd class="fix">' in section.group(0)
    danish = post_form(embedded, {"lang": "da"}, path, page_lang="en").text
    assert '<html lang="da">' in danish and "linje " in danish and "line " not in danish


def test_a_syntax_error_keeps_text_language_and_options(embedded: Service) -> None:
    fields = {"data": BROKEN, "lang": "en", "profile": "strict", "inference": "owlrl"}
    response = post_form(embedded, fields, page_lang="da")  # the page was Danish
    assert response.status_code == 400
    html = response.text
    assert '<html lang="en">' in html
    assert textarea(html) == BROKEN
    assert selected(html, "profile") == "strict"
    assert selected(html, "inference") == "owlrl"
    assert selected(html, "lang") == "en"
    error = re.search(r'<section class="error-box explained" id="error".*?</section>', html, re.S)
    assert error is not None
    text = unescape(error.group(0))
    assert 'data-kind="syntax"' in text
    assert "line 3, column 8" in text and "How to fix it" in text and "Example" in text
    assert re.search(r'<span class="bad"><span class="ln">3</span>\s+ex:d \.</span>', text)
    for api_word in ("field 'file'", "Content-Type", "multipart"):
        assert api_word not in re.sub(r"<details>.*?</details>", "", text, flags=re.S)
    danish = post_form(embedded, {**fields, "lang": "da"}, page_lang="en").text
    assert '<html lang="da">' in danish and "linje 3, kolonne 8" in danish
    assert textarea(danish) == BROKEN


@pytest.mark.parametrize("lang", ["da", "en"])
def test_outcomes_keep_text_and_options(embedded: Service, lang: str) -> None:
    good = next(p for p in EXAMPLES if p.name == "good-platssamverkan-gamlestaden.ttl")
    bad = next(p for p in EXAMPLES if p.name == "bad-dates-out-of-order.ttl")
    for path, conforms in ((good, "true"), (bad, "false")):
        text = path.read_text(encoding="utf-8")
        fields = {"data": text, "lang": lang, "profile": "strict", "inference": "rdfs"}
        html = post_form(embedded, fields, page_lang="en" if lang == "da" else "da").text
        assert f'<html lang="{lang}">' in html
        assert f'data-conforms="{conforms}"' in html
        assert textarea(html) == text
        assert (selected(html, "profile"), selected(html, "inference")) == ("strict", "rdfs")


def test_no_dataset_is_said_plainly(embedded: Service) -> None:
    response = post_form(embedded, {"lang": "en", "data": "  "})
    assert response.status_code == 400
    assert 'data-kind="no_data"' in response.text
    assert "Neither a file was chosen nor any text pasted." in response.text


def test_too_large_keeps_the_page_language(limits: Service) -> None:
    big = "# " + "x" * (LIMIT_BYTES + 10) + "\n"
    response = post_form(limits, {"data": big, "lang": "en"}, page_lang="en")
    assert response.status_code == 413
    html = response.text
    assert '<html lang="en">' in html and 'data-kind="too_large"' in html
    assert "Split the dataset into smaller files" in html
    assert f'data-limit="{LIMIT_BYTES}"' in html  # the form's script refuses it before sending
    danish = post_form(limits, {"data": big, "lang": "da"}, page_lang="da").text
    assert '<html lang="da">' in danish and "Del datasættet i mindre filer" in danish


def test_refusals_and_rejections_link_the_validator(embedded: Service) -> None:
    broken = embedded.client.post(
        "/api/validate", content=BROKEN, headers={"Content-Type": "text/turtle"}
    )
    assert broken.status_code == 400
    assert broken.json()["error"]["validator"] == "/validate"
    bad = next(p for p in BAD if p.name == "bad-wrong-kommunekode.ttl")
    rejected = embedded.client.post(
        "/api/datasets",
        content=bad.read_bytes(),
        headers={
            "Content-Type": "text/turtle",
            "Authorization": f"Bearer {TOKENS['alice']}",
            "Accept": "application/json",
        },
    )
    assert rejected.status_code == 422
    assert rejected.json()["validator"] == "/validate"
    form = embedded.client.get(rejected.json()["validator"], headers=HTML)
    assert form.status_code == 200 and 'id="validate-form"' in form.text


@pytest.mark.parametrize("path", ["/validate", "/queries", "/queries/timeline", "/"])
def test_pages_link_the_validator(embedded: Service, path: str) -> None:
    html = embedded.client.get(path, headers=HTML).text
    assert re.search(r'<a href="/validate(\?lang=..)?"', html), path
