"""Bounded queries answered in the server process, without the hop to a query worker.

The guard marks a query *bounded* (:mod:`pob.sparql.bounded`) when the engine cannot do
more work than the answer it writes: one triple pattern under a plain projection, an ASK,
a CONSTRUCT whose one template triple holds every variable, a DESCRIBE of IRIs. The
embedded store runs such a query here, on the server process's in-memory copy of the live
version (:class:`pob.store.replica.Replica`, kept when one more copy than the pool's fits
`POB_REPLICA_MEMORY`), or without one on the process's own disk handle (while it stays
fast and small: :mod:`pob.store.own_reader`), with its result cut off at
:data:`INLINE_ROWS` rows (or triples) and :data:`INLINE_BYTES` bytes: so its work is
bounded before it starts, and it needs neither a worker nor the worker's deadline. A query
that reaches either bound is given up (:func:`answer` returns None) and goes to a worker
with the full deadline, as every other query does; what it cost here is at most the bound.

Measured on a point lookup (27 rows): the worker round trip (a job written to its socket,
the worker woken, the answer read back) was about a third of the server process's CPU per
request (docs/performance.md, "SPARQL service").
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from pob.store import results
from pob.store.base import Dataset, EngineQuery, QueryResult
from pob.store.errors import ResultTooLarge, StoreError

#: rows (or triples) a query answered in the server process may give; past it, a worker
INLINE_ROWS = 256
#: bytes of result a query answered in the server process may give; past it, a worker
INLINE_BYTES = 256 * 1024


def answer(
    reader: ox.Store,
    query: EngineQuery,
    dataset: Dataset,
    media_type: str,
    max_rows: int | None,
    spool_dir: Path,
) -> QueryResult | None:
    """The complete result of a bounded query, or None: it reached a bound (a worker runs
    it). Syntax errors are raised as the worker raises them (QuerySyntaxError)."""
    cap = INLINE_ROWS if max_rows is None else min(INLINE_ROWS, max_rows)
    try:
        return results.run_query(
            reader, query.text, dataset, media_type, cap, spool_dir, query.base_iri, INLINE_BYTES
        )
    except ResultTooLarge:
        return None  # past a bound: the worker gives the answer (ResultTooLarge included)
    except StoreError:
        raise  # QuerySyntaxError: the answer a worker gives too
    except Exception:
        return None  # anything else the engine raised here: the worker answers, or says why
