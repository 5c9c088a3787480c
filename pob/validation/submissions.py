"""Gated ingest: a dataset is checked, and only a conforming one is stored.

* :func:`check` validates a parsed dataset (:class:`pob.validation.upload.Upload`) together with the
  ontology and the curated reference data (:class:`Reference`): without inference, and,
  when asked, with it too, so the report can say what inference changes
  (:class:`pob.validation.reports.Check`).
* :func:`submit` checks a dataset and, if it conforms, writes it into its own named graph
  ``{base}graph/submission/{id}`` and its provenance into ``{base}graph/meta`` **in one
  transaction** (one SPARQL Update request: both or neither, also across a crash).
  The id is the start of the SHA-256 of the dataset in canonical form, so the same content
  submitted again is recognised and gets its existing id back. The graph name is always
  ours: graph names inside TriG / N-Quads input are ignored, and a dataset may not state
  facts about our graph IRIs (``{base}graph/…``), which are provenance, not data.
* A lock per store makes check + write one step: two submissions never interleave.
* :func:`list_submissions`, :func:`get_submission`, :func:`withdraw` read and remove them;
  only the submitter may withdraw a submission.

Provenance (PROV-O, SPDX, VoID, DCMI, SHACL) of a submission graph ``G`` in the meta graph::

    G a prov:Entity, void:Dataset ; dct:identifier "id" ; dct:issued t ; prov:generatedAtTime t ;
      dct:creator A ; prov:wasAttributedTo A ; void:triples n ; dct:format "Turtle" ;
      dct:conformsTo <{base}shapes> ;
      spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue h ] ;
      prov:wasGeneratedBy [ a prov:Activity ; prov:wasAssociatedWith A ; prov:endedAtTime t ;
          prov:used [ dct:isVersionOf <{base}shapes> ; dct:hasVersion "sha256 of the shapes" ] ] .
    A a prov:Agent, foaf:Agent ; foaf:name "submitter name" .
    [] a sh:ValidationReport ; sh:conforms true ; prov:wasDerivedFrom G ;
      dct:conformsTo "core" ; sh:result …   # the warnings and infos that remained
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import time
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SH, XSD
from rdflib.term import Node

from pob.core import formats
from pob.core.problems import Problem
from pob.graph.namespaces import SPDX, VOID, bind_all
from pob.settings import Settings
from pob.store.base import Store
from pob.validation.reports import Check
from pob.validation.upload import Upload, UploadError, canonical, ntriples, relabel, to_rdflib
from pob.validation.validator import Inference, Profile, default_shapes, validate

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


# ----------------------------------------------------------------------------- submitters


@dataclass(frozen=True)
class Submitter:
    name: str


def submitters(settings: Settings) -> dict[str, str]:
    """Token -> submitter name, from ``POB_SUBMIT_TOKEN``: ``token`` (one submitter called
    "submitter") or ``name:token,name:token``."""
    spec = (settings.submit_token or "").strip()
    if not spec:
        return {}
    if ":" not in spec and "," not in spec:
        return {spec: "submitter"}
    out: dict[str, str] = {}
    for item in spec.split(","):
        name, sep, token = item.strip().partition(":")
        if not sep or not name.strip() or not token.strip():
            raise ValueError("POB_SUBMIT_TOKEN: write 'token' or 'name:token,name:token'")
        out[token.strip()] = name.strip()
    return out


def identify(settings: Settings, authorization: str | None) -> Submitter:
    """The submitter a bearer token names (compared in constant time)."""
    known = submitters(settings)
    if not known:
        raise SubmissionsOff(
            "submissions are off: this service has no submit token configured (POB_SUBMIT_TOKEN)"
        )
    scheme, _, token = (authorization or "").partition(" ")
    given = token.strip().encode()
    if scheme.lower() == "bearer":
        for candidate, name in known.items():
            if hmac.compare_digest(given, candidate.encode()):
                return Submitter(name)
    raise Unauthorized("send your submit token as 'Authorization: Bearer <token>'")


# ----------------------------------------------------------------------------- checking


class Reference:
    """What a submission is validated with: the ontology and the curated data (and their
    inferred triples, for incremental OWL-RL); `key` names the version.

    Made from rdflib graphs, or from N-Triples as the store hands them out (the service
    process only passes those on to its validation workers, so they are parsed only where
    they are used)."""

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
    def closed(self) -> Graph:
        """Ontology + data + inferred: the closed base for
        :func:`pob.graph.reasoning.fast_closure`."""
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
    """Validate pyoxigraph `triples` with the reference data; with inference, also without
    (the baseline of the comparison)."""
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


def shapes_version(base: str) -> str:
    """SHA-256 of the shapes (as read for `base`), in N-Triples sorted: the version a
    submission passed."""
    lines = sorted(default_shapes(base).serialize(format="nt").splitlines())
    return hashlib.sha256("\n".join(line for line in lines if line).encode()).hexdigest()


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


# ----------------------------------------------------------------------------- records


@dataclass
class Record:
    """One accepted submission, as the meta graph records it."""

    id: str
    graph: str
    submitter: str
    submitted: datetime
    sha256: str
    shapes_version: str
    triples: int
    format: str = ""
    profile: str = "core"
    warnings: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "graph": self.graph,
            "submitter": self.submitter,
            "submitted": self.submitted.isoformat(),
            "sha256": self.sha256,
            "shapesVersion": self.shapes_version,
            "triples": self.triples,
            "format": self.format,
            "profile": self.profile,
            "warnings": self.warnings,
        }


def graph_name(settings: Settings, sid: str) -> str:
    return settings.graph(f"submission/{sid}")


def record_graph(record: Record, settings: Settings, check_: Check) -> Graph:
    """The provenance of one submission (see the module docstring)."""
    g = bind_all(Graph(), settings.base)
    node, agent, activity = URIRef(record.graph), BNode(), BNode()
    checksum, shapes_used, report = BNode(), BNode(), BNode()
    when = Literal(record.submitted.replace(microsecond=0), datatype=XSD.dateTime)
    shapes = URIRef(f"{settings.base}shapes")
    for triple in (
        (node, RDF.type, PROV.Entity),
        (node, RDF.type, VOID.Dataset),
        (node, DCTERMS.identifier, Literal(record.id)),
        (node, DCTERMS.issued, when),
        (node, PROV.generatedAtTime, when),
        (node, DCTERMS.creator, agent),
        (node, PROV.wasAttributedTo, agent),
        (node, VOID.triples, Literal(record.triples)),
        (node, DCTERMS["format"], Literal(record.format)),
        (node, DCTERMS.conformsTo, shapes),
        (node, SPDX.checksum, checksum),
        (checksum, RDF.type, SPDX.Checksum),
        (checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
        (checksum, SPDX.checksumValue, Literal(record.sha256)),
        (agent, RDF.type, PROV.Agent),
        (agent, RDF.type, FOAF.Agent),
        (agent, FOAF.name, Literal(record.submitter)),
        (node, PROV.wasGeneratedBy, activity),
        (activity, RDF.type, PROV.Activity),
        (activity, RDFS.label, Literal("validation and submission", lang="en")),
        (activity, RDFS.label, Literal("validering og indsendelse", lang="da")),
        (activity, PROV.wasAssociatedWith, agent),
        (activity, PROV.endedAtTime, when),
        (activity, PROV.used, shapes_used),
        (shapes_used, DCTERMS.isVersionOf, shapes),
        (shapes_used, DCTERMS.hasVersion, Literal(record.shapes_version)),
        (report, RDF.type, SH.ValidationReport),
        (report, SH.conforms, Literal(True)),
        (report, PROV.wasDerivedFrom, node),
        (report, DCTERMS.conformsTo, Literal(record.profile)),
    ):
        g.add(triple)
    for result in check_.report.results:  # what remained: warnings and infos
        item = BNode()
        g.add((report, SH.result, item))
        g.add((item, RDF.type, SH.ValidationResult))
        g.add((item, SH.focusNode, result.focus_node))
        g.add((item, SH.resultSeverity, SH[result.severity]))
        g.add((item, SH.sourceShape, result.source_shape))
        g.add((item, SH.sourceConstraintComponent, SH[result.constraint_component]))
        if result.path is not None and not result.path.startswith(("^", "<", "(")):
            g.add((item, SH.resultPath, URIRef(result.path)))
        if result.value is not None:
            g.add((item, SH.value, result.value))
        for lang, text in sorted(result.messages.items()):
            g.add((item, SH.resultMessage, Literal(text, lang=lang)))
    return g


def records_from(meta: Graph, settings: Settings) -> dict[str, Record]:
    """The submissions the meta graph records, by id."""
    prefix = settings.graph("submission/")
    out: dict[str, Record] = {}
    for node in meta.subjects(RDF.type, VOID.Dataset):
        if not str(node).startswith(prefix):
            continue
        sid = str(node)[len(prefix) :]
        agent = meta.value(node, DCTERMS.creator)
        checksum = meta.value(node, SPDX.checksum)
        activity = meta.value(node, PROV.wasGeneratedBy)
        used = meta.value(activity, PROV.used) if activity is not None else None
        report = meta.value(predicate=PROV.wasDerivedFrom, object=node)
        issued = meta.value(node, DCTERMS.issued)
        warnings = []
        if report is not None:
            for item in meta.objects(report, SH.result):
                messages = {
                    m.language: str(m)
                    for m in meta.objects(item, SH.resultMessage)
                    if isinstance(m, Literal) and m.language
                }
                warnings.append(
                    {
                        "severity": _local(meta.value(item, SH.resultSeverity)),
                        "focusNode": str(meta.value(item, SH.focusNode)),
                        "sourceShape": str(meta.value(item, SH.sourceShape)),
                        "message_da": messages.get("da", ""),
                        "message_en": messages.get("en", ""),
                    }
                )
        out[sid] = Record(
            id=sid,
            graph=str(node),
            submitter=str(meta.value(agent, FOAF.name) or "") if agent is not None else "",
            submitted=_when(issued),
            sha256=str(meta.value(checksum, SPDX.checksumValue) or "") if checksum else "",
            shapes_version=str(meta.value(used, DCTERMS.hasVersion) or "") if used else "",
            triples=int(str(meta.value(node, VOID.triples) or 0)),
            format=str(meta.value(node, DCTERMS["format"]) or ""),
            profile=str(meta.value(report, DCTERMS.conformsTo) or "core") if report else "core",
            warnings=sorted(warnings, key=lambda w: (w["focusNode"], w["sourceShape"])),
        )
    return out


def _local(node: Node | None) -> str:
    return str(node).rsplit("#", 1)[-1] if node is not None else ""


def _when(value: Node | None) -> datetime:
    if isinstance(value, Literal) and isinstance(value.toPython(), datetime):
        found: datetime = value.toPython()
        return found if found.tzinfo else found.replace(tzinfo=UTC)
    return datetime.fromtimestamp(0, UTC)


def without_record(meta: Graph, graph: str) -> Graph:
    """`meta` minus everything about one submission graph (its blank nodes included)."""
    node = URIRef(graph)
    drop: set[Node] = {node}
    todo: list[Node] = [node]
    for report in meta.subjects(PROV.wasDerivedFrom, node):
        drop.add(report)
        todo.append(report)
    while todo:
        for obj in meta.objects(todo.pop(), None):
            if isinstance(obj, BNode) and obj not in drop:
                drop.add(obj)
                todo.append(obj)
    out = Graph()
    for triple in meta:
        if triple[0] not in drop:
            out.add(triple)
    return out


# ----------------------------------------------------------------------------- the store


@dataclass
class _State:
    """Per store: the lock around check + write, and the reference data read from it."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    reference: Reference | None = None


