"""Bearer tokens: the one check of ``Authorization: Bearer <token>``, and the token lists.

:func:`bearer_name` is what the Graph Store's writes (``POB_WRITE_TOKEN``) and the
submissions (``POB_SUBMIT_TOKEN``) both ask: which name, of a mapping token → name, does
the request's bearer token belong to. Every known token is compared in constant time
(:func:`hmac.compare_digest`). :func:`parse_token_list` reads ``token`` or
``name:token,name:token`` (the settings check it when they are made).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping


class TokenListError(ValueError):
    """A token list that is neither ``token`` nor ``name:token,name:token``."""


def parse_token_list(spec: str | None, single_name: str) -> dict[str, str]:
    """Token -> name, from ``token`` (one holder called `single_name`) or
    ``name:token,name:token``; empty or None: no tokens."""
    spec = (spec or "").strip()
    if not spec:
        return {}
    if ":" not in spec and "," not in spec:
        return {spec: single_name}
    out: dict[str, str] = {}
    for item in spec.split(","):
        name, sep, token = item.strip().partition(":")
        if not sep or not name.strip() or not token.strip():
            raise TokenListError("write 'token' or 'name:token,name:token'")
        out[token.strip()] = name.strip()
    return out


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (None: no bearer token)."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


def bearer_name(authorization: str | None, known: Mapping[str, str]) -> str | None:
    """The name `known` (token -> name) gives the request's bearer token, or None."""
    token = bearer_token(authorization)
    if token is None:
        return None
    given = token.encode()
    found = None
    for candidate, name in known.items():
        if hmac.compare_digest(given, candidate.encode()) and found is None:
            found = name
    return found
