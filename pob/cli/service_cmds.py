"""Commands for the service: serve, build, load."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import httpx
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from pob.cli import app
from pob.graph.sources import ParseError
from pob.settings import Settings, SettingsError, from_env
from pob.store import make_store
from pob.store.bulk import file_syntax
from pob.store.errors import StoreError
from pob.store.writes import is_reserved

err = Console(stderr=True)
out = Console()


def _settings(**overrides: object) -> Settings:
    try:
        return from_env(None, **overrides)
    except SettingsError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


def _bar() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
    )


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8000, help="Port to listen on"),
    data_dir: Path | None = typer.Option(None, help="Embedded store directory (POB_DATA_DIR)"),
    store: str | None = typer.Option(None, "--store", help="Remote SPARQL engine URL"),
    workers: int | None = typer.Option(None, help="Query worker processes (POB_WORKERS)"),
    access_log: bool = typer.Option(True, help="Log every request (off: a proxy logs them)"),
) -> None:
    """Serve the SPARQL endpoint, the Graph Store and the named-query API."""
    from server.runner import run

    settings = _settings(host=host, port=port, data_dir=data_dir, store_url=store, workers=workers)
    handler = logging.StreamHandler()  # uvicorn's dictConfig leaves non-root loggers alone
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
    logging.getLogger("pob").addHandler(handler)
    logging.getLogger("pob").setLevel(logging.INFO)
    run(settings, log_level="info", access_log=access_log)


@app.command()
def build(
    data_dir: Path | None = typer.Option(None, help="Embedded store directory (POB_DATA_DIR)"),
    store: str | None = typer.Option(None, "--store", help="Remote SPARQL engine URL"),
    force: bool = typer.Option(False, help="Rebuild even if the sources did not change"),
) -> None:
    """Build the store from ontology/ and data/ttl/ (skipped if the sources are unchanged)."""
    from pob.store.build import STEPS
    from pob.store.build import build as run_build

    settings = _settings(data_dir=data_dir, store_url=store)

    async def go() -> None:
        target = make_store(settings)
        await target.open(workers=False)
        try:
            with _bar() as bar:
                task = bar.add_task("building", total=len(STEPS))
                report = await run_build(
                    target,
                    settings,
                    force=force,
                    progress=lambda step, done, total: bar.update(
                        task, description=step, completed=done, total=total
                    ),
                )
            counts = await target.triple_counts()
        finally:
            await target.close()
        verb = "built" if report.rebuilt else "up to date, not rebuilt"
        out.print(f"store {verb} in {report.seconds:.1f} s (sources {report.sources_hash[:12]})")
        table = Table("graph", "triples")
        for graph, count in sorted(counts.items()):
            table.add_row(graph, f"{count:,}")
        out.print(table)

    _run(go())


@app.command()
def load(
    files: list[Path] = typer.Argument(..., help="RDF files (Turtle, N-Triples, JSON-LD, RDF/XML)"),
    graph: str = typer.Option(..., "--graph", help="IRI of the named graph to load into"),
    replace: bool = typer.Option(False, help="Replace the graph instead of adding to it"),
    data_dir: Path | None = typer.Option(None, help="Embedded store (the server must be stopped)"),
    url: str | None = typer.Option(None, help="A running server's base URL (uses /store)"),
    token: str | None = typer.Option(None, envvar="POB_WRITE_TOKEN", help="Write token"),
) -> None:
    """Load RDF files into a named graph (embedded store, server stopped; or --url)."""
    for path in files:
        if not path.is_file():
            err.print(f"[red]{path}: no such file[/red]")
            raise typer.Exit(2)
        if file_syntax(path) is None:
            err.print(f"[red]{path}: cannot tell the format from {path.suffix!r}[/red]")
            raise typer.Exit(2)
    if url:
        _load_remote(files, graph, replace, url, token)
    else:
        _load_local(files, graph, replace, _settings(data_dir=data_dir))


def _load_local(files: list[Path], graph: str, replace: bool, settings: Settings) -> None:
    async def go() -> None:
        target = make_store(settings)
        if graph in target.curated:
            err.print(f"[red]<{graph}> is built from the sources; `pob build` writes it[/red]")
            raise typer.Exit(2)
        if is_reserved(graph, settings):  # the same gate as /store: submissions have records
            err.print(
                f"[red]<{graph}> is in the service's own graph namespace; load into a "
                "graph outside it, or submit a dataset through POST /api/datasets[/red]"
            )
            raise typer.Exit(2)
        await target.open(workers=False)
        try:
            with _bar() as bar:
                task = bar.add_task("loading", total=sum(p.stat().st_size for p in files))

                def progress(description: str | None, advance: int) -> None:
                    bar.update(task, description=description, advance=advance)

                try:
                    # embedded: a new store version, bulk loaded, then swapped (all or
                    # nothing); remote: one Graph Store request per file
                    triples = await target.load_files(graph, files, replace, progress)
                except ParseError as exc:
                    err.print(f"[red]{exc}[/red]")
                    raise typer.Exit(2) from exc
        finally:
            await target.close()
        out.print(f"<{graph}> has {triples:,} triples")

    _run(go())


def _load_remote(files: list[Path], graph: str, replace: bool, url: str, token: str | None) -> None:
    if not token:
        err.print("[red]--token (or POB_WRITE_TOKEN) is needed to write through a server[/red]")
        raise typer.Exit(2)
    endpoint = url.rstrip("/") + "/store"
    with _bar() as bar, httpx.Client(timeout=httpx.Timeout(300.0)) as client:
        task = bar.add_task("uploading", total=sum(p.stat().st_size for p in files))
        for number, path in enumerate(files):
            bar.update(task, description=f"upload {path.name}")

            def chunks(path: Path = path) -> Iterator[bytes]:
                with path.open("rb") as handle:
                    while chunk := handle.read(256 * 1024):
                        bar.advance(task, len(chunk))
                        yield chunk

            response = client.request(
                "PUT" if replace and number == 0 else "POST",
                endpoint,
                params={"graph": graph},
                content=chunks(),
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": file_syntax(path).media_type,  # type: ignore[union-attr]
                    "Content-Length": str(path.stat().st_size),
                },
            )
            if response.status_code >= 400:
                err.print(f"[red]{path}: {response.status_code} {response.text.strip()}[/red]")
                raise typer.Exit(1)
    out.print(f"loaded {len(files)} file(s) into <{graph}> at {endpoint}")


def _run(coroutine: Coroutine[Any, Any, None]) -> None:
    try:
        asyncio.run(coroutine)
    except StoreError as exc:
        err.print(f"[red]{exc.title}: {exc.detail}[/red]")
        raise typer.Exit(1) from exc
