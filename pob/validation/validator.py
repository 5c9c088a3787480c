"""Validating RDF against the POB shapes (`shapes/`) with pySHACL.

:func:`validate` validates a submission (`data`), optionally next to reference data it may
point to (`extra`, e.g. the curated data), and returns a :class:`Report`: one
:class:`Result` per problem, with the shape's message in Danish and English.

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
  the kept results, with ``sh:conforms`` set to :attr:`Report.conforms`.
* **Speed.** Shapes and ontology are read once per base IRI (:func:`functools.lru_cache`),
  SPARQL text is parsed once (:class:`_PreparingGraph`), and the checks on the ontology
  itself (shapes typed ``pobsh:TermCheck`` / ``pobsh:ConceptCheck``) are switched off when
  `data` describes no ``pob:`` term / no code-list concept, as they could then give no
  result that is kept.
* **Two engines.** ``engine="fast"`` (what ``"auto"``, the default, picks when the shapes
  compile) is :mod:`pob.validation.shacl`: the same results as pySHACL from indexes and Oxigraph, on
  the submission's own nodes only, with inference by :func:`pob.graph.reasoning.fast_closure`
  (OWL 2 RL; incremental against `base_closed`, an already closed graph of the ontology and
  the reference data) or owlrl's RDFS closure. ``engine="pyshacl"`` is pySHACL as before,
  the oracle the tests compare with.
"""

from __future__ import annotations

import dataclasses
import gc
import re
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal, cast

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.collection import Collection
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from pob.core.texts import LANGUAGES  # the languages of every shape message
from pob.graph.iri import normalise_base
from pob.graph.namespaces import CANONICAL_BASE, bind_all, prefixes
from pob.graph.sources import ontology_graph, shapes_graph
from pob.validation import shacl as fast_shacl

Profile = Literal["core", "strict"]
Inference = Literal["none", "rdfs", "owlrl"]
Engine = Literal["auto", "fast", "pyshacl"]

#: severities, most severe first: the keys of :meth:`Report.counts`
SEVERITIES: tuple[str, ...] = ("Violation", "Warning", "Info")


# ----------------------------------------------------------------------------- loading


def strict_copy(shapes: Graph) -> Graph:
    """A copy of `shapes` with every ``sh:severity sh:Warning`` made ``sh:Violation``."""
    out = Graph()
    for s, p, o in shapes:
        out.add((s, p, SH.Violation if (p, o) == (SH.severity, SH.Warning) else o))
    return out


@lru_cache(maxsize=32)
def default_shapes(
    base: str = CANONICAL_BASE,
    profile: Profile = "core",
    term_checks: bool = True,
    concept_checks: bool = True,
) -> Graph:
    """The project's shapes for `base`, read once per variant.

    SPARQL text and ``sh:namespace`` literals are moved to `base` like every IRI; strict:
    warnings are violations; without `term_checks` / `concept_checks` the shapes typed
    ``pobsh:TermCheck`` / ``pobsh:ConceptCheck`` are ``sh:deactivated``.
    """
    base = normalise_base(base)
    graph = shapes_graph(base)
    if base != CANONICAL_BASE:
        for pred in (SH.select, SH.ask, SH.namespace):
            for s, o in list(graph.subject_objects(pred)):
                if isinstance(o, RDFLiteral) and CANONICAL_BASE in o:
                    moved = RDFLiteral(str(o).replace(CANONICAL_BASE, base), datatype=o.datatype)
                    graph.set((s, pred, moved))
    if profile == "strict":
        graph = strict_copy(graph)
    for kind, active in (("TermCheck", term_checks), ("ConceptCheck", concept_checks)):
        if not active:
            for shape in graph.subjects(RDF.type, URIRef(f"{base}shapes#{kind}")):
                graph.add((shape, SH.deactivated, RDFLiteral(True)))
    return graph


@lru_cache(maxsize=8)
def default_ontology(base: str = CANONICAL_BASE) -> Graph:
    """The ontology and code lists for `base`, read once."""
    return ontology_graph(normalise_base(base))


#: annotations of the ontology that no data shape reads (left out of the merged graph)
_ANNOTATIONS = frozenset(
    {RDFS.isDefinedBy, RDFS.seeAlso, SKOS.topConceptOf, SKOS.hasTopConcept, OWL.versionIRI}
)
_ANNOTATION_NAMESPACES = (str(DCTERMS), "http://purl.org/vocab/vann/")


