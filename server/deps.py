"""FastAPI dependencies: the settings, the store and the submissions service
(:class:`pob.validation.submissions.Submissions`, made when the app starts) reach routes
only through these. The seam for tests is the factory: `create_app(settings, store)` takes
the store to serve (the kill -9 test gives one made with write hooks, see `tests/serve.py`).
They are `async` so FastAPI
calls them on the event loop instead of a thread pool (measured: the thread hops cost more
than the query for a point lookup)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pob.settings import Settings
from pob.store.base import Store
from pob.validation.submissions import Submissions


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_submissions(request: Request) -> Submissions:
    submissions: Submissions = request.app.state.submissions
    return submissions


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
SubmissionsDep = Annotated[Submissions, Depends(get_submissions)]
