"""The embedded store's directory: versions side by side, one `current` symlink.

```
{data_dir}/current -> stores/{id}   the live store (swapped with os.replace: atomic)
{data_dir}/stores/{id}/             pyoxigraph (RocksDB) directories
{data_dir}/spool/                   complete query results waiting to be sent
{data_dir}/server.lock              held (flock) by the process that has the store open
```
A build, and `pob load` (:mod:`pob.store.bulk`: a hard-linked checkpoint of the live store,
bulk loaded), write a new `stores/{id}` and only then move `current`; a crash before the
move leaves the last good store in place, and the half-built directory is removed next time.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import IO

from pob.store.errors import StoreLocked


def current(data_dir: Path) -> Path | None:
    """The live store directory, if there is one."""
    link = data_dir / "current"
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def new_version(data_dir: Path) -> Path:
    """A fresh, empty directory for a new store version."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path = data_dir / "stores" / f"{stamp}-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    return path


def swap(data_dir: Path, version: Path) -> Path | None:
    """Point `current` at `version` atomically; the previous target is returned."""
    previous = current(data_dir)
    link = data_dir / "current"
    staging = data_dir / f".current-{uuid.uuid4().hex[:8]}"
    staging.symlink_to(version.relative_to(data_dir))
    os.replace(staging, link)
    fd = os.open(data_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return previous


def remove_stale(data_dir: Path) -> list[Path]:
    """Delete every store version `current` does not point at (half-built or replaced)."""
    live = current(data_dir)
    removed: list[Path] = []
    for version in sorted((data_dir / "stores").glob("*")):
        if version.is_dir() and version != live:
            shutil.rmtree(version, ignore_errors=True)
            removed.append(version)
    for staging in data_dir.glob(".current-*"):
        staging.unlink(missing_ok=True)
    return removed


def spool_dir(data_dir: Path) -> Path:
    """The directory for result files, emptied."""
    path = data_dir / "spool"
    path.mkdir(parents=True, exist_ok=True)
    # results, and the dumps of a replica's copy (pob/store/replica.py) a killed worker left
    for leftover in [*path.glob("result-*"), *path.glob("replica-*")]:
        with contextlib.suppress(OSError):
            leftover.unlink()
    return path


class DirectoryLock:
    """An exclusive `flock` on `{data_dir}/server.lock`: one process owns the store."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "server.lock"
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise StoreLocked(
                f"another process (a running `pob serve`?) has the store in {self.path.parent} "
                "open; stop it, or load through its Graph Store endpoint (pob load --url)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
