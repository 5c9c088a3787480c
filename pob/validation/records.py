"""What the meta graph records of an accepted submission: :class:`Record`, as RDF and back.

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

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SH, XSD
from rdflib.term import Node

from pob.graph.namespaces import SPDX, VOID, bind_all
from pob.settings import Settings
from pob.validation.report import Check


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
