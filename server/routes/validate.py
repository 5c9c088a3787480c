"""POST /api/validate: validate a dataset against the shapes, store nothing.

The dataset is the request body (Turtle, TriG, N-Triples, N-Quads, JSON-LD or RDF/XML, by
``Content-Type``) or a ``multipart/form-data`` upload (field ``file``, or the text in field
``data``). Options as query parameters or form fields: ``profile`` (core, strict),
``inference`` (none, rdfs, owlrl), ``lang`` (da, en). The report follows ``Accept`` (or
``?format=``): the JSON summary (default), the W3C SHACL report in Turtle or JSON-LD, or HTML
(the web form with the report under it). The body is read here, counted while it arrives
(:mod:`pob.validation.body`); parsing, the limits and the check are one call,
:meth:`pob.validation.submissions.Submissions.validate`, which runs them in a validation
worker with a deadline and a memory limit (:mod:`pob.validation.workers`); the report is
:mod:`pob.validation.report` (JSON) and :mod:`pob.validation.w3c` (Turtle, JSON-LD).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pob.core import formats
from pob.core.texts import LANGUAGES
from pob.settings import Settings
from pob.validation.body import NoDataset, parse_form, read_limited
from pob.validation.intake import Body
from pob.validation.report import Check, Inference, Profile
from pob.validation.upload import UploadError
from pob.validation.w3c import report_rdf
from server.deps import SettingsDep, SubmissionsDep
from server.errors import HTTPProblem

JSON = "application/json"
REPORT_TYPES: tuple[str, ...] = (JSON, formats.TURTLE, formats.JSONLD, formats.HTML)
SHORT = {"json": JSON, "turtle": formats.TURTLE, "ttl": formats.TURTLE}
SHORT |= {"jsonld": formats.JSONLD, "json-ld": formats.JSONLD, "html": formats.HTML}
CHOICES = {
    "profile": ("core", "strict"),
    "inference": ("none", "rdfs", "owlrl"),
    "lang": LANGUAGES,
}
DEFAULTS = {"profile": "core", "inference": "none", "lang": "en"}
TEXT_FIELDS = ("title", "description")  # what a submission says about itself (/api/datasets)


router = APIRouter(tags=["Validation"])


@dataclass
class Submitted:
    """A dataset as a request sent it (not parsed: a validation worker does that), with the
    options that came with it."""

    body: Body
    options: dict[str, str]
    fields: dict[str, str]

    @property
    def lang(self) -> str:
        return self.options["lang"]

    @property
    def profile(self) -> Profile:
        return cast(Profile, self.options["profile"])  # one of CHOICES (checked)

    @property
    def inference(self) -> Inference:
        return cast(Inference, self.options["inference"])


def _options(raw: dict[str, str]) -> dict[str, str]:
    out = dict(DEFAULTS)
    for key, allowed in CHOICES.items():
        value = (raw.get(key) or "").strip()
        if not value:
            continue
        if value not in allowed:
            raise HTTPProblem(
                400, "Bad parameter", f"{key} must be one of {', '.join(allowed)}, not {value!r}"
            )
        out[key] = value
    return out


async def read_dataset(request: Request, settings: Settings) -> Submitted:
    """The dataset of a request (body or form) and its options; UploadError if refused
    (too large, a malformed form, a bad option)."""
    raw = {k: v for k, v in request.query_params.items() if k in CHOICES or k in TEXT_FIELDS}
    content_type = request.headers.get("content-type", "")
    body = await read_limited(
        request.stream(), settings.max_upload_bytes, request.headers.get("content-length")
    )
    filename = None
    if content_type.lower().startswith("multipart/form-data"):
        parts = parse_form(body, content_type)
        for key in (*CHOICES, *TEXT_FIELDS, "format"):
            if key in parts:
                raw[key] = parts[key].data.decode("utf-8", errors="replace")
        file, pasted = parts.get("file"), parts.get("data")
        # what the web form shows again whatever the outcome (server/routes/forms.py)
        request.state.form = {
            **raw,
            "data": pasted.data.decode("utf-8", "replace") if pasted else "",
        }
        if file is not None and file.data:
            data, media_type, filename = (
                file.data,
                raw.get("format") or file.content_type,
                file.filename,
            )
        elif pasted is not None and pasted.data.strip():
            data, media_type = pasted.data, raw.get("format") or formats.TURTLE
        else:
            raise NoDataset("send the dataset as a file (field 'file') or as text (field 'data')")
    else:
        data, media_type = body, content_type
    fields = {k: raw[k] for k in TEXT_FIELDS if k in raw}
    request.state.dataset = Body(data, media_type, filename)  # the form finds lines in it
    return Submitted(request.state.dataset, _options(raw), fields)


def report_type(request: Request) -> str:
    short = request.query_params.get("format")
    if short:
        if short.lower() not in SHORT:
            raise HTTPProblem(
                400, "Unknown format", f"format must be one of {', '.join(sorted(SHORT))}"
            )
        return SHORT[short.lower()]
    return formats.negotiate(request.headers.get("accept"), REPORT_TYPES)


def report_response(
    request: Request,
    check: Check,
    lang: str,
    media_type: str,
    settings: Settings,
    status: int = 200,
    options: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """The report in `media_type` (HTML: the form page with the report)."""
    headers = {"Vary": "Accept"}
    if media_type == formats.HTML:
        from server.routes.forms import form_page

        return form_page(request, lang, check=check, values=options, status=status)
    if media_type == JSON:
        body = {**check.to_json(lang), **(extra or {})}
        return Response(
            json.dumps(body, ensure_ascii=False).encode("utf-8"),
            status_code=status,
            media_type=JSON,
            headers=headers,
        )
    fmt = "json-ld" if media_type == formats.JSONLD else "turtle"
    return Response(
        report_rdf(check, fmt),
        status_code=status,
        media_type=formats.content_type(media_type),
        headers=headers,
    )


@router.post(
    "/api/validate",
    summary="Validate a dataset (nothing is stored)",
    response_class=Response,
)
async def validate(
    request: Request, settings: SettingsDep, submissions: SubmissionsDep
) -> Response:
    """Validate the dataset in the body (or a multipart upload) against the shapes, with the
    ontology and the curated data as reference data. Options: `profile` (core, strict),
    `inference` (none, rdfs, owlrl: then the report also lists what inference changes),
    `lang` (da, en). The report: JSON summary, Turtle or JSON-LD (W3C SHACL), or HTML."""
    media_type = report_type(request)
    try:
        # 413 at once for a declared size over the limit, 503 Busy if too many uploads
        async with submissions.admit(request.headers.get("content-length")):
            submitted = await read_dataset(request, settings)
            check = await submissions.validate(
                submitted.body, profile=submitted.profile, inference=submitted.inference
            )
    except UploadError as error:
        if media_type == formats.HTML:
            from server.routes.forms import refused_page

            return refused_page(request, error)
        raise  # answered by server/errors.py
    if media_type == formats.HTML:  # the form shows where the file writes each focus node
        from server.routes.forms import locate_lines

        await locate_lines(request, check)
    return report_response(
        request, check, submitted.lang, media_type, settings, options=submitted.options
    )
