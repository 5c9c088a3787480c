"""How `pob` authenticates its writes to a remote engine (`store_user`, `store_password`)."""

from __future__ import annotations

import httpx


async def credentials(http: httpx.AsyncClient, url: str, user: str, password: str) -> httpx.Auth:
    """Digest or basic auth, as the engine's update endpoint (`url`) challenges; a digest
    challenge is met once here, so that later requests (streamed bodies too) carry the
    answer from the start."""
    try:
        challenge = (await http.get(url)).headers.get("WWW-Authenticate")
    except httpx.HTTPError:
        challenge = None  # not up yet: digest (the engines we know), met on first use
    if challenge and challenge.lower().startswith("basic"):
        return httpx.BasicAuth(user, password)
    auth = httpx.DigestAuth(user, password)
    if challenge:
        await http.get(url, auth=auth)
    return auth
