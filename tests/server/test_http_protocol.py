"""The HTTP protocol `pob serve` runs (server/http.py): httptools without uvicorn's 64 KiB
limit on the request target, a 414 past our own, and one write for a small answer."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from server.http import _Corked
from tests.server.conftest import Service
from tests.server.test_guard_http import raw_get


def test_get_over_64_kib_reaches_the_guard(server: Service) -> None:
    # 70,000 bytes: over what httptools.parse_url can split (uvicorn answered 400)
    status, body = raw_get(server, "/sparql?query=ASK%20%7B%7D%20%23" + "x" * 70_000)
    assert status == 200
    assert b"true" in body


def test_long_target_keeps_the_other_parameters(server: Service) -> None:
    target = (
        "/sparql?format=tsv&query=SELECT%20%3Fx%20%7B%20VALUES%20%3Fx%20%7B%201%20%7D%20%7D%20%23"
    )
    status, body = raw_get(server, target + "x" * 70_000)
    assert status == 200
    assert body.startswith(b"?x")


def test_target_over_the_limit_is_414(server: Service) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"GET /sparql?query=" + b"x" * 500_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 414 ")
    assert b"POST" in data


class _Transport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str) -> Any:
        return name


def test_corked_headers_go_out_with_the_body() -> None:
    async def body() -> None:
        inner = _Transport()
        corked = _Corked(inner, asyncio.get_running_loop())  # type: ignore[arg-type]
        corked.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        assert inner.writes == []
        corked.write(b"ok")
        assert inner.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"]
        corked.write(b"HTTP/1.1 204 No Content\r\n\r\n")  # no body follows
        await asyncio.sleep(0)
        assert inner.writes[-1] == b"HTTP/1.1 204 No Content\r\n\r\n"
        corked.write(b"HTTP/1.1 200 OK\r\n\r\n")
        corked.close()  # flushed before the close
        assert inner.writes[-1] == b"HTTP/1.1 200 OK\r\n\r\n" and inner.closed
        assert corked.get_extra_info("peername") == "peername"

    asyncio.run(body())
