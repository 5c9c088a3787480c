"""Limits: upload size (checked while the body streams in), triples, validation time."""

from __future__ import annotations

import socket
from urllib.parse import urlparse

from tests.submissions.conftest import LIMIT_BYTES, LIMIT_TRIPLES, Service, sources_dataset


def test_declared_size_over_the_limit_is_413(limits: Service) -> None:
    response = limits.client.post(
        "/api/validate",
        content=b"x" * (LIMIT_BYTES + 1),
        headers={"Content-Type": "text/turtle"},
    )
    assert response.status_code == 413
    assert f"{LIMIT_BYTES:,}" in response.json()["error"]["detail"]


def test_size_is_checked_while_streaming(limits: Service) -> None:
    """A chunked body over the limit gets 413 before the client has sent all of it: the
    client sends 1.5 times the limit and then nothing more, and the answer still comes."""
    url = urlparse(limits.url)
    with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
        sock.sendall(
            b"POST /api/validate HTTP/1.1\r\nHost: test\r\nContent-Type: text/turtle\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"# " + b"x" * 998 + b"\n"
        for _ in range(LIMIT_BYTES * 3 // 2 // len(chunk)):
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        answer = sock.recv(4096)  # the body is not finished: no terminating chunk was sent
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_too_many_triples_is_413(limits: Service) -> None:
    body = b"".join(b"<http://e/s> <http://e/p> %d .\n" % i for i in range(LIMIT_TRIPLES + 1))
    assert len(body) < LIMIT_BYTES
    response = limits.client.post(
        "/api/validate", content=body, headers={"Content-Type": "text/turtle"}
    )
    assert response.status_code == 413
    assert f"{LIMIT_TRIPLES:,} triples" in response.json()["error"]["detail"]


def test_multipart_over_the_limit_is_413(limits: Service) -> None:
    response = limits.client.post(
        "/api/validate", files={"file": ("big.ttl", b"#" * (LIMIT_BYTES * 2), "text/turtle")}
    )
    assert response.status_code == 413


def test_validation_time_limit_is_503(slow: Service) -> None:
    response = slow.client.post(
        "/api/validate",
        content=sources_dataset(8000),
        headers={"Content-Type": "application/n-triples"},
    )
    assert response.status_code == 503, response.text
    detail = response.json()["error"]["detail"]
    assert "longer than 0.3 s" in detail and "stopped" in detail
