"""pob.core.formats: content negotiation on its own (and the query operation's choice,
pob.sparql.protocol.choose, which reads the format parameters first)."""

from __future__ import annotations

import pytest

from pob.core import formats
from pob.core.formats import (
    NotAcceptable,
    UnknownFormat,
    error_type,
    negotiate,
    parse_accept,
)
from pob.sparql.protocol import choose


def test_parse_accept() -> None:
    ranges = parse_accept('text/turtle;q=0.5, application/ld+json; profile="x", bad, */*;q=x')
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "turtle", 0.5),
        ("application", "ld+json", 1.0),
        ("*", "*", 1.0),
    ]


@pytest.mark.parametrize(
    ("accept", "form", "expected"),
    [
        (None, "SELECT", formats.JSON),
        ("", "CONSTRUCT", formats.TURTLE),
        ("*/*", "ASK", formats.JSON),
        ("*/*", "DESCRIBE", formats.TURTLE),
        ("text/*", "SELECT", formats.CSV),
        ("text/*;q=0.1, application/*", "CONSTRUCT", formats.NTRIPLES),
        ("application/json", "SELECT", formats.JSON),
        ("text/xml", "ASK", formats.XML),
        ("text/plain", "CONSTRUCT", formats.NTRIPLES),
        ("text/turtle;q=0, */*", "CONSTRUCT", formats.NTRIPLES),
        ("application/trig", "CONSTRUCT", formats.TRIG),
    ],
)
def test_choose(accept: str | None, form: str, expected: str) -> None:
    assert choose(form, accept) == expected


def test_not_acceptable() -> None:
    with pytest.raises(NotAcceptable) as raised:
        negotiate("image/png", formats.ASK_TYPES)
    assert raised.value.offered == formats.ASK_TYPES


def test_short_names() -> None:
    assert choose("SELECT", "text/csv", ["json"]) == formats.JSON
    assert choose("CONSTRUCT", None, ["ttl"]) == formats.TURTLE
    with pytest.raises(UnknownFormat):
        choose("SELECT", None, ["turtle"])


def test_error_type() -> None:
    assert error_type(None) == "application/json"
    assert error_type("text/plain") == "text/plain"
    assert error_type("text/csv") == "application/json"
