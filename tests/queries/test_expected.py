"""Every named query returns its expected answer; a query without one fails the suite.

Expected answers live in `tests/queries/expected/<query-name>.json`: a list of cases
``{"params": {...}, "inference": true, "ordered": false, "rows": [{var: value}]}``.
Values are lexical forms; a case compares only the variables its rows name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from pob.graph.curated import memory_store, select
from pob.sparql.named import bind, load_qc_queries, load_queries

EXPECTED = Path(__file__).parent / "expected"
QUERIES = load_queries()


def cases() -> list[tuple[str, int, dict[str, Any]]]:
    found = []
    for path in sorted(EXPECTED.glob("*.json")):
        for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            found.append((path.stem, i, case))
    return found


CASES = cases()


@pytest.fixture(scope="module")
def stores() -> dict[bool, ox.Store]:
    return {True: memory_store(inference=True), False: memory_store(inference=False)}


def test_every_query_has_an_expected_answer() -> None:
    with_cases = {name for name, _, _ in CASES}
    missing = sorted(set(QUERIES) - with_cases)
    assert not missing, f"named queries without tests/queries/expected/*.json: {missing}"
    orphans = sorted(with_cases - set(QUERIES))
    assert not orphans, f"expected answers for queries that do not exist: {orphans}"
    assert len(CASES) >= len(QUERIES) >= 12


def assert_rows(rows: list[dict[str, str]], case: dict[str, Any]) -> None:
    """`rows` are the case's expected rows: its columns only ("" for unbound), in order if
    the case says `ordered`."""
    expected: list[dict[str, str]] = case["rows"]
    columns = sorted({k for row in expected for k in row}) or sorted({k for r in rows for k in r})
    got = [{c: r.get(c, "") for c in columns} for r in rows]
    want = [{c: r.get(c, "") for c in columns} for r in expected]
    if case.get("ordered", False):
        assert got == want
    else:
        key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
        assert sorted(got, key=key) == sorted(want, key=key)


@pytest.mark.parametrize(("name", "index", "case"), CASES, ids=[f"{n}[{i}]" for n, i, _ in CASES])
def test_named_query(
    stores: dict[bool, ox.Store], name: str, index: int, case: dict[str, Any]
) -> None:
    query = QUERIES[name]
    text = bind(query, case.get("params", {}))
    store = stores[case.get("inference", True)]
    if query.form == "ASK":
        result = store.query(text, use_default_graph_as_union=True)
        assert bool(result) is case["boolean"]
        return
    rows = select(store, text)
    assert_rows(rows, case)


QC = load_qc_queries()


def test_qc_queries_exist() -> None:
    assert len(QC) >= 3


@pytest.mark.parametrize("name", sorted(QC))
def test_qc_query_finds_nothing(stores: dict[bool, ox.Store], name: str) -> None:
    rows = select(stores[True], bind(QC[name], {}))
    assert rows == [], f"{name} found problems: {rows[:5]}"
