"""What data is validated against: the shapes and the ontology of a base IRI, read once.

* :func:`default_shapes`: the project's shapes (``shapes/``) for a base IRI, per variant
  (strict: warnings made violations; the term and concept checks switched off when they
  could give no result that is kept, see :func:`describes`);
* :func:`default_ontology` and :func:`reference_part`: the ontology and code lists, and the
  part of them that data validation reads (:func:`default_reference`, cached);
* :func:`shapes_version`: the SHA-256 a submission records as the shapes it passed.

Every reader is cached per base IRI (:func:`functools.lru_cache`); :func:`clear_caches`
forgets them after the files change.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from pob.graph.iri import normalise_base
from pob.graph.prefixes import CANONICAL_BASE
from pob.graph.sources import ontology_graph, shapes_graph
from pob.validation.report import Profile


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
def default_reference(base: str) -> Graph:
    """:func:`reference_part` of :func:`default_ontology`, made once per base IRI."""
    return reference_part(default_ontology(base))


def clear_caches() -> None:
    """Forget the cached shapes and ontology (after editing the files)."""
    default_shapes.cache_clear()
    default_ontology.cache_clear()
    default_reference.cache_clear()


def shapes_version(base: str) -> str:
    """SHA-256 of the shapes (as read for `base`), in N-Triples sorted: the version a
    submission passed."""
    lines = sorted(default_shapes(base).serialize(format="nt").splitlines())
    return hashlib.sha256("\n".join(line for line in lines if line).encode()).hexdigest()


def concept_classes(context: Graph | ReadOnlyGraphAggregate) -> set[Node]:
    """skos:Concept and its subclasses in `context`."""
    found: set[Node] = {SKOS.Concept}
    while True:
        more = {s for c in found for s in context.subjects(RDFS.subClassOf, c)}
        if more <= found:
            return found
        found |= more


def describes(
    subjects: set[Node], context: Graph | ReadOnlyGraphAggregate, base: str
) -> tuple[bool, bool]:
    """Whether `subjects` (the data's) include a ``pob:`` term, and a code-list concept (a node
    under ``{base}id/`` with a scheme or a concept type in `context`): otherwise the term
    and concept checks could give no result that is kept."""
    ontology_ns, id_ns = base + "ontology#", base + "id/"
    classes = concept_classes(context)
    terms = any(str(s).startswith(ontology_ns) for s in subjects)
    candidates = {s for s in subjects if str(s).startswith(id_ns)}
    concepts = bool(
        candidates
        and (
            candidates & set(context.subjects(SKOS.inScheme, None))
            or candidates & set(context.subjects(SKOS.topConceptOf, None))
            or any(candidates & set(context.subjects(RDF.type, c)) for c in classes)
        )
    )
    return terms, concepts
