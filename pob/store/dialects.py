"""What differs between the remote engines `RemoteStore` speaks to: one dialect each.

The protocols are the same (SPARQL 1.1 Query, Update, Graph Store); the engines differ in
what they write and what they keep:

* **Oxigraph** (`oxigraph serve`, and any engine that writes SPARQL 1.1 TSV): SELECT
  results come as TSV, one row a line, counted while they stream; every graph in the store
  is ours; a multi-operation update is one transaction.
* **Virtuoso** (open source 7.2): its TSV is not SPARQL 1.1 TSV (IRIs as quoted strings,
  `true` as 1), nor are its JSON booleans, so SELECT results are asked for as SPARQL XML
  and counted by their `<result>` elements; its blank nodes are labelled `nodeID://b123`,
  which is not a blank node label, so the label is rewritten to `b123` as the bytes
  arrive. It keeps graphs of its own (`virtrdf#`, `ldp#`, `http://<host>/sparql`, its
  service description, and `http://<host>/DAV/`): they are left out of `graphs()` and so
  out of every dataset. `GRAPH ?g { }` finds nothing there, so graphs are listed by their
  triples; Virtuoso keeps no empty named graph, so pob notes them (`EMPTY_GRAPHS`). Its
  query timeout (`timeout`, ms) answers 200 with the rows found so far and `X-SQL-State:
  S1TAT`: that is a timeout here, never a short answer. Its `maxrows` is raised to our
  limit (its default cuts at 1,048,576 rows silently, and `ResultSetMaxRows` in
  virtuoso.ini lower still). Its endpoint commits after every operation of an update, also
  after one that fails (`exec (...); commit work;` in `WS.WS."/!sparql/"`), so an update
  of more than one operation cannot be one transaction: it is refused
  (:class:`~pob.store.errors.EngineLimitation`, 501) before anything is sent; a removal
  (:meth:`pob.store.base.Store.remove`: graphs and a pattern, a submission's withdrawal) is
  written as one ``DELETE``, which Virtuoso runs in one transaction (killed midway, it is
  undone when the engine starts again: tests/virtuoso/test_withdrawal.py). Inserts and
  Graph Store writes are staged (:mod:`pob.store.staging`): its update compiler takes about
  1,000 triples at most, and its Graph Store PUT is not atomic.
  Syntax errors name the line ("SPARQL compiler, line 2: …").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import httpx

from pob.core import formats
from pob.store import ops
from pob.store.errors import EngineLimitation, QueryTimeout

#: `maxrows` for a query without a row limit (Virtuoso's own default is 1,048,576)
NO_LIMIT = 2_000_000_000


class Rows:
    """Counts the rows of a result as its bytes arrive and passes the bytes on (a dialect
    may rewrite them). Bytes are passed on up to the last newline, so that neither the
    row marker nor a rewritten piece (neither holds a newline) is ever cut in two."""

    def __init__(self, marker: bytes = b"\n", header: int = 0) -> None:
        self.marker = marker
        self.count = -header  # the TSV header line is not a row
        self._tail = b""

    def rewrite(self, data: bytes) -> bytes:
        return data

    def feed(self, chunk: bytes) -> bytes:
        data = self._tail + chunk
        cut = data.rfind(b"\n") + 1
        self._tail = data[cut:]
        return self._done(data[:cut])

    def flush(self) -> bytes:
        data, self._tail = self._tail, b""
        return self._done(data)

    def _done(self, data: bytes) -> bytes:
        data = self.rewrite(data)
        self.count += data.count(self.marker)
        return data


class Dialect:
    """SPARQL 1.1 as `oxigraph serve` speaks it."""

    name = "oxigraph"
    #: the SELECT results format asked for (one we can count while it streams)
    select_type = formats.TSV
    graphs_query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"

    def select_rows(self) -> Rows:
        return Rows(b"\n", header=1)

    def text(self, query: str) -> str:
        """The query as this engine can read it."""
        return query

    def mark(self, graph: str, empty: bool) -> str | None:
        """The update that notes (or forgets) an empty graph, for an engine that keeps
        no empty graphs of its own; None: the engine keeps them."""
        return None

    def params(self, timeout: float, max_rows: int | None) -> list[tuple[str, str]]:
        """Extra form fields of a query request."""
        return []

    def check(self, response: httpx.Response) -> None:
        """Raise if a successful answer is not a complete result."""

    def hidden(self, graph: str) -> bool:
        """A graph of the engine's own, not part of our store."""
        return False

    def check_update(self, sparql: str) -> str:
        """The update as the engine runs it in one transaction; raise before sending one
        it cannot."""
        return sparql

    def removal(self, graphs: Sequence[str], delete: str, where: str) -> str:
        """:meth:`pob.store.base.Store.remove` as one update the engine runs in one
        transaction."""
        return ops.removal(graphs, delete, where)

    def insert_frame(self) -> tuple[bytes, bytes]:
        """What comes before and after the GRAPH blocks of a streamed insert (one
        operation, :meth:`pob.store.remote.RemoteStore.insert`)."""
        return b"INSERT DATA {\n", b"}\n"

    #: whether inserts and Graph Store writes are staged in graphs of their own and then
    #: copied with :meth:`staged_insert` (:mod:`pob.store.staging`: an engine whose update
    #: parser cannot take a large `INSERT DATA`, or whose Graph Store is not atomic)
    stages_inserts = False

    def staged_insert(self, staged: Mapping[str, str], replace: Collection[str] = ()) -> str:
        """One operation that copies every staging graph into its target (`staged`: target
        → staging graph) and deletes the triples the graphs in `replace` held before: one
        transaction, blank nodes kept as the same nodes."""
        branches = [
            f"{{ GRAPH <{stage}> {{ ?s ?p ?o }} BIND(<{target}> AS ?g) }}"
            for target, stage in staged.items()
        ]
        branches += [f"{{ GRAPH <{g}> {{ ?_s ?_p ?_o }} BIND(<{g}> AS ?_g) }}" for g in replace]
        delete = "DELETE { GRAPH ?_g { ?_s ?_p ?_o } }\n" if replace else ""
        insert = "INSERT { GRAPH ?g { ?s ?p ?o } }\n" if staged else ""
        return f"{delete}{insert}WHERE {{ {' UNION '.join(branches)} }}"

    def syntax_position(self, message: str) -> tuple[int | None, int | None]:
        found = re.search(r"at (\d+):(\d+)", message)
        return (int(found.group(1)), int(found.group(2))) if found else (None, None)


