"""The SPARQL 1.1 Protocol's query operation at /sparql: methods, parameters, errors."""

from __future__ import annotations

import json
import random
import re
import urllib.parse

import httpx
import pyoxigraph
import pytest

from server.protocol import Params
from tests.server.conftest import Service

ASK = "ASK { ?s a <https://w3id.org/pob/ontology#LocalPartnership> }"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


def boolean(response: httpx.Response) -> bool:
    assert response.status_code == 200, response.text
    value = json.loads(response.content)["boolean"]
    assert isinstance(value, bool)
    return value


def error(response: httpx.Response, status: int) -> dict[str, object]:
    """The JSON error body, after checking the status and its shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = json.loads(response.content)["error"]
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return dict(body)


def test_get(client: httpx.Client) -> None:
    assert boolean(client.get("/sparql", params={"query": ASK})) is True


def test_post_form(client: httpx.Client) -> None:
    assert boolean(client.post("/sparql", data={"query": ASK})) is True


def test_post_direct(client: httpx.Client) -> None:
    assert boolean(client.post("/sparql", content=ASK.encode(), headers=DIRECT)) is True


def test_post_direct_with_charset(client: httpx.Client) -> None:
    headers = {"Content-Type": "application/sparql-query; charset=UTF-8"}
    assert boolean(client.post("/sparql", content=ASK.encode(), headers=headers)) is True


def test_post_form_dataset_in_url(client: httpx.Client, server: Service) -> None:
    response = client.post(
        "/sparql",
        params={"default-graph-uri": server.graph("ontology")},
        data={"query": ASK},
    )
    assert boolean(response) is False  # the instances are in `data`, not `ontology`


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_percent_escapes_decoded_as_forms_are(client: httpx.Client, method: str) -> None:
    """`+` is a space, `%XX` a byte (UTF-8 across several), a `%` without two hex digits
    after it stays, a backslash is a backslash: the query's string literal comes back as
    `urllib.parse` decodes the raw parameter."""
    raw = "SELECT+(%22a%5C%5Cb+%25zz+%25+%E2%9C%93%2B%41%4%22+AS+%3Fx)+%7B%7D"
    query = urllib.parse.unquote_to_bytes(raw.replace("+", " ")).decode()
    assert query == 'SELECT ("a\\\\b %zz % \u2713+A%4" AS ?x) {}'
    if method == "GET":
        response = client.get(f"/sparql?query={raw}")
    else:
        response = client.post("/sparql", content=f"query={raw}", headers=FORM)
    assert response.status_code == 200, response.text
    value = json.loads(response.content)["results"]["bindings"][0]["x"]["value"]
    assert value == "a\\b %zz % \u2713+A%4"


def test_parameters_decode_as_urllib_does() -> None:
    """The request's own decoder (a C codec) against `urllib.parse.unquote_to_bytes` on
    every kind of input: escapes valid and not, backslashes, `+`, bytes past ASCII."""
    rnd = random.Random(12)
    alphabet = b"%\\x+aF09gG \xe2\x80"
    cases = [b"", b"%", b"%4", b"%41", b"%zz", b"a%41%", b"\\", b"\\x41", b"%5C%5Cx41"]
    cases += [b"\\%41", b"%%41", b"%4%41", b"%\\x41", b"\\\\%5c", b"%E2%9C%93", b"%e2%9c%93"]
    cases += [bytes(rnd.choice(alphabet) for _ in range(rnd.randint(1, 10))) for _ in range(20_000)]
    for case in cases:
        params = Params()
        params.add(b"v=" + case)
        assert params.all("v") == [urllib.parse.unquote_to_bytes(case.replace(b"+", b" "))], case


def test_missing_query_in_post(client: httpx.Client) -> None:
    error(client.post("/sparql", data={"default-graph-uri": "x"}), 400)


def test_repeated_query(client: httpx.Client) -> None:
    body = error(client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20*%20%7B%7D"), 400)
    assert "query" in str(body["detail"])


def test_query_in_url_and_body(client: httpx.Client) -> None:
    response = client.post("/sparql?query=ASK%7B%7D", content=b"ASK {}", headers=DIRECT)
    error(response, 400)


def test_query_and_update(client: httpx.Client) -> None:
    error(client.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"}), 400)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "GET", "url": "/sparql?update=CLEAR%20ALL"},
        {"method": "POST", "url": "/sparql", "data": {"update": "CLEAR ALL"}},
        {
            "method": "POST",
            "url": "/sparql",
            "content": b"CLEAR ALL",
            "headers": {"Content-Type": "application/sparql-update"},
        },
    ],
    ids=["update-get", "update-form", "update-direct"],
)
def test_update_refused(client: httpx.Client, request_kwargs: dict[str, object]) -> None:
    body = error(client.request(**request_kwargs), 403)  # type: ignore[arg-type]
    assert "read-only" in str(body["title"]).lower() or "Update" in str(body["detail"])


@pytest.mark.parametrize(
    "text", ["INSERT DATA { <a> <b> <c> }", "CLEAR ALL", "LOAD <http://example.org/x>"]
)
def test_update_as_query_refused(client: httpx.Client, text: str) -> None:
    body = error(client.get("/sparql", params={"query": text}), 400)
    assert "read-only" in str(body["detail"])


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/json", "application/sparql-results+json", None],
    ids=["text-plain", "json", "results-json", "none"],
)
def test_wrong_content_type(client: httpx.Client, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/sparql", content=b"query=ASK%20%7B%7D", headers=headers)
    error(response, 415)


def test_non_utf8_charset(client: httpx.Client) -> None:
    headers = {"Content-Type": "application/sparql-query; charset=UTF-16"}
    error(client.post("/sparql", content="ASK {}".encode("utf-16"), headers=headers), 415)


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.get("/sparql?query=ASK%20%7B%7D%FF"),
        lambda c: c.post("/sparql", content=b"query=ASK%20%7B%7D%C3%28", headers=FORM),
        lambda c: c.post("/sparql", content=b"ASK {} \xff", headers=DIRECT),
    ],
    ids=["get", "form", "direct"],
)
def test_invalid_utf8(client: httpx.Client, send: object) -> None:
    body = error(send(client), 400)  # type: ignore[operator]
    assert "UTF-8" in str(body["detail"])


def test_syntax_error_has_line_and_column(client: httpx.Client) -> None:
    body = error(client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p \n}"}), 400)
    assert body["where"] == {"line": 3, "column": 1} or body["where"]["line"] == 3  # type: ignore[index]


def test_syntax_error_position_survives_iri_rewriting(client: httpx.Client) -> None:
    # the guard escapes '#' and "'" in IRIs before the engine sees them (see pob/guard.py);
    # the position reported is the one Oxigraph gives for the text as sent
    query = "PREFIX ex: <http://example.org/ns#it's>\nSELECT * { ?s ex:p ?o . FILTER(?o = ) }"
    with pytest.raises(SyntaxError) as raised:
        pyoxigraph.Store().query(query)
    line, column = re.search(r"at (\d+):(\d+)", str(raised.value)).groups()  # type: ignore[union-attr]
    body = error(client.get("/sparql", params={"query": query}), 400)
    assert body["where"] == {"line": int(line), "column": int(column)}


def test_plain_text_error(client: httpx.Client) -> None:
    accept = {"Accept": "text/plain, application/sparql-results+json;q=0.5"}
    response = client.get("/sparql", params={"query": "ASK {"}, headers=accept)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("400 ")


def test_head(client: httpx.Client) -> None:
    get = client.get("/sparql", params={"query": ASK})
    head = client.head("/sparql", params={"query": ASK})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))


def test_head_error(client: httpx.Client) -> None:
    assert client.head("/sparql", params={"query": "ASK {"}).status_code == 400


def test_other_method(client: httpx.Client) -> None:
    assert client.put("/sparql?query=ASK%7B%7D", content=b"").status_code == 405


def test_cors_simple(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": ASK}, headers={"Origin": "https://x.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def test_cors_preflight(client: httpx.Client) -> None:
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://x.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in response.headers


def test_errors_carry_cors(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {"}, headers={"Origin": "https://x"})
    assert response.status_code == 400
    assert response.headers["access-control-allow-origin"] == "*"