def reference_part(ontology: Graph) -> Graph:
    """What data validation needs of the ontology: declarations, axioms, code-list
    concepts with type, scheme and typed facts (``pob:isPublic``). Texts (labels, comments,
    definitions) and annotations (``rdfs:isDefinedBy``, DCMI, VANN …) are left out: no data
    shape reads them, and every triple costs time in the SPARQL targets."""
    out = Graph()
    for s, p, o in ontology:
        if isinstance(o, RDFLiteral) and (o.language or o.datatype in (None, XSD.string)):
            continue
        if p in _ANNOTATIONS or str(p).startswith(_ANNOTATION_NAMESPACES):
            continue
        out.add((s, p, o))
    return out


@lru_cache(maxsize=8)
def _default_reference(base: str) -> Graph:
    return reference_part(default_ontology(base))


def clear_caches() -> None:
    """Forget the cached shapes and ontology (after editing the files)."""
    default_shapes.cache_clear()
    default_ontology.cache_clear()
    _default_reference.cache_clear()


@lru_cache(maxsize=512)
def _prepared(text: str) -> Query:
    return translateQuery(parseQuery(text))


class _PreparingGraph(Graph):
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


def _concept_classes(context: Graph | ReadOnlyGraphAggregate) -> set[Node]:
    """skos:Concept and its subclasses in `context`."""
    found: set[Node] = {SKOS.Concept}
    while True:
        more = {s for c in found for s in context.subjects(RDFS.subClassOf, c)}
        if more <= found:
            return found
        found |= more


def _describes(
    subjects: set[Node], context: Graph | ReadOnlyGraphAggregate, base: str
) -> tuple[bool, bool]:
    """Whether `subjects` (the data's) include a ``pob:`` term, and a code-list concept (a node
    under ``{base}id/`` with a scheme or a concept type in `context`): otherwise the term
    and concept checks could give no result that is kept."""
    ontology_ns, id_ns = base + "ontology#", base + "id/"
    concept_classes = _concept_classes(context)
    terms = any(str(s).startswith(ontology_ns) for s in subjects)
    candidates = {s for s in subjects if str(s).startswith(id_ns)}
    concepts = bool(
        candidates
        and (
            candidates & set(context.subjects(SKOS.inScheme, None))
            or candidates & set(context.subjects(SKOS.topConceptOf, None))
            or any(candidates & set(context.subjects(RDF.type, c)) for c in concept_classes)
        )
    )
    return terms, concepts


# ----------------------------------------------------------------------------- results


def _local(iri: Node) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def render_path(graph: Graph, path: Node) -> str:
    """A SHACL property path as text: a simple path is its IRI; any other is SPARQL
    property-path syntax with ``<iri>`` (``^<…#organization>``, ``<a>/<b>``)."""
    if isinstance(path, URIRef):
        return str(path)

    def walk(node: Node, nested: bool) -> str:
        if isinstance(node, URIRef):
            return f"<{node}>"
        if (node, RDF.first, None) in graph:
            text = "/".join(walk(item, True) for item in Collection(graph, node))
            return f"({text})" if nested else text
        alternatives = graph.value(node, SH.alternativePath)
        if alternatives is not None:
            text = "|".join(walk(item, True) for item in Collection(graph, alternatives))
            return f"({text})" if nested else text
        for pred, fmt in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "{}*"),
            (SH.oneOrMorePath, "{}+"),
            (SH.zeroOrOnePath, "{}?"),
        ):
            inner = graph.value(node, pred)
            if inner is not None:
                return fmt.format(walk(inner, True))
        return node.n3()

    return walk(path, False)


@dataclasses.dataclass(frozen=True)
class Result:
    """One validation result."""

    focus_node: Node
    path: str | None
    value: Node | None
    constraint_component: str
    severity: str
    source_shape: Node
    messages: dict[str, str]
    source_constraint: Node | None = None

    def message(self, lang: str = "en") -> str:
        """The message in `lang`, else English, else any."""
        for key in (lang, "en", *LANGUAGES):
            if key in self.messages:
                return self.messages[key]
        return next(iter(self.messages.values()), "")


_PLACEHOLDER = re.compile(r"\{[?$]\w+\}")


def _templates(shapes: Graph, nodes: Iterable[Node | None]) -> dict[str, str]:
    """Language -> ``sh:message`` of the first of `nodes` that has tagged messages."""
    for node in nodes:
        found = {
            msg.language.lower(): str(msg)
            for msg in shapes.objects(node, SH.message)
            if isinstance(msg, RDFLiteral) and msg.language
        }
        if node is not None and found:
            return found
    return {}


