"""What can go wrong in a store, each with the HTTP status the service answers with."""

from __future__ import annotations

from pob.core.problems import Problem


class StoreError(Problem):
    """Something failed in the store or the engine behind it."""

    status = 500
    title = "Store error"


class QuerySyntaxError(StoreError):
    """The engine's parser refused the query."""

    status = 400
    title = "Query syntax error"


class QueryTimeout(StoreError):
    """The query ran past the time limit and was stopped."""

    status = 503
    title = "Query timed out"


class ResultTooLarge(StoreError):
    """The result has more rows (or triples) than the service hands out."""

    status = 413
    title = "Result too large"

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            f"the result has more than {limit:,} rows; narrow the query (LIMIT, FILTER) "
            "or page through it with LIMIT and OFFSET"
        )


class UnknownGraph(StoreError):
    """A named graph that is not in the store."""

    status = 404
    title = "No such graph"


class ProtectedGraph(StoreError):
    """A write to a graph that only the build may change."""

    status = 403
    title = "Graph is read-only"


class EngineUnavailable(StoreError):
    """The engine (a worker process or the remote server) stopped or cannot be reached."""

    status = 502
    title = "Engine unavailable"


class StoreLocked(StoreError):
    """Another process (a running server) holds the embedded store."""

    status = 409
    title = "Store in use"


class EngineLimitation(StoreError):
    """The remote engine cannot do what was asked the way the store contract promises it
    (e.g. a multi-operation update as one transaction on Virtuoso)."""

    status = 501
    title = "Not supported by the engine"
