"""The submission graphs, which the feed never parses: found among the stored graphs,
described for the catalog, streamed from the store into spool files for their dumps.

:func:`stored_parts` picks the ``submission/<id>`` graphs out of the graphs the snapshot
(:mod:`pob.publish.snapshot`) does not hold, those the meta graph has the record of;
:func:`submission_info` describes one from the triples about its graph IRI;
:func:`spool_graph` writes one into a file, canonical and sorted as the store's background
worker serialises it (:meth:`pob.store.base.Store.canonical_graph`: byte-stable), and
describes the file (:class:`pob.publish.dumps.SpooledGraph`: SHA-256 of the bytes, triple
count and temporal extent from SPARQL queries), so the server process never holds a
submission graph.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS

from pob.core import formats
from pob.graph.namespaces import VOID
from pob.publish.catalog import SubmissionInfo
from pob.publish.dumps import SUBMISSION_ID_RE, SUBMISSION_PREFIX, SpooledGraph
from pob.publish.extent import date_predicates, extent_of
from pob.settings import Settings
from pob.store.base import Store


def stored_parts(stored: Sequence[str], settings: Settings, meta: Graph | None) -> dict[str, str]:
    """The submission graphs among `stored`: dump name (``submission/<id>``) -> IRI. Only
    a graph the meta graph `meta` holds the record of (``G a void:Dataset ;
    dct:identifier "<id>"``, :mod:`pob.validation.records`) is a submission: a
    ``submission/<id>`` graph written some other way (directly in a remote engine, or
    through /store before it refused the namespace) is in no catalog, dump or VoID."""
    prefix = settings.graph(SUBMISSION_PREFIX)
    out: dict[str, str] = {}
    for iri in stored:
        sid = iri[len(prefix) :] if iri.startswith(prefix) else ""
        if SUBMISSION_ID_RE.match(sid) and has_record(meta, iri, sid):
            out[SUBMISSION_PREFIX + sid] = iri
    return out


def has_record(meta: Graph | None, iri: str, sid: str) -> bool:
    """Whether `meta` records submission `sid` in graph `iri`."""
    node = URIRef(iri)
    return (
        meta is not None
        and (node, RDF.type, VOID.Dataset) in meta
        and (node, DCTERMS.identifier, Literal(sid)) in meta
    )


async def spool_graph(store: Store, iri: str, folder: Path, settings: Settings) -> SpooledGraph:
    """Graph `iri` as canonical, sorted Turtle (:meth:`Store.canonical_graph`: the same
    triples give the same bytes in any store) streamed into a file in `folder` and hashed
    on the way, with its triple count and temporal extent from SPARQL queries. All of it
    is background work: not under the public query timeout."""
    result = await store.canonical_graph(iri, formats.TURTLE)
    path = folder / (hashlib.sha256(iri.encode()).hexdigest()[:16] + ".ttl")

    def write() -> str:
        digest = hashlib.sha256()
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            for chunk in result.chunks():
                out.write(chunk)
                digest.update(chunk)
        return digest.hexdigest()

    digest = await asyncio.to_thread(write)
    predicates = " ".join(f"<{p}>" for p in date_predicates(settings.base))
    rows = await store.background_select(
        f"SELECT DISTINCT ?v WHERE {{ GRAPH <{iri}> {{ ?s ?p ?v }} "
        f"VALUES ?p {{ {predicates} }} FILTER(isLiteral(?v)) }}",
    )
    values = [
        Literal(r["v"]["value"], datatype=r["v"].get("datatype"), lang=r["v"].get("xml:lang"))
        for r in rows
        if "v" in r
    ]
    counted = await store.background_select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
    )
    triples = int(counted[0]["n"]["value"]) if counted and "n" in counted[0] else 0
    return SpooledGraph(path, triples, digest, extent_of(values))


def _when(value: object) -> datetime | None:
    if isinstance(value, Literal):
        value = value.toPython()
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def submission_info(
    union: Graph, settings: Settings, sid: str, fallback: datetime
) -> SubmissionInfo:
    """Submission `sid` as the triples about its graph IRI in `union` describe it
    (``dct:issued``/``dct:created``/``prov:generatedAtTime``, else `fallback`; ``dct:title``,
    ``dct:description`` per language, ``dct:creator`` or its name, ``dct:modified``,
    ``dct:spatial``: what :mod:`pob.validation.records` recorded at acceptance)."""
    node = URIRef(settings.graph(SUBMISSION_PREFIX + sid))

    def first(*predicates: URIRef) -> object:
        for p in predicates:
            value = union.value(node, p)
            if value is not None:
                return value
        return None

    submitted = _when(first(DCTERMS.issued, DCTERMS.created, PROV.generatedAtTime))
    creator = first(DCTERMS.creator, PROV.wasAttributedTo)
    if isinstance(creator, URIRef | BNode):  # an agent: its name
        named = union.value(creator, FOAF.name) or union.value(creator, RDFS.label)
        creator = named if named is not None else creator if isinstance(creator, URIRef) else None
    return SubmissionInfo(
        id=sid,
        submitted=submitted or fallback,
        title=texts_of(union, node, DCTERMS.title),
        description=texts_of(union, node, DCTERMS.description),
        submitter=str(creator) if creator is not None else None,
        modified=_when(first(DCTERMS.modified)),
        countries=tuple(sorted(str(c) for c in union.objects(node, DCTERMS.spatial))),
    )


def texts_of(graph: Graph, node: URIRef, predicate: URIRef) -> tuple[tuple[str, str], ...]:
    """The literals of `node` `predicate`, one per language tag ("" for none), sorted."""
    out: dict[str, str] = {}
    for o in sorted(graph.objects(node, predicate), key=str):
        if isinstance(o, Literal):
            out.setdefault(o.language or "", str(o))
    return tuple(sorted(out.items()))
