"""Commands on the knowledge graph itself: validate, queries, query, infer, export."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from pob.cli import app
from pob.core import formats
from pob.core.texts import LANGUAGES
from pob.graph.curated import curated, memory_store
from pob.graph.prefixes import CANONICAL_BASE, compact
from pob.graph.sources import SUFFIXES, data_graph
from pob.sparql.named import (
    NamedQuery,
    ParameterError,
    QueryFileError,
    bind,
    load_queries,
    parse_query_file,
)
from pob.validation.upload import UnsupportedFormat, UploadError, read_path

err = Console(stderr=True)
out = Console()


class Inference(StrEnum):
    none = "none"
    rdfs = "rdfs"
    owlrl = "owlrl"


class ReportFormat(StrEnum):
    text = "text"
    turtle = "turtle"
    json = "json"
    html = "html"


class Profile(StrEnum):
    core = "core"
    strict = "strict"


class TableFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


class ExportFormat(StrEnum):
    ttl = "ttl"
    nt = "nt"
    jsonld = "jsonld"


def check_lang(lang: str, option: str = "--lang") -> None:
    """Refuse a language we have no words for, naming the option and the languages."""
    if lang not in LANGUAGES:
        offered = " or ".join(LANGUAGES)
        err.print(f"[red]{option}: no texts in {lang!r}; choose {offered}[/red]")
        raise typer.Exit(2)


def plainly(problem: UploadError, path: Path) -> str:
    """A refused file in words for a command line (the service's say HTTP's)."""
    if isinstance(problem, UnsupportedFormat):
        suffixes = ", ".join(f.suffixes[0] for f in formats.RDF_SYNTAXES if f.suffixes)
        return (
            f"cannot tell which RDF format {path.name!r} is in; give the file one of the "
            f"suffixes {suffixes}, or name the format with --format"
        )
    return problem.detail


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """A result term for a person: IRIs as prefixed names where a project prefix fits."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


