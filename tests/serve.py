"""Run the service for a test: `python -m tests.serve '<settings as JSON>'`.

The fixtures in tests/conftest.py start this in a subprocess on 127.0.0.1 and a free port.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

from pob.settings import Settings
from pob.store import make_store
from server.runner import run

PATHS = ("data_dir", "ontology_dir", "data_ttl_dir", "queries_dir")


def _exit(signum: int, frame: object) -> None:
    sys.exit(0)  # a normal exit, so atexit handlers (coverage in subprocesses) run


def main(raw: str) -> None:
    # uvicorn shuts down gracefully on SIGTERM and then raises the signal again; with this
    # handler in place that ends the process normally instead of by the signal
    signal.signal(signal.SIGTERM, _exit)
    values = json.loads(raw)
    for key in PATHS:
        if key in values:
            values[key] = Path(values[key])
    hooks = values.pop("write_hooks", None)
    settings = Settings(**values)
    store = make_store(settings, MarkedWrites(**hooks)) if hooks else None
    run(settings, log_level="warning", store=store)


class MarkedWrites:
    """Write hooks for the kill -9 test: inside the write transaction, write
    ``{mark}.before`` and sleep `delay` s, let the engine write, then write ``{mark}.after``
    and sleep again (the test kills the server in one of those moments)."""

    def __init__(self, delay: float, mark: str) -> None:
        self.delay = delay
        self.mark = mark

    def before(self) -> None:
        Path(self.mark + ".before").write_text(str(time.time()))
        time.sleep(self.delay)

    def after(self) -> None:
        Path(self.mark + ".after").write_text(str(time.time()))
        time.sleep(self.delay)


if __name__ == "__main__":
    main(sys.argv[1])
