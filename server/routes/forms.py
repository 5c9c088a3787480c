"""GET /validate: the web form for validating a dataset (the report comes back under it).

The form posts ``multipart/form-data`` to ``POST /api/validate``; a browser asks for HTML,
so the answer is this page again with the report
(:func:`pob.validation.html_report.render_html`) under the form. Words in Danish and
English; ``?lang=`` chooses, else ``Accept-Language``, else Danish (as everywhere in the UI).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pob.core import texts
from pob.validation.html_report import render_html
from pob.validation.report import Check
from server.deps import SettingsDep
from server.i18n import choose
from server.pages import Page

router = APIRouter(tags=["Validation"])


def page_lang(request: Request) -> str:
    """The query UI's rule (:func:`server.i18n.choose`): ``?lang=``, else
    ``Accept-Language``, else Danish."""
    return choose(request.query_params.get("lang"), request.headers.get("accept-language"))


def form_page(
    request: Request,
    lang: str,
    *,
    check: Check | None = None,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The form page in `lang`, with a report or an error under the form, in the shared
    layout (``base.html``)."""
    lang = lang if lang in texts.LANGUAGES else "en"
    settings = request.app.state.settings
    chosen = {"profile": "core", "inference": "none", "lang": lang, **(values or {})}
    report_html = render_html(check, lang, base=settings.base, standalone=False) if check else None
    asked = (request.query_params.get("lang") or "").strip().lower()
    page = Page(request, lang, asked == lang)
    return page.render(
        "validate.html",
        status=status,
        headers={"Vary": "Accept"},
        nav="validate",
        f=texts.words("form", lang),
        values=chosen,
        error=error,
        report_html=report_html,
    )


@router.get("/validate", summary="The validation form (HTML)", response_class=HTMLResponse)
async def validate_form(request: Request, settings: SettingsDep) -> Response:
    """A page to upload or paste a dataset, choose profile, inference and language, and read
    the report."""
    return form_page(request, page_lang(request))
