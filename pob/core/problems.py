"""The one base of every refusal the library reports with an HTTP status.

A :class:`Problem` carries what the service answers: the status, a short title, the
detail, and where in the input it went wrong (line, column) when that is known. The guard
(:mod:`pob.sparql.guard`), the stores (:mod:`pob.store.errors`), uploads
(:mod:`pob.validation.upload`) and
submissions (:mod:`pob.validation.submissions`) raise subclasses; ``server/errors.py`` turns any of
them into a JSON or plain-text answer, and the CLI prints the detail.
"""

from __future__ import annotations

from typing import Any

#: seconds a 503 answer asks a client to wait before trying again (`Retry-After`)
RETRY_AFTER = 5


class Problem(Exception):
    """A refusal with its HTTP status; subclasses set `status` and `title`."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, line: int | None = None, column: int | None = None) -> None:
        self.detail = detail
        self.line = line
        self.column = column
        super().__init__(detail)

    def headers(self) -> dict[str, str]:
        """Extra response headers (e.g. `WWW-Authenticate`); every 503 (busy, a time limit
        reached) says when to try again."""
        return {"Retry-After": str(RETRY_AFTER)} if self.status == 503 else {}

    def extra(self) -> dict[str, Any]:
        """Extra members of the JSON error object."""
        return {}
