"""What the meta graph records of an accepted submission: :class:`Record`, as RDF and back.

Provenance (PROV-O, SPDX, VoID, DCMI, SHACL) of a submission graph ``G`` in the meta graph::

    G a prov:Entity, void:Dataset ; dct:identifier "id" ; dct:issued t ; prov:generatedAtTime t ;
      dct:creator A ; prov:wasAttributedTo A ; void:triples n ; dct:format "Turtle" ;
      dct:conformsTo <{base}shapes> ;
      dct:title "…"@da, "…"@en ; dct:description "…"@da, "…"@en ; dct:spatial <{base}id/country/…> ;
      spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue h ] ;
      prov:wasGeneratedBy [ a prov:Activity ; prov:wasAssociatedWith A ; prov:endedAtTime t ;
          prov:used [ dct:isVersionOf <{base}shapes> ; dct:hasVersion "sha256 of the shapes" ] ] .
    A a prov:Agent, foaf:Agent ; foaf:name "submitter name" .
    [] a sh:ValidationReport ; sh:conforms true ; prov:wasDerivedFrom G ;
      dct:conformsTo "core" ; sh:result …   # the warnings and infos that remained

One record is read and removed by a pattern (:func:`record_pattern`): the graph's IRI, its
report and the blank nodes hanging from them, found from the graph's IRI, never by reading
the whole meta graph.

What the submission states about itself (:func:`self_description`): its title and
description are the submitter's words, field by field the first of: the form fields or query
parameters ``title``/``description`` (one text, no language tag); the ``dct:title``/
``dct:description`` of a node the data types ``dcat:Dataset`` (every language given); else
taken from the data, the labels and descriptions of its main resources (the partnerships it
describes, else the labelled subjects no other subject points to, sources left out). Its
countries (``dct:spatial``) are those of its places (:func:`pob.graph.coverage.countries`;
curated places looked up in the reference data). The catalog (:mod:`pob.publish.catalog`)
describes the submission with these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SH, XSD
from rdflib.term import Node

from pob.core.problems import Problem
from pob.graph.coverage import countries as countries_of
from pob.graph.iri import term
from pob.graph.namespaces import SPDX, VOID, bind_all
from pob.settings import Settings
from pob.validation.report import Check

#: language -> text ("" for a text without a language tag)
Texts = dict[str, str]
#: the longest title and description a form may give (characters)
MAX_TITLE, MAX_DESCRIPTION = 300, 5000
#: at most this many labels of main resources make a title taken from the data
TITLE_LABELS = 3
#: what a dataset is mainly about, when it says nothing about itself
MAIN_TYPES = ("Partnership", "LocalPartnership", "NationalInitiative")


class BadText(Problem):
    status = 400
    title = "Bad title or description"


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
    title: Texts = field(default_factory=dict)
    description: Texts = field(default_factory=dict)
    countries: list[str] = field(default_factory=list)  # pob:Country IRIs

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
            "title": self.title,
            "description": self.description,
            "countries": self.countries,
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
    for predicate, texts in (
        (DCTERMS.title, record.title),
        (DCTERMS.description, record.description),
    ):
        for lang, text in sorted(texts.items()):
            g.add((node, predicate, Literal(text, lang=lang or None)))
    for country in record.countries:
        g.add((node, DCTERMS.spatial, URIRef(country)))
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
            title=_texts(meta, node, DCTERMS.title),
            description=_texts(meta, node, DCTERMS.description),
            countries=sorted(str(c) for c in meta.objects(node, DCTERMS.spatial)),
        )
    return out


def _texts(g: Graph, node: Node, predicate: URIRef) -> Texts:
    """The literals of `node` `predicate`, one per language (the smallest if there are more)."""
    out: Texts = {}
    for o in sorted(g.objects(node, predicate), key=str):
        if isinstance(o, Literal):
            out.setdefault(o.language or "", str(o))
    return out


def stated_texts(fields: dict[str, str]) -> tuple[Texts, Texts]:
    """The title and description a form (or query) gave, checked: (title, description)."""
    out: list[Texts] = []
    for name, limit in (("title", MAX_TITLE), ("description", MAX_DESCRIPTION)):
        text = " ".join(fields.get(name, "").split()) if name == "title" else fields.get(name, "")
        text = text.strip()
        if len(text) > limit:
            raise BadText(f"parameter {name!r} has {len(text)} characters; at most {limit}")
        if any(ord(c) < 32 and c not in "\n\t\r" for c in text):
            raise BadText(f"parameter {name!r} contains control characters")
        out.append({"": text} if text else {})
    return out[0], out[1]


def _main_resources(data: Graph, base: str) -> list[Node]:
    """What a dataset is mainly about, sorted: the partnerships it describes; if none, its
    labelled subjects that no other subject points to (sources and dataset nodes left out)."""
    kinds = [term(name, base) for name in MAIN_TYPES]
    found = {s for kind in kinds for s in data.subjects(RDF.type, kind)}
    if not found:
        pointed = {o for s, _, o in data if o != s}
        left_out = (term("Source", base), DCAT.Dataset)
        found = {
            s
            for s in data.subjects(RDFS.label, None)
            if s not in pointed and not any((s, RDF.type, t) in data for t in left_out)
        }
    return sorted(found, key=str)


def dataset_texts(data: Graph, base: str, title: Texts, description: Texts) -> tuple[Texts, Texts]:
    """(title, description) of a submission: what the form stated, else the ``dcat:Dataset``
    node's, else taken from the labels and descriptions of its main resources."""
    nodes = sorted(data.subjects(RDF.type, DCAT.Dataset), key=str)
    roots = _main_resources(data, base)
    if not title:
        title = next((t for n in nodes if (t := _texts(data, n, DCTERMS.title))), {})
    if not title:
        title = {
            lang: ", ".join(texts[:TITLE_LABELS]) + (" …" if len(texts) > TITLE_LABELS else "")
            for lang, texts in _per_language(data, roots, RDFS.label).items()
        }
    if not description:
        description = next((t for n in nodes if (t := _texts(data, n, DCTERMS.description))), {})
    if not description:
        found = _per_language(data, roots, DCTERMS.description)
        description = {lang: "\n\n".join(texts) for lang, texts in found.items()}
    return title, description


