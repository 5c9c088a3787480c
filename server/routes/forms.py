"""GET /validate: the web form for validating a dataset (the report comes back under it).

The form posts ``multipart/form-data`` to ``POST /api/validate``; a browser asks for HTML,
so the answer is this page again with the report
(:func:`pob.validation.html_report.render_html`) under the form. Words in Danish and
English; ``?lang=`` chooses, else ``Accept-Language``, else Danish (as everywhere in the UI).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from pob.validation.html_report import render_html
from pob.validation.report import Check
from server.deps import SettingsDep
from server.i18n import choose

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_ENV = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

TEXTS: dict[str, dict[str, Any]] = {
    "da": {
        "title": "Valider et datasæt",
        "intro": "Upload en fil eller indsæt Turtle, vælg indstillinger og læs rapporten: "
        "fundene står samlet pr. fokusnode med besked, den forkerte værdi og et link til "
        "reglen. Intet bliver gemt.",
        "nav": "Navigation",
        "shapes": "Reglerne (SHACL)",
        "switch": "English",
        "dataset": "Datasæt",
        "file": "Fil (Turtle, TriG, N-Triples, N-Quads, JSON-LD eller RDF/XML)",
        "paste": "… eller indsæt Turtle",
        "options": "Indstillinger",
        "profile": "Profil",
        "profiles": [
            ("core", "Kerne (advarsler er advarsler)"),
            ("strict", "Streng (advarsler er overtrædelser)"),
        ],
        "inference": "Ræsonnering",
        "inferences": [("none", "Ingen"), ("rdfs", "RDFS"), ("owlrl", "OWL 2 RL")],
        "language": "Sprog i rapporten",
        "submit": "Valider",
    },
    "en": {
        "title": "Validate a dataset",
        "intro": "Upload a file or paste Turtle, pick the options and read the report: the "
        "findings are grouped by focus node, each with its message, the offending value and a "
        "link to the shape. Nothing is stored.",
        "nav": "Navigation",
        "shapes": "The shapes (SHACL)",
        "switch": "Dansk",
        "dataset": "Dataset",
        "file": "File (Turtle, TriG, N-Triples, N-Quads, JSON-LD or RDF/XML)",
        "paste": "… or paste Turtle",
        "options": "Options",
        "profile": "Profile",
        "profiles": [
            ("core", "Core (warnings stay warnings)"),
            ("strict", "Strict (warnings are violations)"),
        ],
        "inference": "Inference",
        "inferences": [("none", "None"), ("rdfs", "RDFS"), ("owlrl", "OWL 2 RL")],
        "language": "Language of the report",
        "submit": "Validate",
    },
}

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
    """The form page in `lang`, with a report or an error under the form."""
    lang = lang if lang in TEXTS else "en"
    settings = request.app.state.settings
    chosen = {"profile": "core", "inference": "none", "lang": lang, **(values or {})}
    report_html = render_html(check, lang, base=settings.base, standalone=False) if check else None
    body = _ENV.get_template("validate.html").render(
        lang=lang,
        other="en" if lang == "da" else "da",
        t=TEXTS[lang],
        values=chosen,
        error=error,
        report_html=report_html,
    )
    return HTMLResponse(body, status_code=status, headers={"Vary": "Accept"})


@router.get("/validate", summary="The validation form (HTML)", response_class=HTMLResponse)
async def validate_form(request: Request, settings: SettingsDep) -> Response:
    """A page to upload or paste a dataset, choose profile, inference and language, and read
    the report."""
    return form_page(request, page_lang(request))
