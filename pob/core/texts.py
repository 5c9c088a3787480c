"""The languages of the service, and every word it shows in them: one list, one store.

:data:`LANGUAGES` is the one list of languages (shape messages, named-query titles, labels,
the pages, the CLI's ``--lang``); :data:`DEFAULT` is the language a page falls back to.
The words are in ``pob/core/texts.yaml`` by section: ``ui`` (the query page), ``pages``
(the linked-data pages), ``form`` (the validation form), ``report`` (the validation
report). Every key has a value in every language, or the file is refused when loaded.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGES: tuple[str, ...] = ("da", "en")
DEFAULT = "da"
#: the name of each language in itself, for a language switch
NAMES: dict[str, str] = {"da": "Dansk", "en": "English"}
TEXTS_FILE = Path(__file__).with_name("texts.yaml")

#: section → key → language → the word (a string; the form's option lists are lists)
Store = dict[str, dict[str, dict[str, Any]]]


def load(path: Path = TEXTS_FILE) -> Store:
    """The store in `path`, checked: every key of every section has every language."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected sections of words")
    for name, section in raw.items():
        if not isinstance(section, dict):
            raise ValueError(f"{path}: section {name!r} is not a mapping")
        for key, value in section.items():
            if not isinstance(value, dict) or set(value) != set(LANGUAGES):
                raise ValueError(
                    f"{path}: {name}.{key} needs exactly the languages {', '.join(LANGUAGES)}"
                )
    return raw


@cache
def _store() -> Store:
    return load()


def section(name: str) -> dict[str, dict[str, Any]]:
    """One section of the store: key → language → word."""
    return _store()[name]


@cache
def words(name: str, lang: str) -> dict[str, Any]:
    """Every word of section `name` in `lang` (one of :data:`LANGUAGES`): key → word."""
    return {key: value[lang] for key, value in section(name).items()}
