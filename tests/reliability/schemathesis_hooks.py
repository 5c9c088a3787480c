"""schemathesis hooks (loaded through `SCHEMATHESIS_HOOKS`): how to send the text bodies
schemathesis has no serializer for. The service reads N-Triples, N-Quads, TriG and
`application/sparql-query` bodies as UTF-8 text, so a generated string goes as its UTF-8
bytes (the example of each media type in the OpenAPI description, or a fuzzed string)."""

from __future__ import annotations

from typing import Any

import schemathesis

TEXT_TYPES = (
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/sparql-query",
)


@schemathesis.serializer(*TEXT_TYPES)
def utf8_text(ctx: Any, value: Any) -> dict[str, Any]:
    if isinstance(value, bytes):
        return {"data": value}
    return {"data": str(value).encode("utf-8", errors="surrogatepass")}
