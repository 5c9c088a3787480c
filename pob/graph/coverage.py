"""What a dataset covers in space: the countries of the places it is about.

One rule, used for the curated data (:mod:`pob.publish.catalog`) and for a submission when it
is accepted (:mod:`pob.validation.records`): the *places* of a dataset are the municipalities
and areas it describes (subjects typed ``pob:Municipality`` or ``pob:Area``) and the places it
points to with ``pob:municipality``, ``pob:operatesIn`` or ``schema:location``; a place's
country is its ``pob:country``, or its municipality's or location's (followed up to three
steps). A place the dataset only names (a curated municipality, say) is looked up in
`reference`. Nothing is assumed: a dataset without places covers no country.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from pob.graph.iri import term
from pob.graph.namespaces import SCHEMA
from pob.graph.prefixes import CANONICAL_BASE

PLACE_TYPES = ("Municipality", "Area")
PLACE_LINKS = ("municipality", "operatesIn")
MAX_STEPS = 3


def _objects(graphs: Iterable[Graph], node: Node, predicate: URIRef) -> list[Node]:
    return [o for g in graphs for o in g.objects(node, predicate)]


def places(data: Graph, base: str = CANONICAL_BASE) -> set[Node]:
    """The municipalities and areas `data` describes or points to."""
    found: set[Node] = set()
    for name in PLACE_TYPES:
        found.update(data.subjects(RDF.type, term(name, base)))
    for link in (*(term(name, base) for name in PLACE_LINKS), SCHEMA.location):
        found.update(data.objects(None, link))
    return found


def countries(
    data: Graph, reference: Graph | None = None, base: str = CANONICAL_BASE
) -> list[URIRef]:
    """The countries (``pob:Country`` IRIs) of the places of `data`, sorted."""
    graphs = [data] if reference is None else [data, reference]
    country = term("country", base)
    links = (term("municipality", base), SCHEMA.location)
    out: set[URIRef] = set()
    for place in places(data, base):
        frontier, seen = [place], {place}
        for _ in range(MAX_STEPS):
            found = [c for node in frontier for c in _objects(graphs, node, country)]
            out.update(c for c in found if isinstance(c, URIRef))
            if found:
                break
            frontier = [o for node in frontier for p in links for o in _objects(graphs, node, p)]
            frontier = [o for o in frontier if o not in seen]
            seen.update(frontier)
    return sorted(out)
