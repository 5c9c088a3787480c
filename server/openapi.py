"""The OpenAPI description (`GET /openapi.json`): FastAPI's, made exact.

FastAPI derives the description from the routes' signatures, which says too little here: most
routes read their body themselves (RDF uploads, SPARQL queries), answer in the format
`Accept` asks for, and refuse through `server/errors.py` rather than FastAPI's validation
model. So, in one place:

* **one operationId per operation.** A route that serves GET and HEAD is two operations;
  FastAPI gives both the same id (26 of 36 were duplicates), which breaks code generators.
  Each method gets its own (`…_get`, `…_head`).
* **every answer an operation can give is declared** (:mod:`server.api_responses`): its
  success statuses and media types, and each refusal with the error body of
  `server/errors.py` (JSON ``{"error": {…}}`` or plain text, by `Accept`). FastAPI's
  automatic 422 "validation error" is not what this service answers (it answers 400, see
  `errors.install`), so it is replaced. Every operation may also get 408 (a slow client)
  and 414 (a request target too long) from `server/http.py`.
* **every request body is declared, with an example** per media type.

`tests/reliability/test_openapi.py` runs schemathesis over the result against a live server:
no server errors, and every status, content type and JSON body as declared here.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from server import api_responses as declared

#: what any request may get from the HTTP layer (server/http.py), whatever the route
HTTP_LAYER = (408, 414)
_FASTAPI_SCHEMAS = ("HTTPValidationError", "ValidationError")


def install(app: FastAPI) -> None:
    """Serve :func:`describe` as the app's OpenAPI description."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def describe(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of `app`: FastAPI's, one operation id per method, every answer
    and body declared (see the module docstring)."""
    with warnings.catch_warnings():
        # FastAPI warns that GET and HEAD of one route share an id; they get their own below
        warnings.filterwarnings("ignore", message="Duplicate Operation ID")
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in _FASTAPI_SCHEMAS:
        schemas.pop(name, None)
    schemas.update(declared.SCHEMAS)
    components["securitySchemes"] = declared.SECURITY_SCHEMES
    ids: set[str] = set()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operation["operationId"] = _METHOD.sub("", operation["operationId"]) + "_" + method
            if operation["operationId"] in ids:
                raise ValueError(f"operationId {operation['operationId']} is not unique")
            ids.add(operation["operationId"])
            _declare(operation, method, declared.for_operation(method, path))
    return schema


#: the method FastAPI ends an operation id with (that of the route's first method)
_METHOD = re.compile(r"_(get|head|post|put|delete|patch|options)$")


def _declare(operation: dict[str, Any], method: str, route: declared.Declared) -> None:
    responses: dict[str, Any] = {}
    for status in route.success:
        responses[str(status)] = declared.success(status, route, head=method == "head")
    for status in sorted({*route.refusals, *HTTP_LAYER}):
        responses[str(status)] = declared.refusal(status, route, head=method == "head")
    operation["responses"] = responses
    operation.pop("requestBody", None)  # FastAPI's guess (or openapi_extra's, for every method)
    if route.body is not None and method in ("post", "put"):
        operation["requestBody"] = route.body
    for parameter in operation.get("parameters", []):
        if parameter["name"] in route.examples:
            parameter["example"] = route.examples[parameter["name"]]
    if route.parameters:
        known = {p["name"] for p in operation.get("parameters", [])}
        extra = [p for p in route.parameters if p["name"] not in known]
        operation["parameters"] = [*operation.get("parameters", []), *extra]
    if route.auth:
        operation["security"] = [{"bearer": []}]
