"""pob.validation.shacl, the fast engine, against pySHACL (the oracle) on every shape example.

The same findings (focus node, path, value, component, severity, source shape and
constraint) and the same messages in both languages. With inference, the engines see the
same triples except owlrl's reflexive trivia (``x owl:sameAs x``, ``p rdfs:subPropertyOf
p`` …), which pySHACL keeps and :func:`pob.graph.reasoning.fast_closure` leaves out, as
``docs/performance.md`` explains; such results are listed as the known difference.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDFS

from pob.graph.sources import normalise, parse_file
from pob.validation.engine import validate
from pob.validation.report import Report
from pob.validation.shacl import Unsupported, compile_shapes, minus_for_not_exists
from pob.validation.upload import parse_upload
from tests.test_shapes import BAD, GOOD, curated, read_case

CASES = GOOD + BAD
#: owlrl's reflexive trivia that the fast closure leaves out
TRIVIA = {str(p) for p in (OWL.sameAs, OWL.equivalentProperty, OWL.equivalentClass)}
TRIVIA |= {str(RDFS.subPropertyOf), str(RDFS.subClassOf)}


def findings(report: Report) -> set[tuple[str, ...]]:
    return {
        (
            str(r.focus_node),
            r.path or "",
            str(r.value),
            r.constraint_component,
            r.severity,
            str(r.source_shape),
            str(r.source_constraint),
            r.messages.get("da", ""),
            r.messages.get("en", ""),
        )
        for r in report.results
    }


@cache
def graph_of(path: Path) -> Graph:
    return normalise(parse_file(path))


def both(path: Path, inference: str) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    extra = curated() if read_case(path).uses_curated else None
    kwargs = {"extra": extra, "inference": inference}
    fast = validate(graph_of(path), engine="fast", **kwargs)  # type: ignore[arg-type]
    oracle = validate(graph_of(path), engine="pyshacl", **kwargs)  # type: ignore[arg-type]
    return findings(fast), findings(oracle)


def test_collected() -> None:
    assert len(CASES) >= 200


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_results_as_pyshacl(path: Path) -> None:
    fast, oracle = both(path, "none")
    assert fast == oracle


SAMPLE = CASES[::9]


@pytest.mark.parametrize("inference", ["rdfs", "owlrl"])
@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_results_with_inference(path: Path, inference: str) -> None:
    fast, oracle = both(path, inference)
    missing = {f for f in oracle - fast if not (f[1] in TRIVIA and f[0] == f[2])}
    assert fast - oracle == set()
    assert missing == set()


def test_the_known_difference_is_owlrl_trivia() -> None:
    path = next(p for p in BAD if p.stem == "OntologyTermType--undeclared")
    fast, oracle = both(path, "owlrl")
    assert fast <= oracle
    assert {f[1] for f in oracle - fast} <= TRIVIA


@pytest.mark.parametrize("profile", ["core", "strict"])
def test_the_project_shapes_compile_for_the_fast_engine(profile: str) -> None:
    """Every shape the service checks with runs on the fast engine: a construct it lacks
    would silently send every validation to pySHACL, about 60x slower (docs/performance.md)."""
    from pob.validation.shapes import default_shapes

    compile_shapes(default_shapes(profile=profile))  # type: ignore[arg-type]


def test_unsupported_shapes_fall_back_to_pyshacl() -> None:
    shapes = Graph().parse(
        data="""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix pob: <https://w3id.org/pob/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
<urn:shape> a sh:NodeShape ; sh:targetClass pob:Municipality ;
    sh:closed true ; sh:ignoredProperties ( rdf:type ) .
""",
        format="turtle",
    )
    with pytest.raises(Unsupported):
        compile_shapes(shapes)
    data = Graph().parse(
        data="<urn:m> a <https://w3id.org/pob/ontology#Municipality> ; <urn:p> 1 .",
        format="turtle",
    )
    (result,) = validate(data, shapes=shapes).results
    assert result.constraint_component == "ClosedConstraintComponent"
    with pytest.raises(ValueError, match="does not implement"):
        validate(data, shapes=shapes, engine="fast")


def test_oxigraph_triples_give_the_same_report() -> None:

    path = next(p for p in BAD if p.stem.startswith("MunicipalityKommunekode"))
    triples = parse_upload(path.read_bytes(), "text/turtle").triples
    assert findings(validate(triples)) == findings(validate(graph_of(path)))


def test_minus_rewrite_only_where_it_means_the_same() -> None:
    rewritten = minus_for_not_exists(
        "SELECT ?this WHERE { ?this a ?c . FILTER NOT EXISTS { ?this a ?x . "
        "?x <urn:sub>* ?r . VALUES ?r { <urn:a> } } }"
    )
    assert "MINUS {" in rewritten and "NOT EXISTS" not in rewritten
    for kept in (
        # a variable of the filter is used outside it
        "SELECT ?this WHERE { ?this a ?x . FILTER NOT EXISTS { ?this <urn:p> ?x } }",
        # a FILTER inside
        "SELECT ?this WHERE { ?this a ?c . FILTER NOT EXISTS { ?this a ?y FILTER(?y) } }",
        # no ?this
        "SELECT ?this WHERE { ?this a ?c . FILTER NOT EXISTS { ?s a <urn:x> } }",
        # nested, not in the WHERE clause's own group
        "SELECT ?this WHERE { { ?this a ?c . FILTER NOT EXISTS { ?this a <urn:x> } } }",
        # inside a string
        'SELECT ?this WHERE { ?this <urn:p> "FILTER NOT EXISTS { ?this a ?z }" }',
    ):
        assert minus_for_not_exists(kept) == kept


def test_focus_nodes_outside_the_data_are_not_validated() -> None:
    def municipality(key: str, code: str) -> Graph:
        text = (
            f"<https://w3id.org/pob/id/municipality/{key}> "
            "a <https://w3id.org/pob/ontology#Municipality> ; "
            f'<https://w3id.org/pob/ontology#kommunekode> "{code}" .'
        )
        return Graph().parse(data=text, format="turtle")

    report = validate(municipality("y", "2"), extra=municipality("x", "1"), engine="fast")
    assert {r.focus_node for r in report.results} == {
        URIRef("https://w3id.org/pob/id/municipality/y")
    }


def test_owlrl_from_oxigraph_triples_against_a_closed_base() -> None:
    """The service's route: parsed triples, OWL-RL incremental against the closed curated
    graph; the same findings as pySHACL's owlrl on the rdflib graph with the curated data."""
    from pob.graph.curated import curated as closed_curated

    knowledge = closed_curated()
    closed = Graph()
    for part in (knowledge.ontology, knowledge.data, knowledge.inferred):
        closed += part
    path = next(p for p in BAD if p.stem == "ConclusionConclusionOf--missing")
    triples = parse_upload(path.read_bytes(), "text/turtle").triples  # as the service reads
    fast = validate(triples, extra=knowledge.data, inference="owlrl", base_closed=closed)
    oracle = validate(graph_of(path), extra=knowledge.data, inference="owlrl", engine="pyshacl")
    assert findings(fast) == findings(oracle)
