"""The one Jinja2 environment every page and report is rendered with.

Templates are looked up in the folders registered with :func:`add_folder`, in the order
registered: the validation wing registers ``pob/validation/templates`` (the report), the
server its ``server/templates`` (the pages) when imported. HTML is autoescaped, block tags
leave no blank lines, and two filters are there for every template: ``urlquote`` (a path
or query component) and ``json_script`` (JSON inside ``<script type="application/json">``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

_FOLDERS: list[Path] = []
_LOADERS: list[BaseLoader] = []


def add_folder(folder: Path) -> None:
    """Look for templates in `folder` too (after the folders registered before)."""
    folder = Path(folder).resolve()
    if folder not in _FOLDERS:
        _FOLDERS.append(folder)
        _LOADERS.append(FileSystemLoader(folder))


@cache
def environment() -> Environment:
    """The environment (one per process), over every registered folder."""
    env = Environment(
        loader=ChoiceLoader(_LOADERS),  # the list itself: folders registered later count
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["urlquote"] = urlquote
    env.filters["json_script"] = json_script
    return env


def urlquote(value: Any) -> str:
    """`value` percent-encoded as one path segment or query value (no `/` left)."""
    return quote(str(value), safe="")


def json_script(value: Any) -> Markup:
    """JSON safe inside <script type="application/json"> (no `</script>` break-out)."""
    text = json.dumps(value, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
