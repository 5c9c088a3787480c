"""Running engine work off the event loop, stoppable at a hard deadline.

A :class:`WorkerPool` keeps N worker processes (``python -m pob.store.query_worker``, talking over a
socket pair in ``multiprocessing.connection``'s framing), each running one job at a time.
The event loop holds each socket as an asyncio transport (no thread per request, and one
system call to send a job and one to read a small answer: registering and unregistering a
reader and switching blocking mode for every job cost ~8 more). When the
deadline passes the worker is killed (SIGKILL: pyoxigraph's query loop never yields, so
nothing gentler works) and a new one is started in the background. A worker that dies
(e.g. a stack overflow in the engine) is replaced the same way and the job fails with
:class:`EngineUnavailable`.

`exclusive()` drains the pool around a write: new jobs wait, jobs already let in finish
(or hit their deadline), then every worker closes its store handle (or is stopped); the
write runs; the workers reopen the store on their next job. pyoxigraph's read-only
handles are undefined while another process writes, so none may stay open.
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, cast

from pob.store.errors import EngineUnavailable, QueryTimeout, error_reply, unwrap


def _frame(job: Any) -> bytes:
    """`job` as `multiprocessing.connection.Connection.send` puts it on the wire."""
    payload = pickle.dumps(job, pickle.HIGHEST_PROTOCOL)
    if len(payload) > 0x7FFFFFFF:
        return struct.pack("!i", -1) + struct.pack("!Q", len(payload)) + payload
    return struct.pack("!i", len(payload)) + payload


class _Channel(asyncio.Protocol):
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
        self.transport.write(_frame(job))

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    sock: socket.socket
    channel: _Channel = field(default_factory=_Channel)
    started: float = field(default_factory=time.monotonic)
    #: the socket belongs to the event loop's transport (closed through the channel)
    connected: bool = False

    async def connect(self) -> _Worker:
        """Hand the socket to the event loop (call on the loop, after `_spawn`)."""
        loop = asyncio.get_running_loop()
        self.connected = True
        await loop.connect_accepted_socket(lambda: self.channel, self.sock)
        return self

    def kill(self) -> None:
        """Stop the process (in a thread: it waits); the channel must be closed first."""
        if not self.connected:
            with contextlib.suppress(Exception):
                self.sock.close()
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


def _spawn(module: str, args: tuple[str, ...]) -> _Worker:
    """Start `python -m module FD *args`; FD is this worker's end of a socket pair."""
    ours, theirs = socket.socketpair()
    with theirs:
        process = subprocess.Popen(
            [sys.executable, "-m", module, str(theirs.fileno()), *args],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in a terminal is the server's to handle
        )
    return _Worker(process, ours)


async def _start(module: str, args: tuple[str, ...]) -> _Worker:
    worker = await asyncio.to_thread(_spawn, module, args)
    try:
        return await worker.connect()
    except BaseException:
        await _kill(worker)
        raise


