"""The child of `bench.handle_memory`: one read-only handle, one scan, VmRSS on the way.

    python -m bench.handle_scan STORE_DIR QUERY MARKS

Opens STORE_DIR read-only, reads QUERY's answer row by row and prints, as JSON, its VmRSS
in MiB before opening (`start`), once opened, after each row count in MARKS (comma
separated) and after all rows, with the number of rows. It imports only pyoxigraph and
`bench.proc`, so what it reports is the handle's.
"""

from __future__ import annotations

import json
import os
import sys

import pyoxigraph as ox

from bench.proc import status_kib


def rss_mib() -> float:
    return status_kib(os.getpid(), "VmRSS") / 1024


def scan(path: str, query: str, marks: set[int]) -> dict[str, float]:
    out = {"start": rss_mib()}
    store = ox.Store.read_only(path)
    out["opened"] = rss_mib()
    rows = 0
    for _ in store.query(query):
        rows += 1
        if rows in marks:
            out[str(rows)] = rss_mib()
    out["all"] = rss_mib()
    out["rows"] = rows
    return out


if __name__ == "__main__":
    print(json.dumps(scan(sys.argv[1], sys.argv[2], {int(m) for m in sys.argv[3].split(",")})))
