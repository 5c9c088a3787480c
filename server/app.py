"""The app factory: `create_app(settings)` builds the FastAPI app around one store.

The store is opened (and, unless told otherwise, the curated graphs built or found up to
date) in the lifespan, and the submissions service made on it
(:class:`pob.validation.submissions.Submissions`, with its validation workers); routes
reach both through :mod:`server.deps`. Run it with `pob serve`, or
`uvicorn --factory server.app:app_from_env` (see :func:`app_from_env`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from pob import __version__
from pob.graph.sources import ParseError
from pob.publish.snapshot import feed_lifespan
from pob.settings import Settings, from_env
from pob.sparql.named import load_queries
from pob.store import make_store
from pob.store.base import Store
from pob.store.build import BuildReport, build
from pob.validation.submissions import Submissions
from pob.validation.workers import Checker
from server import errors, openapi, ui
from server.fastpath import SparqlFastPath, wrap
from server.pages import SecurityHeaders
from server.routes import (
    api_docs,
    datasets,
    docs_pages,
    forms,
    portal,
    queries,
    query_pages,
    resources,
    sparql,
    validate,
)
from server.routes import feed as open_data
from server.routes import store as graph_store

log = logging.getLogger("pob.server")


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """The service for `settings` (default: from the environment) on `store` (default:
    the store the settings name)."""
    settings = settings or from_env()
    the_store = store or make_store(settings)
    named = load_queries(settings.queries_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await the_store.open()
        # checks and submissions; the validation workers start on the first check
        checker = Checker(
            min(2, settings.workers), settings.validation_timeout, settings.validation_memory
        )
        app.state.submissions = Submissions(the_store, settings, checker)
        try:
            built = await _build(the_store, settings) if settings.build_on_start else None
            # dumps, catalog, linked-data pages: from the graphs the build parsed and inferred
            async with feed_lifespan(app, settings, built):
                del built
                yield
        finally:
            await app.state.submissions.close()
            await the_store.close()

    app = FastAPI(
        title="POB Knowledge Graph",
        summary="Open linked data about Danish private-public urban partnerships (POB)",
        version=__version__,
        lifespan=lifespan,
        # FastAPI's pages load Swagger UI / ReDoc from a CDN; /docs is served from here
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = the_store
    app.state.queries = named
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["Content-Length", "X-Result-Rows", "WWW-Authenticate", "Link", "ETag"],
        max_age=86400,
    )
    # every HTML answer (pages, forms, reports, error pages) gets the security headers
    app.add_middleware(SecurityHeaders)
    errors.install(app)
    app.include_router(sparql.router)
    app.include_router(graph_store.router)
    app.include_router(queries.build_router(named))
    app.include_router(validate.router)
    app.include_router(datasets.router)
    app.include_router(forms.router)
    app.include_router(query_pages.router)
    app.include_router(resources.router)
    app.include_router(docs_pages.router)
    app.include_router(open_data.router)
    app.include_router(portal.router)
    app.include_router(api_docs.router)

    openapi.install(app)  # one operationId per method, every answer and body declared

    app.mount("/static", StaticFiles(directory=ui.STATIC), name="static")

    @app.get("/query", include_in_schema=False)
    async def query_ui(request: Request) -> Response:
        """The query UI (server/ui.py); also at GET /sparql for browsers."""
        return ui.query_page(request, sparql.endpoint_url(request, settings.public_url))

    return app


async def _build(store: Store, settings: Settings) -> BuildReport | None:
    """Build if the sources changed; if that fails, serve the last good build (if any)."""
    try:
        report = await build(store, settings)
    except (ParseError, OSError, ValueError) as exc:
        if await store.recorded_hash() is None:
            raise
        log.error("build failed, serving the last good store: %s", exc)
        return None
    state = "built" if report.rebuilt else "up to date"
    log.info("store %s (sources %s)", state, report.sources_hash[:12])
    return report


def app_from_env() -> SparqlFastPath:
    """For `uvicorn --factory server.app:app_from_env`: the app for the `POB_*` environment
    with the query fast path in front (:mod:`server.fastpath`), as `pob serve` runs it.

    What `pob serve` also sets is uvicorn's HTTP protocol (:mod:`server.http`: httptools
    with the request-target limit lifted, so a long GET query gets the guard's 413, not
    uvicorn's 400). Give it to uvicorn's CLI by name: ``--http server.runner:HttpProtocol``
    (its limit follows `POB_MAX_QUERY_BYTES` as `pob serve`'s does)."""
    return wrap(create_app(from_env()))
