"""The one rule for what may become a link (``href``) on a page of this service.

Any IRI can arrive in a submission (``<javascript:alert(1)>``, ``<data:text/html,…>``,
``<mailto:x@y>``). A page makes a link only of a web address (``http``/``https``) or of
a path on this server (``/id/…``, ``#anchor``, ``?query``); every other IRI is shown as
text. :func:`web_href` is the decision; the linked-data pages (:mod:`pob.graph.labels`,
``server/pages.py``), the neighbourhood picture and the validation report ask it.
"""

from __future__ import annotations

import re

#: a scheme (RFC 3986) at the start
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
#: characters a browser strips or folds before it reads the scheme (controls, spaces, `\`)
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")
WEB_SCHEMES = frozenset({"http", "https"})


def web_href(href: str | None) -> str | None:
    """`href` if a page may link to it (an ``http``/``https`` address, or a path, fragment
    or query on this server), else None (show it as text)."""
    if not href or _UNSAFE.search(href):
        return None
    scheme = _SCHEME.match(href)
    if scheme is not None:
        return href if scheme.group(1).lower() in WEB_SCHEMES else None
    if href.startswith("//"):  # another host, scheme taken from the page: not ours
        return None
    return href if href.startswith(("/", "#", "?")) else None