class VirtuosoRows(Rows):
    """SPARQL XML results: `<result>` elements counted, `nodeID://` blank nodes relabelled."""

    def __init__(self) -> None:
        super().__init__(b"<result>")

    def rewrite(self, data: bytes) -> bytes:
        return data.replace(b"<bnode>nodeID://", b"<bnode>")


#: where pob notes the empty graphs of an engine that keeps none (Virtuoso drops a graph
#: with its last triple): PUT of an empty graph notes it, a write with triples or a
#: DELETE forgets it; a graph emptied by an update is gone, as in the engine
EMPTY_GRAPHS = "urn:pob:empty-graphs"
SD_GRAPH = "http://www.w3.org/ns/sparql-service-description#Graph"
#: the graphs Virtuoso keeps for itself, and the note above
_VIRTUOSO_GRAPHS = re.compile(
    r"urn:pob:empty-graphs"
    r"|http://www\.openlinksw\.com/schemas/virtrdf#|http://www\.w3\.org/ns/ldp#"
    r"|https?://[^/]+/(?:sparql|DAV/)"
)
_INSERT_DATA = re.compile(r"\s*INSERT\s+DATA(?=\s|\{)", re.IGNORECASE)
_HASH_IN_IRI = re.compile(r"<[^<>\s]*\\u0023[^<>\s]*>")
#: a `;` between operations: strings, IRIs and comments are skipped whole, braces counted
_TOKENS = re.compile(
    rb'"""(?:[^"\\]|\\.|"(?!""))*"""|'
    rb"'''(?:[^'\\]|\\.|'(?!''))*'''|"
    rb'"(?:[^"\\\n]|\\.)*"|'
    rb"'(?:[^'\\\n]|\\.)*'|"
    rb"<[^<>\"{}|^`\\\s]*>|#[^\n]*|[{};]"
)


def operations(sparql: str) -> int:
    """How many operations a SPARQL Update has (`;` at brace depth 0, not at the end)."""
    depth, count, pending = 0, 1, False
    for match in _TOKENS.finditer(sparql.encode("utf-8")):
        token = match.group()
        if token == b"{":
            depth += 1
        elif token == b"}":
            depth -= 1
        elif token == b";" and depth == 0:
            pending = True
            continue
        elif token.startswith(b"#"):
            continue
        if pending:
            count, pending = count + 1, False
    if pending and re.search(r"\w", sparql[sparql.rfind(";") + 1 :]):
        count += 1  # a last operation without braces or IRIs (`CLEAR ALL`)
    return count


