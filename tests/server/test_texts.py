"""One language list and one translation store (pob/core/texts.py, pob/core/texts.yaml),
read by the library and the server alike; one Jinja2 environment (pob/core/templates.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pob.core import templates, texts
from pob.graph import labels
from pob.validation import html_report, report
from server import i18n, pages
from server.routes import validate
from tests.conftest import ROOT


def test_every_key_has_every_language() -> None:
    store = texts.load()
    assert {"ui", "pages", "form", "report", "portal", "yasgui", "cli"} <= set(store)
    for name, section in store.items():
        assert section, name
        for key, value in section.items():
            assert set(value) == set(texts.LANGUAGES), f"{name}.{key}"
            for lang, word in value.items():
                assert isinstance(word, str | list) and word, f"{name}.{key}.{lang}"


def test_a_missing_translation_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "texts.yaml"
    path.write_text("ui:\n  title: {da: Titel}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"ui\.title needs exactly the languages da, en"):
        texts.load(path)


def test_words_by_language() -> None:
    assert texts.words("report", "da")["title"] == "Valideringsrapport"
    assert texts.words("report", "en")["title"] == "Validation report"
    assert texts.words("form", "en")["profiles"][0] == ["core", "Core (warnings stay warnings)"]
    assert i18n.strings("en")["heading"] == texts.section("ui")["heading"]["en"]


def test_one_language_list() -> None:
    assert texts.LANGUAGES == ("da", "en") and texts.DEFAULT in texts.LANGUAGES
    assert set(texts.NAMES) == set(texts.LANGUAGES)
    for used in (
        i18n.LANGUAGES,
        labels.LANGS,
        report.LANGUAGES,
        validate.CHOICES["lang"],
    ):
        assert used is texts.LANGUAGES


def test_one_jinja_environment() -> None:
    env = templates.environment()
    assert pages.environment() is env
    # the server's pages and the library's report come from the same environment
    assert env.get_template("resource.html").environment is env
    assert env.get_template("report.html").environment is env
    assert html_report.TEMPLATES.is_dir() and pages.TEMPLATES.is_dir()
    assert env.filters["urlquote"]("a/b c") == "a%2Fb%20c"
    assert str(env.filters["json_script"]("</script>")) == '"\\u003c/script\\u003e"'


def test_environment_is_made_in_one_place() -> None:
    found = subprocess.run(
        ["grep", "-rn", "--include=*.py", "Environment(", "pob", "server"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    assert [line.split(":")[0] for line in found] == ["pob/core/templates.py"]
