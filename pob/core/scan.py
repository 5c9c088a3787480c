"""Cheap scans of untrusted input, run before a parser sees it.

* :func:`xml_declaration` finds a markup declaration (``<!DOCTYPE``, ``<!ENTITY``, …) in an
  XML document. Entity declarations are what "billion laughs" (nested entities that expand
  to gigabytes) and external entities (``SYSTEM "file:///…"``) are made of; RDF/XML needs
  none, so a document with one is refused before it is parsed. XML allows the DOCTYPE only
  in the prolog, but pyoxigraph also reads one inside the root element, so the whole
  document is searched, comments and CDATA sections included (one regular-expression pass
  in C, linear whatever the input holds; a loop over comments was quadratic on hostile
  input). It also takes an :class:`mmap.mmap`, so a large file is not read whole.
* :func:`json_too_deep` finds the first ``[`` or ``{`` nested deeper than a limit in a JSON
  text, without recursion (the parsers recurse: deep input is a ``RecursionError``).
* :func:`position` gives the line and column of a byte offset.
"""

from __future__ import annotations

import mmap
import re
from itertools import accumulate

Buffer = bytes | mmap.mmap

#: the start of a markup declaration; found anywhere, comments and CDATA included (a
#: declaration has no business in RDF/XML, so refusing one in a comment costs nothing)
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)


def position(data: Buffer, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte `offset`."""
    head = bytes(data[:offset])
    line_start = head.rfind(b"\n") + 1
    column = len(head[line_start:].decode("utf-8", errors="replace")) + 1
    return head.count(b"\n") + 1, column


def xml_declaration(data: Buffer) -> tuple[str, int] | None:
    """The first markup declaration in an XML document: (its keyword, e.g. ``DOCTYPE``,
    and its byte offset); None if there is none. One regular-expression pass in C."""
    found = _DECLARATION.search(data)
    if found is None:
        return None
    return found.group(1).decode("ascii").upper(), found.start()


#: a JSON string (so brackets inside strings are not counted)
_JSON_TOKEN = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"|[\[\]{}]')
_KEEP = bytes(range(256)).translate(None, b'[]{}"')  # every byte but brackets and quotes
#: a string, once only quotes and brackets are left of the text
_QUOTED = re.compile(rb'"[^"]*+"')
#: texts up to this size get the position of a too deep array or object
LOCATE_LIMIT = 1 << 20
_DELTA = [0] * 256
_DELTA[ord("[")] = _DELTA[ord("{")] = 1
_DELTA[ord("]")] = _DELTA[ord("}")] = -1


def json_too_deep(data: bytes, limit: int) -> int | None:
    """The byte offset of the first array or object nested deeper than `limit` in a JSON
    text (None: none is; -1: one is, but the text is too big to say where).

    For valid JSON only (call it after the text parsed). The decision is made in C: escaped
    backslashes and quotes are removed, every byte but quotes and brackets dropped, and
    the brackets between string quotes counted. The offset of the culprit is looked for
    only in texts up to :data:`LOCATE_LIMIT` bytes."""
    reduced = data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _KEEP)
    brackets = _QUOTED.sub(b"", reduced)
    if not brackets or max(accumulate(map(_DELTA.__getitem__, brackets))) <= limit:
        return None
    if len(data) > LOCATE_LIMIT:
        return -1
    depth = 0
    for match in _JSON_TOKEN.finditer(data):
        token = match.group(0)
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return match.start()
        elif token in (b"]", b"}"):
            depth -= 1
    return -1
