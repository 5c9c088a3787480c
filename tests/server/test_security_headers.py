"""Every HTML answer carries the same security headers (server/pages.py `SecurityHeaders`,
one middleware): the query UI, the linked-data pages, the catalog as HTML, the validation
form and its report, and the 404 page a browser gets."""

from __future__ import annotations

import httpx
import pytest

from server.pages import SECURITY_HEADERS
from tests.server.conftest import Service

HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"  # what a browser sends
TURTLE = b"@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n"

#: name -> (method, path, request body (bytes, or form fields), expected status)
PAGES: dict[str, tuple[str, str, bytes | dict[str, str] | None, int]] = {
    "home": ("GET", "/", None, 200),
    "query-ui": ("GET", "/query", None, 200),
    "sparql-ui": ("GET", "/sparql", None, 200),
    "search": ("GET", "/search?q=hiller%C3%B8d", None, 200),
    "browse": ("GET", "/browse", None, 200),
    "browse-refused": ("GET", "/browse/pob:NoSuchClass", None, 404),
    "unknown-path": ("GET", "/no/such/page", None, 404),
    "validate-form": ("GET", "/validate", None, 200),
    "validate-form-en": ("GET", "/validate?lang=en", None, 200),
    "resource": ("GET", "/id/partnership/bymidte-hilleroed", None, 200),
    "ontology": ("GET", "/ontology", None, 200),
    "shapes": ("GET", "/shapes", None, 200),
    "catalog": ("GET", "/catalog", None, 200),
    "report": ("POST", "/api/validate", TURTLE, 200),
    "report-form": ("POST", "/api/validate", {"data": TURTLE.decode()}, 200),
    "report-error": ("POST", "/api/validate", b"@prefix broken", 400),
    "not-found": ("GET", "/id/partnership/no-such-thing", None, 404),
}


def _assert_headers(response: httpx.Response, own_policy: bool = False) -> None:
    assert response.headers["content-type"].startswith("text/html"), response.headers
    for name, value in SECURITY_HEADERS.items():
        assert name.lower() in response.headers, name
        if not own_policy:
            assert response.headers[name] == value, name
    assert response.headers["content-security-policy"].count("content-security-policy") == 0
    assert len(response.headers.get_list("content-security-policy")) == 1


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_html_page_sends_the_security_headers(
    client: httpx.Client, server: Service, name: str
) -> None:
    method, path, body, status = PAGES[name]
    if isinstance(body, dict):  # the form posts multipart/form-data
        files = {k: (None, v) for k, v in body.items()}
        response = client.request(method, path, files=files, headers={"Accept": HTML})
    else:
        headers = {"Accept": HTML, **({"Content-Type": "text/turtle"} if body else {})}
        response = client.request(method, path, content=body, headers=headers)
    assert response.status_code == status, response.text[:300]
    # the query UI keeps its own, wider policy (it may reach a published SPARQL endpoint)
    _assert_headers(response, own_policy=name in ("query-ui", "sparql-ui"))
    if name in ("query-ui", "sparql-ui"):
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy


def test_a_query_answer_is_never_html(client: httpx.Client) -> None:
    """The fast path (server/fastpath.py) answers queries outside the middleware: none of its
    answers is HTML, so none needs the page headers."""
    for accept in (HTML, "text/html"):
        response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": accept})
        assert not response.headers.get("content-type", "").startswith("text/html")


def test_other_answers_are_left_alone(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"})
    assert "content-security-policy" not in response.headers
    catalog = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert "content-security-policy" not in catalog.headers
