"""Gated ingest: a dataset is checked, and only a conforming one is stored.

:class:`Submissions` is the service of one store, made once when the app starts (it holds
the lock and the cached reference data, nothing is kept in module globals):

* :meth:`Submissions.check` validates a parsed dataset (:class:`pob.validation.upload.Upload`)
  with the ontology and the curated reference data in the store: :func:`pob.validation.check.check`,
  run by the validation workers (:class:`pob.validation.workers.Checker`) when it has them.
* :meth:`Submissions.submit` checks a dataset and, if it conforms, writes it into its own
  named graph ``{base}graph/submission/{id}`` and its provenance
  (:mod:`pob.validation.records`) into ``{base}graph/meta`` **in one transaction** (one
  SPARQL Update, :meth:`pob.store.base.Store.update`: both or neither, also across a
  crash). The id is the start of the SHA-256 of the dataset in canonical form, so the same
  content submitted again is recognised and gets its existing id back. The graph name is
  always ours: graph names inside TriG / N-Quads input are ignored, and a dataset may not
  state facts about our graph IRIs (``{base}graph/…``), which are provenance, not data.
* The lock makes check + write one step: two submissions never interleave.
* :attr:`Submissions.uploads` bounds the uploads read, parsed and checked at once
  (:class:`pob.core.admission.Admission`; ``POB_MAX_PARALLEL_UPLOADS``, ``POB_UPLOAD_QUEUE``):
  the routes that take a dataset (/api/validate, /api/datasets, /store writes) hold a slot.
* :meth:`Submissions.list`, :meth:`Submissions.get`, :meth:`Submissions.withdraw` read and
  remove them; only the submitter may withdraw a submission, and :meth:`Submissions.identify`
  tells who sent a request (its bearer token, :mod:`pob.core.tokens`, against
  ``POB_SUBMIT_TOKEN`` as :attr:`pob.settings.Settings.submitters` parsed it).
"""

from __future__ import annotations

import asyncio
import builtins
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import pyoxigraph as ox
from rdflib import Graph

from pob.core import formats
from pob.core.admission import Admission
from pob.core.problems import Problem
from pob.core.tokens import bearer_name
from pob.settings import Settings
from pob.store.base import Store
from pob.validation.check import Reference, check
from pob.validation.content import canonical, ntriples, relabel
from pob.validation.records import (
    Record,
    describe,
    graph_name,
    record_graph,
    records_from,
    stated_texts,
    without_record,
)
from pob.validation.report import Check, Inference, Profile
from pob.validation.shapes import shapes_version
from pob.validation.upload import Upload, UploadError

ID_LENGTH = 16
ID_RE = re.compile(r"^[0-9a-f]{16,64}$")


# ----------------------------------------------------------------------------- errors


class SubmissionError(Problem):
    """A submission refused, with the HTTP status to answer."""

    status = 400
    title = "Bad submission"


class SubmissionsOff(SubmissionError):
    status = 403
    title = "Submissions are off"


class Unauthorized(SubmissionError):
    status = 401
    title = "Unauthorized"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="pob-submissions", error="invalid_token"'}


class Forbidden(SubmissionError):
    status = 403
    title = "Forbidden"


class NotFound(SubmissionError):
    status = 404
    title = "No such submission"


class Rejected(SubmissionError):
    """The dataset does not conform: nothing was stored."""

    status = 422
    title = "Dataset does not conform"

    def __init__(self, check: Check) -> None:
        self.check = check
        counts = check.report.counts()
        super().__init__(
            f"the dataset does not conform ({counts['Violation']} violation(s)); nothing was stored"
        )


class ReservedIRI(UploadError):
    status = 422
    title = "Reserved IRIs"


# ----------------------------------------------------------------------------- the service


@dataclass(frozen=True)
class Submitter:
    name: str


class CheckRunner(Protocol):
    """What runs :func:`pob.validation.check.check` for the service (the validation
    workers, :class:`pob.validation.workers.Checker`)."""

    async def run(
        self, reference: Reference | None, triples: list[Any], options: dict[str, Any]
    ) -> Check: ...

    async def close(self) -> None: ...


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


