"""GET /validate: the web form for validating a dataset (the report comes back under it).

The form posts ``multipart/form-data`` to ``POST /api/validate``; a browser asks for HTML,
so the answer is this page again with the report
(:func:`pob.validation.html_report.render_html`) or the refusal said plainly
(:func:`pob.validation.html_report.explain`: what is wrong, where, how to fix it, an
example, the lines around the place) under the form.

Forgiving: whatever the outcome (conforming, not conforming, a syntax error, too large),
the page comes back in the language chosen in the form, with the options and the pasted
text as they were sent (``request.state.form``, kept by
:func:`server.routes.validate.read_dataset`). A body too large is refused before it is
read, so then the page has only the query string's ``lang``; the form's script
(``static/ui/validate.js``) keeps the text and options in the tab's session storage for that
case, and refuses a file over the limit before sending it. Each finding's focus node gets
the line (and column) where it is written in the uploaded file
(:meth:`pob.validation.report.Check.locate`, :func:`locate_lines`), up to
:data:`LOCATE_LIMIT` bytes.

Words in Danish and English; ``?lang=`` chooses, else ``Accept-Language``, else Danish.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pob.core import texts
from pob.core.problems import Problem
from pob.validation.html_report import explain, render_html
from pob.validation.intake import Body
from pob.validation.report import Check
from pob.validation.upload import UploadError, format_for
from server.deps import SettingsDep
from server.i18n import choose
from server.pages import Page

router = APIRouter(tags=["Validation"])

#: the largest upload whose focus nodes get line numbers (one tokenizer pass over the text
#: in a thread of the server process: about 0.3 s per MB of Turtle, 0.05 s per MB
#: of N-Triples, `python -m bench.locate`; larger files get the report without lines)
LOCATE_LIMIT = 2_000_000
#: the options the form shows again, and their defaults
OPTIONS = {"profile": "core", "inference": "none"}


def page_lang(request: Request) -> str:
    """The language the person chose in the form, else the query UI's rule
    (:func:`server.i18n.choose`): ``?lang=``, else ``Accept-Language``, else Danish."""
    sent = getattr(request.state, "form", {}).get("lang", "").strip().lower()
    if sent in texts.LANGUAGES:
        return str(sent)
    return choose(request.query_params.get("lang"), request.headers.get("accept-language"))


def _size(n: int, lang: str) -> str:
    """Bytes for a person: "50 MB", "1,5 MB" in Danish, "6 kB" below a megabyte."""
    amount, unit = (n / 1_000_000, "MB") if n >= 1_000_000 else (n / 1000, "kB")
    number = f"{amount:.1f}".removesuffix(".0")
    return f"{number.replace('.', ',') if lang == 'da' else number} {unit}"


def form_page(
    request: Request,
    lang: str | None = None,
    *,
    check: Check | None = None,
    error: Problem | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The form page in `lang` (default: the one chosen in the form), with a report or a
    refusal under the form and the form filled in as it was sent, in the shared layout."""
    lang = lang if lang in texts.LANGUAGES else page_lang(request)
    settings = request.app.state.settings
    sent: dict[str, str] = getattr(request.state, "form", {})
    chosen = {**OPTIONS, **{k: v for k, v in sent.items() if k in (*OPTIONS, "data")}}
    chosen |= {**(values or {}), "lang": lang}
    dataset: Body | None = getattr(request.state, "dataset", None)
    report_html = None
    if check is not None:
        report_html = render_html(check, lang, base=settings.base, standalone=False)
    explained = explain(error, lang, chosen.get("data")) if error is not None else None
    asked = (request.query_params.get("lang") or "").strip().lower()
    page = Page(request, lang, asked == lang)
    context: dict[str, Any] = {
        "f": texts.words("form", lang),
        "v": texts.words("validator", lang),
        "values": chosen,
        "error": explained,
        "report_html": report_html,
        "filename": dataset.filename if dataset is not None else sent.get("filename"),
        "limit": settings.max_upload_bytes,
        "limit_text": _size(settings.max_upload_bytes, lang),
    }
    return page.render(
        "validate.html", status=status, headers={"Vary": "Accept"}, nav="validate", **context
    )


async def locate_lines(request: Request, check: Check) -> None:
    """Find where the uploaded file writes each focus node (:meth:`Check.locate`), in a
    thread (the event loop goes on), for files up to :data:`LOCATE_LIMIT` bytes."""
    dataset: Body | None = getattr(request.state, "dataset", None)
    if dataset is None or len(dataset.data) > LOCATE_LIMIT:
        return
    with contextlib.suppress(UploadError):  # the worker has read this format already
        syntax = format_for(dataset.media_type, dataset.filename)
        await asyncio.to_thread(check.locate, dataset.data, syntax)


def refused_page(request: Request, error: UploadError) -> Response:
    """The form again after a refused upload: the refusal in plain words, the form as sent."""
    return form_page(request, error=error, status=error.status)


@router.get("/validate", summary="The validation form (HTML)", response_class=HTMLResponse)
async def validate_form(request: Request, settings: SettingsDep) -> Response:
    """A page to upload or paste a dataset, choose profile, inference and language, and read
    the report."""
    return form_page(request)