def _per_language(data: Graph, nodes: list[Node], predicate: URIRef) -> dict[str, list[str]]:
    """The `predicate` texts of `nodes`, in their order, per language."""
    out: dict[str, list[str]] = {}
    for node in nodes:
        for lang, text in _texts(data, node, predicate).items():
            out.setdefault(lang, []).append(text)
    return out


def self_description(
    data: Graph, reference: Graph | None, base: str, stated: tuple[Texts, Texts]
) -> tuple[Texts, Texts, list[str]]:
    """What a submission's `data` states about itself: title, description (`stated` by the
    form first, :func:`stated_texts`) and the countries of its places (see the module
    docstring); worked out where the data is parsed (the validation worker)."""
    title, description = dataset_texts(data, base, *stated)
    return title, description, [str(c) for c in countries_of(data, reference, base)]


def _local(node: Node | None) -> str:
    return str(node).rsplit("#", 1)[-1] if node is not None else ""


def _when(value: Node | None) -> datetime:
    if isinstance(value, Literal) and isinstance(value.toPython(), datetime):
        found: datetime = value.toPython()
        return found if found.tzinfo else found.replace(tzinfo=UTC)
    return datetime.fromtimestamp(0, UTC)


def record_pattern(meta: str, graph: str) -> tuple[str, str]:
    """The triples of the record of submission graph `graph` in graph `meta`, as a
    template and the pattern that finds them (``CONSTRUCT``/``DELETE { template } WHERE {
    pattern }``). The record's nodes: the graph's IRI, its validation report, and the blank
    nodes :func:`record_graph` puts at most two steps from the graph's IRI (one from the
    report). Every lookup starts from the graph's IRI, so the cost is the record's, not the
    meta graph's. ``BIND``, not ``VALUES``: Virtuoso 7.2 finds nothing at all in a UNION
    one of whose branches is a ``VALUES``."""
    g, derived = f"<{graph}>", f"<{PROV.wasDerivedFrom}>"
    nodes = (
        f"{{ BIND({g} AS ?node) }} UNION {{ ?node {derived} {g} }}\n"
        f"  UNION {{ {g} ?p1 ?node FILTER(isBlank(?node)) }}\n"
        f"  UNION {{ {g} ?p1 ?mid . ?mid ?p2 ?node FILTER(isBlank(?mid) && isBlank(?node)) }}\n"
        f"  UNION {{ ?report {derived} {g} . ?report ?p1 ?node FILTER(isBlank(?node)) }}"
    )
    template = f"GRAPH <{meta}> {{ ?node ?p ?o }}"
    return template, f"GRAPH <{meta}> {{\n  {{ {nodes} }}\n  ?node ?p ?o\n}}"


def record_query(meta: str, graph: str) -> str:
    """A CONSTRUCT of one submission's record (:func:`record_pattern`)."""
    return f"CONSTRUCT {{ ?node ?p ?o }}\nWHERE {{ {record_pattern(meta, graph)[1]} }}"
