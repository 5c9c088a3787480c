"""Writing a benchmark's table into docs/performance.md, between its own markers."""

from __future__ import annotations

from pathlib import Path


def write_block(
    body: str, path: Path, heading: str, begin: str, end: str, after: str | None = None
) -> None:
    """Put `body` between the markers `begin` and `end` under `heading`; nothing else in
    the file is touched. New markers go right after the marker `after` when the file has
    it, else right under `heading`, else in a new section at the end."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    block = f"{begin}\n{body.strip()}\n{end}"
    if begin in text and end in text:
        start, stop = text.index(begin), text.index(end) + len(end)
        text = text[:start] + block + text[stop:]
    elif after is not None and after in text:
        at = text.index(after) + len(after)
        text = text[:at] + "\n\n" + block + text[at:]
    elif heading in text:
        at = text.index(heading) + len(heading)
        text = text[:at] + "\n\n" + block + "\n" + text[at:]
    else:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{block}\n"
    path.write_text(text, encoding="utf-8")
