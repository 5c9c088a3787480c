"""The `pob` command end to end, as a user runs it (a real subprocess)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from pob.graph.sources import DATA_DIR

GOOD = """@prefix pob: <https://w3id.org/pob/ontology#> .
@prefix src: <https://w3id.org/pob/id/source/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/pob/id/municipality/testby> a pob:Municipality ;
    rdfs:label "Testby Kommune"@da , "Testby Municipality"@en ;
    pob:kommunekode "999" ;
    pob:region <https://w3id.org/pob/id/region/syddanmark> ;
    pob:country <https://w3id.org/pob/id/country/danmark> ;
    dct:source src:t .
src:t a pob:Source ; dct:title "Test" ; schema:url "https://example.org/t"^^xsd:anyURI .
"""


def pob(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}  # rich sizes tables to the terminal
    return subprocess.run(
        [sys.executable, "-m", "pob", *args], capture_output=True, text=True, timeout=300, env=env
    )


def test_validate_curated_data_conforms() -> None:
    result = pob("validate", str(DATA_DIR))
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_exit_1_on_violations_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(GOOD.replace('"999"', '"99x"'), encoding="utf-8")
    result = pob("validate", str(bad), "--with-curated", "--report", "json", "--lang", "da")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    paths = {r["path"] for r in report["results"]}
    assert any("kommunekode" in (p or "") for p in paths)


def test_validate_good_file_with_curated(tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_text(GOOD, encoding="utf-8")
    result = pob("validate", str(good), "--with-curated")
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_turtle_report_parses(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(GOOD.replace('"999"', '"99x"'), encoding="utf-8")
    result = pob("validate", str(bad), "--with-curated", "--report", "turtle")
    report = Graph().parse(data=result.stdout, format="turtle")
    assert len(report) > 5


def test_validate_exit_2_with_file_line_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix a: <http://x/> .\na:b a:c "open .\n', encoding="utf-8")
    result = pob("validate", str(broken))
    assert result.returncode == 2
    assert "broken.ttl:2" in result.stderr


def test_validate_exit_2_for_missing_file(tmp_path: Path) -> None:
    result = pob("validate", str(tmp_path / "nope.ttl"))
    assert result.returncode == 2


def test_queries_lists_every_query() -> None:
    result = pob("queries")
    assert result.returncode == 0
    assert "network-roles" in result.stdout and "timeline" in result.stdout


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "table"])
def test_query_formats(fmt: str) -> None:
    result = pob("query", "chair-secretariat-changes", "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        rows = json.loads(result.stdout)["results"]["bindings"]
        assert len(rows) == 4
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert {r["listedOn"] for r in rows} == {"2020-09-03", "2021-06-22"}
    elif fmt == "tsv":
        assert len(result.stdout.strip().splitlines()) == 5
    else:
        assert "Planstyrelsen" in result.stdout and "Erhvervsstyrelsen" in result.stdout


def test_query_with_param_and_bad_param() -> None:
    ok = pob(
        "query", "memberships-of", "-p", "organisation=https://w3id.org/pob/id/organisation/kl"
    )
    assert ok.returncode == 0 and "Partnerskab for levende bymidter" in ok.stdout
    bad = pob("query", "memberships-of", "-p", "organisation=not an iri")
    assert bad.returncode == 2 and "organisation" in bad.stderr


def test_query_without_inference_differs() -> None:
    result = pob("query", "memberships-of", "--no-inference", "--format", "csv")
    assert result.returncode == 0
    assert len(result.stdout.strip().splitlines()) == 1  # header only


def test_query_unknown_name() -> None:
    assert pob("query", "no-such-query").returncode == 2


def test_infer_and_export(tmp_path: Path) -> None:
    inferred = tmp_path / "inferred.ttl"
    assert pob("infer", "-o", str(inferred)).returncode == 0
    assert len(Graph().parse(inferred)) > 100
    for fmt, parser in [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]:
        out = tmp_path / f"dump.{fmt}"
        result = pob("export", "--format", fmt, "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert len(Graph().parse(out, format=parser)) > 2000


# ----------------------------------------------------------------------------- polish


def pob_at(columns: int, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`pob` as in a terminal `columns` wide (shutil.get_terminal_size reads COLUMNS)."""
    return subprocess.run(
        [sys.executable, "-m", "pob", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": str(columns), **env},
    )


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_table_fits_the_terminal_with_prefixed_names(columns: int) -> None:
    result = pob_at(columns, "query", "partnerships-in-region", "--format", "table")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) > 5
    assert max(len(line) for line in lines) <= columns
    assert "https://w3id" not in result.stdout and "…" not in result.stdout
    table = csv.DictReader(
        io.StringIO(pob("query", "partnerships-in-region", "--format", "csv").stdout)
    )
    rows = list(table)
    codes = {r["kommunekode"] for r in rows}
    assert codes and all(code in result.stdout for code in codes)  # short values: whole
    if columns >= 120:  # prefixed names stay whole on one line when the width allows
        names = {
            r["municipality"].replace("https://w3id.org/pob/id/municipality/", "mun:") for r in rows
        }
        assert all(name in result.stdout for name in names)


