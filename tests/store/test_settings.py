"""Settings from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pob.settings import Settings, SettingsError, from_env
from tests.conftest import free_port


def test_defaults() -> None:
    settings = from_env({})
    assert settings.base == "https://w3id.org/pob/"
    assert settings.data_dir == Path("var/store")
    assert settings.embedded and settings.write_token is None
    assert (settings.query_timeout, settings.max_query_bytes) == (10.0, 100_000)
    assert (settings.max_result_rows, settings.max_nesting, settings.workers) == (100_000, 64, 2)


def test_environment_and_overrides() -> None:
    settings = from_env(
        {
            "POB_BASE": "https://example.org/pob",
            "POB_STORE_URL": "http://127.0.0.1:7878/",
            "POB_QUERY_TIMEOUT": "2.5",
            "POB_MAX_RESULT_ROWS": "1_000",
            "POB_WRITE_TOKEN": "",
        },
        workers=4,
    )
    assert settings.base == "https://example.org/pob/"
    assert settings.store_query_url == "http://127.0.0.1:7878/query"
    assert settings.store_gsp_url == "http://127.0.0.1:7878/store"
    assert settings.query_timeout == 2.5 and settings.max_result_rows == 1000
    assert settings.write_token is None and settings.workers == 4
    assert settings.graph("data") == "https://example.org/pob/graph/data"


@pytest.mark.parametrize(
    "env",
    [
        {"POB_QUERY_TIMEOUT": "soon"},
        {"POB_WORKERS": "0"},
        {"POB_MAX_NESTING": "-1"},
        {"POB_VALIDATION_TIMEOUT": "0"},
        {"POB_HEADER_TIMEOUT": "0"},
        {"POB_HEADER_TIMEOUT": "soon"},
        {"POB_BODY_TIMEOUT": "-5"},
        {"POB_BODY_TIMEOUT": "nan"},
        {"POB_BODY_TIMEOUT": "inf"},
        {"POB_STORE_WRITE_TIMEOUT": "0"},
        {"POB_STORE_WRITE_TIMEOUT": "nan"},
        {"POB_SUBMIT_TOKEN": "alice:,bob:b0b"},
        {"POB_REPLICA_MEMORY": "-1"},
        {"POB_REPLICA_MEMORY": "lots"},
    ],
    ids=lambda env: next(iter(env)),
)
def test_bad_values(env: dict[str, str]) -> None:
    """A malformed value stops start-up with a message naming the variable."""
    with pytest.raises(SettingsError, match=next(iter(env))):
        from_env(env)


def test_slow_client_deadlines() -> None:
    assert Settings().header_timeout == 10 and Settings().body_timeout == 60
    settings = from_env({"POB_HEADER_TIMEOUT": "2.5", "POB_BODY_TIMEOUT": "120"})
    assert settings.header_timeout == 2.5 and settings.body_timeout == 120


def test_a_remote_write_has_its_own_deadline() -> None:
    assert Settings().store_write_timeout == 3600 > Settings().query_timeout
    assert from_env({"POB_STORE_WRITE_TIMEOUT": "1800"}).store_write_timeout == 1800


def test_frozen() -> None:
    with pytest.raises(AttributeError):
        Settings().workers = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (None, {}),
        ("", {}),
        ("s3cret", {"s3cret": "submitter"}),
        ("alice:a-token, bob:b-token", {"a-token": "alice", "b-token": "bob"}),
    ],
)
def test_submit_tokens_parsed(spec: str | None, expected: dict[str, str]) -> None:
    assert Settings(submit_token=spec).submitters == expected
    assert from_env({"POB_SUBMIT_TOKEN": spec or ""}).submitters == expected


@pytest.mark.parametrize("spec", ["alice:", ":token", "alice:a,bob", "alice:a,,bob:b"])
def test_malformed_submit_token(spec: str) -> None:
    with pytest.raises(SettingsError, match="POB_SUBMIT_TOKEN"):
        Settings(submit_token=spec)
    with pytest.raises(SettingsError, match="POB_SUBMIT_TOKEN"):
        from_env({"POB_SUBMIT_TOKEN": spec})


def test_serve_refuses_a_malformed_submit_token(tmp_path: Path) -> None:
    """`pob serve` stops before serving, with the variable named (not a 500 per submission)."""
    env = {**os.environ, "POB_SUBMIT_TOKEN": "alice:", "POB_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "pob", "serve", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode != 0
    assert "POB_SUBMIT_TOKEN" in result.stderr
    assert "Uvicorn running" not in result.stderr + result.stdout
