"""The named queries as pages, on the real curated data over a real server: each page's
table has the same rows as /api/queries/{name}; the form has a control per parameter (the
things of the header's class as choices, read back with SPARQL); a chart exactly where the
header asks; the downloads answer; bad values and unknown names are pages, not 500s."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from pob.sparql.named import NamedQuery, load_queries
from tests.conftest import Process

QUERIES: dict[str, NamedQuery] = load_queries()
LANGS = ("da", "en")


@pytest.fixture(scope="module")
def real(live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory) -> Process:
    settings = {"data_dir": str(tmp_path_factory.mktemp("query-pages")), "workers": 2}
    return live_server(settings, wait=300)


@pytest.fixture(scope="module")
def client(real: Process) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=real.url, timeout=60) as c:
        yield c


def table_rows(html: str) -> list[dict[str, tuple[str, str]]]:
    """The answer table's rows: variable → (type, value), from each cell's data attributes."""
    table = re.search(r'<table id="answer-table">(.*?)</table>', html, re.S)
    if table is None:
        return []
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S):
        cells = re.findall(r'<td data-var="([^"]+)" data-type="([^"]+)" data-value="([^"]*)"', row)
        if "<th" in row:
            continue
        rows.append({var: (kind, unescape(value)) for var, kind, value in cells})
    return rows


def api_rows(client: httpx.Client, name: str, params: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get(f"/api/queries/{name}", params={**params, "format": "json"})
    assert response.status_code == 200, response.text
    return [
        {k: (v["type"], v["value"]) for k, v in row.items()}
        for row in response.json()["results"]["bindings"]
    ]


def test_every_query_is_collected() -> None:
    assert len(QUERIES) >= 25
    assert sum(1 for q in QUERIES.values() if q.chart) == 5


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_page_rows_equal_the_api_rows(client: httpx.Client, name: str, lang: str) -> None:
    query = QUERIES[name]
    response = client.get(f"/queries/{name}", params={"lang": lang})
    assert response.status_code == 200, response.text[:2000]
    html = response.text
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{unescape(query.title[lang])}</h1>" in unescape(html)
    # the API with the query's defaults; the page's lang parameter is the page language
    params = {p.name: lang for p in query.params if p.type == "lang"}
    expected = api_rows(client, name, params)
    rows = table_rows(html)
    assert rows == expected
    shown = re.search(r'data-rows="(\d+)"', html)
    assert shown is not None and int(shown.group(1)) == len(expected)
    # every IRI of ours links to its local page
    for row in rows:
        for kind, value in row.values():
            if kind == "uri" and value.startswith("https://w3id.org/pob/id/"):
                path = value.removeprefix("https://w3id.org/pob")
                assert f'href="{path}?lang={lang}"' in html


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_form_has_every_parameter(client: httpx.Client, name: str) -> None:
    query = QUERIES[name]
    html = client.get(f"/queries/{name}", params={"lang": "en"}).text
    form = re.search(r'<form id="query-form".*?</form>', html, re.S)
    assert form is not None
    names = re.findall(r'<(?:select|input) id="p-[^"]+" name="([^"]+)"', form.group(0))
    assert names == [p.name for p in query.params] + ["inference"]
    for param in query.params:
        if param.of_class is None:
            continue
        select = re.search(
            rf'<select id="p-{param.name}" name="{param.name}">(.*?)</select>', html, re.S
        )
        assert select is not None, param.name
        offered = set(re.findall(r'<option value="([^"]+)"', select.group(1)))
        things = client.get(
            "/sparql",
            params={
                "query": f"SELECT DISTINCT ?x WHERE {{ ?x a <{param.of_class}> FILTER(isIRI(?x)) }}"
            },
            headers={"Accept": "application/sparql-results+json"},
        ).json()["results"]["bindings"]
        assert offered == {t["x"]["value"] for t in things} | {param.default}
        assert f'<option value="{param.default}" selected>' in select.group(1)


def test_a_choice_changes_the_answer(client: httpx.Client) -> None:
    region = "https://w3id.org/pob/id/region/nordjylland"
    html = client.get(
        "/queries/partnerships-in-region", params={"region": region, "lang": "da"}
    ).text
    rows = table_rows(html)
    assert rows == api_rows(client, "partnerships-in-region", {"region": region, "lang": "da"})
    assert ("uri", "https://w3id.org/pob/id/municipality/jammerbugt") in [
        r["municipality"] for r in rows
    ]
    assert f'<option value="{region}" selected>' in html


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_a_chart_where_the_header_asks(client: httpx.Client, name: str) -> None:
    query = QUERIES[name]
    html = client.get(f"/queries/{name}", params={"lang": "da"}).text
    found = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html, re.S)
    if query.chart is None:
        assert found is None and "chart.umd.min.js" not in html
        return
    assert found is not None and '<canvas id="chart" role="img" aria-label="' in html
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js"></script>' in html
    data = json.loads(found.group(1))
    rows = table_rows(html)
    if query.chart.kind == "bar":
        labels = {r[query.chart.label][1] for r in rows if query.chart.label in r}
        assert set(data["labels"]) == labels
        if query.chart.value is None:
            assert sum(data["values"]) == sum(1 for r in rows if query.chart.label in r)
    else:
        dated = [r for r in rows if query.chart.value in r]
        assert [p["date"] for p in data["points"]] == [r[query.chart.value][1] for r in dated]


@pytest.mark.parametrize("fmt", ["CSV", "TSV", "JSON", "XML"])
def test_downloads_answer(client: httpx.Client, fmt: str) -> None:
    html = client.get("/queries/partnerships-in-region", params={"lang": "en"}).text
    link = re.search(rf'<a class="download" data-format="{fmt}" href="([^"]+)"', html)
    assert link is not None
    href = unescape(link.group(1))
    assert href.startswith("/api/queries/partnerships-in-region?")
    response = client.get(href)
    assert response.status_code == 200
    rows = len(table_rows(html))
    body = response.text
    if fmt == "CSV":
        assert response.headers["content-type"].startswith("text/csv")
        assert len(list(csv.DictReader(io.StringIO(body)))) == rows
    elif fmt == "TSV":
        assert response.headers["content-type"].startswith("text/tab-separated-values")
        assert len(body.strip().splitlines()) == rows + 1
    elif fmt == "JSON":
        assert len(response.json()["results"]["bindings"]) == rows
    else:
        assert response.headers["content-type"].startswith("application/sparql-results+xml")
        assert body.count("<result>") == rows
    assert dict(parse_qsl(urlsplit(href).query))["lang"] == "en"


def test_the_sparql_opens_in_the_editor(client: httpx.Client) -> None:
    html = client.get("/queries/timeline", params={"lang": "en"}).text
    shown = re.search(r'<pre id="sparql-text"[^>]*><code>(.*?)</code></pre>', html, re.S)
    link = re.search(r'<a class="button" id="open-editor" href="([^"]+)"', html)
    assert shown is not None and link is not None
    text = unescape(shown.group(1))
    assert '"en"' in text and "$lang" not in text
    target = dict(parse_qsl(urlsplit(unescape(link.group(1))).query))
    assert target["query"] == text and target["lang"] == "en"
    editor = client.get(unescape(link.group(1)))
    assert editor.status_code == 200 and "text/html" in editor.headers["content-type"]


def test_a_bad_value_is_said_on_the_page(client: httpx.Client) -> None:
    response = client.get("/queries/members-on-date", params={"date": "2021-13-45", "lang": "en"})
    assert response.status_code == 400
    assert "text/html" in response.headers["content-type"]
    assert 'id="error"' in response.text and "not a date" in response.text
    assert 'value="2021-13-45"' in response.text  # the form keeps what was sent


def test_the_index_and_an_unknown_name(client: httpx.Client) -> None:
    index = client.get("/queries", params={"lang": "da"})
    assert index.status_code == 200
    assert set(re.findall(r'data-name="([^"]+)"', index.text)) == set(QUERIES)
    missing = client.get("/queries/no-such-query", params={"lang": "en"})
    assert missing.status_code == 404 and 'id="missing"' in missing.text
