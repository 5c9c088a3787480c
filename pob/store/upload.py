"""An uploaded graph (a Graph Store PUT/POST body or a file for `pob load`) → N-Triples.

pyoxigraph parses (fast, with line and column in its errors); blank nodes get fresh
labels so two uploads never share one by accident; named graphs in the input are refused
(a Graph Store request carries one graph). Oxigraph treats `"x"^^xsd:string` and `"x"` as
the same literal, so the literal normalisation the rdflib loaders do is built in here.
"""

from __future__ import annotations

import pyoxigraph as ox

from pob.core import formats
from pob.graph.sources import ParseError

TRIPLE_FORMATS: dict[str, ox.RdfFormat] = {
    formats.TURTLE: ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    formats.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    formats.JSONLD: ox.RdfFormat.JSON_LD,
    formats.RDFXML: ox.RdfFormat.RDF_XML,
}
SUFFIXES: dict[str, str] = {
    ".ttl": formats.TURTLE,
    ".nt": formats.NTRIPLES,
    ".jsonld": formats.JSONLD,
    ".json": formats.JSONLD,
    ".rdf": formats.RDFXML,
    ".owl": formats.RDFXML,
    ".xml": formats.RDFXML,
}


class UnsupportedFormat(ValueError):
    """A body in a media type we do not read."""


def to_ntriples(data: bytes, media_type: str, base_iri: str | None = None) -> tuple[bytes, int]:
    """The triples of `data` as N-Triples, and how many there are (ParseError if bad)."""
    rdf_format = TRIPLE_FORMATS.get(media_type)
    if rdf_format is None:
        raise UnsupportedFormat(
            f"cannot read {media_type or 'a body without Content-Type'}; send one of "
            + ", ".join(t for t in TRIPLE_FORMATS if "/x-" not in t and t != "text/plain")
        )
    try:
        triples = [
            q.triple
            for q in ox.parse(
                data,
                rdf_format,
                base_iri=base_iri,
                without_named_graphs=True,
                rename_blank_nodes=True,
            )
        ]
    except SyntaxError as exc:
        raise ParseError(f"{media_type} body", exc.msg or str(exc), exc.lineno, exc.offset) from exc
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples)
