"""Processes and load for `bench.service`: servers, a memory sampler, HTTP clients.

Everything talks only to 127.0.0.1 and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.proc import status_kib

JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"


@dataclass
class Server:
    """A server process on 127.0.0.1 and the URL of its SPARQL query endpoint."""

    name: str
    endpoint: str
    process: subprocess.Popen[bytes]
    log: Path
    #: the environment it was started with (None: this process's)
    env: Mapping[str, str] | None = None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(
    name: str,
    command: Sequence[str],
    endpoint: str,
    log: Path,
    wait: float,
    env: Mapping[str, str] | None = None,
) -> Server:
    """Start `command` and wait (at most `wait` s) until `endpoint` answers ASK {}."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            list(command),
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=None if env is None else dict(env),
        )
    server = Server(name, endpoint, process, log, env)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited ({process.returncode}):\n{log.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(endpoint, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} did not answer within {wait:g} s:\n{log.read_text()}")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = stat.read_text()
            ppid = int(text[text.rindex(")") + 2 :].split()[1])
            tree.setdefault(ppid, []).append(int(stat.parent.name))
    return tree


def process_tree(pid: int) -> list[int]:
    """`pid` and every process under it."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, []))
    return found


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of these processes so far."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = Path(f"/proc/{pid}/stat").read_text()
            fields = text[text.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, share: float = 0.05, timeout: float = 300) -> float:
    """Wait until a process tree uses under `share` of a CPU over a second (work it does
    in the background after it starts answering); the seconds waited."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        pids = Memory(pid).tree()
        before = cpu_seconds(pids)
        time.sleep(1)
        if cpu_seconds(pids) - before < share:
            break
    return time.monotonic() - began


def _role(pid: int) -> str:
    """The module a process runs (`python -m pob.store.query_worker` → that), else the
    name of its program."""
    with contextlib.suppress(OSError):
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"-m" in args[:-1]:
            return args[args.index(b"-m") + 1].decode()
        return Path(args[0].decode()).name
    return "?"


@dataclass
class Memory:
    """Samples a process and its descendants (10 times a second) from /proc.

    `peak_sum` is the largest sum of VmRSS seen at one moment; `hwm_sum` adds up each
    process's own VmHWM (every process ever seen, workers that were replaced included), an
    upper bound of the true peak that sampling cannot miss.
    """

    pid: int
    peak_sum: int = 0
    hwm: dict[int, int] = field(default_factory=dict)
    #: what each process seen is: the module it runs (`python -m …`), else its program
    roles: dict[int, str] = field(default_factory=dict)
    #: VmRSS (KiB) by role ("server": the process itself) at the moment of `peak_sum`
    peak_roles: dict[str, int] = field(default_factory=dict)
    #: the most threads the process itself had at one sample
    threads: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _paused: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def tree(self) -> list[int]:
        return process_tree(self.pid)

    def pause(self, paused: bool) -> None:
        """Stop sampling for a while (the per-process peaks, VmHWM, are kept by the kernel
        anyway): the samplers' walks through /proc hold the bench process's GIL, which
        would slow the in-process timings."""
        if paused:
            self._paused.set()
        else:
            self._paused.clear()

    def sample(self) -> None:
        if self._paused.is_set():
            return
        pids = self.tree()
        rss = {pid: status_kib(pid, "VmRSS") for pid in pids}
        for pid in pids:
            if pid not in self.roles:
                self.roles[pid] = _role(pid)
        if sum(rss.values()) > self.peak_sum:
            self.peak_sum = sum(rss.values())
            self.peak_roles = {}
            for pid, kib in rss.items():
                role = "server" if pid == self.pid else self.roles[pid]
                self.peak_roles[role] = self.peak_roles.get(role, 0) + kib
        for pid in pids:
            self.hwm[pid] = max(self.hwm.get(pid, 0), status_kib(pid, "VmHWM"))
        self.threads = max(self.threads, status_kib(self.pid, "Threads"))

    def __enter__(self) -> Memory:
        def loop() -> None:
            while not self._stop.wait(0.1):
                self.sample()

        self.sample()
        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._paused.clear()
        self.sample()

    @property
    def hwm_sum(self) -> int:
        return sum(self.hwm.values())

    @property
    def processes(self) -> int:
        return len(self.hwm)

    @property
    def own(self) -> int:
        """The VmHWM of the process itself (not its children)."""
        return self.hwm.get(self.pid, 0)

    def of_role(self, role: str) -> int:
        """The sum of the VmHWM of the descendants that run `role` (a module name)."""
        return sum(k for pid, k in self.hwm.items() if pid != self.pid and self.roles[pid] == role)


@dataclass(frozen=True)
class Query:
    name: str
    form: str
    text: str

    @property
    def accept(self) -> str:
        return JSON if self.form in ("SELECT", "ASK") else NTRIPLES


def ask(client: httpx.Client, endpoint: str, query: Query) -> bytes:
    response = client.get(endpoint, params={"query": query.text}, headers={"Accept": query.accept})
    if response.status_code != 200:
        raise RuntimeError(f"{endpoint} {query.name}: {response.status_code} {response.text}")
    return response.content


def medians(runs: int, timers: Mapping[str, Callable[[], object]]) -> dict[str, float]:
    """Median seconds of `runs` calls of each timer, after one warm-up call each.

    The timers take turns (one call each per round, the order rotating), so a change in
    the machine's load while they run falls on all of them alike."""
    names = list(timers)
    for name in names:
        timers[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(runs):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            began = time.perf_counter()
            timers[name]()
            times[name].append(time.perf_counter() - began)
    return {name: statistics.median(values) for name, values in times.items()}


@dataclass
class Throughput:
    done: int
    errors: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def __add__(self, other: Throughput) -> Throughput:
        return Throughput(
            self.done + other.done, self.errors + other.errors, self.seconds + other.seconds
        )


def mix(endpoint: str, queries: Sequence[Query], clients: int, duration: float) -> Throughput:
    """`clients` threads, each with its own connection, run the queries in a shuffled
    cycle until `duration` has passed; queries answered per second (errors not counted)."""
    done = [0] * clients
    errors = [0] * clients
    deadline = time.monotonic() + duration

    def client(n: int) -> None:
        order = list(queries)
        random.Random(n).shuffle(order)
        # no client gives up: an abandoned query would go on running in the server
        with httpx.Client(timeout=900) as http:
            i = 0
            while time.monotonic() < deadline:
                try:
                    ask(http, endpoint, order[i % len(order)])
                    done[n] += 1
                except (RuntimeError, httpx.HTTPError):
                    errors[n] += 1
                i += 1

    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Throughput(sum(done), sum(errors), time.monotonic() - began)


def hey_available() -> bool:
    return shutil.which("hey") is not None


def point_load(url: str, accept: str, clients: int, duration: float) -> tuple[Throughput, str]:
    """GET `url` from `clients` connections for `duration` s: Debian's `hey` if installed
    (a Go load generator), else Python threads. Returns the throughput and the tool."""
    if hey_available():
        began = time.monotonic()
        out = subprocess.run(
            ["hey", "-z", f"{duration:g}s", "-c", str(clients), "-H", f"Accept: {accept}", url],
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=True,
        ).stdout
        seconds = time.monotonic() - began
        ok = sum(int(n) for n in re.findall(r"\[200\]\s+(\d+) responses", out))
        total = sum(int(n) for n in re.findall(r"\[\d{3}\]\s+(\d+) responses", out))
        found = re.search(r"Total:\s+([\d.]+) secs", out)
        seconds = float(found.group(1)) if found else seconds
        failed = sum(int(n) for n in re.findall(r"^\s+\[(\d+)\]\s+Get ", out, re.M))
        return Throughput(ok, total - ok + failed, seconds), "hey"
    done, errors = [0] * clients, [0] * clients
    deadline = time.monotonic() + duration

    def client(n: int) -> None:
        with httpx.Client(timeout=30) as http:
            while time.monotonic() < deadline:
                try:
                    ok = http.get(url, headers={"Accept": accept}).status_code == 200
                except httpx.HTTPError:
                    ok = False
                done[n] += ok
                errors[n] += not ok

    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Throughput(sum(done), sum(errors), time.monotonic() - began), "Python threads"


def first_requests(endpoint: str, query: Query, seconds: float) -> list[tuple[float, float]]:
    """Right after a server starts answering: `query` sent again and again from one
    keep-alive connection for `seconds`; (seconds since the first, latency) of each."""
    out: list[tuple[float, float]] = []
    began = time.perf_counter()
    with httpx.Client(timeout=120) as http:
        while time.perf_counter() - began < seconds:
            sent = time.perf_counter()
            ask(http, endpoint, query)
            out.append((sent - began, time.perf_counter() - sent))
    return out


def new_connections(endpoint: str, query: Query, count: int) -> list[float]:
    """`query` sent `count` times, each the first request of a new client's new connection
    (the client made before the clock starts, as in :func:`first_requests`): what a first
    request costs a warm server, the reference of the first request after a start."""
    out: list[float] = []
    for _ in range(count):
        with httpx.Client(timeout=120) as http:
            sent = time.perf_counter()
            ask(http, endpoint, query)
            out.append(time.perf_counter() - sent)
    return out


def rounds(
    names: Sequence[str], count: int, run: Callable[[str, int], Throughput]
) -> dict[str, list[Throughput]]:
    """`run(name, round)` for every name, `count` rounds, the order reversed every other
    round (A B C, C B A, …), so a drifting machine load favours none."""
    got: dict[str, list[Throughput]] = {name: [] for name in names}
    for n in range(count):
        for name in names if n % 2 == 0 else list(reversed(names)):
            got[name].append(run(name, n))
    return got


def loadavg() -> float:
    """The 1-minute load average now."""
    return os.getloadavg()[0]
