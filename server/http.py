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

Slow clients: a request's headers must be complete within `header_timeout` seconds of the
connection opening (for a later request on a keep-alive connection: of its first byte; the
idle time between requests is uvicorn's keep-alive timeout), and its whole body must arrive
within `body_timeout` seconds of the end of its headers (if the server itself holds the
body up, its buffer full or a "100 Continue" not yet sent, the deadline starts again once
it reads). Past either the client gets a plain-text 408 Request Timeout if nothing of a
response was sent yet, and the connection is closed (`POB_HEADER_TIMEOUT`,
`POB_BODY_TIMEOUT`; docs/security.md).
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
    """HttpToolsProtocol that accepts request targets up to `max_target` bytes and closes
    connections whose client sends a request too slowly."""

    max_target = 64 * 1024
    header_timeout = 10.0
    body_timeout = 60.0
    #: how long a refused connection stays open for the answer to reach the client
    linger = 1.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        corked = _Corked(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        super().connection_made(corked)  # type: ignore[arg-type]
        self._arm("headers", self.header_timeout)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._refused = False
        self._timer: asyncio.TimerHandle | None = None
        #: "headers" or "body" while a request is being read against a deadline
        self._phase: str | None = None
        #: the body deadline found the server itself holding the body up
        self._held = False

    # -- slow clients ---------------------------------------------------------------------

    def _arm(self, phase: str, seconds: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._phase = phase
        self._held = False
        self._timer = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._phase = None

    def _expired(self) -> None:
        self._timer = None
        phase = self._phase
        if phase is None or self._refused or self.transport.is_closing():
            return
        if phase == "body" and (
            self.flow.read_paused
            or (self.cycle is not None and self.cycle.waiting_for_100_continue)
        ):
            # the server is not reading (its buffer is full), or the client waits for our
            # "100 Continue" (sent when the application first reads): not the client's
            # delay; look again in a second, and give a full deadline once it reads again
            self._held = True
            self._timer = self.loop.call_later(1.0, self._expired)
            return
        if self._held:
            self._held = False
            self._timer = self.loop.call_later(self.body_timeout, self._expired)
            return
        self._phase = None
        self._refused = True
        cycle = self.cycle
        if phase == "headers":
            idle = cycle is None or cycle.response_complete
            limit = f"its headers did not arrive within {self.header_timeout:g} s"
        else:
            idle = cycle is not None and not cycle.response_started
            limit = f"its body did not arrive within {self.body_timeout:g} s"
        self.logger.warning("Closing a slow connection: %s", limit)
        if cycle is not None and not cycle.response_complete:
            # the application sees a disconnect; whatever it sends now is dropped
            cycle.disconnected = True
            cycle.message_event.set()
        if idle:
            self._send_refusal(
                b"408 Request Timeout",
                f"408 Request Timeout: the request was sent too slowly ({limit})\n".encode(),
            )
        else:
            self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._phase is None:  # a later request on a keep-alive connection
            self._arm("headers", self.header_timeout)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

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
        self._arm("body", self.body_timeout)  # disarmed again by on_message_complete
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
        self._send_refusal(b"414 URI Too Long", msg, linger=5)

    def _send_refusal(self, status: bytes, msg: bytes, linger: float | None = None) -> None:
        """A plain-text answer, then the connection is closed."""
        self._disarm()
        self.transport.write(
            b"HTTP/1.1 " + status + b"\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(msg)).encode() + b"\r\n"
            b"connection: close\r\n\r\n" + msg
        )
        # the client may still be sending: closing now would reset the connection and
        # could lose the answer, so end our side, ignore the rest, and close a little later
        if self.transport.can_write_eof():
            self.transport.write_eof()
        asyncio.get_running_loop().call_later(
            self.linger if linger is None else linger, self.transport.close
        )


def protocol_class(
    max_target: int, header_timeout: float = 10.0, body_timeout: float = 60.0
) -> type[SparqlHttpProtocol]:
    """The protocol for uvicorn's `http=`, accepting targets up to `max_target` bytes, with
    the slow-client deadlines."""
    attributes = {
        "max_target": max_target,
        "header_timeout": header_timeout,
        "body_timeout": body_timeout,
    }
    return type("SparqlHttpProtocol", (SparqlHttpProtocol,), attributes)
