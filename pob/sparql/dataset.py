"""The RDF dataset of a client's query: the SPARQL 1.1 Protocol's precedence rules."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pob.sparql.guard import CheckedQuery, GuardError
from pob.store.base import Dataset

#: an absolute IRI (RFC 3987: a scheme, then no character an IRI never has)
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*")


def checked_iris(name: str, values: Iterable[str]) -> tuple[str, ...]:
    """The values of protocol parameter `name`, each an absolute IRI (GuardError if not)."""
    out = tuple(values)
    for value in out:
        if not ABSOLUTE_IRI.fullmatch(value):
            shown = repr(value[:80]) if value else "empty"
            raise GuardError(f"{name} must be a graph's absolute IRI; it is {shown}")
    return out


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
    default = checked_iris("default-graph-uri", default_uris)
    named = checked_iris("named-graph-uri", named_uris)
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
