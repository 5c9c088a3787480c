"""`pob submit`: send a dataset to a running service's gated submission API.

Exit 0 when it was accepted (or had been before), 1 when it was rejected (the report is
printed), 2 for bad input, a refused request (token, size, syntax) or a service that cannot
be reached.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import httpx
import typer
from rich.console import Console

from pob.cli import app
from pob.core import formats

err = Console(stderr=True)


def render_summary(summary: dict[str, Any], lang: str) -> str:
    """A JSON report summary (``/api/validate``, ``/api/datasets``) as readable text."""
    words = {"da": ("Overholder", "ja", "nej"), "en": ("Conforms", "yes", "no")}
    label, yes, no = words.get(lang, words["en"])
    counts = ", ".join(f"{k}: {v}" for k, v in summary.get("counts", {}).items())
    lines = [f"{label}: {yes if summary.get('conforms') else no} ({counts})"]
    for r in summary.get("results", []):
        value = f" = {r['value']}" if r.get("value") is not None else ""
        lines.append(
            f"[{r['severity']}] {r['focusNode']} {r.get('path') or '-'}{value}"
            f" ({r['constraintComponent']}; {r['sourceShape']})"
        )
        lines.append(f"    {r.get('message', '')}")
    for note in summary.get("notes", []):
        lines.append(f"note: {note}")
    return "\n".join(lines) + "\n"


@app.command()
def submit(
    file: Path = typer.Argument(..., help="The dataset (Turtle, TriG, N-Triples, N-Quads, ...)"),
    url: str = typer.Option(..., "--url", help="The service, e.g. https://pob.example.org"),
    token: str = typer.Option(..., "--token", envvar="POB_SUBMIT_TOKEN", help="Submit token"),
    media_type: str | None = typer.Option(
        None, "--media-type", help="Content-Type (default: from the file suffix)"
    ),
    profile: str = typer.Option("core", help="core or strict"),
    inference: str = typer.Option("none", help="none, rdfs or owlrl"),
    lang: str = typer.Option("en", help="Language of the report: da or en"),
    report: str = typer.Option("text", help="text or json"),
    timeout: float = typer.Option(300.0, help="Seconds to wait for the service"),
) -> None:
    """Submit a dataset to a service. Exit 0 accepted, 1 rejected, 2 bad input/unreachable."""
    if not file.is_file():
        err.print(f"[red]{file}: no such file[/red]")
        raise typer.Exit(2)
    known = formats.by_suffix(file.name, formats.RDF_SYNTAXES)
    content_type = media_type or (known.media_type if known is not None else None)
    if content_type is None:
        err.print(f"[red]{file}: cannot tell the format from {file.suffix!r}; use --media-type")
        raise typer.Exit(2)
    try:
        response = httpx.post(
            url.rstrip("/") + "/api/datasets",
            params={"profile": profile, "inference": inference, "lang": lang},
            content=file.read_bytes(),
            headers={
                "Content-Type": content_type,
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
            },
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        err.print(f"[red]cannot reach {url}: {exc}[/red]")
        raise typer.Exit(2) from exc
    try:
        body = response.json()
    except ValueError:
        body = {"error": {"detail": response.text[:500]}}
    if report == "json":
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    if response.status_code in (200, 201):
        if report != "json":
            state = "accepted" if body.get("created") else "already there"
            sys.stdout.write(f"{state}: {body.get('id')} ({body.get('graph')})\n")
            if body.get("report"):
                sys.stdout.write(render_summary(body["report"], lang))
        raise typer.Exit(0)
    if response.status_code == 422 and "results" in body:
        if report != "json":
            sys.stdout.write("rejected: nothing was stored\n" + render_summary(body, lang))
        raise typer.Exit(1)
    error = body.get("error", {})
    where = error.get("where")
    place = f" (line {where['line']}, column {where['column']})" if where else ""
    err.print(
        f"[red]{response.status_code} {error.get('title', '')}: {error.get('detail', '')}"
        f"{place}[/red]"
    )
    raise typer.Exit(2)
