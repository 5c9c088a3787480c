"""Cheap scans of untrusted input, run before a parser sees it.

* :func:`xml_declaration` finds a markup declaration (``<!DOCTYPE``, ``<!ENTITY``, …) in an
  XML document. Entity declarations are what "billion laughs" (nested entities that expand
  to gigabytes) and external entities (``SYSTEM "file:///…"``) are made of; RDF/XML needs
  none, so a document with one is refused before it is parsed. XML allows the DOCTYPE only
  in the prolog, but pyoxigraph also reads one inside the root element, so the whole
  document is scanned: every ``<!`` outside comments, CDATA sections and processing
  instructions is a declaration. The scan is :meth:`bytes.find` over the input (a few ms
  for 50 MB); it also takes an :class:`mmap.mmap`, so a large file is not read whole.
* :func:`json_too_deep` finds the first ``[`` or ``{`` nested deeper than a limit in a JSON
  text, without recursion (the parsers recurse: deep input is a ``RecursionError``).
* :func:`position` gives the line and column of a byte offset.
"""

from __future__ import annotations

import mmap
import re
from itertools import accumulate

Buffer = bytes | mmap.mmap

#: what a ``<!`` may start that is not a declaration, and where each one ends
_NOT_DECLARATIONS = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"))


def position(data: Buffer, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte `offset`."""
    head = bytes(data[:offset])
    line_start = head.rfind(b"\n") + 1
    column = len(head[line_start:].decode("utf-8", errors="replace")) + 1
    return head.count(b"\n") + 1, column


def xml_declaration(data: Buffer) -> tuple[str, int] | None:
    """The first markup declaration in an XML document: (its keyword, e.g. ``DOCTYPE``,
    and its byte offset); None if there is none."""
    at = 0
    while True:
        found = data.find(b"<!", at)
        processing = data.find(b"<?", at)
        if 0 <= processing < found:  # a processing instruction: skip to its end
            end = data.find(b"?>", processing + 2)
            if end < 0:
                return None
            at = end + 2
            continue
        if found < 0:
            return None
        for opening, closing in _NOT_DECLARATIONS:
            if data[found : found + len(opening)] == opening:
                end = data.find(closing, found + len(opening))
                if end < 0:
                    return None  # unterminated: the parser says so
                at = end + len(closing)
                break
        else:
            keyword = re.match(rb"[A-Za-z]*", bytes(data[found + 2 : found + 12]))
            word = keyword.group(0).decode("ascii").upper() if keyword else ""
            return word or "declaration", found


#: a JSON string (so brackets inside strings are not counted)
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_BRACKETS = bytes(range(256)).translate(None, b"[]{}")  # every byte but the brackets
_DELTA = [0] * 256
_DELTA[ord("[")] = _DELTA[ord("{")] = 1
_DELTA[ord("]")] = _DELTA[ord("}")] = -1


def json_too_deep(data: bytes, limit: int) -> int | None:
    """The byte offset of the first array or object nested deeper than `limit` in a JSON
    text (None: none is). A fast pass in C decides; the offset is found only when needed."""
    brackets = _JSON_STRING.sub(b"", data).translate(None, _BRACKETS)
    if not brackets or max(accumulate(map(_DELTA.__getitem__, brackets))) <= limit:
        return None
    depth = 0
    for match in _JSON_TOKEN.finditer(data):
        token = match.group(0)
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return match.start()
        elif token in (b"]", b"}"):
            depth -= 1
    return None
