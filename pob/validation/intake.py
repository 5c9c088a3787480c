"""An upload from bytes to verdict and to what is stored: the work a validation worker does.

The service process never parses an upload: it sends the raw body (:class:`Body`: bytes,
media type, file name) and the limits (:class:`Limits`) to a validation worker
(:mod:`pob.validation.workers`), which runs one of the jobs of :data:`JOBS` and answers
with something small:

* ``"check"`` (:func:`validate_body`): parse (:func:`pob.validation.upload.parse_upload`),
  :func:`pob.validation.check.check`; the :class:`~pob.validation.report.Check`.
* ``"submit"`` (:func:`prepare_submission`): parse, refuse facts about the service's graph
  IRIs, the canonical form and its SHA-256 (:func:`pob.validation.content.canonical`);
  content already accepted (its digest among `known`) stops there; otherwise check, and
  when it conforms the N-Triples to store (blank nodes relabelled per submission). The
  answer is a :class:`Prepared`.
* ``"graph"`` (:func:`store_body`): a Graph Store body as N-Triples
  (:func:`pob.validation.body.graph_body`: the same parser, limits and errors).

:func:`run` is the one entry: the worker calls it, and so does :class:`pob.validation.
submissions.Submissions` in a thread when it has no workers. Every refusal is a
:class:`~pob.core.problems.Problem` and arrives in the service process as the same class.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Graph

from pob.validation.body import graph_body
from pob.validation.check import Reference, check
from pob.validation.content import canonical, ntriples, relabel
from pob.validation.records import self_description
from pob.validation.report import Check
from pob.validation.upload import Upload, UploadError, parse_upload

if TYPE_CHECKING:
    from pob.settings import Settings

#: the hex digits of a submission's SHA-256 that make its id
ID_LENGTH = 16


class ReservedIRI(UploadError):
    status = 422
    title = "Reserved IRIs"


@dataclass(frozen=True)
class Body:
    """An upload as the request sent it: the bytes, the media type and the file name (of a
    multipart upload; it decides when the media type says nothing)."""

    data: bytes
    media_type: str | None
    filename: str | None = None


@dataclass(frozen=True)
class Limits:
    """What an upload is read with: the triple limit and the service's base IRI."""

    max_triples: int
    base: str

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.max_triples, settings.base)


@dataclass
class Prepared:
    """A submission's dataset, parsed and checked in a worker: its digest, size and format,
    the check (None: the same content was accepted before, so it was not checked) and, when
    it conforms, the N-Triples to store."""

    digest: str
    triples: int
    format: str
    check: Check | None = None
    ntriples: bytes | None = None
    #: what the dataset states about itself (:func:`pob.validation.records.self_description`)
    title: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    countries: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.digest[:ID_LENGTH]


def reserved_subjects(triples: Sequence[Any], base: str) -> list[str]:
    """Subjects under ``{base}graph/``: our graph names, whose description is provenance."""
    prefix = f"{base}graph/"
    return sorted(
        {
            t[0].value
            for t in triples
            if isinstance(t[0], ox.NamedNode) and t[0].value.startswith(prefix)
        }
    )


def _parse(body: Body, limits: Limits) -> Upload:
    """The dataset of `body`, read as every upload is (:func:`parse_upload`)."""
    return parse_upload(
        body.data,
        body.media_type,
        filename=body.filename,
        max_triples=limits.max_triples,
        base=limits.base,
    )


def validate_body(
    reference: Reference | None,
    body: Body,
    limits: Limits,
    profile: str = "core",
    inference: str = "none",
) -> Check:
    """Parse and check a dataset; stored nowhere."""
    upload = _parse(body, limits)
    return check(
        upload.triples,
        reference,
        profile=profile,  # type: ignore[arg-type]  # checked by the caller
        inference=inference,  # type: ignore[arg-type]
        base=limits.base,
        fmt=upload.format.name,
        notes=upload.notes,
    )


def prepare_submission(
    reference: Reference | None,
    body: Body,
    limits: Limits,
    profile: str = "core",
    inference: str = "none",
    known: frozenset[str] = frozenset(),
    stated: tuple[dict[str, str], dict[str, str]] = ({}, {}),
) -> Prepared:
    """Parse a submission, name it by its content, check it unless its digest is `known`,
    and give the N-Triples to store when it conforms (:class:`ReservedIRI` if it states
    facts about the service's graph IRIs). `stated`: the title and description the form
    gave (:func:`pob.validation.records.stated_texts`)."""
    upload = _parse(body, limits)
    reserved = reserved_subjects(upload.triples, limits.base)
    if reserved:
        raise ReservedIRI(
            f"the dataset states facts about {len(reserved)} of this service's graph IRIs "
            f"(<{reserved[0]}>…); graph names and their provenance are the service's own"
        )
    fmt, notes = upload.format.name, upload.notes
    triples, digest = canonical(upload.triples)
    del upload
    prepared = Prepared(digest, len(triples), fmt)
    if digest in known:
        return prepared
    prepared.check = check(
        triples,
        reference,
        profile=profile,  # type: ignore[arg-type]
        inference=inference,  # type: ignore[arg-type]
        base=limits.base,
        fmt=fmt,
        notes=notes,
    )
    if prepared.check.conforms:
        prepared.ntriples = ntriples(relabel(triples, f"s{prepared.id}x"))
        data = Graph().parse(data=prepared.ntriples, format="nt")
        curated = reference.graph("data") if reference is not None else None
        described = self_description(data, curated, limits.base, stated)
        prepared.title, prepared.description, prepared.countries = described
    return prepared


def store_body(reference: Reference | None, body: Body, limits: Limits, graph: str) -> bytes:
    """A Graph Store PUT/POST body as N-Triples (relative IRIs against `graph`)."""
    return graph_body(
        body.data, body.media_type, graph=graph, max_triples=limits.max_triples, base=limits.base
    )


#: the jobs a validation worker runs: name -> function(reference, **arguments)
JOBS: dict[str, Callable[..., Any]] = {
    "check": validate_body,
    "submit": prepare_submission,
    "graph": store_body,
}
#: the jobs that need the reference data
NEEDS_REFERENCE = frozenset({"check", "submit"})


def run(kind: str, reference: Reference | None, arguments: dict[str, Any]) -> Any:
    """One job of :data:`JOBS`."""
    return JOBS[kind](reference, **arguments)
