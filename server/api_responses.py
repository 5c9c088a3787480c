"""What each operation of the service answers, for the OpenAPI description (server/openapi.py).

One entry per route (:data:`OPERATIONS` maps each operation to it; the named queries share
one): the success statuses with their media types, the refusals (each with the error body of
`server/errors.py`), the request body with an example per media type, and whether it needs
the bearer token. Media types come from the format registry (`pob.core.formats`), never
written twice. An operation missing here fails the description (`for_operation`), so a new
route must say what it answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pob.core import formats
from server import protocol

JSON = "application/json"
TEXT = "text/plain"
SPARQL_QUERY = "application/sparql-query"
ANY = "*/*"
RESULTS = formats.SELECT_TYPES
RDF = formats.RDF_TYPES
DOCUMENT = (*RDF, formats.HTML)  # linked-data documents: RDF by Accept, HTML for browsers

_TITLES = {
    304: "Not Modified (the copy the client holds is current)",
    400: "Bad request: a parameter, the query or the body is malformed (the error names it)",
    401: "Unauthorized: no or a wrong bearer token (`WWW-Authenticate: Bearer`)",
    403: "Forbidden: writes are off, the graph is reserved, or not the submitter",
    404: "Not Found",
    406: "Not Acceptable: no offered format matches `Accept` (the error lists them)",
    408: "Request Timeout: headers or body sent too slowly (plain text, connection closed)",
    413: "Too large: the body, the query, the graph or the result is over its limit",
    414: "URI Too Long: send a long query with POST (plain text, connection closed)",
    415: "Unsupported Media Type: the body's Content-Type is not a format read here",
    422: "Rejected: the dataset does not conform; the report says why",
    502: "Engine unavailable: the query engine stopped (the service goes on)",
    503: "Busy (`Retry-After`), or the query or validation ran past its time limit",
}

#: the error body of server/errors.py
PROBLEM: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "title", "detail"],
            "properties": {
                "status": {"type": "integer"},
                "title": {"type": "string"},
                "detail": {"type": "string"},
                "where": {
                    "type": "object",
                    "properties": {"line": {"type": "integer"}, "column": {"type": "integer"}},
                },
            },
        }
    },
}
_RESULT = {"type": "object", "properties": {"severity": {"type": "string"}}}
REPORT: dict[str, Any] = {
    "type": "object",
    "required": ["conforms", "profile", "inference", "counts", "results"],
    "properties": {
        "conforms": {"type": "boolean"},
        "profile": {"type": "string"},
        "inference": {"type": "string"},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "results": {"type": "array", "items": _RESULT},
    },
}
RECORD: dict[str, Any] = {
    "type": "object",
    "required": ["id", "graph", "submitter", "submitted", "sha256", "triples", "href"],
    "properties": {
        "id": {"type": "string"},
        "graph": {"type": "string"},
        "submitter": {"type": "string"},
        "submitted": {"type": "string"},
        "sha256": {"type": "string"},
        "shapesVersion": {"type": "string"},
        "triples": {"type": "integer"},
        "format": {"type": "string"},
        "profile": {"type": "string"},
        "warnings": {"type": "array", "items": {"type": "object"}},
        "href": {"type": "string"},
    },
}
SCHEMAS: dict[str, Any] = {
    "Problem": PROBLEM,
    "Report": REPORT,
    "Record": RECORD,
    "SparqlResults": {
        "type": "object",
        "required": ["head"],
        "properties": {
            "head": {"type": "object"},
            "results": {"type": "object"},
            "boolean": {"type": "boolean"},
        },
    },
    "Submitted": {"allOf": [{"$ref": "#/components/schemas/Record"}], "required": ["accepted"]},
    "Rejected": {"allOf": [{"$ref": "#/components/schemas/Report"}], "required": ["accepted"]},
    "Datasets": {
        "type": "object",
        "required": ["datasets"],
        "properties": {
            "datasets": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}
        },
    },
    "Queries": {
        "type": "object",
        "required": ["queries"],
        "properties": {"queries": {"type": "array", "items": {"type": "object"}}},
    },
}
SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "POB_WRITE_TOKEN for /store writes; a submitter's POB_SUBMIT_TOKEN "
        "for /api/datasets",
    }
}

# ---------------------------------------------------------------------------- bodies

#: one small dataset (a source: type, title, address) in every syntax an upload may have
_IRI = "https://w3id.org/pob/id/source/openapi-example"
_TYPE, _SOURCE = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "https://w3id.org/pob/ontology#Source",
)
_TITLE, _URL = "http://purl.org/dc/terms/title", "https://schema.org/url"
_ANY_URI = "http://www.w3.org/2001/XMLSchema#anyURI"
_TRIPLES = (
    f"<{_IRI}> <{_TYPE}> <{_SOURCE}> .\n"
    f'<{_IRI}> <{_TITLE}> "Example source" .\n'
    f'<{_IRI}> <{_URL}> "https://example.org/"^^<{_ANY_URI}> .\n'
)
DATASET_EXAMPLES: dict[str, str] = {
    formats.TURTLE: (
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix pob: <https://w3id.org/pob/ontology#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n"
        f'<{_IRI}> a pob:Source ;\n    dct:title "Example source" ;\n'
        '    schema:url "https://example.org/"^^xsd:anyURI .\n'
    ),
    formats.NTRIPLES: _TRIPLES,
    formats.NQUADS: _TRIPLES,
    formats.TRIG: "{\n" + _TRIPLES + "}\n",
    formats.JSONLD: (
        f'{{"@id": "{_IRI}",\n'
        ' "@type": "https://w3id.org/pob/ontology#Source",\n'
        ' "http://purl.org/dc/terms/title": "Example source",\n'
        ' "https://schema.org/url": {"@value": "https://example.org/",\n'
        '   "@type": "http://www.w3.org/2001/XMLSchema#anyURI"}}\n'
    ),
    formats.RDFXML: (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
        '  xmlns:dct="http://purl.org/dc/terms/" xmlns:schema="https://schema.org/">\n'
        f'<rdf:Description rdf:about="{_IRI}">\n'
        '  <rdf:type rdf:resource="https://w3id.org/pob/ontology#Source"/>\n'
        "  <dct:title>Example source</dct:title>\n"
        '  <schema:url rdf:datatype="http://www.w3.org/2001/XMLSchema#anyURI">'
        "https://example.org/</schema:url>\n"
        "</rdf:Description>\n</rdf:RDF>\n"
    ),
}
assert set(DATASET_EXAMPLES) == set(RDF), "an example for every RDF syntax of the registry"


def _rdf_body(description: str, form: bool) -> dict[str, Any]:
    content: dict[str, Any] = {
        media_type: {"schema": {"type": "string"}, "example": DATASET_EXAMPLES[media_type]}
        for media_type in RDF
    }
    if form:
        content["multipart/form-data"] = {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "data": {"type": "string"},
                    "format": {"type": "string"},
                    "profile": {"type": "string", "enum": ["core", "strict"]},
                    "inference": {"type": "string", "enum": ["none", "rdfs", "owlrl"]},
                    "lang": {"type": "string", "enum": ["da", "en"]},
                },
            },
            "example": {"data": DATASET_EXAMPLES[formats.TURTLE], "format": formats.TURTLE},
        }
    return {"required": True, "description": description, "content": content}


_QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10"
SPARQL_BODY = {
    "required": False,
    "description": "The query: form-encoded (`query=…`) or the query itself.",
    "content": {
        protocol.FORM: {
            "schema": {"type": "object", "properties": {"query": {"type": "string"}}},
            "example": {"query": _QUERY},
        },
        protocol.DIRECT: {"schema": {"type": "string"}, "example": _QUERY},
    },
}

# ---------------------------------------------------------------------------- routes


@dataclass(frozen=True)
class Declared:
    """What one route answers."""

    success: dict[int, tuple[str, ...]]
    refusals: tuple[int, ...] = ()
    body: dict[str, Any] | None = None
    auth: bool = False
    #: refusals that a browser (Accept: text/html) gets as a page
    html_refusals: tuple[int, ...] = ()
    #: the schema (a name in SCHEMAS) of a JSON body, by status
    json: dict[int, str] = field(default_factory=dict)
    #: query parameters the route reads itself (FastAPI does not see them)
    parameters: tuple[dict[str, Any], ...] = ()
    #: an example value of a path parameter FastAPI declares (one the curated data holds)
    examples: dict[str, str] = field(default_factory=dict)


#: the Graph Store's graph: `?graph=<IRI>` or `?default` (exactly one)
_GRAPH = (
    {
        "name": "graph",
        "in": "query",
        "description": "The graph's IRI (or give `default` instead).",
        "schema": {"type": "string"},
        "example": "http://example.org/graph/openapi",
    },
    {
        "name": "default",
        "in": "query",
        "description": "The default graph (the union of all graphs; read only).",
        "schema": {"type": "string"},
        "allowEmptyValue": True,
    },
)
_QUERYING = (400, 403, 406, 413, 415, 502, 503)
_UPLOAD = (400, 413, 415, 503)
_RESULTS_JSON = {200: "SparqlResults"}
_DATASET = "The dataset, or a multipart form (`file` or `data`)."
ROUTES: dict[str, Declared] = {
    "sparql": Declared(
        {200: (*RESULTS, *RDF, formats.HTML)}, _QUERYING, SPARQL_BODY, json=_RESULTS_JSON
    ),
    "get_graph": Declared({200: RDF}, (400, 404, 406), parameters=_GRAPH),
    "put_graph": Declared(
        {201: (), 204: ()},
        (401, 403, *_UPLOAD),
        _rdf_body("The graph's triples.", False),
        True,
        parameters=_GRAPH,
    ),
    "post_graph": Declared(
        {201: (), 204: ()},
        (401, 403, *_UPLOAD),
        _rdf_body("Triples to add.", False),
        True,
        parameters=_GRAPH,
    ),
    "delete_graph": Declared({204: ()}, (400, 401, 403, 404), auth=True, parameters=_GRAPH),
    "list_queries": Declared({200: (JSON,)}, json={200: "Queries"}),
    "query": Declared({200: (*RESULTS, *RDF)}, (400, 406, 413, 502, 503), json=_RESULTS_JSON),
    "query_text": Declared({200: (SPARQL_QUERY,)}, (400, 404)),
    "validate": Declared(
        {200: (JSON, formats.TURTLE, formats.JSONLD, formats.HTML)},
        (*_UPLOAD, 406, 422),
        _rdf_body(_DATASET, True),
        html_refusals=(400, 413, 415, 422),
        json={200: "Report"},
    ),
    "post_dataset": Declared(
        {200: (JSON,), 201: (JSON,)},
        (401, 403, 406, 422, *_UPLOAD),
        _rdf_body(_DATASET, True),
        True,
        html_refusals=(422,),
        json={200: "Submitted", 201: "Submitted", 422: "Rejected"},
    ),
    "list_datasets": Declared({200: (JSON,)}, json={200: "Datasets"}),
    "get_dataset": Declared({200: (JSON, *RDF)}, (404, 406), json={200: "Record"}),
    "delete_dataset": Declared({204: ()}, (401, 403, 404), auth=True),
    "validate_form": Declared({200: (formats.HTML,)}, (400,)),
    "resource": Declared(
        {200: DOCUMENT, 304: ()},
        (400, 404, 406, 503),
        html_refusals=(404,),
        examples={"kind": "municipality", "key": "varde"},
    ),
    "ontology": Declared({200: DOCUMENT, 304: ()}, (400, 406)),
    "shapes": Declared({200: DOCUMENT, 304: ()}, (400, 406)),
    "catalog": Declared({200: DOCUMENT, 304: ()}, (400, 404, 406, 503), html_refusals=(404,)),
    "catalog_entry": Declared({200: DOCUMENT, 304: ()}, (400, 404, 406, 503), html_refusals=(404,)),
    "void": Declared({200: DOCUMENT, 304: ()}, (400, 406, 503)),
    "dump": Declared({200: (ANY,), 304: ()}, (404,), examples={"path": "pob.ttl"}),
    "dumps": Declared({200: (JSON,)}),
    "search": Declared({200: (JSON,)}, (400,)),
    "context": Declared({200: (formats.JSONLD,), 304: ()}),
}


#: the route of each operation: "METHOD path" (HEAD as GET), else the path
OPERATIONS: dict[str, str] = {
    "/sparql": "sparql",
    "GET /store": "get_graph",
    "PUT /store": "put_graph",
    "POST /store": "post_graph",
    "DELETE /store": "delete_graph",
    "/api/queries": "list_queries",
    "/api/queries/{name}/sparql": "query_text",
    "/api/validate": "validate",
    "GET /api/datasets": "list_datasets",
    "POST /api/datasets": "post_dataset",
    "GET /api/datasets/{sid}": "get_dataset",
    "DELETE /api/datasets/{sid}": "delete_dataset",
    "/validate": "validate_form",
    "/id/{kind}/{key}": "resource",
    "/ontology": "ontology",
    "/shapes": "shapes",
    "/catalog": "catalog",
    "/catalog/{rest}": "catalog_entry",
    "/.well-known/void": "void",
    "/dumps/{path}": "dump",
    "/dumps": "dumps",
    "/api/search": "search",
    "/context.jsonld": "context",
}


def for_operation(method: str, path: str) -> Declared:
    """What the operation `method path` answers (every named query, `/api/queries/<name>`,
    as `query`). A LookupError for an operation nobody declared."""
    verb = "GET" if method.upper() == "HEAD" else method.upper()
    name = OPERATIONS.get(f"{verb} {path}") or OPERATIONS.get(path)
    if name is None and path.startswith("/api/queries/") and path.count("/") == 3:
        name = "query"
    if name is None:
        raise LookupError(f"{method.upper()} {path} declares no answers in server/api_responses.py")
    return ROUTES[name]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _schema(media_type: str, status: int, route: Declared, head: bool) -> dict[str, Any]:
    """The content entry of one media type: a schema for JSON bodies (none for HEAD)."""
    if head:
        return {}
    if media_type in (JSON, formats.JSON) and status in route.json:  # formats.JSON: SPARQL's
        return {"schema": _ref(route.json[status])}
    return {}


def success(status: int, route: Declared, head: bool) -> dict[str, Any]:
    """A success response and its media types."""
    description = {200: "OK", 201: "Created", 204: "No Content", 304: _TITLES[304]}[status]
    response: dict[str, Any] = {"description": description}
    if route.success[status]:
        response["content"] = {m: _schema(m, status, route, head) for m in route.success[status]}
    return response


def refusal(status: int, route: Declared, head: bool) -> dict[str, Any]:
    """An error response: the JSON error object or plain text (by `Accept`); a page too for
    the routes that answer browsers with one. A rejected submission's 422 carries its
    report (or, for an empty dataset, the error object)."""
    problem = {} if head else {"schema": _ref("Problem")}
    text = {} if head else {"schema": {"type": "string"}}
    if status in (408, 414):  # the HTTP layer's answers: always plain text
        return {"description": _TITLES[status], "content": {TEXT: text}}
    content: dict[str, Any] = {JSON: problem, TEXT: text}
    if status in route.json and not head:
        content[JSON] = {"schema": {"anyOf": [_ref(route.json[status]), _ref("Problem")]}}
    if status in route.html_refusals:
        content[formats.HTML] = {}
    return {"description": _TITLES[status], "content": content}