_STATES: weakref.WeakKeyDictionary[Any, _State] = weakref.WeakKeyDictionary()


def _state(store: Store) -> _State:
    state = _STATES.get(store)
    if state is None:
        state = _STATES[store] = _State()
    return state


async def _graph_bytes(store: Store, iri: str) -> bytes:
    if iri not in await store.graphs(refresh=True):
        return b""
    result = await store.get_graph(iri, formats.NTRIPLES)
    return result.read()


async def reference_for(store: Store, settings: Settings) -> Reference:
    """The ontology, curated data and inferred triples in the store (re-read after a build)."""
    state = _state(store)
    key = await store.recorded_hash() or "unbuilt"
    if state.reference is None or state.reference.key != key:
        payload = {
            name: await _graph_bytes(store, settings.graph(name))
            for name in ("ontology", "data", "inferred")
        }
        state.reference = await asyncio.to_thread(Reference.from_payload, key, payload)
    return state.reference


async def read_meta(store: Store, settings: Settings) -> Graph:
    data = await _graph_bytes(store, settings.graph("meta"))
    return Graph().parse(data=data, format="nt") if data else Graph()


async def list_submissions(store: Store, settings: Settings) -> list[Record]:
    records = records_from(await read_meta(store, settings), settings)
    return sorted(records.values(), key=lambda r: (r.submitted, r.id))


