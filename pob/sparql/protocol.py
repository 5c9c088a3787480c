"""The query operation of the SPARQL 1.1 Protocol as one library call.

`prepare` runs the guard (size, UTF-8, nesting, operators, no Update/LOAD/SERVICE), picks
the media type for the query form, and resolves the dataset against the store's graphs;
`execute` runs it in the store and moves an engine's syntax-error position back onto the
text the client sent. The HTTP routes and the named-query API both call these two.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pob.core import formats
from pob.settings import Settings
from pob.sparql import guard
from pob.sparql.dataset import resolve_dataset
from pob.store.base import Dataset, QueryResult, Store
from pob.store.errors import QuerySyntaxError

#: queries longer than this are checked in a thread, off the event loop
_BIG = 8 * 1024


def from_parameters(values: Sequence[str], offered: Sequence[str]) -> str | None:
    """The media type the format parameters name, None when they name none.

    `values` are every value of `format`, then `output`, then `results` (the names
    SPARQLWrapper, Virtuoso, Joseki/Fuseki and 4store clients use), each in request order;
    empty ones are ignored. Clients repeat them (SPARQLWrapper sends `format=tsv` and
    `format=text/tab-separated-values`, under all three names), so the **first** value that
    names a format offered for this query form decides, whatever the others say; values
    are short names (:func:`pob.core.formats.from_short_name`: `xml` is SPARQL XML for
    SELECT/ASK and RDF/XML for CONSTRUCT/DESCRIBE) or media types. When none fits, the
    first value's refusal stands: UnknownFormat (400) or NotAcceptable (406)."""
    refusal: Exception | None = None
    for value in values:
        if not value.strip():
            continue
        try:
            return formats.from_short_name(value, offered)
        except (formats.UnknownFormat, formats.NotAcceptable) as exc:
            refusal = refusal or exc
    if refusal is not None:
        raise refusal
    return None


def _choose(form: str, accept: str | None, names: tuple[str, ...]) -> str:
    offered = formats.offered_for(form)
    return from_parameters(names, offered) or formats.negotiate(accept, offered)


_choose_cached = functools.lru_cache(maxsize=256)(_choose)


def choose(form: str, accept: str | None, names: Sequence[str] = ()) -> str:
    """The media type of a query result: the format parameters (:func:`from_parameters`)
    win over `Accept`. Remembered for the few requests clients repeat (negotiation was
    ~15 % of this layer's CPU for a point lookup); long ones not kept."""
    key = tuple(names)
    if (accept is not None and len(accept) > 512) or sum(map(len, key)) > 512:
        return _choose(form, accept, key)
    return _choose_cached(form, accept, key)


@dataclass(frozen=True)
class Prepared:
    query: guard.CheckedQuery
    dataset: Dataset
    media_type: str


async def check(text: str, settings: Settings, base_iri: str | None = None) -> guard.CheckedQuery:
    """The guard, in a thread for long queries. What it found for a short query is
    remembered (the last :data:`CHECKED_KEPT`; its answer depends on nothing but these
    arguments, and refusals are not kept): a client repeating a query (a page, a
    dashboard, a lookup) skips the tokeniser, about a tenth of a point lookup's CPU."""
    args = (text, settings.max_nesting, settings.max_operators, base_iri)
    if len(text) > _BIG:
        return await asyncio.to_thread(guard.check, *args)
    if len(text) > CHECKED_TEXT:
        return guard.check(*args)
    return _check_cached(*args)


#: how many checked queries are remembered, and the longest remembered (characters): at
#: most 256 x 2 KiB of query text, with what the guard found
CHECKED_KEPT = 256
CHECKED_TEXT = 2048
_check_cached = functools.lru_cache(maxsize=CHECKED_KEPT)(guard.check)


async def prepare(
    store: Store,
    settings: Settings,
    text: str,
    *,
    accept: str | None = None,
    format_name: str | None = None,
    format_names: Sequence[str] = (),
    default_uris: Iterable[str] = (),
    named_uris: Iterable[str] = (),
    inference: bool = True,
    base_iri: str | None = None,
) -> Prepared:
    """Check a query and decide what to run: GuardError, NotAcceptable, UnknownFormat.

    `format_names` are the values of the format parameters (:func:`from_parameters`);
    `format_name` is one such value (the named-query API's `format=`). `base_iri` is the
    base of relative IRIs in the query (the endpoint's address)."""
    if len(text.encode("utf-8")) > settings.max_query_bytes:
        guard.decode(text.encode("utf-8"), settings.max_query_bytes)
    checked = await check(text, settings, base_iri)
    media_type = choose(checked.form, accept, (format_name,) if format_name else format_names)
    dataset = resolve_dataset(
        checked,
        () if inference else await store.graphs(),  # only inference=false lists them
        default_uris,
        named_uris,
        inference=inference,
        inferred=settings.graph("inferred"),
    )
    return Prepared(checked, dataset, media_type)


async def execute(store: Store, settings: Settings, prepared: Prepared) -> QueryResult:
    """Run a prepared query to a complete result (QueryTimeout, ResultTooLarge, …)."""
    try:
        return await store.query(
            prepared.query, prepared.dataset, prepared.media_type, settings.max_result_rows
        )
    except QuerySyntaxError as exc:
        if exc.line is not None and exc.column is not None:
            exc.line, exc.column = prepared.query.where(exc.line, exc.column)
        raise
