"""The query UI's words, and the choice of language for every page.

The languages and the words are the library's (:mod:`pob.core.texts`, one list, one store):
every string the query page shows is in its ``ui`` section (:data:`STRINGS`, every entry in
every language; a missing translation fails ``tests/server/test_ui.py``). The language is
``?lang=da|en`` when given, else the best match in ``Accept-Language``, else Danish.
"""

from __future__ import annotations

from pob.core import texts
from pob.core.texts import DEFAULT, LANGUAGES, NAMES

__all__ = ["DEFAULT", "LANGUAGES", "NAMES", "STRINGS", "choose", "strings", "yasgui_translation"]

#: the query UI's words: key → language → word
STRINGS = texts.section("ui")


def strings(lang: str) -> dict[str, str]:
    """Every UI string in `lang` (one of :data:`LANGUAGES`)."""
    return texts.words("ui", lang)


def yasgui_translation(lang: str) -> dict[str, str]:
    """YASGUI's own English words (the ``yasgui`` section: its ``en`` values are YASGUI's
    exact texts) → their `lang` version; the page's script swaps them in the editor's
    texts, titles and labels. Empty for English."""
    section = texts.section("yasgui")
    return {v["en"]: v[lang] for v in section.values() if v[lang] != v["en"]}


def _accepted(header: str) -> list[tuple[float, int, str]]:
    ranges = []
    for position, item in enumerate(header.split(",")):
        tag, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag:
            ranges.append((quality, position, tag.lower()))
    return ranges


def choose(asked: str | None, accept_language: str | None) -> str:
    """`asked` (``?lang=``) if we have it, else the client's preference, else Danish."""
    if asked and asked.lower() in LANGUAGES:
        return asked.lower()
    best: tuple[float, int] | None = None
    chosen = DEFAULT
    for quality, position, tag in _accepted(accept_language or ""):
        primary = tag.split("-")[0]
        if quality <= 0 or primary not in LANGUAGES:
            continue
        if best is None or (quality, -position) > (best[0], -best[1]):
            best, chosen = (quality, position), primary
    return chosen
