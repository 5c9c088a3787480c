"""Slow clients (server/http.py): headers and bodies sent too slowly get a 408 and the
connection is closed, on a live server with 1 s deadlines; normal and keep-alive clients
are untouched, and other clients are answered meanwhile."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import Process, fixture_settings

LIMIT = 1.0
#: the longest a refusal may take: the deadline, plus room for a loaded machine (the first
#: request to a route may import its modules); dribbling the request would take far longer
CEILING = LIMIT + 9


@pytest.fixture(scope="module")
def slow_server(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    data_dir: Path = tmp_path_factory.mktemp("slow")
    server = live_server(fixture_settings(data_dir, header_timeout=LIMIT, body_timeout=LIMIT))
    yield server
    server.stop()


def _connect(server: Process) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=15)


def _dribble(sock: socket.socket, data: bytes, pause: float, give_up: float) -> tuple[bytes, float]:
    """Send `data` a byte every `pause` s, reading what comes back; returns the answer
    and the seconds until the server closed (or `give_up` passed)."""
    started = time.monotonic()
    answer = b""
    sock.settimeout(pause)
    for byte in data:
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            break
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            chunk = None
        except OSError:
            break
        if chunk == b"":
            break
        if chunk:
            answer += chunk
            break  # the answer has begun: read the rest
        if time.monotonic() - started > give_up:
            break
    sock.settimeout(max(give_up - (time.monotonic() - started), 0.1))
    try:
        while chunk := sock.recv(65536):
            answer += chunk
    except OSError:
        pass
    return answer, time.monotonic() - started


def _ask_meanwhile(server: Process, stop: threading.Event, times: list[float]) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        while not stop.is_set():
            started = time.monotonic()
            response = client.get("/sparql", params={"query": "ASK {}"})
            assert response.status_code == 200 and b"true" in response.content
            times.append(time.monotonic() - started)
            time.sleep(0.05)


def test_slow_headers_get_408_and_close(slow_server: Process) -> None:
    request = b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"y" * 200
    stop = threading.Event()
    times: list[float] = []
    other = threading.Thread(target=_ask_meanwhile, args=(slow_server, stop, times))
    other.start()
    try:
        with _connect(slow_server) as sock:
            answer, elapsed = _dribble(sock, request, 0.2, give_up=CEILING + 5)
    finally:
        stop.set()
        other.join()
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer[:200]
    assert b"connection: close" in answer
    assert b"headers did not arrive within 1 s" in answer
    assert LIMIT - 0.1 <= elapsed < CEILING, elapsed  # timed from a moment later than the server
    assert times and max(times) < 2.0, times


def test_silent_connection_is_closed(slow_server: Process) -> None:
    with _connect(slow_server) as sock:
        started = time.monotonic()
        answer = sock.recv(65536)
        while chunk := sock.recv(65536):
            answer += chunk
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert elapsed < CEILING, elapsed


@pytest.mark.parametrize(
    ("path", "media_type", "body"),
    [
        ("/sparql", "application/x-www-form-urlencoded", b"query=ASK%20%7B%7D" + b"%20" * 100),
        ("/api/validate", "text/turtle", b"<urn:a> <urn:b> <urn:c> .\n" * 10),
    ],
)
def test_slow_body_gets_408_and_close(
    slow_server: Process, path: str, media_type: str, body: bytes
) -> None:
    head = (
        b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: " + media_type.encode() + b"\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with _connect(slow_server) as sock:
        sock.sendall(head)
        answer, elapsed = _dribble(sock, body, 0.2, give_up=CEILING + 5)
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer[:200]
    assert b"body did not arrive within 1 s" in answer
    assert LIMIT - 0.1 <= elapsed < CEILING, elapsed  # timed from a moment later than the server


def test_normal_and_keep_alive_clients_are_untouched(slow_server: Process) -> None:
    with httpx.Client(base_url=slow_server.url, timeout=10) as client:
        for _ in range(3):
            response = client.post("/sparql", data={"query": "ASK {}"})
            assert response.status_code == 200 and b"true" in response.content
            # idle between requests longer than the header deadline: the deadline counts
            # from a request's first byte, not from the previous answer
            time.sleep(LIMIT + 0.3)
        response = client.get("/sparql", params={"query": "ASK {}"})
        assert response.status_code == 200


def test_body_sent_in_pieces_within_the_deadline(slow_server: Process) -> None:
    body = b"query=ASK%20%7B%7D"
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with _connect(slow_server) as sock:
        sock.sendall(head[:20])
        time.sleep(0.3)
        sock.sendall(head[20:])
        time.sleep(0.3)
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
    assert b"true" in answer