def _messages(report: Graph, result: Node, shapes: Graph) -> dict[str, str]:
    """Language -> message: the shape's ``sh:message``, as pySHACL filled it in.

    pySHACL drops the language tag of a message whose ``{?var}`` it substitutes, so each
    untagged message is matched back to its template. Where a shape has no message,
    pySHACL's own (English) message stands for every language."""
    templates = _templates(
        shapes, (report.value(result, SH.sourceConstraint), report.value(result, SH.sourceShape))
    )
    out: dict[str, str] = {}
    plain: list[str] = []
    for msg in report.objects(result, SH.resultMessage):
        if isinstance(msg, RDFLiteral) and msg.language:
            out.setdefault(msg.language.lower(), str(msg))
            continue
        for lang, template in templates.items():
            pattern = "(.*?)".join(re.escape(part) for part in _PLACEHOLDER.split(template))
            if lang not in out and re.fullmatch(pattern, str(msg), re.DOTALL):
                out[lang] = str(msg)
                break
        else:
            plain.append(str(msg))
    for lang, template in templates.items():
        out.setdefault(lang, template)
    for lang in LANGUAGES:
        if lang not in out and plain:
            out[lang] = plain[0]
    return out


def _result(report: Graph, node: Node, shapes: Graph) -> Result:
    path = report.value(node, SH.resultPath)
    component = report.value(node, SH.sourceConstraintComponent)
    severity = report.value(node, SH.resultSeverity)
    return Result(
        focus_node=cast(Node, report.value(node, SH.focusNode)),
        path=render_path(report, path) if path is not None else None,
        value=report.value(node, SH.value),
        constraint_component=_local(component) if component is not None else "",
        severity=_local(severity) if severity is not None else "Violation",
        source_shape=cast(Node, report.value(node, SH.sourceShape)),
        messages=_messages(report, node, shapes),
        source_constraint=report.value(node, SH.sourceConstraint),
    )


def _copy_closure(source: Graph, target: Graph, node: Node) -> None:
    """Copy `node`'s triples and those of the blank nodes it reaches."""
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            for p, o in source.predicate_objects(current):
                target.add((current, p, o))
                if isinstance(o, BNode):
                    todo.append(o)


def _report_graph(report: Graph, root: Node | None, keep: Iterable[Node], conforms: bool) -> Graph:
    out = bind_all(Graph())
    root = root or BNode()
    out.add((root, RDF.type, SH.ValidationReport))
    out.add((root, SH.conforms, RDFLiteral(conforms)))
    for node in keep:
        out.add((root, SH.result, node))
        _copy_closure(report, out, node)
    return out


# ----------------------------------------------------------------------------- report


