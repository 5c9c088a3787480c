"""Running engine work off the event loop, stoppable at a hard deadline.

A :class:`WorkerPool` keeps N worker processes (``python -m MODULE FD``: the query workers
of :mod:`pob.store.query_worker`, the validation workers of :mod:`pob.validation.workers`),
each running one job at a time and talking over a socket pair in
``multiprocessing.connection``'s framing (:mod:`pob.store.channel`). The event loop holds
each socket as an asyncio transport (no thread per request, and one system call to send a
job and one to read a small answer: registering and unregistering a reader and switching
blocking mode for every job cost ~8 more). When the deadline passes the worker is killed
(SIGKILL: pyoxigraph's query loop never yields, so nothing gentler works), a new one is
started in the background and the job fails with :class:`WorkerTimeout`. A worker that
dies (e.g. a stack overflow in the engine) is replaced the same way and the job fails with
:class:`WorkerLost`.

The pool is generic: it knows nothing of stores or validation, and its errors are its own
(:mod:`pob.store.worker_replies`: :class:`WorkerError` and subclasses).

`exclusive()` drains the pool around a write: new jobs wait, jobs already let in finish
(or hit their deadline), then every worker answers a "quiesce" job (the query workers
close their store handle) or is stopped; the write runs; the query workers reopen the
store on their next job. pyoxigraph's read-only handles are undefined while another
process writes, so none may stay open.

With `idle_exit`, a pool's workers are started on demand: one left idle that long is
stopped, as is one that ends (retires, dies, is killed), and the next job starts one (the
feed's worker, whose jobs come in bursts after a start or a write: its engine handle's
caches are not held for nothing between them; docs/performance.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from pob.store.channel import Channel
from pob.store.jobs import RETIRE
from pob.store.worker_replies import WorkerLost, WorkerTimeout, unwrap

#: a job let in with less than this many seconds of its deadline left (or half of it, for
#: a shorter deadline) is not sent: it
#: would almost surely overrun, and a job that overruns costs its worker (killed, and a
#: new one started: 0.3 to 1 s on 2 busy CPUs, while every queued job waits). Measured:
#: one worker, a 1 s deadline and a query every 50 ms behind a write's swap; each job let
#: in on its last milliseconds killed the fresh worker that had to open the store first,
#: and the pool answered nothing for seconds after the swap.
MIN_JOB_BUDGET = 0.1


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    sock: socket.socket
    channel: Channel = field(default_factory=Channel)
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

    def __init__(
        self, size: int, module: str, args: tuple[str, ...] = (), idle_exit: float | None = None
    ):
        self.size = size
        self.target = module
        self.args = args
        #: seconds a worker may stay idle before it is stopped (None: never; see above)
        self.idle_exit = idle_exit
        #: workers stopped (with `idle_exit`) that the next jobs start again
        self._dormant = 0
        self._rest: asyncio.TimerHandle | None = None
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._admitted = 0
        #: callers waiting for an idle worker
        self._queued = 0
        self._open = asyncio.Event()
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._spawning: set[asyncio.Task[None]] = set()
        self._closed = True
        #: workers running a job (what :meth:`abort` stops)
        self._busy: dict[int, _Worker] = {}

    async def start(self) -> None:
        self._closed = False
        workers = await asyncio.gather(*(_start(self.target, self.args) for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)
        self._open.set()
        self._idled()

    async def close(self) -> None:
        self._closed = True
        self._open.clear()
        if self._rest is not None:
            self._rest.cancel()
        for task in list(self._spawning):
            with contextlib.suppress(BaseException):
                await task
        while not self._idle.empty():
            worker = self._idle.get_nowait()
            await _stop(worker)

    def _replace(self) -> None:
        if self._closed:
            return
        if self.idle_exit is not None:  # started again by the next job (`run`)
            self._dormant += 1
            return
        self._spawn()

    def _spawn(self) -> None:
        """Start one worker in the background; it joins the idle ones when it is up."""

        async def spawn() -> None:
            worker = await _start(self.target, self.args)
            if self._closed:
                await _kill(worker)
            else:
                self._idle.put_nowait(worker)

        task = asyncio.get_running_loop().create_task(spawn())
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    def _idled(self) -> None:
        """A worker went idle: with `idle_exit`, the pool's idle workers are stopped once
        no job has started or ended for that long."""
        if self.idle_exit is None or self._closed:
            return
        if self._rest is not None:
            self._rest.cancel()
        self._rest = asyncio.get_running_loop().call_later(self.idle_exit, self._sleep)

    def _sleep(self) -> None:
        self._rest = None
        if self._closed or not self._open.is_set() or self._admitted:
            return
        while not self._idle.empty():
            self._dormant += 1
            task = asyncio.get_running_loop().create_task(_stop(self._idle.get_nowait()))
            self._spawning.add(task)  # awaited, as a start is, by close() and exclusive()
            task.add_done_callback(self._spawning.discard)

    @property
    def idle(self) -> bool:
        """A job sent now would start at once (open, a worker idle, nobody queued)."""
        return self._open.is_set() and self._queued == 0 and not self._idle.empty()

    async def run(self, job: Any, timeout: float, limit: float | None = None) -> Any:
        """The worker's answer to `job`.

        `job` may be a function that makes the job: it is called once the job is let in
        (no :meth:`exclusive` block can start before it ends), so what it reads is what
        holds while it runs (the embedded store's live version: a job made before a swap
        and let in after it would name a version that is gone).

        Raises WorkerTimeout past `timeout` (queueing included) or, with `limit`, once the
        job has run `limit` seconds in its worker (`queued` False either way), WorkerLost
        if the worker died, and what the handler raised (:func:`unwrap`)."""
        deadline = time.monotonic() + timeout
        # the common case (open, a worker idle, nobody queued) without `wait_for`, which
        # wraps its awaitable in a task: the two cost ~14 µs a job in a tight loop, more
        # under load
        if not self._open.is_set():
            try:
                await asyncio.wait_for(self._open.wait(), timeout)
            except TimeoutError:
                raise WorkerTimeout(timeout, queued=True) from None
        self._admitted += 1  # from here on, a write waits for this job
        self._quiet.clear()
        if self._idle.empty() and self._dormant:  # a worker to start (idle_exit)
            self._dormant -= 1
            self._spawn()
        try:
            if self._queued == 0 and not self._idle.empty():
                worker = self._idle.get_nowait()
            else:
                self._queued += 1  # later callers queue behind this one
                try:
                    worker = await asyncio.wait_for(self._idle.get(), deadline - time.monotonic())
                except TimeoutError:
                    raise WorkerTimeout(timeout, queued=True) from None
                finally:
                    self._queued -= 1
            if deadline - time.monotonic() < min(MIN_JOB_BUDGET, timeout / 2):
                self._idle.put_nowait(worker)  # unused: the next job takes it
                raise WorkerTimeout(timeout, queued=True)
            if limit is not None:
                deadline = min(deadline, time.monotonic() + limit)
            return await self._ask(worker, job() if callable(job) else job, deadline, timeout)
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
        self._busy[id(worker)] = worker
        try:
            reply = await self._exchange(worker, job, deadline)
        except TimeoutError:
            await self._discard(worker)
            raise WorkerTimeout(timeout) from None
        except (EOFError, OSError):
            code = await asyncio.to_thread(_exit_status, worker)
            await self._discard(worker)
            raise WorkerLost(
                "the worker stopped while running the job; it has been replaced", code
            ) from None
        except BaseException:
            await self._discard(worker)
            raise
        finally:
            self._busy.pop(id(worker), None)
        if len(reply) > 2 and reply[2] == RETIRE:  # it exits after this answer
            await self._discard(worker)
        else:
            self._idle.put_nowait(worker)
            self._idled()
        return unwrap(reply[:2])

    async def abort(self) -> None:
        """Stop the jobs running now: their workers are killed (and replaced), and each
        caller gets :class:`WorkerLost`. For work that can be done again later (the feed's
        background work, before a write), never for a client's query."""
        for worker in list(self._busy.values()):
            if worker.process.poll() is None:
                worker.process.kill()
        await asyncio.sleep(0)

    async def _discard(self, worker: _Worker) -> None:
        await _kill(worker)
        self._replace()

    @contextlib.asynccontextmanager
    async def exclusive(self, quiesce: Any = None, abort: bool = False) -> AsyncIterator[None]:
        """No job runs inside this block, and jobs let in before it finish first (with
        `abort`: are stopped, see :meth:`abort`).

        With `quiesce`, every worker answers that job first (the embedded store's "close
        your store handle") and is kept; without it, the workers are stopped and fresh
        ones started afterwards.
        """
        self._open.clear()
        kept: list[_Worker] = []
        try:
            await asyncio.sleep(0)  # callers already let in register themselves
            if abort:
                await self.abort()
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
                if self.idle_exit is not None:  # the next jobs start the others
                    self._dormant = self.size - len(kept)
                for _ in range(self.size - len(kept) - self._dormant):
                    self._idle.put_nowait(await _start(self.target, self.args))
                self._open.set()
                self._idled()


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


def _exit_status(worker: _Worker) -> int | None:
    """How a worker whose socket closed ended (it is given a second to finish exiting)."""
    try:
        return worker.process.wait(timeout=1)
    except subprocess.TimeoutExpired:
        return None
