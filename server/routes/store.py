"""/store: the SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification).

GET/HEAD are public. PUT, POST and DELETE need `Authorization: Bearer <POB_WRITE_TOKEN>`
(no token configured: writes are off, 403; the check is :func:`pob.core.tokens.bearer_name`).
A PUT/POST body is read as an uploaded dataset is, in a validation worker
(:meth:`pob.validation.submissions.Submissions.write_graph`: the same formats, limits,
memory limit and errors), as one graph. `?default` names the default graph,
which here is the union of all graphs: it can be read, not written. No graph under
``{base}graph/`` can be written here (:func:`pob.store.writes.check_client_write`, 403): the
curated graphs (ontology, data, inferred, meta) are written only by the build, a
submission's graph only with its record (POST /api/datasets, DELETE /api/datasets/{id}).
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pob.core import formats
from pob.core.tokens import bearer_name
from pob.publish.snapshot import feed_changed
from pob.settings import Settings
from pob.store.base import Store
from pob.store.writes import check_client_write
from pob.validation.body import read_limited
from pob.validation.intake import Body
from server.deps import SettingsDep, StoreDep, SubmissionsDep
from server.errors import HTTPProblem
from server.protocol import Params
from server.responses import result_response

router = APIRouter(tags=["Graph Store"])
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


def _target(request: Request) -> str | None:
    """The graph IRI (`?graph=`) or None for `?default`; exactly one of them."""
    params = Params()
    params.add(request.scope.get("query_string", b""))
    graph = params.one("graph")
    default = "default" in params.values
    if (graph is None) == (not default):
        raise HTTPProblem(
            400, "Bad request", "name one graph: ?graph=<IRI> or ?default (not both, not none)"
        )
    if graph is not None and not _IRI.match(graph):
        raise HTTPProblem(400, "Bad request", f"graph must be an absolute IRI, not {graph!r}")
    return graph


def _authorise(request: Request, settings: Settings) -> None:
    if not settings.write_token:
        raise HTTPProblem(
            403, "Writes are off", "this service has no write token configured (POB_WRITE_TOKEN)"
        )
    known = {settings.write_token: "writer"}
    if bearer_name(request.headers.get("authorization"), known) is None:
        raise HTTPProblem(
            401,
            "Unauthorized",
            "send the write token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": 'Bearer realm="pob", error="invalid_token"'},
        )


async def _writable(request: Request, store: Store, settings: Settings) -> str:
    _authorise(request, settings)
    graph = _target(request)
    if graph is None:
        raise HTTPProblem(
            403,
            "Default graph is read-only",
            "the default graph is the union of all graphs; write to a named graph (?graph=)",
        )
    check_client_write(graph, settings)  # the whole {base}graph/ namespace: 403
    if graph in store.curated:
        raise HTTPProblem(
            403, "Graph is read-only", f"<{graph}> is built from the sources; it cannot be written"
        )
    return graph


async def _write(
    request: Request, store: Store, settings: Settings, submissions: SubmissionsDep, replace: bool
) -> Response:
    graph = await _writable(request, store, settings)
    # 413 at once for a declared size over the limit, then 503 Busy if too many uploads
    async with submissions.admit(request.headers.get("content-length")):
        data = await read_limited(
            request.stream(), settings.max_upload_bytes, request.headers.get("content-length")
        )
        body = Body(data, request.headers.get("content-type"))
        created = await submissions.write_graph(body, graph, replace=replace)
    feed_changed(store, settings)
    return Response(status_code=201 if created else 204)


@router.api_route("/store", methods=["GET", "HEAD"], summary="Read a graph")
async def get_graph(request: Request, store: StoreDep) -> Response:
    """One graph (`?graph=IRI`) or the default graph (`?default`: the union of all graphs),
    in the RDF format `Accept` asks for."""
    graph = _target(request)
    media_type = formats.negotiate(request.headers.get("accept"), formats.RDF_TYPES)
    result = await store.get_graph(graph, media_type)
    return result_response(result, head=request.method == "HEAD")


@router.put("/store", summary="Replace a graph", status_code=204)
async def put_graph(
    request: Request, store: StoreDep, settings: SettingsDep, submissions: SubmissionsDep
) -> Response:
    """Replace a named graph atomically (201 if it is new). Needs the write token."""
    return await _write(request, store, settings, submissions, replace=True)


@router.post("/store", summary="Add to a graph", status_code=204)
async def post_graph(
    request: Request, store: StoreDep, settings: SettingsDep, submissions: SubmissionsDep
) -> Response:
    """Add triples to a named graph atomically (201 if it is new). Needs the write token."""
    return await _write(request, store, settings, submissions, replace=False)


@router.delete("/store", summary="Delete a graph", status_code=204)
async def delete_graph(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Remove a named graph (404 if there is none). Needs the write token."""
    graph = await _writable(request, store, settings)
    await store.delete_graph(graph)
    feed_changed(store, settings)
    return Response(status_code=204)