@dataclasses.dataclass
class Report:
    """The outcome of :func:`validate`."""

    conforms: bool
    results: list[Result]
    graph: Graph
    profile: Profile = "core"
    inference: Inference = "none"

    def counts(self) -> dict[str, int]:
        """Number of results by severity; every severity is a key."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        return counts

    def by_severity(self, severity: str) -> list[Result]:
        return [r for r in self.results if r.severity == severity]

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """A JSON-ready summary: IRIs in full, literals as their text, blank nodes ``_:x``;
        ``message`` in `lang` and ``messages`` in every language."""

        def term(node: Node | None) -> str | None:
            if node is None:
                return None
            return node.n3() if isinstance(node, BNode) else str(node)

        return {
            "conforms": self.conforms,
            "profile": self.profile,
            "inference": self.inference,
            "counts": self.counts(),
            "results": [
                {
                    "severity": r.severity,
                    "focusNode": term(r.focus_node),
                    "path": r.path,
                    "value": term(r.value),
                    "valueIsLiteral": isinstance(r.value, RDFLiteral),
                    "constraintComponent": r.constraint_component,
                    "sourceShape": term(r.source_shape),
                    "sourceConstraint": term(r.source_constraint),
                    "message": r.message(lang),
                    "messages": dict(r.messages),
                }
                for r in self.results
            ],
        }

    def to_text(self, lang: str = "en") -> str:
        """A readable report in `lang`, IRIs shortened with the project prefixes."""
        table = sorted(prefixes().items(), key=lambda kv: -len(kv[1]))

        def short(node: Node | str | None) -> str:
            if node is None:
                return "-"
            if isinstance(node, RDFLiteral | BNode):
                return node.n3()
            for prefix, ns in table:
                if str(node).startswith(ns) and len(str(node)) > len(ns):
                    return f"{prefix}:{str(node)[len(ns) :]}"
            return f"<{node}>"

        def short_path(path: str | None) -> str:
            if path is None or not path.startswith(("<", "^", "(")):
                return short(path)
            return re.sub(r"<([^>]+)>", lambda m: short(m.group(1)), path)

        words = {"da": ("Overholder", "ja", "nej"), "en": ("Conforms", "yes", "no")}
        label, yes, no = words.get(lang, words["en"])
        counts = ", ".join(f"{sev}: {n}" for sev, n in self.counts().items())
        lines = [f"{label}: {yes if self.conforms else no} ({counts})"]
        for r in self.results:
            value = f" = {short(r.value)}" if r.value is not None else ""
            lines.append(
                f"[{r.severity}] {short(r.focus_node)} {short_path(r.path)}{value}"
                f" ({r.constraint_component}; {short(r.source_shape)})"
            )
            lines.append(f"    {r.message(lang)}")
        return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- validate


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
    reference = reference_part(ontology) if ontology is not None else _default_reference(base)
    source = _Data(data)

    own = source.subjects()
    about_own = Graph()  # what the ontology says about a node the data describes too
    for subject in own & set(full_ontology.subjects()):
        for p, o in full_ontology.predicate_objects(subject):
            about_own.add((subject, p, o))
    context = [*([extra] if extra is not None else []), reference, about_own]

    prefetch = None  # without inference the graph is known: Oxigraph can start right away
    if engine != "pyshacl" and inference == "none":
        every_target = default_shapes(base, profile) if shapes is None else shapes
        compiled_all = _compile(every_target, cache=shapes is None)
        if compiled_all is not None:
            texts = [source.ntriples(), *(_ox_parts(g)[1] for g in context)]
            prefetch = fast_shacl.Prefetch(compiled_all, texts)

    if shapes is None:
        if inference != "none":
            terms, concepts = True, True
        else:
            facts = ReadOnlyGraphAggregate([source.schema_part(context), *context])
            terms, concepts = _describes(own, facts, base)
        shacl = default_shapes(base, profile, terms, concepts)
    else:
        shacl = strict_copy(shapes) if profile == "strict" else shapes

    if engine != "pyshacl":
        compiled = _compile(shacl, cache=shapes is None)
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

    merged = _PreparingGraph()
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
    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    results = sorted(
        (_result(report, node, shacl) for node in kept),
        key=lambda r: (
            order.get(r.severity, len(order)),
            str(r.focus_node),
            r.path or "",
            str(r.source_shape),
            str(r.value),
        ),
    )
    conforms = not any(r.severity == "Violation" for r in results)
    return Report(
        conforms=conforms,
        results=results,
        graph=_report_graph(report, root, kept, conforms),
        profile=profile,
        inference=inference,
    )


# ----------------------------------------------------------------------------- fast engine


@lru_cache(maxsize=32)
def _compiled_cached(shapes: Graph) -> fast_shacl.Compiled | None:
    return _compile(shapes, cache=False)


def _compile(shapes: Graph, cache: bool) -> fast_shacl.Compiled | None:
    """The compiled shapes, or None when they use SHACL the fast engine lacks."""
    if cache:
        return _compiled_cached(shapes)
    try:
        return fast_shacl.compile_shapes(shapes)
    except fast_shacl.Unsupported:
        return None


def inferred_triples(
    data: Graph | _View,
    inference: Inference,
    ontology: Graph,
    extra: Graph | None = None,
    base_closed: Graph | None = None,
    context: Sequence[Graph] = (),
) -> list[Graph]:
    """What `inference` adds to the merged data graph, as the fast engine validates it.

    OWL-RL: :func:`pob.graph.reasoning.fast_closure` of ontology + data + extra, incremental
    against `base_closed` when given (then `base_closed` itself, the closed reference data,
    is the first graph of the answer). RDFS: owlrl's RDFS closure of data + `context` (what
    the engines merge), run the way pySHACL runs it (its ``CustomRDFSSemantics``), so both
    engines see the same triples."""
    from pob.graph.reasoning import fast_closure

    if inference == "owlrl" and base_closed is not None:
        return [base_closed, fast_closure(ontology, cast(Graph, data), base_closed)]
    combined = Graph()
    for triple in data.triples((None, None, None)):
        combined.add(triple)
    if inference == "owlrl":
        if extra is not None:
            combined += extra
        return [fast_closure(ontology, combined)]
    if inference == "rdfs":
        import owlrl
        from pyshacl.inference import CustomRDFSSemantics

        for part in context:
            combined += part
        owlrl.DeductiveClosure(CustomRDFSSemantics).expand(combined)
        return [combined]
    return []


class _View:
    """A submission's triples as the read-only part of an rdflib graph that
    :func:`pob.graph.reasoning.fast_closure` reads (``triples`` by predicate, ``in``, iteration,
    ``namespaces``), without building one: an rdflib graph of 50 k triples costs most of a
    second to fill."""

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        self.all = set(triples)
        self.by_predicate: dict[Node, set[tuple[Node, Node, Node]]] = {}
        for triple in self.all:
            self.by_predicate.setdefault(triple[1], set()).add(triple)

    def triples(
        self, pattern: tuple[Node | None, Node | None, Node | None]
    ) -> Iterable[tuple[Node, Node, Node]]:
        s, p, o = pattern
        found = self.all if p is None else self.by_predicate.get(p, set())
        return [t for t in found if (s is None or t[0] == s) and (o is None or t[2] == o)]

    def __contains__(self, triple: object) -> bool:
        return triple in self.all

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        return iter(())


OxTriple = tuple[Any, Any, Any]
rdf_type_rdflib = RDF.type


class _Data:
    """The data to validate: an rdflib graph or pyoxigraph triples, each made from the
    other only when asked for."""

    def __init__(self, data: Graph | Sequence[OxTriple] | Sequence[ox.Triple]) -> None:
        self._graph = data if isinstance(data, Graph) else None
        self._ox: list[OxTriple] | None = None
        self._triples: list[ox.Triple] | None = None  # as pyoxigraph Triple objects
        if not isinstance(data, Graph):
            if all(isinstance(t, ox.Triple) for t in data[:1]):
                self._triples = list(data)  # type: ignore[arg-type]
            else:
                self._ox = [(t[0], t[1], t[2]) for t in data]
        self.terms = fast_shacl.Terms()
        self._subjects: set[Node] | None = None
        self._ox_subjects: set[Any] | None = None

    def graph(self) -> Graph:
        if self._graph is None:
            graph = Graph()
            rdf = self.terms.rdflib
            for s, p, o in self.ox():
                graph.add((rdf(s), rdf(p), rdf(o)))
            self._graph = graph
        return self._graph

    def ox(self) -> list[OxTriple]:
        if self._ox is None:
            if self._triples is not None:
                self._ox = [(t.subject, t.predicate, t.object) for t in self._triples]
            else:
                assert self._graph is not None
                self._ox = self.terms.triples(self._graph)
        return self._ox

    def view(self) -> Graph | _View:
        """The rdflib graph, or (from pyoxigraph triples) a :class:`_View` of them."""
        if self._graph is not None:
            return self._graph
        rdf = self.terms.rdflib
        return _View((rdf(s), rdf(p), rdf(o)) for s, p, o in self.ox())

    def ntriples(self) -> bytes:
        """The triples as N-Triples (written by Oxigraph)."""
        triples = self._triples
        if triples is None:
            triples = [ox.Triple(*t) for t in self.ox() if not isinstance(t[0], ox.Literal)]
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""

    def subjects(self) -> set[Node]:
        """The subjects, as rdflib terms."""
        if self._subjects is None:
            if self._graph is not None:
                self._subjects = set(self._graph.subjects())
            else:
                rdf = self.terms.rdflib
                self._subjects = {rdf(s) for s in self.ox_subjects()}
        return self._subjects

    def ox_subjects(self) -> set[Any]:
        if self._ox_subjects is None:
            if self._ox is None and self._triples is not None:
                self._ox_subjects = {t.subject for t in self._triples}
            else:
                self._ox_subjects = {t[0] for t in self.ox()}
        return self._ox_subjects

    def schema_part(self, context: Sequence[Graph]) -> Graph:
        """What :func:`_describes` reads of the data: the whole graph if there is one, else
        the schemes, subclasses and concept-class types among the triples, converted."""
        if self._graph is not None:
            return self._graph
        out = Graph()
        rdf = self.terms.rdflib
        kept = {ox.NamedNode(str(p)) for p in (RDFS.subClassOf, SKOS.inScheme, SKOS.topConceptOf)}
        rdf_type = ox.NamedNode(str(RDF.type))
        types = []
        for s, p, o in self.ox():
            if p in kept:
                out.add((rdf(s), rdf(p), rdf(o)))
            elif p == rdf_type:
                types.append((s, o))
        found = _concept_classes(ReadOnlyGraphAggregate([out, *context]))
        classes = {ox.NamedNode(str(c)) for c in found}
        for s, o in types:
            if o in classes:
                out.add((rdf(s), rdf_type_rdflib, rdf(o)))
        return out


_OX_CACHE: dict[int, tuple[weakref.ref[Graph], int, list[OxTriple], list[bytes]]] = {}


def _ox_parts(graph: Graph) -> tuple[list[OxTriple], bytes]:
    """A graph's triples as pyoxigraph terms and as N-Triples; remembered for graphs used
    again (the ontology, the curated data) as long as they live and keep their size."""
    key = id(graph)
    cached = _OX_CACHE.get(key)
    if cached is not None and cached[0]() is graph and cached[1] == len(graph):
        return cached[2], cached[3][0]
    triples = fast_shacl.Terms().triples(graph)
    text = ox.serialize(
        [ox.Triple(*t) for t in triples if not isinstance(t[0], ox.Literal)],
        format=ox.RdfFormat.N_TRIPLES,
    )
    if len(graph) > 200:
        if len(_OX_CACHE) > 16:
            _OX_CACHE.clear()
        _OX_CACHE[key] = (weakref.ref(graph), len(graph), triples, [text or b""])
    return triples, text or b""


def _run_fast(
    compiled: fast_shacl.Compiled,
    source: _Data,
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
        texts = [source.ntriples(), *(_ox_parts(g)[1] for g in context)]
        if inference != "none":
            for graph in inferred_triples(
                source.view(), inference, ontology, extra, base_closed, context
            ):
                if graph is base_closed:  # the same graph every time: converted once
                    added.append(_ox_parts(graph))
                else:
                    part = _Data(graph)
                    added.append((part.ox(), part.ntriples()))
            texts += [text for _, text in added]
        prefetch = fast_shacl.Prefetch(compiled, texts)  # Oxigraph starts on its own thread
    everything = [*source.ox()]
    for graph in context:
        everything += _ox_parts(graph)[0]
    for triples, _ in added:
        everything += triples
    raw = fast_shacl.validate(compiled, everything, focus=source.ox_subjects(), prefetch=prefetch)
    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    results = sorted(
        (
            Result(
                focus_node=r.focus,
                path=render_path(compiled.graph, r.path) if r.path is not None else None,
                value=r.value,
                constraint_component=r.component,
                severity=_local(r.severity),
                source_shape=r.shape,
                messages=dict(r.messages),
                source_constraint=r.source_constraint,
            )
            for r in raw
        ),
        key=lambda r: (
            order.get(r.severity, len(order)),
            str(r.focus_node),
            r.path or "",
            str(r.source_shape),
            str(r.value),
        ),
    )
    conforms = not any(r.severity == "Violation" for r in results)
    graph = results_graph(raw, compiled.graph, conforms)
    return Report(conforms, results, graph, profile, inference)


def results_graph(raw: Iterable[fast_shacl.RawResult], shapes: Graph, conforms: bool) -> Graph:
    """A W3C SHACL validation report (``sh:ValidationReport``) of the fast engine's results."""
    out = bind_all(Graph())
    root = BNode()
    out.add((root, RDF.type, SH.ValidationReport))
    out.add((root, SH.conforms, RDFLiteral(conforms)))
    for r in raw:
        node = BNode()
        out.add((root, SH.result, node))
        out.add((node, RDF.type, SH.ValidationResult))
        out.add((node, SH.focusNode, r.focus))
        out.add((node, SH.resultSeverity, r.severity))
        out.add((node, SH.sourceShape, r.shape))
        out.add((node, SH.sourceConstraintComponent, SH[r.component]))
        if r.value is not None:
            out.add((node, SH.value, r.value))
        if r.source_constraint is not None:
            out.add((node, SH.sourceConstraint, r.source_constraint))
        if r.path is not None:
            out.add((node, SH.resultPath, r.path))
            if isinstance(r.path, BNode):
                _copy_closure(shapes, out, r.path)
        for lang, text in sorted(r.messages.items()):
            out.add((node, SH.resultMessage, RDFLiteral(text, lang=lang)))
    return out