def test_version() -> None:
    from pob import __version__

    result = pob("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"pob {__version__}"


def test_unknown_language_is_refused_with_the_choices() -> None:
    param = pob("query", "timeline", "-p", "lang=xx")
    assert param.returncode == 2
    assert "'lang'" in param.stderr and "'xx'" in param.stderr and "da or en" in param.stderr
    listing = pob("queries", "--lang", "xx")
    assert listing.returncode == 2 and "--lang" in listing.stderr and "da or en" in listing.stderr
    assert pob("query", "timeline", "-p", "lang=en").returncode == 0


def test_danish_report_is_danish_throughout() -> None:
    bad = DATA_DIR.parent / "examples" / "submissions" / "bad-wrong-kommunekode.ttl"
    result = pob("validate", str(bad), "--with-curated", "--lang", "da")
    assert result.returncode == 1
    text = result.stdout
    line = next(  # where the file writes the subject
        n
        for n, row in enumerate(bad.read_text(encoding="utf-8").splitlines(), start=1)
        if row.startswith("mun:jammerbugt")
    )
    assert re.match(r"Overholder reglerne: nej \(Overtrædelse: \d+, Advarsel: \d+, Oplysning", text)
    assert f"[Overtrædelse] mun:jammerbugt (linje {line}, kolonne 1) pob:kommunekode" in text
    for english in ("Violation", "Conforms", "Warning", "line ", "https://w3id.org"):
        assert english not in text
    english = pob("validate", str(bad), "--with-curated", "--lang", "en").stdout
    assert f"[Violation] mun:jammerbugt (line {line}, column 1)" in english


def test_refusals_speak_without_http(tmp_path: Path) -> None:
    odd = tmp_path / "data.dat"
    odd.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    result = pob("validate", str(odd))
    assert result.returncode == 2
    assert "Content-Type" not in result.stderr and "send one of" not in result.stderr
    assert "cannot tell which RDF format" in result.stderr and ".ttl" in result.stderr


def test_submit_token_is_the_clients_own(tmp_path: Path) -> None:
    """The server's list (POB_SUBMIT_TOKEN=name:token,…) is not taken for a client's token."""
    dataset = tmp_path / "d.ttl"
    dataset.write_text(GOOD, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("POB_TOKEN", "POB_SUBMIT_TOKEN")}
    result = subprocess.run(
        [sys.executable, "-m", "pob", "submit", str(dataset), "--url", "http://127.0.0.1:9"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "POB_SUBMIT_TOKEN": "aarhus:s3cret"},
    )
    assert result.returncode == 2
    assert "POB_TOKEN" in result.stderr and "server's list" in result.stderr
