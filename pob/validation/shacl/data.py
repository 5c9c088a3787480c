"""The merged data graph: dicts of pyoxigraph terms, and an Oxigraph store for SPARQL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from pob.validation.shacl.terms import OX_SUBCLASS, OX_TYPE, OxTriple, Term


class Index:
    """The merged data graph as dicts of pyoxigraph terms (see the module docstring)."""

    def __init__(self, triples: Iterable[OxTriple]) -> None:
        spo: dict[Term, dict[Term, set[Term]]] = {}
        self.triples: list[OxTriple] = triples if isinstance(triples, list) else list(triples)
        for s, p, o in self.triples:
            by_p = spo.get(s)
            if by_p is None:
                by_p = spo[s] = {}
            objects = by_p.get(p)
            if objects is None:
                by_p[p] = {o}
            else:
                objects.add(o)
        self.spo = spo
        self._subjects_of: dict[Term, set[Term]] = {}
        self._inverse: dict[Term, dict[Term, set[Term]]] = {}
        instances: dict[Term, set[Term]] = {}
        supers: dict[Term, set[Term]] = {}
        for s, by_p in spo.items():
            for c in by_p.get(OX_TYPE, ()):
                instances.setdefault(c, set()).add(s)
            if OX_SUBCLASS in by_p:
                supers[s] = by_p[OX_SUBCLASS]
        self.instances = instances
        self._supers = supers
        self._closure: dict[Term, frozenset[Term]] = {}

    def objects(self, s: Term, p: Term) -> set[Term]:
        by_p = self.spo.get(s)
        return (by_p.get(p) or set()) if by_p is not None else set()

    def subjects_of(self, p: Term) -> set[Term]:
        found = self._subjects_of.get(p)
        if found is None:
            found = self._subjects_of[p] = {s for s, by_p in self.spo.items() if p in by_p}
        return found

    def inverse(self, p: Term, o: Term) -> set[Term]:
        table = self._inverse.get(p)
        if table is None:
            table = {}
            for s in self.subjects_of(p):
                for obj in self.spo[s][p]:
                    table.setdefault(obj, set()).add(s)
            self._inverse[p] = table
        return table.get(o) or set()

    def superclasses(self, c: Term) -> frozenset[Term]:
        """`c` and everything it is an rdfs:subClassOf*, as pySHACL walks it."""
        found = self._closure.get(c)
        if found is None:
            seen, todo = {c}, [c]
            while todo:
                for sup in self._supers.get(todo.pop(), ()):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            found = self._closure[c] = frozenset(seen)
        return found

    def subclasses(self, c: Term) -> set[Term]:
        """`c` and every class that is an rdfs:subClassOf* of it."""
        return {s for s in self._supers if c in self.superclasses(s)} | {c}

    def has_class(self, node: Term, c: Term) -> bool:
        if isinstance(node, ox.Literal):
            return False
        by_p = self.spo.get(node)
        if by_p is None:
            return False
        return any(c in self.superclasses(t) for t in by_p.get(OX_TYPE, ()))


class Sparql:
    """The merged graph in an in-memory Oxigraph store, for SPARQL targets and constraints.

    Loaded from N-Triples when the caller has them (Oxigraph parses them in Rust, with no
    Python object per triple; they come from our own serialiser, hence ``lenient``), else
    from the triples."""

    def __init__(
        self, triples: Iterable[OxTriple] = (), ntriples: Sequence[bytes] | None = None
    ) -> None:
        self.store = ox.Store()
        if ntriples is not None:
            for chunk in ntriples:
                if chunk:
                    self.store.load(chunk, ox.RdfFormat.N_TRIPLES, lenient=True)
            return
        self.store.bulk_extend(  # generalized triples (literal subjects) cannot be stored
            ox.Quad(s, p, o)
            for s, p, o in triples
            if not isinstance(s, ox.Literal) and isinstance(p, ox.NamedNode)
        )

    def column(self, text: str, name: str = "this") -> list[Term]:
        """The values of one variable of a SELECT query.

        Oxigraph writes the whole result as TSV in one call, which evaluates the query
        without holding the GIL (iterating the solutions takes it back for every row, and
        then waits for the main thread's turns); the IRIs and blank nodes are read back here,
        anything else through Oxigraph's own TSV parser."""
        solutions = self.store.query(text)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        if name not in names:
            return []
        data = solutions.serialize(format=ox.QueryResultsFormat.TSV) or b""
        lines = data.decode("utf-8").split("\n")
        column = names.index(name)
        out: list[Term] = []
        odd: list[str] = []
        for line in lines[1:]:
            if not line:
                continue
            value = line.split("\t")[column]
            if value.startswith("<") and value.endswith(">") and "\\" not in value:
                out.append(ox.NamedNode(value[1:-1]))
            elif value.startswith("_:"):
                out.append(ox.BlankNode(value[2:]))
            elif value:
                odd.append(line)
        if odd:
            table = "\t".join(f"?{n}" for n in names) + "\n" + "\n".join(odd) + "\n"
            parsed = ox.parse_query_results(table.encode(), ox.QueryResultsFormat.TSV)
            assert isinstance(parsed, ox.QuerySolutions)
            for row in parsed:
                if row[name] is not None:
                    out.append(row[name])
        return out

    def select(self, text: str, **bindings: Term) -> list[dict[str, Term]]:
        subst = {ox.Variable(k): v for k, v in bindings.items()}
        solutions = self.store.query(text, substitutions=subst or None)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        rows = []
        for row in solutions:
            found = {}
            for name in names:
                value = row[name]
                if value is not None and not isinstance(value, ox.Triple):
                    found[name] = value
            rows.append(found)
        return rows
