"""Validating RDF against the POB shapes (`shapes/`): the fast engine or pySHACL.

:func:`validate` validates a submission (`data`), optionally next to reference data it may
point to (`extra`, e.g. the curated data), and returns a
:class:`~pob.validation.report.Report`: one :class:`~pob.validation.report.Result` per
problem, with the shape's message in Danish and English. The shapes and the ontology are
:mod:`pob.validation.shapes`; the data as the engines read it, :mod:`pob.validation.triples`.

How it runs:

* **The data graph is ``data + extra + ontology``, merged here**, not passed as pySHACL's
  ``ont_graph``: pySHACL copies only RDFS/OWL axioms from an ``ont_graph``, not the SKOS
  concepts of ``ontology/codelists.ttl``, so every code-list check would fail. With the
  ontology merged, ``rdfs:subClassOf`` is in the data graph, and ``sh:targetClass`` and
  ``sh:class`` see subclass instances even with ``inference="none"``. Of the ontology only
  the axioms, declarations and code lists are merged (no labels or comments, which no data
  shape reads), plus everything it says about nodes that `data` itself describes.
* ``advanced=True``: the provenance, closure and ontology shapes use SHACL-AF
  ``sh:SPARQLTarget``.
* **Conformance** is "no result of severity sh:Violation" (pySHACL's ``allow_warnings`` and
  ``allow_infos``). ``profile="strict"`` validates against a copy of the shapes in which every
  ``sh:severity sh:Warning`` is ``sh:Violation``, so the report itself says Violation.
* **Only results about the submission are kept:** a result whose focus node is not a
  subject in `data` is dropped, whether `extra` is given or not. The ontology and `extra`
  are reference data the caller is not answerable for. The report graph is rebuilt from
  the kept results, with ``sh:conforms`` set to the report's ``conforms``.
* **Speed.** Shapes and ontology are read once per base IRI (:mod:`pob.validation.shapes`),
  SPARQL text is parsed once (:class:`PreparingGraph`), and the checks on the ontology
  itself (shapes typed ``pobsh:TermCheck`` / ``pobsh:ConceptCheck``) are switched off when
  `data` describes no ``pob:`` term / no code-list concept, as they could then give no
  result that is kept.
* **Two engines.** ``engine="fast"`` (what ``"auto"``, the default, picks when the shapes
  compile) is :mod:`pob.validation.shacl`: the same results as pySHACL from indexes and
  Oxigraph, on the submission's own nodes only, with inference by
  :func:`pob.graph.reasoning.fast_closure` (OWL 2 RL; incremental against `base_closed`, an
  already closed graph of the ontology and the reference data) or owlrl's RDFS closure.
  ``engine="pyshacl"`` is pySHACL as before, the oracle the tests compare with.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal, cast

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from rdflib import Graph
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query

from pob.graph.iri import normalise_base
from pob.graph.prefixes import CANONICAL_BASE
from pob.validation import shacl as fast_shacl
from pob.validation.report import (
    Inference,
    Profile,
    Report,
    Result,
    local_name,
    ordered,
    render_path,
)
from pob.validation.shapes import (
    default_ontology,
    default_reference,
    default_shapes,
    describes,
    reference_part,
    strict_copy,
)
from pob.validation.triples import Data, OxTriple, inferred_triples, ox_parts
from pob.validation.w3c import kept_report_graph, pyshacl_result, results_graph

Engine = Literal["auto", "fast", "pyshacl"]


@lru_cache(maxsize=512)
def _prepared(text: str) -> Query:
    return translateQuery(parseQuery(text))


class PreparingGraph(Graph):
    """A graph that parses each SPARQL text once (rdflib's prepared queries).

    pySHACL sends the same text for every focus node of a SPARQL constraint and for every
    SPARQL target on every run; rdflib would parse it each time, at tens of ms a time.
    """

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Any] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and not initNs and processor == "sparql":
            query_object = _prepared(query_object)
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def validate(
    data: Graph | Sequence[OxTriple] | Sequence[ox.Triple],
    *,
    profile: Profile = "core",
    inference: Inference = "none",
    ontology: Graph | None = None,
    shapes: Graph | None = None,
    extra: Graph | None = None,
    base: str = CANONICAL_BASE,
    engine: Engine = "auto",
    base_closed: Graph | None = None,
) -> Report:
    """Validate `data` against the shapes, with `extra` as reference data.

    `data` is an rdflib graph, or the triples of a parsed upload as pyoxigraph terms (the
    fast engine then needs no rdflib graph of it unless inference asks for one). `ontology`
    and `shapes` default to the project's files for `base` (cached). Only results whose
    focus node is a subject in `data` are reported. Conforms when no result has severity
    Violation. `base_closed` (fast engine, OWL-RL): the ontology, `extra` and their inferred
    triples, already closed, so only what `data` adds is inferred.

    The garbage collector is paused while the fast engine runs: converting and indexing
    50 k triples allocates hundreds of thousands of small objects and no cycles, and the
    collector's passes over them took longer than the work (0.2–0.4 s of 1.4 s measured).
    """
    collecting = gc.isenabled() and engine != "pyshacl"
    if collecting:
        gc.disable()
    try:
        return _validate(
            data, profile, inference, ontology, shapes, extra, base, engine, base_closed
        )
    finally:
        if collecting:
            gc.enable()


def _validate(
    data: Graph | Sequence[OxTriple] | Sequence[ox.Triple],
    profile: Profile,
    inference: Inference,
    ontology: Graph | None,
    shapes: Graph | None,
    extra: Graph | None,
    base: str,
    engine: Engine,
    base_closed: Graph | None,
) -> Report:
    if profile not in ("core", "strict"):
        raise ValueError(f"unknown profile {profile!r}")
    if inference not in ("none", "rdfs", "owlrl"):
        raise ValueError(f"unknown inference {inference!r}")
    if engine not in ("auto", "fast", "pyshacl"):
        raise ValueError(f"unknown engine {engine!r}")
    base = normalise_base(base)
    full_ontology = ontology if ontology is not None else default_ontology(base)
    reference = reference_part(ontology) if ontology is not None else default_reference(base)
    source = Data(data)

    own = source.subjects()
    about_own = Graph()  # what the ontology says about a node the data describes too
    for subject in own & set(full_ontology.subjects()):
        for p, o in full_ontology.predicate_objects(subject):
            about_own.add((subject, p, o))
    context = [*([extra] if extra is not None else []), reference, about_own]

    prefetch = None  # without inference the graph is known: Oxigraph can start right away
    if engine != "pyshacl" and inference == "none":
        every_target = default_shapes(base, profile) if shapes is None else shapes
        compiled_all = compiled_shapes(every_target, cache=shapes is None)
        if compiled_all is not None:
            texts = [source.ntriples(), *(ox_parts(g)[1] for g in context)]
            prefetch = fast_shacl.Prefetch(compiled_all, texts)

    if shapes is None:
        if inference != "none":
            terms, concepts = True, True
        else:
            facts = ReadOnlyGraphAggregate([source.schema_part(context), *context])
            terms, concepts = describes(own, facts, base)
        shacl = default_shapes(base, profile, terms, concepts)
    else:
        shacl = strict_copy(shapes) if profile == "strict" else shapes

    if engine != "pyshacl":
        compiled = compiled_shapes(shacl, cache=shapes is None)
        if compiled is not None:
            return _run_fast(
                compiled,
                source,
                context,
                profile,
                inference,
                full_ontology,
                extra,
                base_closed,
                prefetch,
            )
        if engine == "fast":
            raise ValueError("the shapes use SHACL that pob.validation.shacl does not implement")

    merged = PreparingGraph()
    for part in (source.graph(), *context):
        merged += part

    _, raw, _ = pyshacl_validate(
        merged,
        shacl_graph=shacl,
        inference=inference,
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        inplace=True,
    )
    report = cast(Graph, raw)
    root = report.value(predicate=RDF.type, object=SH.ValidationReport)
    kept = [  # top-level results only: nested ones (sh:detail) stay inside their parent
        node for node in report.objects(root, SH.result) if report.value(node, SH.focusNode) in own
    ]
    results = ordered(pyshacl_result(report, node, shacl) for node in kept)
    conforms = not any(r.severity == "Violation" for r in results)
    return Report(
        conforms=conforms,
        results=results,
        graph=kept_report_graph(report, root, kept, conforms),
        profile=profile,
        inference=inference,
    )


# ----------------------------------------------------------------------------- fast engine


@lru_cache(maxsize=32)
def _compiled_cache(shapes: Graph) -> fast_shacl.Compiled | None:
    return compiled_shapes(shapes, cache=False)


def compiled_shapes(shapes: Graph, cache: bool = True) -> fast_shacl.Compiled | None:
    """The compiled shapes, or None when they use SHACL the fast engine lacks; `cache`:
    remembered per graph (the default shapes, which live as long as their cache)."""
    if cache:
        return _compiled_cache(shapes)
    try:
        return fast_shacl.compile_shapes(shapes)
    except fast_shacl.Unsupported:
        return None


def _run_fast(
    compiled: fast_shacl.Compiled,
    source: Data,
    context: list[Graph],
    profile: Profile,
    inference: Inference,
    ontology: Graph,
    extra: Graph | None,
    base_closed: Graph | None,
    prefetch: fast_shacl.Prefetch | None,
) -> Report:
    added: list[tuple[list[OxTriple], bytes]] = []
    if prefetch is None:
        texts = [source.ntriples(), *(ox_parts(g)[1] for g in context)]
        if inference != "none":
            for graph in inferred_triples(
                source.view(), inference, ontology, extra, base_closed, context
            ):
                if graph is base_closed:  # the same graph every time: converted once
                    added.append(ox_parts(graph))
                else:
                    part = Data(graph)
                    added.append((part.ox(), part.ntriples()))
            texts += [text for _, text in added]
        prefetch = fast_shacl.Prefetch(compiled, texts)  # Oxigraph starts on its own thread
    everything = [*source.ox()]
    for graph in context:
        everything += ox_parts(graph)[0]
    for triples, _ in added:
        everything += triples
    raw = fast_shacl.validate(compiled, everything, focus=source.ox_subjects(), prefetch=prefetch)
    results = ordered(
        Result(
            focus_node=r.focus,
            path=render_path(compiled.graph, r.path) if r.path is not None else None,
            value=r.value,
            constraint_component=r.component,
            severity=local_name(r.severity),
            source_shape=r.shape,
            messages=dict(r.messages),
            source_constraint=r.source_constraint,
        )
        for r in raw
    )
    conforms = not any(r.severity == "Violation" for r in results)
    graph = results_graph(raw, compiled.graph, conforms)
    return Report(conforms, results, graph, profile, inference)
