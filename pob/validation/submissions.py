"""Gated ingest: a dataset is checked, and only a conforming one is stored.

:class:`Submissions` is the service of one store, made once when the app starts (it holds
the lock, the cached reference data and the validation workers; nothing is kept in module
globals). The routes and the CLI call one method each and hand it the raw upload
(:class:`pob.validation.intake.Body`); the reading, parsing, canonical form and checking
happen in a validation worker (:class:`pob.validation.workers.Checker`, with its deadline
and memory limit), so this process never holds the triples of an upload:

* :meth:`Submissions.validate` checks a dataset with the ontology and the curated reference
  data in the store (:func:`pob.validation.intake.validate_body`).
* :meth:`Submissions.submit` checks a dataset and, if it conforms, writes it into its own
  named graph ``{base}graph/submission/{id}`` and its provenance
  (:mod:`pob.validation.records`) into ``{base}graph/meta`` **in one transaction**
  (:meth:`pob.store.base.Store.insert`: both or neither, also across a crash). The id is
  the start of the SHA-256 of the dataset in canonical form, so the same content submitted
  again is recognised and gets its existing id back (the worker is told the digests already
  accepted, and does not check those again). The graph name is always ours: graph names
  inside TriG / N-Quads input are ignored, and a dataset may not state facts about our graph
  IRIs (``{base}graph/…``), which are provenance, not data.
* :meth:`Submissions.write_graph` is a Graph Store write (``/store`` PUT/POST): the body
  read in a worker as an upload is (:func:`pob.validation.intake.store_body`), then
  :meth:`pob.store.base.Store.put_graph` / ``post_graph``.
* The lock makes "look for the same content, write" one step: two submissions never
  interleave, and the same content sent twice at once is stored once.
* :attr:`Submissions.uploads` bounds the uploads read, parsed and checked at once
  (:class:`pob.core.admission.Admission`; ``POB_MAX_PARALLEL_UPLOADS``, ``POB_UPLOAD_QUEUE``):
  the routes that take a dataset (/api/validate, /api/datasets, /store writes) hold a slot
  (:meth:`Submissions.admit`: a declared `Content-Length` over the limit is refused first,
  413 at once, never 503 Busy).
* :meth:`Submissions.list`, :meth:`Submissions.get`, :meth:`Submissions.withdraw` read and
  remove them: ``get`` reads one record (:func:`pob.validation.records.record_pattern`),
  ``withdraw`` removes the graph and its record in one transaction on every store
  (:meth:`pob.store.base.Store.remove`). Only the submitter may withdraw a submission, and
  :meth:`Submissions.identify` tells who sent a request (its bearer token,
  :mod:`pob.core.tokens`, against ``POB_SUBMIT_TOKEN`` as
  :attr:`pob.settings.Settings.submitters` parsed it).
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from rdflib import Graph

from pob.core import formats
from pob.core.admission import Admission
from pob.core.problems import Problem
from pob.core.tokens import bearer_name
from pob.settings import Settings
from pob.store.base import Store
from pob.validation.body import check_declared
from pob.validation.check import Reference
from pob.validation.intake import ID_LENGTH, Body, Limits, Prepared, ReservedIRI, run
from pob.validation.records import (
    Record,
    graph_name,
    record_graph,
    record_pattern,
    record_query,
    records_from,
    stated_texts,
)
from pob.validation.report import Check, Inference, Profile
from pob.validation.shapes import shapes_version

__all__ = ["ID_LENGTH", "ReservedIRI", "Submissions"]
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


# ----------------------------------------------------------------------------- the service


@dataclass(frozen=True)
class Submitter:
    name: str


class CheckRunner(Protocol):
    """What runs the upload jobs of :mod:`pob.validation.intake` for the service (the
    validation workers, :class:`pob.validation.workers.Checker`)."""

    async def run(
        self, kind: str, reference: Reference | None, arguments: dict[str, Any]
    ) -> Any: ...

    async def close(self) -> None: ...


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

    @contextlib.asynccontextmanager
    async def admit(self, declared: str | None) -> AsyncIterator[None]:
        """An upload's slot (:attr:`uploads`) for the block. A declared `Content-Length`
        over the limit is refused first (:class:`TooLarge`, 413, at once: however busy the
        service is, that answer is certain), then :class:`Busy` (503) if no slot is free
        and the queue is full."""
        check_declared(self.settings.max_upload_bytes, declared)
        async with self.uploads.slot():
            yield

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

    async def _job(self, kind: str, arguments: dict[str, Any]) -> Any:
        """Job `kind` of :mod:`pob.validation.intake`, in a worker (in a thread without)."""
        reference = await self.reference() if kind != "graph" else None
        arguments = {**arguments, "limits": Limits.of(self.settings)}
        if self.checker is None:
            return await asyncio.to_thread(run, kind, reference, arguments)
        return await self.checker.run(kind, reference, arguments)

    async def validate(
        self, body: Body, *, profile: Profile = "core", inference: Inference = "none"
    ) -> Check:
        """Read and check a dataset with the store's reference data; stored nowhere."""
        check: Check = await self._job(
            "check", {"body": body, "profile": profile, "inference": inference}
        )
        return check

    async def submit(
        self,
        body: Body,
        submitter: Submitter,
        profile: Profile = "core",
        inference: Inference = "none",
        fields: dict[str, str] | None = None,
    ) -> tuple[Record, bool, Check | None]:
        """Check and store a dataset: (record, created, check); ``created`` is False (and
        check None) when the same content was accepted before. :class:`Rejected` if it does
        not conform: then nothing is written. `fields`: the form's ``title`` and
        ``description`` (:func:`pob.validation.records.self_description`)."""
        settings = self.settings
        stated = stated_texts(fields or {})
        known = frozenset(r.sha256 for r in records_from(await self._meta(), settings).values())
        arguments = {
            "body": body,
            "profile": profile,
            "inference": inference,
            "known": known,
            "stated": stated,
        }
        prepared: Prepared = await self._job("submit", arguments)
        async with self._lock:
            for record in records_from(await self._meta(), settings).values():
                if record.sha256 == prepared.digest:
                    return record, False, None
            result = prepared.check
            if result is None:  # known when sent, withdrawn since: check it after all
                prepared = await self._job("submit", {**arguments, "known": frozenset()})
                result = prepared.check
            assert result is not None
            if not result.conforms or prepared.ntriples is None:
                raise Rejected(result)
            sid = prepared.id
            record = Record(
                id=sid,
                graph=graph_name(settings, sid),
                submitter=submitter.name,
                submitted=datetime.now(UTC).replace(microsecond=0),
                sha256=prepared.digest,
                shapes_version=shapes_version(settings.base),
                triples=prepared.triples,
                format=prepared.format,
                profile=profile,
            )
            record.title, record.description = prepared.title, prepared.description
            record.countries = prepared.countries
            provenance = record_graph(record, settings, result)
            prov = provenance.serialize(format="nt", encoding="utf-8")
            await self.store.insert({record.graph: prepared.ntriples, settings.graph("meta"): prov})
        record.warnings = records_from(provenance, settings)[sid].warnings
        return record, True, result

    async def write_graph(self, body: Body, graph: str, *, replace: bool) -> bool:
        """A Graph Store write: the body read in a worker as an upload is, then the graph
        replaced (`replace`) or added to, atomically; True if the graph is new."""
        data: bytes = await self._job("graph", {"body": body, "graph": graph})
        if replace:
            return await self.store.put_graph(graph, data)
        return await self.store.post_graph(graph, data)

    async def get(self, sid: str) -> Record:
        """One submission (:class:`NotFound` if there is none): its record alone is read
        (:func:`pob.validation.records.record_query`), not the whole meta graph."""
        if not ID_RE.match(sid):
            raise NotFound(f"{sid!r} is not a submission id")
        text = record_query(self.settings.graph("meta"), graph_name(self.settings, sid))
        data = (await self.store.trusted_query(text, "CONSTRUCT", formats.NTRIPLES)).read()
        found = Graph().parse(data=data, format="nt") if data.strip() else Graph()
        record = records_from(found, self.settings).get(sid)
        if record is None:
            raise NotFound(f"no submission {sid!r}; GET /api/datasets lists them")
        return record

    async def withdraw(self, sid: str, submitter: Submitter) -> Record:
        """Remove a submission: its graph and its record in the meta graph, in one
        transaction (:meth:`pob.store.base.Store.remove`, the record found by
        :func:`pob.validation.records.record_pattern`); the rest of the meta graph is
        not read or written."""
        async with self._lock:
            record = await self.get(sid)
            if record.submitter != submitter.name:
                raise Forbidden(f"submission {sid} belongs to another submitter")
            delete, where = record_pattern(self.settings.graph("meta"), record.graph)
            await self.store.remove([record.graph], delete, where)
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
