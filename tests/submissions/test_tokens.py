"""pob.core.tokens: the one bearer-token check (Graph Store writes and submissions)."""

from __future__ import annotations

import pytest

from pob.core.tokens import TokenListError, bearer_name, bearer_token, parse_token_list

KNOWN = {"a-token": "alice", "b-token": "bob"}


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Bearer a-token", "alice"),
        ("bearer  b-token ", "bob"),
        ("Bearer nope", None),
        ("Basic a-token", None),
        ("a-token", None),
        ("", None),
        (None, None),
    ],
)
def test_bearer_name(header: str | None, name: str | None) -> None:
    assert bearer_name(header, KNOWN) == name


def test_bearer_token() -> None:
    assert bearer_token("Bearer x") == "x"
    assert bearer_token("Token x") is None


def test_parse_token_list() -> None:
    assert parse_token_list("t", "writer") == {"t": "writer"}
    assert parse_token_list("alice:a-token,bob:b-token", "x") == KNOWN
    with pytest.raises(TokenListError):
        parse_token_list("alice:", "x")
