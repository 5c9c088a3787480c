"""`pob submit`: send a dataset to a running service's gated submission API.

The token is the client's own: ``--token`` or ``POB_TOKEN`` (the token alone). The server's
``POB_SUBMIT_TOKEN`` is a different thing, its list of ``name:token`` pairs, so one shell can
hold both. The report is in one language (``--lang``), with prefixed names; refusals are
said in plain words (:func:`refusal`), not in HTTP's.

Exit 0 when it was accepted (or had been before), 1 when it was rejected (the report is
printed), 2 for bad input, a refused request (token, size, syntax) or a service that cannot
be reached.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import httpx
import typer
from rich.console import Console

from pob.cli import app
from pob.cli.graph_cmds import check_lang
from pob.core import formats, texts
from pob.graph.prefixes import compact

err = Console(stderr=True)


def render_summary(summary: dict[str, Any], lang: str) -> str:
    """A JSON report summary (``/api/validate``, ``/api/datasets``) as readable text, wholly
    in `lang`, IRIs as prefixed names."""
    words = texts.words("cli", lang)
    severity = texts.words("report", lang)

    def short(value: str | None) -> str:
        if not value:
            return "-"
        shown = compact(value)
        return shown if shown != value or not value.startswith(("http:", "https:")) else value

    counts = ", ".join(f"{severity.get(k, k)}: {v}" for k, v in summary.get("counts", {}).items())
    verdict = words["yes"] if summary.get("conforms") else words["no"]
    lines = [f"{words['conforms']}: {verdict} ({counts})"]
    for r in summary.get("results", []):
        value = f" = {r['value']}" if r.get("value") is not None else ""
        path = re.sub(r"<([^>]+)>", lambda m: short(m.group(1)), r.get("path") or "-")
        lines.append(
            f"[{severity.get(r['severity'], r['severity'])}] {short(r['focusNode'])} {short(path)}"
            f"{value} (sh:{r['constraintComponent']}; {short(r['sourceShape'])})"
        )
        lines.append(f"    {r.get('messages', {}).get(lang) or r.get('message', '')}")
    for note in summary.get("notes", []):
        lines.append(f"{words['note']}: {note}")
    return "\n".join(lines) + "\n"


def refusal(status: int, error: dict[str, Any], file: Path, url: str) -> str:
    """A refused submission in plain words: what happened and what to do."""
    detail = error.get("detail", "")
    where = error.get("where")
    if status == 401:
        return (
            f"{url} did not accept the submit token. Give the token itself (not name:token) "
            "with --token or in POB_TOKEN."
        )
    if status == 403:
        return f"{url} takes no submissions: its operator has not given it any submit tokens."
    if status == 413:
        return f"{file} is larger than {url} accepts: {detail}"
    if status == 415:
        return (
            f"{url} cannot read the format of {file}; give it one of the suffixes .ttl, .nt, "
            ".jsonld, .rdf, .trig, .nq, or name the format with --media-type."
        )
    if status == 503:
        return f"{url} is busy or could not finish in time; try again in a while. ({detail})"
    if where:
        return f"{file}:{where['line']}:{where['column']}: {detail}"
    return f"{file}: {detail} ({status} {error.get('title', '')})"


@app.command()
def submit(
    file: Path = typer.Argument(..., help="The dataset (Turtle, TriG, N-Triples, N-Quads, ...)"),
    url: str = typer.Option(..., "--url", help="The service, e.g. https://pob.example.org"),
    token: str | None = typer.Option(
        None, "--token", envvar="POB_TOKEN", help="Your submit token (the token alone)"
    ),
    media_type: str | None = typer.Option(
        None, "--media-type", help="Content-Type (default: from the file suffix)"
    ),
    profile: str = typer.Option("core", help="core or strict"),
    inference: str = typer.Option("none", help="none, rdfs or owlrl"),
    lang: str = typer.Option("en", help="Language of the report: da or en"),
    report: str = typer.Option("text", help="text or json"),
    timeout: float = typer.Option(300.0, help="Seconds to wait for the service"),
    server_tokens: str | None = typer.Option(
        None, "--server-tokens", envvar="POB_SUBMIT_TOKEN", hidden=True
    ),  # never sent: seen only to say that it is the server's list, not a client's token
) -> None:
    """Submit a dataset to a service. Exit 0 accepted, 1 rejected, 2 bad input/unreachable."""
    check_lang(lang)
    if not token:
        server_list = " (POB_SUBMIT_TOKEN is the server's list of name:token)"
        hint = server_list if server_tokens else ""
        err.print(f"[red]give your submit token with --token or in POB_TOKEN{hint}[/red]")
        raise typer.Exit(2)
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
    words = texts.words("cli", lang)
    if response.status_code in (200, 201):
        if report != "json":
            state = words["accepted"] if body.get("created") else words["already"]
            sys.stdout.write(f"{state}: {body.get('id')} ({body.get('graph')})\n")
            if body.get("report"):
                sys.stdout.write(render_summary(body["report"], lang))
        raise typer.Exit(0)
    if response.status_code == 422 and "results" in body:
        if report != "json":
            sys.stdout.write(f"{words['rejected']}\n" + render_summary(body, lang))
        raise typer.Exit(1)
    err.print(f"[red]{refusal(response.status_code, body.get('error', {}), file, url)}[/red]")
    raise typer.Exit(2)
