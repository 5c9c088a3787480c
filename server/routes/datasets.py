"""/api/datasets: gated submissions (:class:`pob.validation.submissions.Submissions`).

``POST /api/datasets`` needs ``Authorization: Bearer <submit token>`` (``POB_SUBMIT_TOKEN``;
none configured: 403, submissions are off). The dataset comes as for ``/api/validate``; it is
validated first: a non-conforming one gets 422 with its report and nothing is stored; a
conforming one is stored in its own named graph with its provenance (201, ``Location``); the
same content again gets 200 and the id it already has. ``GET /api/datasets`` lists the
submissions, ``GET /api/datasets/{id}`` gives one (JSON metadata, or the data in the RDF
format ``Accept`` asks for), ``DELETE /api/datasets/{id}`` withdraws one (its submitter only).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pob.core import formats
from pob.publish.snapshot import feed_changed
from pob.validation.records import Record
from pob.validation.submissions import Rejected
from server.deps import SettingsDep, StoreDep, SubmissionsDep
from server.responses import result_response
from server.routes.validate import read_dataset, report_response, report_type

router = APIRouter(prefix="/api/datasets", tags=["Submissions"])
JSON = "application/json"
RECORD_TYPES: tuple[str, ...] = (JSON, *formats.RDF_TYPES)


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False).encode("utf-8"),
        status_code=status,
        media_type=JSON,
        headers=headers,
    )


def _described(record: Record) -> dict[str, Any]:
    return {**record.to_json(), "href": f"/api/datasets/{record.id}"}


@router.post("", summary="Submit a dataset", response_class=Response, status_code=201)
async def post_dataset(
    request: Request, settings: SettingsDep, store: StoreDep, submissions: SubmissionsDep
) -> Response:
    """Validate and, if it conforms, store a dataset (needs the submit token). Options as for
    /api/validate (`profile`, `inference`, `lang`); the report of a rejected dataset comes in
    the format `Accept` asks for. `title` and `description` (form fields or query parameters,
    at most 300 and 5,000 characters) name the dataset in the catalog; without them the
    `dct:title`/`dct:description` of a `dcat:Dataset` node in the data, else the labels and
    descriptions of its main resources. The countries it covers are those of its
    municipalities and places."""
    submitter = submissions.identify(request.headers.get("authorization"))
    media_type = report_type(request)
    try:
        # 413 at once for a declared size over the limit, 503 Busy if too many uploads
        async with submissions.admit(request.headers.get("content-length")):
            submitted = await read_dataset(request, settings)
            record, created, check = await submissions.submit(
                submitted.body,
                submitter,
                submitted.profile,
                submitted.inference,
                fields=submitted.fields,
            )
    except Rejected as rejected:
        return report_response(
            request,
            rejected.check,
            submitted.lang,
            media_type,
            settings,
            status=422,
            options=submitted.options,
            # the web form shows the same report with lines and how to fix each finding
            extra={"accepted": False, "detail": rejected.detail, "validator": "/validate"},
        )
    if created:
        feed_changed(store, settings)  # the catalog and dumps follow in the background
    body = {"accepted": True, "created": created, **_described(record)}
    if check is not None:
        body["report"] = check.to_json(submitted.lang)
    if not created:
        body["detail"] = "the same content was submitted before; nothing new was stored"
    headers = {"Location": f"/api/datasets/{record.id}"}
    return _json(body, 201 if created else 200, headers)


@router.get("", summary="List the submissions")
async def list_datasets(submissions: SubmissionsDep) -> Response:
    """Every accepted submission: id, graph, submitter, time, hash, shapes version, triples,
    the warnings that remained."""
    records = await submissions.list()
    return _json({"datasets": [_described(r) for r in records]})


@router.api_route(
    "/{sid}", methods=["GET", "HEAD"], summary="One submission", response_class=Response
)
async def get_dataset(
    sid: str, request: Request, store: StoreDep, submissions: SubmissionsDep
) -> Response:
    """The metadata (JSON), or the data in the RDF format `Accept` asks for."""
    record = await submissions.get(sid)
    media_type = formats.negotiate(request.headers.get("accept"), RECORD_TYPES)
    if media_type == JSON:
        return _json(_described(record), headers={"Vary": "Accept"})
    result = await store.get_graph(record.graph, media_type)
    return result_response(result, head=request.method == "HEAD")


@router.delete("/{sid}", summary="Withdraw a submission", status_code=204)
async def delete_dataset(
    sid: str, request: Request, settings: SettingsDep, store: StoreDep, submissions: SubmissionsDep
) -> Response:
    """Remove a submission's graph and provenance (its submitter only; needs the token)."""
    submitter = submissions.identify(request.headers.get("authorization"))
    await submissions.withdraw(sid, submitter)
    feed_changed(store, settings)
    return Response(status_code=204)
