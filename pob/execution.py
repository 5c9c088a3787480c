"""Running engine work off the event loop, stoppable at a hard deadline.

A :class:`WorkerPool` keeps N worker processes (``python -m pob.worker``, talking over a
socket pair with ``multiprocessing.connection``), each running one job at a time. The event
loop waits for an answer with ``loop.add_reader`` (no thread per request). When the
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
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from pob.store.errors import EngineUnavailable, QueryTimeout, unwrap


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    started: float = field(default_factory=time.monotonic)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()
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
    return _Worker(process, Connection(ours.detach()))


class WorkerPool:
    """N worker processes; `run` sends one job to an idle one and waits with a deadline."""

    def __init__(self, size: int, module: str, args: tuple[str, ...] = ()):
        self.size = size
        self.target = module
        self.args = args
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._admitted = 0
        self._open = asyncio.Event()
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._spawning: set[asyncio.Task[None]] = set()
        self._closed = True

    async def start(self) -> None:
        self._closed = False
        workers = await asyncio.gather(
            *(asyncio.to_thread(_spawn, self.target, self.args) for _ in range(self.size))
        )
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
            await asyncio.to_thread(_stop, worker)

    def _replace(self) -> None:
        if self._closed:
            return

        async def spawn() -> None:
            worker = await asyncio.to_thread(_spawn, self.target, self.args)
            if self._closed:
                await asyncio.to_thread(worker.kill)
            else:
                self._idle.put_nowait(worker)

        task = asyncio.get_running_loop().create_task(spawn())
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    async def run(self, job: Any, timeout: float) -> Any:
        """The worker's answer to `job`; QueryTimeout past `timeout` (queueing included)."""
        deadline = time.monotonic() + timeout
        try:
            await asyncio.wait_for(self._open.wait(), timeout)
        except TimeoutError:
            raise _busy(timeout) from None
        self._admitted += 1  # from here on, a write waits for this job
        self._quiet.clear()
        try:
            try:
                worker = await asyncio.wait_for(self._idle.get(), deadline - time.monotonic())
            except TimeoutError:
                raise _busy(timeout) from None
            return await self._ask(worker, job, deadline, timeout)
        finally:
            self._admitted -= 1
            if self._admitted == 0:
                self._quiet.set()

    async def _exchange(self, worker: _Worker, job: Any, deadline: float) -> Any:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        fd = worker.conn.fileno()
        worker.conn.send(job)
        loop.add_reader(fd, _wake, ready)
        try:
            await asyncio.wait_for(ready, max(deadline - time.monotonic(), 0.001))
        finally:
            loop.remove_reader(fd)
            # uvloop's add_reader leaves the socket non-blocking: a reply larger than the
            # socket buffer would then end recv() with BlockingIOError half-way
            os.set_blocking(fd, True)
        return worker.conn.recv()

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
        await asyncio.to_thread(worker.kill)
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
                    await asyncio.to_thread(_stop, worker)
                    continue
                try:
                    unwrap(await self._exchange(worker, quiesce, time.monotonic() + 10))
                    kept.append(worker)
                except Exception:
                    await asyncio.to_thread(worker.kill)
            yield
        finally:
            if not self._closed:
                for worker in kept:
                    self._idle.put_nowait(worker)
                for _ in range(self.size - len(kept)):
                    self._idle.put_nowait(await asyncio.to_thread(_spawn, self.target, self.args))
                self._open.set()


def _busy(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"no query worker became free within {timeout:g} s; try again later")


def _wake(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)


def _stop(worker: _Worker) -> None:
    with contextlib.suppress(Exception):
        worker.conn.send(None)
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.process.wait(timeout=2)
    worker.kill()
