"""uvicorn's httptools protocol, without its 64 KiB limit on the request target.

httptools (llhttp) parses the request line itself without a limit, but uvicorn then splits
the target with `httptools.parse_url`, whose offsets are 16-bit (`struct http_parser_url`):
a target over 65,535 bytes fails there and uvicorn answers its own 400. A GET query up to
our size limit must reach the guard (and one over it get the guard's 413), so a long
origin-form target (`/path?query`) is split here instead. A target over `max_target` bytes
is answered with 414 before it is read to the end (memory stays bounded; h11 had
`h11_max_incomplete_event_size` for that).

uvicorn writes a response's status line and headers, then its body, with two `write`s,
two system calls and two TCP segments for every small answer. :class:`_Corked` holds the
header block back until the body's first piece (or the end of the event loop's turn) and
sends both with one.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: the most `httptools.parse_url` can split
_PARSE_URL_MAX = 0xFFFF


class _TargetTooLong(Exception):
    pass


class _Corked:
    """A transport whose header-block writes wait for the next write (or loop turn)."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + data)
        elif data.startswith(b"HTTP/1.") and data.endswith(b"\r\n\r\n"):
            self._held = data
            self._loop.call_soon(self.flush)
        elif data:
            self._transport.write(data)

    def flush(self) -> None:
        held = self._held
        if held is not None:
            self._held = None
            if not self._transport.is_closing():
                self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class SparqlHttpProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that accepts request targets up to `max_target` bytes."""

    max_target = 64 * 1024

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        corked = _Corked(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        super().connection_made(corked)  # type: ignore[arg-type]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._refused = False

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            if self._refused:  # our 414 is on its way
                return
            msg = "Invalid HTTP request received."
            self.logger.warning(msg)
            self.send_400_response(msg)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()

    def on_url(self, url: bytes) -> None:
        if len(self.url) + len(url) > self.max_target:
            self._refused = True
            self._send_414()
            raise _TargetTooLong
        self.url += url

    def on_headers_complete(self) -> None:
        url = self.url
        if len(url) <= _PARSE_URL_MAX or not url.startswith(b"/"):
            super().on_headers_complete()
            return
        path, _, query = url.partition(b"?")
        self.url = path  # what parse_url can take; the query is put back below
        try:
            super().on_headers_complete()
        finally:
            self.url = url
        # the request's task has been created, not run: it sees the whole query string
        self.scope["query_string"] = query

    def _send_414(self) -> None:
        msg = (
            f"414 URI Too Long: the request target is over {self.max_target:,} bytes; "
            "send a long query with POST\n"
        ).encode()
        self.transport.write(
            b"HTTP/1.1 414 URI Too Long\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(msg)).encode() + b"\r\n"
            b"connection: close\r\n\r\n" + msg
        )
        # the client may still be sending the target: closing now would reset the
        # connection and could lose the answer, so end our side, ignore the rest, and
        # close a little later
        if self.transport.can_write_eof():
            self.transport.write_eof()
        asyncio.get_running_loop().call_later(5, self.transport.close)


def protocol_class(max_target: int) -> type[SparqlHttpProtocol]:
    """The protocol for uvicorn's `http=`, accepting targets up to `max_target` bytes."""
    return type("SparqlHttpProtocol", (SparqlHttpProtocol,), {"max_target": max_target})
