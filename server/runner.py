"""Run the app under uvicorn with the options the protocol needs (one place for both
`pob serve` and the test server)."""

from __future__ import annotations

import uvicorn

from pob.settings import Settings
from server.app import create_app


def run(settings: Settings, log_level: str = "info", access_log: bool = True) -> None:
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        # h11, not httptools: httptools refuses a long request line with its own 400 before
        # our guard can answer 413 for a GET query over the size limit; uvloop stays.
        http="h11",
        # a GET query up to the size limit, percent-encoded, must reach our 413, not h11's
        h11_max_incomplete_event_size=settings.max_query_bytes * 3 + 64 * 1024,
        log_level=log_level,
        # a line per request costs ~200 µs of this process's CPU (measured with `hey` on a
        # point lookup: ~20 % of its cost); `pob serve --no-access-log` when a proxy logs
        access_log=access_log,
    )
