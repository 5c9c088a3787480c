"""pob.validation.upload, .body and .content: formats, text checks, JSON-LD without fetching,
limits, canonical content."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pyoxigraph as ox
import pytest

from pob.validation.body import parse_form, read_limited
from pob.validation.content import canonical
from pob.validation.upload import (
    BadSyntax,
    EmptyDataset,
    NotText,
    RemoteContext,
    TooLarge,
    TooManyTriples,
    UnsupportedFormat,
    format_for,
    inline_contexts,
    parse_upload,
)

TURTLE = b"""@prefix ex: <http://example.org/> .
ex:a ex:p "tekst med \xc3\xa6\xc3\xb8\xc3\xa5"@da ; ex:q [ ex:r 1 ] .
"""
POB = "https://w3id.org/pob/"


@pytest.mark.parametrize(
    ("media_type", "filename", "name"),
    [
        ("text/turtle", None, "Turtle"),
        ("text/turtle; charset=utf-8", None, "Turtle"),
        ("application/trig", None, "TriG"),
        ("application/n-triples", None, "N-Triples"),
        ("application/n-quads", None, "N-Quads"),
        ("application/ld+json", None, "JSON-LD"),
        ("application/json", None, "JSON-LD"),
        ("application/rdf+xml", None, "RDF/XML"),
        ("application/octet-stream", "x.ttl", "Turtle"),
        ("", "x.nq", "N-Quads"),
        (None, "x.jsonld", "JSON-LD"),
    ],
)
def test_format_by_media_type_or_file_name(
    media_type: str | None, filename: str | None, name: str
) -> None:
    assert format_for(media_type, filename).name == name


def test_unknown_format_is_415() -> None:
    with pytest.raises(UnsupportedFormat) as caught:
        format_for("image/png")
    assert caught.value.status == 415
    assert "text/turtle" in caught.value.detail


def test_every_format_gives_the_same_triples() -> None:
    graph = parse_upload(TURTLE, "text/turtle").triples
    _, digest = canonical(graph)
    for fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        text = ox.serialize(graph, format=fmt)
        assert text is not None
        upload = parse_upload(text, fmt.media_type)
        assert canonical(upload.triples)[1] == digest, fmt


def test_quad_formats_merge_graphs_and_say_so() -> None:
    body = b"<http://a> <http://p> <http://b> <http://g1> .\n<http://a> <http://p> <http://c> .\n"
    upload = parse_upload(body, "application/n-quads")
    assert len(upload.triples) == 2
    assert upload.ignored_graphs == ["http://g1"]
    assert "graph names are ignored" in upload.notes[0]


def test_syntax_error_names_format_line_and_column() -> None:
    with pytest.raises(BadSyntax) as caught:
        parse_upload(b"@prefix ex: <http://e/> .\nex:a ex:b ex:c ;\n  ex:d .\n", "text/turtle")
    error = caught.value
    assert (error.status, error.line, error.column) == (400, 3, 8)
    assert error.detail.startswith("Turtle syntax error at line 3, column 8")


def test_json_syntax_error_has_line_and_column() -> None:
    with pytest.raises(BadSyntax) as caught:
        parse_upload(b'{\n  "@id": "http://a",\n  "x": }', "application/ld+json")
    assert (caught.value.line, caught.value.format.name) == (3, "JSON-LD")


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "line 2, column 1"),
        (b'<http://a> <http://p> "\xff\xfe" .', "line 1, column 24"),
        (b'<http://a> <http://p> "x" .\n\x00', "line 2, column 1"),
    ],
)
def test_binary_and_non_utf8_are_refused(body: bytes, where: str) -> None:
    with pytest.raises(NotText) as caught:
        parse_upload(body, "text/turtle")
    assert caught.value.status == 400
    assert where in caught.value.detail


def test_other_charsets_are_refused() -> None:
    with pytest.raises(NotText):
        parse_upload(b"<http://a> <http://p> <http://b> .", "text/turtle; charset=latin-1")
    xml = b'<?xml version="1.0" encoding="ISO-8859-1"?><rdf:RDF/>'
    with pytest.raises(NotText, match="ISO-8859-1"):
        parse_upload(xml, "application/rdf+xml")


def test_byte_order_mark_is_accepted() -> None:
    assert len(parse_upload(b"\xef\xbb\xbf" + TURTLE, "text/turtle").triples) == 3


def test_empty_dataset_is_refused() -> None:
    with pytest.raises(EmptyDataset):
        parse_upload(b"# nothing\n", "text/turtle")


def test_triple_limit_stops_parsing() -> None:
    body = b"".join(b'<http://a> <http://p> "%d" .\n' % i for i in range(50))
    assert len(parse_upload(body, "application/n-triples", max_triples=50).triples) == 50
    with pytest.raises(TooManyTriples) as caught:
        parse_upload(body, "application/n-triples", max_triples=49)
    assert caught.value.status == 413


def test_our_jsonld_context_comes_from_the_local_copy() -> None:
    doc = {
        "@context": f"{POB}context.jsonld",
        "@id": "mun:testrup",
        "@type": "pob:Municipality",
        "label": {"da": "Testrup Kommune"},
        "source": "src:test",
    }
    upload = parse_upload(json.dumps(doc).encode(), "application/ld+json")
    found = {(t.predicate.value, str(t.object)) for t in upload.triples}
    assert ("http://www.w3.org/2000/01/rdf-schema#label", '"Testrup Kommune"@da') in found
    assert ("http://purl.org/dc/terms/source", f"<{POB}id/source/test>") in found


@pytest.mark.parametrize(
    "context",
    [
        "https://schema.org/",
        ["https://w3id.org/pob/context.jsonld", "http://example.org/ctx.jsonld"],
        {"@import": "http://example.org/ctx.jsonld"},
        {"p": {"@id": "http://example.org/p", "@context": "http://example.org/scoped.jsonld"}},
    ],
)
def test_remote_contexts_are_never_fetched(context: object) -> None:
    doc = {"@context": context, "@id": "http://example.org/a", "http://example.org/p": "x"}
    with pytest.raises(RemoteContext) as caught:
        parse_upload(json.dumps(doc).encode(), "application/ld+json")
    assert caught.value.status == 400
    assert caught.value.url.startswith(("https://schema.org", "http://example.org"))
    assert caught.value.url in caught.value.detail


def test_nested_contexts_are_resolved() -> None:
    doc = {"@graph": [{"@context": f"{POB}context.jsonld", "@id": "mun:x", "label": {"da": "X"}}]}
    out = inline_contexts(doc)
    assert isinstance(out["@graph"][0]["@context"], dict)
    assert len(parse_upload(json.dumps(doc).encode(), "application/ld+json").triples) == 1


def test_canonical_hash_ignores_blank_node_labels_and_order() -> None:
    a = parse_upload(
        b"_:x <http://p> <http://o> .\n<http://s> <http://q> _:x .\n", "application/n-triples"
    )
    b = parse_upload(
        b"<http://s> <http://q> _:y .\n_:y <http://p> <http://o> .\n", "application/n-triples"
    )
    c = parse_upload(
        b"<http://s> <http://q> _:y .\n_:y <http://p> <http://other> .\n", "application/n-triples"
    )
    assert canonical(a.triples)[1] == canonical(b.triples)[1] != canonical(c.triples)[1]


def test_read_limited_stops_at_the_limit() -> None:
    pulled: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(1000):
            pulled.append(i)
            yield b"x" * 1000

    with pytest.raises(TooLarge):
        asyncio.run(read_limited(chunks(), 10_000))
    assert len(pulled) == 11  # not one chunk more than needed
    with pytest.raises(TooLarge):
        asyncio.run(read_limited(chunks(), 10_000, declared="20000"))


def test_form_parts_stay_bytes() -> None:
    body = (
        b'--B\r\nContent-Disposition: form-data; name="profile"\r\n\r\nstrict\r\n'
        b'--B\r\nContent-Disposition: form-data; name="data"\r\n\r\n\xff\xfe\r\n--B--\r\n'
    )
    parts = parse_form(body, "multipart/form-data; boundary=B")
    assert parts["profile"].data == b"strict"
    assert parts["data"].data == b"\xff\xfe"
    with pytest.raises(NotText):
        parse_upload(parts["data"].data, "text/turtle")


def test_the_local_context_has_every_project_prefix() -> None:
    from pob.graph.prefixes import prefixes
    from pob.validation.upload import CONTEXTS_DIR

    context = json.loads((CONTEXTS_DIR / "pob.jsonld").read_text(encoding="utf-8"))["@context"]
    for prefix, namespace in prefixes().items():
        assert context.get(prefix) == namespace, prefix


def test_the_local_context_follows_the_configured_base() -> None:
    base = "https://example.org/pob/"
    doc = {"@context": f"{base}context.jsonld", "@id": "mun:x", "label": {"da": "X"}}
    (triple,) = parse_upload(json.dumps(doc).encode(), "application/ld+json", base=base).triples
    assert triple.subject.value == f"{base}id/municipality/x"
