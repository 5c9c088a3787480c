"""The project's JSON-LD context, and JSON-LD written with it.

One file, ``data/contexts/pob.jsonld`` (every project prefix and short terms such as
``label``), is the context of three things: what ``GET /context.jsonld`` serves, what the
upload parser reads when a document names ``{base}context.jsonld``
(:data:`pob.validation.upload.LOCAL_CONTEXTS`), and the JSON-LD the service and ``pob export``
write (:func:`to_jsonld`): compacted with it, so keys read ``label``, ``pob:municipality``,
``mun:aarhus`` rather than full IRIs. The service's documents name the context by its IRI
(which it serves); ``pob export`` writes it inline, so the file reads offline. The file's IRIs
use the canonical base; they move to the configured base when read.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from rdflib import Graph

from pob.graph.prefixes import CANONICAL_BASE
from pob.graph.sources import ROOT

CONTEXT_FILE = ROOT / "data" / "contexts" / "pob.jsonld"
#: where the context lives, under the base (the upload parser maps this IRI to the file)
CONTEXT_PATH = "context.jsonld"


def context_iri(base: str = CANONICAL_BASE) -> str:
    return base + CONTEXT_PATH


@cache
def context_document(base: str = CANONICAL_BASE) -> dict[str, Any]:
    """The context document (``{"@context": {...}}``) with its IRIs under `base`."""
    text = CONTEXT_FILE.read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text.replace(CANONICAL_BASE, base))
    return document


def context_bytes(base: str = CANONICAL_BASE) -> bytes:
    return json.dumps(context_document(base), ensure_ascii=False, indent=2).encode("utf-8")


def to_jsonld(graph: Graph, base: str = CANONICAL_BASE, *, inline: bool = False) -> bytes:
    """`graph` as compact JSON-LD with the project's context, referenced by its IRI (what the
    service answers: the IRI resolves there), or `inline` (a file that stands alone)."""
    context = context_document(base)["@context"]
    text = graph.serialize(format="json-ld", context=context, auto_compact=True, indent=1)
    document = json.loads(text)
    named = context if inline else context_iri(base)
    if isinstance(document, dict):
        document["@context"] = named
    else:  # an empty graph: rdflib writes a bare list
        document = {"@context": named, "@graph": document}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
