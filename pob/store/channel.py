"""The pool's end of a worker's socket (:mod:`pob.store.workers`), as an asyncio protocol.

Jobs go out and answers come in with `multiprocessing.connection.Connection`'s framing (a
4-byte big-endian length, or -1 and an 8-byte length, then a pickle), so the worker
process reads and writes them with a plain `Connection`.
"""

from __future__ import annotations

import asyncio
import pickle
import struct
from typing import Any, cast


def frame(job: Any) -> bytes:
    """`job` as `multiprocessing.connection.Connection.send` puts it on the wire."""
    payload = pickle.dumps(job, pickle.HIGHEST_PROTOCOL)
    if len(payload) > 0x7FFFFFFF:
        return struct.pack("!i", -1) + struct.pack("!Q", len(payload)) + payload
    return struct.pack("!i", len(payload)) + payload


class Channel(asyncio.Protocol):
    """This process's end of a worker's socket: sends jobs, collects framed answers."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[bytes] | None = None
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        buffer = self.buffer
        if len(buffer) < 4:
            return
        (size,) = struct.unpack_from("!i", buffer)
        start = 4
        if size == -1:
            if len(buffer) < 12:
                return
            (size,) = struct.unpack_from("!Q", buffer, 4)
            start = 12
        if len(buffer) < start + size:
            return
        payload = bytes(buffer[start : start + size])
        del buffer[: start + size]
        waiter.set_result(payload)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(EOFError())

    def send(self, job: Any) -> None:
        if self.lost or self.transport is None or self.transport.is_closing():
            raise EOFError
        self.transport.write(frame(job))

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
