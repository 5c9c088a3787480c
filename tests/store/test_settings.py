"""Settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from pob.settings import Settings, SettingsError, from_env


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
    "env", [{"POB_QUERY_TIMEOUT": "soon"}, {"POB_WORKERS": "0"}, {"POB_MAX_NESTING": "-1"}]
)
def test_bad_values(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        from_env(env)


def test_frozen() -> None:
    with pytest.raises(AttributeError):
        Settings().workers = 3  # type: ignore[misc]
