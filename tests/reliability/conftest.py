"""The service under test for the reliability suite: `pob serve`'s app under uvicorn on
127.0.0.1 (tests/serve.py), on the real curated sources (so pages, named queries and the
OpenAPI examples meet real data), its own data and dumps directories, writes and
submissions on with one test token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import Process

#: one token for both doors: the Graph Store write token and the submit token of "tester"
TOKEN = "reliability-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def reliability_settings(data_dir: Path, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "data_dir": str(data_dir),
        "dumps_dir": str(data_dir / "dumps"),
        "write_token": TOKEN,
        "submit_token": f"tester:{TOKEN}",
        "workers": 2,
    }
    return {**values, **overrides}


@pytest.fixture(scope="module")
def service(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    process = live_server(reliability_settings(tmp_path_factory.mktemp("reliability")), 600)
    yield process
    process.stop()