@contextmanager
def progress(label: str) -> Iterator[None]:
    """A spinner with elapsed time on stderr (shown only on a terminal)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        bar.add_task(label, total=None)
        yield


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders become the RDF files inside them (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            )
        else:
            files.append(path)
    return files


@app.command()
def validate(
    files: list[Path] = typer.Argument(..., help="RDF files or folders to validate together"),
    fmt: str | None = typer.Option(None, "--format", "-f", help="RDF format for all files"),
    inference: Inference = typer.Option(Inference.none, help="Inference before validation"),
    profile: Profile = typer.Option(Profile.core, help="strict: warnings count as violations"),
    report: ReportFormat = typer.Option(ReportFormat.text, help="Report format"),
    lang: str = typer.Option("en", help="Language of messages: da or en"),
    with_curated: bool = typer.Option(
        False, "--with-curated", help="Let the files refer to the curated data"
    ),
) -> None:
    """Validate RDF files against the shapes. Exit 0 conforms, 1 violations, 2 bad input."""
    from pob.validation.check import Reference, check
    from pob.validation.shapes import default_ontology
    from pob.validation.w3c import report_rdf

    check_lang(lang)
    paths = expand_paths(files)
    if not paths:
        err.print("[red]no RDF files found in the given paths[/red]")
        raise typer.Exit(2)
    triples: dict[ox.Triple, None] = {}  # in order, each once (as in one graph)
    names: dict[str, None] = {}
    notes: list[str] = []
    read: list[tuple[Path, formats.Syntax]] = []
    for path in paths:
        if not path.exists():
            err.print(f"[red]{path}: no such file[/red]")
            raise typer.Exit(2)
        try:  # read as the service reads an upload: the same triples, no remote contexts
            upload = read_path(path, fmt)
        except UploadError as exc:
            where = f":{exc.line}:{exc.column}" if exc.line is not None else ""
            err.print(f"[red]{path}{where}: {plainly(exc, path)}[/red]")
            raise typer.Exit(2) from exc
        triples.update(dict.fromkeys(upload.triples))
        names[upload.format.name] = None
        notes += upload.notes
        read.append((path, upload.format))
    reference = None
    if with_curated:  # the curated data, without its closure: OWL-RL infers from scratch
        reference = Reference("curated", default_ontology(CANONICAL_BASE), data_graph())
    with progress(f"validating {len(paths)} file(s), {len(triples)} triples"):
        result = check(  # what POST /api/validate runs
            list(triples),
            reference,
            profile=profile.value,
            inference=inference.value,
            base=CANONICAL_BASE,
            fmt=", ".join(names),
            notes=notes,
        )
    for path, syntax in read:  # where each focus node is written (file and line)
        result.locate(path.read_bytes(), syntax, file=str(path) if len(read) > 1 else None)
    if report is ReportFormat.turtle:
        sys.stdout.write(report_rdf(result, "turtle").decode("utf-8"))
    elif report is ReportFormat.json:
        sys.stdout.write(json.dumps(result.to_json(lang), ensure_ascii=False, indent=2) + "\n")
    elif report is ReportFormat.html:
        from pob.validation.html_report import render_html

        sys.stdout.write(render_html(result, lang, shapes_page=None))
    else:
        sys.stdout.write(result.report.to_text(lang, result.locations))
    raise typer.Exit(0 if result.conforms else 1)


@app.command("queries")
def list_queries(lang: str = typer.Option("en", help="da or en")) -> None:
    """List the named queries with their titles."""
    check_lang(lang)
    table = Table("name", "title", "parameters")
    for query in load_queries().values():
        params = ", ".join(f"{p.name}={p.default}" if p.default else p.name for p in query.params)
        table.add_row(query.name, query.title.get(lang, query.title["en"]), params)
    out.print(table)


def _resolve(name_or_file: str) -> NamedQuery:
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.exists():
        return parse_query_file(path)
    queries = load_queries()
    if name_or_file not in queries:
        err.print(f"[red]no named query {name_or_file!r}; see `pob queries`[/red]")
        raise typer.Exit(2)
    return queries[name_or_file]


def _parse_params(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            err.print(f"[red]--param needs key=value, got {pair!r}[/red]")
            raise typer.Exit(2)
        key, value = pair.split("=", 1)
        values[key.strip()] = value
    return values


@app.command()
def query(
    name_or_file: str = typer.Argument(..., help="A named query or a .rq file"),
    param: list[str] = typer.Option([], "--param", "-p", help="key=value (repeatable)"),
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f"),
    no_inference: bool = typer.Option(False, "--no-inference", help="Leave out inferred"),
) -> None:
    """Run a named query (or a .rq file) on the curated graph."""
    try:
        named = _resolve(name_or_file)
        text = bind(named, _parse_params(param))
    except (ParameterError, QueryFileError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    with progress("loading the graph"):
        store = memory_store(CANONICAL_BASE, inference=not no_inference)
    try:
        result = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        err.print(f"[red]{named.path}: {exc}[/red]")
        raise typer.Exit(2) from exc
    if isinstance(result, ox.QueryBoolean):
        out.print("true" if bool(result) else "false")
        return
    if isinstance(result, ox.QueryTriples):
        result.serialize(sys.stdout.buffer, format=ox.RdfFormat.TURTLE)
        return
    if fmt is not TableFormat.table:
        chosen = formats.by_short_name(fmt.value)
        assert chosen is not None and chosen.results is not None  # json, csv, tsv
        result.serialize(sys.stdout.buffer, format=chosen.results)
        return
    names = [v.value for v in result.variables]
    rows = [[term_text(solution[n]) for n in names] for solution in result]
    Console(width=shutil.get_terminal_size().columns).print(fitted_table(names, rows))
    err.print(f"{len(rows)} row(s)")


def fitted_table(names: list[str], rows: list[list[str]]) -> Table:
    """A table as wide as the terminal: columns of short names (prefixed IRIs, codes) keep
    each value on one line while the other columns keep room (8 characters); the others
    share the rest, their texts wrapped at spaces and folded inside long words, never cut."""
    budget = shutil.get_terminal_size().columns - 3 * len(names) - 1  # borders, padding
    table = Table(*names)
    natural = [max([len(names[i]), *(len(row[i]) for row in rows)]) for i in range(len(names))]
    if sum(natural) > budget:
        width = dict.fromkeys(range(len(names)), 0)
        short = [
            i
            for i in range(len(names))
            if natural[i] <= 40 and not any(" " in row[i] for row in rows)
        ]
        fixed = 0
        for index in sorted(short, key=lambda i: natural[i]):
            room = sum(min(natural[i], 8) for i in width if not width[i] and i != index)
            if fixed + natural[index] + room > budget:
                break
            width[index] = natural[index]
            fixed += natural[index]
        rest = [i for i in width if not width[i]]
        floor = {i: min(natural[i], 8) for i in rest}
        spare = max(0, budget - sum(width.values()) - sum(floor.values()))
        wanted = sum(natural[i] - floor[i] for i in rest) or 1
        for i in rest:
            width[i] = floor[i] + spare * (natural[i] - floor[i]) // wanted
        for index, column in enumerate(table.columns):
            column.width = width[index]
    for column in table.columns:
        column.overflow = "fold"
    for row in rows:
        table.add_row(*row)
    return table


@app.command()
def infer(
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default stdout)"),
) -> None:
    """Print the OWL-RL inferred triples (only those not asserted) as Turtle.

    The same closure as the service's inferred graph (fast_closure)."""
    with progress("computing the OWL-RL closure"):
        inferred = curated().inferred
    text = inferred.serialize(format="turtle")
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"{len(inferred)} inferred triples written to {output}")
    else:
        sys.stdout.write(text)


