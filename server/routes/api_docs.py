"""/docs: the OpenAPI description rendered by Swagger UI, served from this service.

Swagger UI comes from npm (`swagger-ui-dist`, pinned in package.json) and is copied into
`server/static/vendor/swagger-ui/` by :mod:`server.assets`, like YASGUI: FastAPI's own
`/docs` and `/redoc` load their scripts from a CDN, so the app turns them off and this page
replaces the first. The start-up script is a file (`static/ui/api-docs.js`), so the page
keeps the usual `script-src 'self'` policy (:data:`server.pages.SECURITY_HEADERS`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from server.pages import Page, choose_language

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
async def api_docs(request: Request) -> HTMLResponse:
    lang, explicit = choose_language(request)
    openapi_url = request.app.openapi_url or "/openapi.json"
    return Page(request, lang, explicit).render(
        "api_docs.html", nav="docs", wide=True, openapi_url=openapi_url
    )
