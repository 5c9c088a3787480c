"""The house rules that keep the library's rooms showing its architecture (issue 9).

Each rule reads the source, so a second format table, token check, Jinja environment or a
caller reaching past the store contract fails here with the file and line that broke it.
The import direction between the wings is `lint-imports` (pyproject.toml), run by `make lint`.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

LIBRARY = sorted((ROOT / "pob").rglob("*.py")) + sorted((ROOT / "server").rglob("*.py"))
MAX_LINES = 410


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def lines_matching(pattern: str, *, outside: tuple[str, ...]) -> Iterator[str]:
    regex = re.compile(pattern)
    for path in LIBRARY:
        name = relative(path)
        if name.startswith(outside):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if regex.search(line) and not line.lstrip().startswith("#"):
                yield f"{name}:{number}: {line.strip()}"


def test_the_library_was_found() -> None:
    assert len(LIBRARY) > 100
    for wing in ("core", "graph", "store", "sparql", "validation", "publish", "cli"):
        assert (ROOT / "pob" / wing / "__init__.py").is_file(), wing
        assert (ROOT / "pob" / wing / "README.md").is_file() or wing == "cli", wing


@pytest.mark.parametrize(
    ("rule", "pattern", "home"),
    [
        # media types are named by the registry's constants, never as string literals
        (
            "a media type literal",
            r"[\"'](text/turtle|application/n-triples|application/ld\+json|application/rdf\+xml"
            r"|application/trig|application/n-quads|application/sparql-results\+(json|xml)"
            r"|text/csv|text/tab-separated-values)[\"']",
            ("pob/core/formats.py",),
        ),
        # pyoxigraph's own format lookups are the registry's
        (
            "a format lookup",
            r"(RdfFormat|QueryResultsFormat)\.from_(media_type|extension)",
            ("pob/core/formats.py",),
        ),
        ("a token comparison", r"compare_digest", ("pob/core/tokens.py",)),
        ("a Jinja2 environment", r"\bEnvironment\(", ("pob/core/templates.py",)),
        ("a language list", r"\(\s*[\"']da[\"']\s*,\s*[\"']en[\"']\s*\)", ("pob/core/texts.py",)),
        ("a hard-coded version", r"version\s*=\s*[\"']\d+\.\d+", ()),
        (
            "a store class outside the store wing",
            r"\b(EmbeddedStore|RemoteStore)\b",
            ("pob/store/",),
        ),
        (
            "a private store member outside the store wing",
            r"\bstore\.(_write|_call|_graphs|_in_worker|_local|_read|_writing|pool)\b",
            ("pob/store/",),
        ),
        (
            "the guard in the library's own SPARQL",
            r"^\s*(from pob\.sparql import .*\bguard\b|from pob\.sparql\.guard import"
            r"|import pob\.sparql\.guard)",
            ("pob/sparql/", "server/"),
        ),
        ("a test hook read from the environment", r"POB_TEST_", ()),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else None,
)
def test_one_of_each(rule: str, pattern: str, home: tuple[str, ...]) -> None:
    found = list(lines_matching(pattern, outside=home))
    assert not found, f"{rule} outside {home or 'nowhere'}:\n" + "\n".join(found)


def test_no_module_is_large() -> None:
    large = [
        f"{relative(p)}: {n} lines"
        for p in LIBRARY
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not large, "modules past the size the architecture allows:\n" + "\n".join(large)


def test_no_module_reads_the_environment_but_settings() -> None:
    readers = []
    for path in LIBRARY:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("environ", "getenv")
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
            ):
                readers.append(f"{relative(path)}:{node.lineno}")
    assert readers == [f"pob/settings.py:{line}" for line in _settings_env_lines()], readers


def _settings_env_lines() -> list[int]:
    tree = ast.parse((ROOT / "pob" / "settings.py").read_text(encoding="utf-8"))
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in ("environ", "getenv")
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def test_tests_reach_stores_through_make_store() -> None:
    """Outside the store's own tests, a store is made by `make_store` like in the service."""
    pattern = re.compile(r"\b(EmbeddedStore|RemoteStore)\b")
    here = Path(__file__).resolve()
    found = [
        f"{relative(path)}:{number}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if "store" not in path.relative_to(ROOT / "tests").parts[:1] and path.resolve() != here
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, found


#: settings that are not limits (addresses, paths, tokens, engine choice)
NOT_LIMITS = {
    "base", "data_dir", "store_url", "store_engine", "store_query_url", "store_update_url",
    "store_gsp_url", "store_user", "store_password", "write_token", "public_url", "host",
    "port", "ontology_dir", "data_ttl_dir", "queries_dir", "build_on_start", "dumps_dir",
    "submit_token", "submitters", "dumps_path",
}  # fmt: skip
#: module constants that are limits: their names
LIMIT_CONSTANT = re.compile(r"^(MAX_[A-Z_]+|[A-Z_]*(DEADLINE|BUFFER|DEPTH|DIGITS))$")
#: names of that form that are not limits on input or work, and why
NOT_LIMIT_CONSTANTS = {
    "MAX_Q": "owl:maxQualifiedCardinality's term id (pob/graph/reasoning/rules.py)",
    "MAX_STEPS": "links followed from a place to its country (pob/graph/coverage.py)",
}


def _security_limits() -> str:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    start = text.index("## Every limit")
    return text[start : text.index("\n## ", start + 1)]


def test_every_limit_setting_is_in_the_security_table() -> None:
    """docs/security.md lists every limit a setting sets, with its refusal."""
    from dataclasses import fields

    from pob.settings import Settings, variable

    table = _security_limits()
    missing = [
        variable(f.name)
        for f in fields(Settings)
        if f.name not in NOT_LIMITS and f"`{variable(f.name)}`" not in table
    ]
    assert not missing, f"limits not in docs/security.md's table: {missing}"


def test_every_limit_constant_is_in_the_security_table() -> None:
    """… and every limit the library fixes in a constant (MAX_*, *_DEADLINE, …)."""
    table = _security_limits()
    missing = []
    for path in sorted((ROOT / "pob").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                names = target.elts if isinstance(target, ast.Tuple) else [target]
                for name in names:
                    if (
                        isinstance(name, ast.Name)
                        and LIMIT_CONSTANT.match(name.id)
                        and name.id not in NOT_LIMIT_CONSTANTS
                        and f"`{name.id}`" not in table
                    ):
                        missing.append(f"{relative(path)}: {name.id}")
    assert not missing, f"limits not in docs/security.md's table: {missing}"


@pytest.mark.parametrize(
    "module", ["pob.store.query_worker", "pob.store.lane_worker", "pob.store.feed_worker"]
)
def test_the_store_workers_do_not_load_rdflib(module: str) -> None:
    """A worker process imports pyoxigraph and the store's own modules, not rdflib (~11 MiB
    and 70 ms more a process, four processes; docs/architecture.md): a module of theirs
    that reaches for a rdflib-backed one fails here."""
    heavy = "('rdflib', 'pyshacl', 'owlrl')"
    code = f"import sys, {module}; print([m for m in sys.modules if m.split('.')[0] in {heavy}])"
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert found.stdout.strip() == "[]", found.stdout