@app.command()
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.ttl, "--format", "-f"),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default stdout)"),
    inference: bool = typer.Option(False, "--inference", help="Include inferred triples"),
    everything: bool = typer.Option(
        False, "--all", help="Build every dump file with its manifest (the open-data feed)"
    ),
    out_dir: Path | None = typer.Option(
        None, "--out", help="Folder for --all (default: POB_DUMPS_DIR, else dumps/ in POB_DATA_DIR)"
    ),
) -> None:
    """Export ontology + curated data (optionally with inferred triples) as one graph.

    JSON-LD is compacted with the project's context (https://w3id.org/pob/context.jsonld,
    served at /context.jsonld; written inline), so its keys are short names and prefixed IRIs.

    With --all: the dumps the service publishes (Turtle, N-Triples, JSON-LD, the inferred
    triples, CSV tables, manifest.json), rewritten only when the graph changed."""
    if everything:
        _export_all(out_dir)
        return
    with progress("collecting the graph"):
        graph = curated().merged(inference=inference)
    syntax = formats.by_short_name(fmt.value)
    assert syntax is not None and syntax.rdflib_writer is not None  # ttl, nt, jsonld
    from pob.publish.stable import stable_bytes  # byte-stable: the same SHA-256 every run

    text = stable_bytes(graph, syntax, CANONICAL_BASE).decode("utf-8")
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"{len(graph)} triples written to {output}")
    else:
        sys.stdout.write(text)


def _export_all(out_dir: Path | None) -> None:
    from pob.publish.dumps import build_dumps
    from pob.publish.snapshot import feed_url
    from pob.settings import from_env
    from pob.store.build import curated_graphs

    settings = from_env()  # the same graphs and URL as the service: it reuses these files
    target = out_dir or settings.dumps_path
    with progress(f"building the dumps in {target}"):
        manifest = build_dumps(target, settings.base, feed_url(settings), curated_graphs(settings))
    table = Table("file", "bytes", "items", "sha256")
    for f in manifest.files:
        table.add_row(f.path, str(f.byte_size), str(f.items), f.sha256[:16])
    out.print(table)
    err.print(f"{len(manifest.files)} files in {target} (manifest key {manifest.key[:12]})")
