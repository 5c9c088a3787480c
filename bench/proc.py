"""What Linux says about a process, read from `/proc` (the benches' memory figures).

Standard library only, so a bench's child process can use it without loading more than it
measures (`bench.handle_scan`).
"""

from __future__ import annotations

import contextlib
from pathlib import Path


def status_kib(pid: int, key: str) -> int:
    """A field of `/proc/<pid>/status` in KiB (`VmRSS`, `VmHWM`, …; `Threads` as a count);
    0 when the process is gone or the field missing."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0
