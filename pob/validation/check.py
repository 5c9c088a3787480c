"""Checking a dataset: :func:`check`, the one place that decides how a dataset is validated.

A dataset (pyoxigraph triples, as :func:`pob.validation.upload.parse_upload` gives them) is
validated with the ontology and the reference data it may point to (:class:`Reference`):
without inference, and, when inference is asked for, with it too, so the report can say
what inference changes (:class:`pob.validation.report.Check`). ``POST /api/validate``, the
web form, ``POST /api/datasets`` (through the validation workers,
:mod:`pob.validation.workers`) and ``pob validate`` all call it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from pob.validation.content import to_rdflib
from pob.validation.engine import validate
from pob.validation.report import Check, Inference, Profile


class Reference:
    """What a dataset is validated with: the ontology and the reference data (and their
    inferred triples, for incremental OWL-RL); `key` names the version.

    Made from rdflib graphs, or from N-Triples as the store hands them out (the service
    process only passes those on to its validation workers, so they are parsed only where
    they are used). Made without inferred triples (the CLI's curated data), it has no
    :attr:`closed` base: OWL-RL then infers from the ontology and the data themselves."""

    NAMES = ("ontology", "data", "inferred")

    def __init__(
        self,
        key: str,
        ontology: Graph | None = None,
        data: Graph | None = None,
        inferred: Graph | None = None,
        *,
        payload: dict[str, bytes] | None = None,
    ) -> None:
        self.key = key
        self._graphs: dict[str, Graph] = {}
        for name, graph in zip(self.NAMES, (ontology, data, inferred), strict=True):
            if graph is not None:
                self._graphs[name] = graph
        self._payload = payload
        self._closed: Graph | None = None

    def graph(self, name: str) -> Graph:
        if name not in self._graphs:
            data = (self._payload or {}).get(name, b"")
            self._graphs[name] = to_rdflib(_parse_nt(data)) if data else Graph()
        return self._graphs[name]

    @property
    def ontology(self) -> Graph:
        return self.graph("ontology")

    @property
    def data(self) -> Graph:
        return self.graph("data")

    @property
    def inferred(self) -> Graph:
        return self.graph("inferred")

    @property
    def closed(self) -> Graph | None:
        """Ontology + data + inferred: the closed base for
        :func:`pob.graph.reasoning.fast_closure`; None when made without inferred triples."""
        if "inferred" not in self._graphs and "inferred" not in (self._payload or {}):
            return None
        if self._closed is None:
            closed = Graph()
            for name in self.NAMES:
                closed += self.graph(name)
            self._closed = closed
        return self._closed

    def payload(self) -> dict[str, bytes]:
        """The graphs as N-Triples (serialised once)."""
        if self._payload is None:
            self._payload = {
                name: self.graph(name).serialize(format="nt", encoding="utf-8")
                for name in self.NAMES
                if name in self._graphs
            }
        return self._payload

    @classmethod
    def from_payload(cls, key: str, payload: dict[str, bytes]) -> Reference:
        return cls(key, payload=payload)


def _parse_nt(data: bytes) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)]


def check(
    triples: Sequence[Any],
    reference: Reference | None,
    *,
    profile: Profile = "core",
    inference: Inference = "none",
    base: str,
    fmt: str = "",
    notes: Sequence[str] = (),
) -> Check:
    """Validate pyoxigraph `triples` with the reference data (none: the default ontology
    only); with inference, also without (the baseline of the comparison)."""
    started = time.monotonic()
    options: dict[str, Any] = {"profile": profile, "base": base}
    if reference is not None:
        options.update(ontology=reference.ontology, extra=reference.data)
    plain = validate(triples, inference="none", **options)
    if inference == "none":
        report, baseline = plain, None
    else:
        closed = reference.closed if reference is not None and inference == "owlrl" else None
        report = validate(triples, inference=inference, base_closed=closed, **options)
        baseline = plain
    return Check(
        report=report,
        baseline=baseline,
        triples=len(triples),
        format=fmt,
        notes=list(notes),
        seconds=time.monotonic() - started,
    )
