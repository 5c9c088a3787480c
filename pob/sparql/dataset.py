"""The RDF dataset of a client's query: the SPARQL 1.1 Protocol's precedence rules."""

from __future__ import annotations

from collections.abc import Iterable

from pob.sparql.guard import CheckedQuery, GuardError
from pob.store.base import Dataset


def resolve_dataset(
    query: CheckedQuery,
    graphs: Iterable[str],
    default_uris: Iterable[str] = (),
    named_uris: Iterable[str] = (),
    inference: bool = True,
    inferred: str | None = None,
) -> Dataset:
    """The dataset a request asks for.

    Precedence (SPARQL 1.1 Protocol §2.1.4): the protocol's `default-graph-uri` /
    `named-graph-uri` over the query's FROM / FROM NAMED over the service default (the union
    of all graphs). `inference=false` sets the default graph to every graph but `inferred`.

    A graph named that the store does not hold is an empty graph (what Oxigraph does, and
    what the W3C protocol tests expect): nothing is ever fetched, and the service
    description says so (it does not claim `sd:DereferencesURIs`).
    """
    default, named = tuple(default_uris), tuple(named_uris)
    if not inference and (default or named or query.has_dataset):
        raise GuardError(
            "inference=false chooses the default graph itself; it cannot be combined with "
            "default-graph-uri, named-graph-uri, FROM or FROM NAMED (name the graphs instead)"
        )
    if default or named:
        return Dataset(default=default, named=named)
    if query.has_dataset:
        return Dataset(from_query=True)
    if not inference:
        return Dataset(default=tuple(sorted(g for g in graphs if g != inferred)))
    return Dataset()