class Submissions:
    """The checks and submissions of one store.

    `checker` runs the checks (the validation workers, with their deadline); without one
    they run in a thread of this process."""

    def __init__(self, store: Store, settings: Settings, checker: CheckRunner | None = None):
        self.store = store
        self.settings = settings
        self.checker = checker
        self._lock = asyncio.Lock()
        self._reference: Reference | None = None
        self.uploads = Admission(settings.max_parallel_uploads, settings.upload_queue)

    async def close(self) -> None:
        """Stop the validation workers (at shutdown)."""
        if self.checker is not None:
            await self.checker.close()

    def identify(self, authorization: str | None) -> Submitter:
        """The submitter a request's bearer token names."""
        known = self.settings.submitters
        if not known:
            raise SubmissionsOff(
                "submissions are off: this service has no submit token configured "
                "(POB_SUBMIT_TOKEN)"
            )
        name = bearer_name(authorization, known)
        if name is None:
            raise Unauthorized("send your submit token as 'Authorization: Bearer <token>'")
        return Submitter(name)

    async def reference(self) -> Reference:
        """The ontology, curated data and inferred triples in the store (re-read after a
        build)."""
        key = await self.store.recorded_hash() or "unbuilt"
        if self._reference is None or self._reference.key != key:
            payload = {
                name: await self._graph_bytes(self.settings.graph(name))
                for name in ("ontology", "data", "inferred")
            }
            self._reference = await asyncio.to_thread(Reference.from_payload, key, payload)
        return self._reference

    async def check(
        self,
        upload: Upload,
        *,
        profile: Profile = "core",
        inference: Inference = "none",
        triples: Sequence[Any] | None = None,
    ) -> Check:
        """Validate `upload` (or `triples` of it) with the store's reference data, stored
        nowhere."""
        reference = await self.reference()
        data = list(upload.triples if triples is None else triples)
        options: dict[str, Any] = {
            "profile": profile,
            "inference": inference,
            "base": self.settings.base,
            "fmt": upload.format.name,
            "notes": upload.notes,
        }
        if self.checker is None:
            return await asyncio.to_thread(check, data, reference, **options)
        return await self.checker.run(reference, data, options)

    async def submit(
        self,
        upload: Upload,
        submitter: Submitter,
        profile: Profile = "core",
        inference: Inference = "none",
        fields: dict[str, str] | None = None,
    ) -> tuple[Record, bool, Check | None]:
        """Check and store a dataset: (record, created, check); ``created`` is False (and
        check None) when the same content was accepted before. :class:`Rejected` if it does
        not conform: then nothing is written. `fields`: the form's ``title`` and
        ``description`` (:func:`pob.validation.records.describe`)."""
        settings = self.settings
        stated = stated_texts(fields or {})
        reserved = reserved_subjects(upload.triples, settings.base)
        if reserved:
            raise ReservedIRI(
                f"the dataset states facts about {len(reserved)} of this service's graph IRIs "
                f"(<{reserved[0]}>…); graph names and their provenance are the service's own"
            )
        triples, digest = await asyncio.to_thread(canonical, upload.triples)
        async with self._lock:
            meta = await self._meta()
            for record in records_from(meta, settings).values():
                if record.sha256 == digest:
                    return record, False, None
            sid = digest[:ID_LENGTH]
            result = await self.check(upload, profile=profile, inference=inference, triples=triples)
            if not result.conforms:
                raise Rejected(result)
            record = Record(
                id=sid,
                graph=graph_name(settings, sid),
                submitter=submitter.name,
                submitted=datetime.now(UTC).replace(microsecond=0),
                sha256=digest,
                shapes_version=shapes_version(settings.base),
                triples=len(triples),
                format=upload.format.name,
                profile=profile,
            )
            data = ntriples(relabel(triples, f"s{sid}x")).decode("utf-8")
            reference = (await self.reference()).graph("data")
            parsed = await asyncio.to_thread(Graph().parse, data=data, format="nt")
            describe(record, parsed, reference, settings.base, stated)
            provenance = record_graph(record, settings, result)
            prov = provenance.serialize(format="nt", encoding="utf-8").decode("utf-8")
            meta_iri = settings.graph("meta")
            await self.store.update(
                f"INSERT DATA {{\nGRAPH <{record.graph}> {{\n{data}\n}}\n"
                f"GRAPH <{meta_iri}> {{\n{prov}\n}}\n}}",
            )
        record.warnings = records_from(provenance, settings)[sid].warnings
        return record, True, result

    async def get(self, sid: str) -> Record:
        """One submission (:class:`NotFound` if there is none)."""
        if not ID_RE.match(sid):
            raise NotFound(f"{sid!r} is not a submission id")
        record = records_from(await self._meta(), self.settings).get(sid)
        if record is None:
            raise NotFound(f"no submission {sid!r}; GET /api/datasets lists them")
        return record

    async def withdraw(self, sid: str, submitter: Submitter) -> Record:
        """Remove a submission (its graph and its provenance, in one transaction)."""
        async with self._lock:
            record = await self.get(sid)
            if record.submitter != submitter.name:
                raise Forbidden(f"submission {sid} belongs to another submitter")
            meta = without_record(await self._meta(), record.graph)
            meta_iri = self.settings.graph("meta")
            text = meta.serialize(format="nt", encoding="utf-8").decode("utf-8")
            await self.store.update(
                f"DROP SILENT GRAPH <{record.graph}> ;\nDROP SILENT GRAPH <{meta_iri}> ;\n"
                f"INSERT DATA {{ GRAPH <{meta_iri}> {{\n{text}\n}} }}",
            )
        return record

    async def list(self) -> builtins.list[Record]:
        """Every accepted submission, oldest first."""
        records = records_from(await self._meta(), self.settings)
        return sorted(records.values(), key=lambda r: (r.submitted, r.id))

    async def _graph_bytes(self, iri: str) -> bytes:
        if iri not in await self.store.graphs(refresh=True):
            return b""
        result = await self.store.get_graph(iri, formats.NTRIPLES)
        return result.read()

    async def _meta(self) -> Graph:
        data = await self._graph_bytes(self.settings.graph("meta"))
        return Graph().parse(data=data, format="nt") if data else Graph()