class Virtuoso(Dialect):
    name = "virtuoso"
    select_type = formats.XML
    graphs_query = (
        "SELECT DISTINCT ?g WHERE { { GRAPH ?g { ?s ?p ?o } } UNION "
        f"{{ GRAPH <{EMPTY_GRAPHS}> {{ ?g a <{SD_GRAPH}> }} }} }}"
    )

    def select_rows(self) -> Rows:
        return VirtuosoRows()

    def text(self, query: str) -> str:
        """`#` back from the guard's `\\u0023` in IRIs: Virtuoso reads no escapes in IRIs.
        Only `#`: were `<` read as *less than*, `#` would start a comment, so the engine
        would see less than the guard checked, never more; `' ( ) [ ]` stay escaped (a
        syntax error in Virtuoso, 400) since a `'` could open a string."""
        return _HASH_IN_IRI.sub(lambda m: m.group().replace("\\u0023", "#"), query)

    def mark(self, graph: str, empty: bool) -> str | None:
        verb = "INSERT" if empty else "DELETE"
        return f"{verb} DATA {{ GRAPH <{EMPTY_GRAPHS}> {{ <{graph}> a <{SD_GRAPH}> }} }}"

    def params(self, timeout: float, max_rows: int | None) -> list[tuple[str, str]]:
        limit = NO_LIMIT if max_rows is None else max_rows + 1
        return [("timeout", str(max(1000, int(timeout * 1000)))), ("maxrows", str(limit))]

    def check(self, response: httpx.Response) -> None:
        if response.headers.get("X-SQL-State") == "S1TAT":
            raise QueryTimeout(
                "the query ran past the time limit and was stopped by the engine "
                f"({response.headers.get('X-SQL-Message', '')[:200].strip()})"
            )

    def hidden(self, graph: str) -> bool:
        return _VIRTUOSO_GRAPHS.fullmatch(graph) is not None

    def check_update(self, sparql: str) -> str:
        """Refused if it has more than one operation. `INSERT DATA {…}` is sent as
        `INSERT {…} WHERE { }` (the same triples): Virtuoso takes no blank nodes in
        INSERT DATA ("not allowed in a constant clause"), our provenance has some."""
        found = operations(sparql)
        if found > 1:
            raise EngineLimitation(
                f"the update has {found} operations; Virtuoso commits each operation of an "
                "update on its own (also after one fails), so only single-operation updates "
                "are sent to it (one INSERT DATA may write several graphs)"
            )
        data = _INSERT_DATA.match(sparql)
        if data is None:
            return sparql
        return "INSERT" + sparql[data.end() :].rstrip().rstrip(";").rstrip() + "\nWHERE { }"

    def removal(self, graphs: Sequence[str], delete: str, where: str) -> str:
        """One ``DELETE`` (one operation, so one transaction here): every triple of each
        graph beside the caller's pattern, as branches of a UNION. Virtuoso drops a graph
        with its last triple, so no ``DROP`` is needed (nor could one be sent beside it)."""
        ops.own_variables(delete, where)
        template = [f"GRAPH <{g}> {{ ?_s{i} ?_p{i} ?_o{i} }}" for i, g in enumerate(graphs)]
        branches = [f"{{ {t} }}" for t in template]
        if delete:
            template.append(delete)
            branches.append(f"{{ {where} }}")
        return f"DELETE {{ {' '.join(template)} }}\nWHERE {{ {' UNION '.join(branches)} }}"

    #: its SQL compiler takes at most about 1,000 triples in one `INSERT … WHERE { }` (SP031)
    #: and its parser about 5,000 lines of one update (SP030); the Graph Store protocol
    #: takes any size, and one `INSERT … WHERE` copies any number of triples in one
    #: transaction (measured: 0.5 M triples staged in 10 s, copied in 15 s). Two constant
    #: GRAPH blocks in that template answer 500 after writing (SR002), so the target graph
    #: is a variable bound in each branch.
    stages_inserts = True

    def syntax_position(self, message: str) -> tuple[int | None, int | None]:
        found = re.search(r"line (\d+)", message)
        return (int(found.group(1)), None) if found else (None, None)


def dialect(settings: Any) -> Dialect:
    """The dialect of the engine the settings name (`store_engine`)."""
    return Virtuoso() if settings.store_engine == "virtuoso" else Dialect()
