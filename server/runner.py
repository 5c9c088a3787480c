"""Run the app under uvicorn with the options the protocol needs (one place for both
`pob serve` and the test server), and the HTTP protocol by name for uvicorn's own CLI
(`uvicorn --factory server.app:app_from_env --http server.runner:HttpProtocol`)."""

from __future__ import annotations

from functools import cache
from typing import Any

import uvicorn

from pob.settings import Settings, from_env
from pob.store.base import Store
from server.app import create_app
from server.fastpath import wrap
from server.http import SparqlHttpProtocol, protocol_class


def target_limit(settings: Settings) -> int:
    """The longest request target accepted: a GET query up to the size limit,
    percent-encoded (three bytes a byte at most), with room for the other parameters."""
    return settings.max_query_bytes * 3 + 64 * 1024


def run(
    settings: Settings,
    log_level: str = "info",
    access_log: bool = True,
    store: Store | None = None,
) -> None:
    """Serve `settings` (on `store`, default: the store the settings name)."""
    uvicorn.run(
        # SPARQL queries skip FastAPI's stack (server/fastpath.py); the rest goes to the app
        wrap(create_app(settings, store)),
        interface="asgi3",
        host=settings.host,
        port=settings.port,
        # httptools (about 150 µs a request cheaper than h11), with uvicorn's 64 KiB limit
        # on the request target lifted (server/http.py): a GET query up to the size limit,
        # percent-encoded, must reach our 413, not uvicorn's 400; slow clients get a 408
        http=protocol_class(target_limit(settings), settings.header_timeout, settings.body_timeout),
        log_level=log_level,
        # a line per request costs ~200 µs of this process's CPU (measured with `hey` on a
        # point lookup: ~20 % of its cost); `pob serve --no-access-log` when a proxy logs
        access_log=access_log,
    )


class HttpProtocol(SparqlHttpProtocol):
    """The protocol `pob serve` gives uvicorn, for uvicorn's CLI (``--http
    server.runner:HttpProtocol``): its request-target limit is :func:`target_limit` of the
    `POB_*` environment, and so are its slow-client deadlines (`POB_HEADER_TIMEOUT`,
    `POB_BODY_TIMEOUT`), read when the first connection comes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_target, self.header_timeout, self.body_timeout = _env_limits()


@cache
def _env_limits() -> tuple[int, float, float]:
    settings = from_env()
    return target_limit(settings), settings.header_timeout, settings.body_timeout