async def get_submission(store: Store, settings: Settings, sid: str) -> Record:
    if not ID_RE.match(sid):
        raise NotFound(f"{sid!r} is not a submission id")
    record = records_from(await read_meta(store, settings), settings).get(sid)
    if record is None:
        raise NotFound(f"no submission {sid!r}; GET /api/datasets lists them")
    return record


CheckFunction = Callable[[list[Any]], Awaitable[Check]]


async def submit(
    store: Store,
    settings: Settings,
    upload: Upload,
    submitter: Submitter,
    run_check: CheckFunction,
    profile: Profile = "core",
) -> tuple[Record, bool, Check | None]:
    """Check and store a dataset: (record, created, check); ``created`` is False (and check
    None) when the same content was accepted before. :class:`Rejected` if it does not
    conform: then nothing is written."""
    reserved = reserved_subjects(upload.triples, settings.base)
    if reserved:
        raise ReservedIRI(
            f"the dataset states facts about {len(reserved)} of this service's graph IRIs "
            f"(<{reserved[0]}>…); graph names and their provenance are the service's own"
        )
    triples, digest = await asyncio.to_thread(canonical, upload.triples)
    async with _state(store).lock:
        meta = await read_meta(store, settings)
        for record in records_from(meta, settings).values():
            if record.sha256 == digest:
                return record, False, None
        sid = digest[:ID_LENGTH]
        result = await run_check(triples)
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
        provenance = record_graph(record, settings, result)
        data = ntriples(relabel(triples, f"s{sid}x")).decode("utf-8")
        prov = provenance.serialize(format="nt", encoding="utf-8").decode("utf-8")
        meta_iri = settings.graph("meta")
        await store.update(
            f"INSERT DATA {{\nGRAPH <{record.graph}> {{\n{data}\n}}\n"
            f"GRAPH <{meta_iri}> {{\n{prov}\n}}\n}}",
        )
    record.warnings = records_from(provenance, settings)[sid].warnings
    return record, True, result


async def withdraw(store: Store, settings: Settings, sid: str, submitter: Submitter) -> Record:
    """Remove a submission (its graph and its provenance, in one transaction)."""
    async with _state(store).lock:
        record = await get_submission(store, settings, sid)
        if record.submitter != submitter.name:
            raise Forbidden(f"submission {sid} belongs to another submitter")
        meta = without_record(await read_meta(store, settings), record.graph)
        meta_iri = settings.graph("meta")
        text = meta.serialize(format="nt", encoding="utf-8").decode("utf-8")
        await store.update(
            f"DROP SILENT GRAPH <{record.graph}> ;\nDROP SILENT GRAPH <{meta_iri}> ;\n"
            f"INSERT DATA {{ GRAPH <{meta_iri}> {{\n{text}\n}} }}",
        )
    return record
