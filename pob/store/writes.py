"""The one gate for a client's writes to a named graph (``/store``, the Graph Store protocol).

Every graph under ``{base}graph/`` is the service's own: the curated graphs (ontology,
data, inferred, meta) are written by the build, ``graph/submission/<id>`` by an accepted
submission together with its provenance record in the meta graph (checksum, triple count,
report). A client that writes one of them directly would break that record, or make a
"submission" nobody validated. :func:`check_client_write` refuses any graph in that
namespace (:class:`ReservedGraph`, 403); the rest of the graph IRIs are free for the
holder of the write token.
"""

from __future__ import annotations

from pob.core.problems import Problem
from pob.settings import Settings


class ReservedGraph(Problem):
    """A client tried to write (PUT, POST, DELETE) a graph only the service writes."""

    status = 403
    title = "Graph is reserved"


def reserved_namespace(settings: Settings) -> str:
    """The IRI prefix of the service's own graphs: ``{base}graph/``."""
    return settings.graph("")


def is_reserved(iri: str, settings: Settings) -> bool:
    """Whether `iri` is in the service's own namespace (compared without case, so that
    ``HTTPS://…/GRAPH/…`` is refused too)."""
    return iri.casefold().startswith(reserved_namespace(settings).casefold())


def check_client_write(iri: str, settings: Settings) -> None:
    """Raise :class:`ReservedGraph` unless a client may write graph `iri` directly."""
    if is_reserved(iri, settings):
        raise ReservedGraph(
            f"<{iri}> is in the service's own graph namespace <{reserved_namespace(settings)}>"
            " and cannot be written through /store: submit a dataset with POST /api/datasets,"
            " withdraw a submission with DELETE /api/datasets/{id}"
        )