class WorkerPool:
    """N worker processes; `run` sends one job to an idle one and waits with a deadline."""

    def __init__(self, size: int, module: str, args: tuple[str, ...] = ()):
        self.size = size
        self.target = module
        self.args = args
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._admitted = 0
        #: callers waiting for an idle worker
        self._queued = 0
        self._open = asyncio.Event()
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._spawning: set[asyncio.Task[None]] = set()
        self._closed = True

    async def start(self) -> None:
        self._closed = False
        workers = await asyncio.gather(*(_start(self.target, self.args) for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)
        self._open.set()

    async def close(self) -> None:
        self._closed = True
        self._open.clear()
        for task in list(self._spawning):
            with contextlib.suppress(BaseException):
                await task
        while not self._idle.empty():
            worker = self._idle.get_nowait()
            await _stop(worker)

    def _replace(self) -> None:
        if self._closed:
            return

        async def spawn() -> None:
            worker = await _start(self.target, self.args)
            if self._closed:
                await _kill(worker)
            else:
                self._idle.put_nowait(worker)

        task = asyncio.get_running_loop().create_task(spawn())
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    async def run(self, job: Any, timeout: float) -> Any:
        """The worker's answer to `job`; QueryTimeout past `timeout` (queueing included)."""
        deadline = time.monotonic() + timeout
        # the common case (open, a worker idle, nobody queued) without `wait_for`, which
        # wraps its awaitable in a task: the two cost ~14 µs a job in a tight loop, more
        # under load
        if not self._open.is_set():
            try:
                await asyncio.wait_for(self._open.wait(), timeout)
            except TimeoutError:
                raise _busy(timeout) from None
        self._admitted += 1  # from here on, a write waits for this job
        self._quiet.clear()
        try:
            if self._queued == 0 and not self._idle.empty():
                worker = self._idle.get_nowait()
            else:
                self._queued += 1  # later callers queue behind this one
                try:
                    worker = await asyncio.wait_for(self._idle.get(), deadline - time.monotonic())
                except TimeoutError:
                    raise _busy(timeout) from None
                finally:
                    self._queued -= 1
            return await self._ask(worker, job, deadline, timeout)
        finally:
            self._admitted -= 1
            if self._admitted == 0:
                self._quiet.set()

    async def _exchange(self, worker: _Worker, job: Any, deadline: float) -> Any:
        loop = asyncio.get_running_loop()
        channel = worker.channel
        ready: asyncio.Future[bytes] = loop.create_future()
        channel.waiter = ready
        channel.send(job)
        timer = loop.call_at(loop.time() + max(deadline - time.monotonic(), 0.001), _expire, ready)
        try:
            return pickle.loads(await ready)
        finally:
            timer.cancel()
            channel.waiter = None

    async def _ask(self, worker: _Worker, job: Any, deadline: float, timeout: float) -> Any:
        try:
            reply = await self._exchange(worker, job, deadline)
        except TimeoutError:
            await self._discard(worker)
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped") from None
        except (EOFError, OSError):
            await self._discard(worker)
            raise EngineUnavailable(
                "the query engine stopped while running this query "
                "(a query nested very deeply can do that); it has been restarted"
            ) from None
        except BaseException:
            await self._discard(worker)
            raise
        self._idle.put_nowait(worker)
        return unwrap(reply)

    async def _discard(self, worker: _Worker) -> None:
        await _kill(worker)
        self._replace()

    @contextlib.asynccontextmanager
    async def exclusive(self, quiesce: Any = None) -> AsyncIterator[None]:
        """No job runs inside this block, and jobs let in before it finish first.

        With `quiesce`, every worker answers that job first (the embedded store's "close
        your store handle") and is kept; without it, the workers are stopped and fresh
        ones started afterwards.
        """
        self._open.clear()
        kept: list[_Worker] = []
        try:
            await asyncio.sleep(0)  # callers already let in register themselves
            await self._quiet.wait()  # every job ends by its deadline
            for task in list(self._spawning):
                with contextlib.suppress(BaseException):
                    await task
            while not self._idle.empty():
                worker = self._idle.get_nowait()
                if quiesce is None:
                    await _stop(worker)
                    continue
                try:
                    unwrap(await self._exchange(worker, quiesce, time.monotonic() + 10))
                    kept.append(worker)
                except Exception:
                    await _kill(worker)
            yield
        finally:
            if not self._closed:
                for worker in kept:
                    self._idle.put_nowait(worker)
                for _ in range(self.size - len(kept)):
                    self._idle.put_nowait(await _start(self.target, self.args))
                self._open.set()


def _busy(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"no query worker became free within {timeout:g} s; try again later")


def _expire(ready: asyncio.Future[bytes]) -> None:
    if not ready.done():
        ready.set_exception(TimeoutError())


async def _kill(worker: _Worker) -> None:
    worker.channel.close()
    await asyncio.to_thread(worker.kill)


async def _stop(worker: _Worker) -> None:
    with contextlib.suppress(Exception):
        worker.channel.send(None)
    await asyncio.to_thread(_wait, worker)
    await _kill(worker)


def _wait(worker: _Worker) -> None:
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.process.wait(timeout=2)


def answer_jobs(conn: Connection, handle: Callable[[Any], Any]) -> None:
    """The worker side of a :class:`WorkerPool` (``pob.store.query_worker``,
    ``pob.validation.workers``): answer
    each job with ``("ok", handle(job))`` or an error reply until the socket closes or a
    None job arrives. Ctrl-C is the server's to handle; SIGTERM ends the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            reply: Any = ("ok", handle(job))
        except Exception as exc:  # reported to the parent, which maps it to a status
            reply = error_reply(exc)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
