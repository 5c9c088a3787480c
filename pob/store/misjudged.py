"""The queries the fast lane has seen misjudged, so that they go straight to the pool.

The guard judges a query cheap from its tokens alone (:func:`pob.sparql.guard.is_cheap`):
a scheduling hint. A query judged cheap that is not is killed in the fast lane after
`LANE_DEADLINE` and run again in the pool (:mod:`pob.store.embedded`); sent again, it would
pay that again every time. At 5 M triples the benchmark's CONSTRUCTs (judged cheap for their
bound predicates, 117,018 and 145,402 triples) each cost the lane a second of CPU and a
restart of its worker whenever the pool was busy. :class:`Misjudged` remembers the last
:data:`MAX_MISJUDGED` of them (a digest of the job's arguments: query text, dataset, format,
row limit, base IRI) and the lane no longer takes them.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

#: misjudged queries remembered (32 bytes each); the oldest is forgotten past it
MAX_MISJUDGED = 1024


def _digest(args: tuple[Any, ...]) -> bytes:
    return hashlib.sha256(repr(args).encode("utf-8", "surrogatepass")).digest()


class Misjudged:
    """A bounded memory of query jobs (their arguments) that overran the fast lane."""

    def __init__(self, size: int = MAX_MISJUDGED) -> None:
        self.size = size
        self._seen: OrderedDict[bytes, None] = OrderedDict()

    def add(self, args: tuple[Any, ...]) -> None:
        key = _digest(args)
        self._seen[key] = None
        self._seen.move_to_end(key)
        while len(self._seen) > self.size:
            self._seen.popitem(last=False)

    def __contains__(self, args: object) -> bool:
        return isinstance(args, tuple) and _digest(args) in self._seen

    def __len__(self) -> int:
        return len(self._seen)
