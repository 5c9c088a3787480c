"""A fast SHACL engine for the part of SHACL (and SHACL-AF) our shapes use.

Modules: `model` (the compiled shapes), `shapes` (compiling a shapes graph), `checks` (the
constraint components), `data` (indexes and the Oxigraph store), `run` (focus nodes,
checks, SPARQL, results), `rewrite` (the one query rewrite), `terms` (rdflib ↔ pyoxigraph).

pySHACL validates a 50 k-triple submission in about a minute here: it works node by node in
Python over rdflib, and runs every SPARQL target and constraint in rdflib's SPARQL engine.
This engine gives the same results (pySHACL is the oracle: ``tests/test_shacl.py`` runs both
on every example of ``tests/shapes/``) another way:

* **Compiled once.** :func:`compile_shapes` reads a shapes graph into plain objects: node and
  property shapes, their targets and constraints. A feature it does not implement raises
  :class:`Unsupported` there, and :mod:`pob.validation.engine` falls back to pySHACL for that
  shapes graph, so nothing is silently skipped.
* **Oxigraph terms and dicts.** The merged data graph (submission, reference data, ontology,
  inferred triples) is held as pyoxigraph terms, which hash and compare in Rust, in dicts:
  subject → predicate → objects, the instances of each class; class membership follows
  ``rdfs:subClassOf`` in the data graph, as in pySHACL. Literals are turned into rdflib
  literals only where pySHACL's answer depends on rdflib (datatype well-formedness, the
  string a pattern sees, value comparisons), so those answers are rdflib's.
* **SPARQL in Oxigraph.** SPARQL targets run as they are (see
  :func:`minus_for_not_exists` for the one rewrite); a SPARQL constraint runs once for all
  focus nodes, pre-bound with a ``VALUES ?this`` block at the top of its WHERE clause (blank
  focus nodes one at a time, with Oxigraph's substitutions).
* **Only the focus nodes that matter.** ``validate(…, focus=…)`` validates only the given
  focus nodes of each shape (the submission's subjects: results about reference data are
  dropped anyway). Whether a value conforms to a helper shape (``sh:node``, ``sh:or``, ``sh:not``,
  ``sh:qualifiedValueShape``) is worked out once per value.

Results carry what pySHACL's carry (focus node, path, value, component, severity, source
shape and constraint, the shape's messages in every language); nested ``sh:detail`` results
of ``sh:node`` are not produced.
"""

from pob.validation.shacl.data import Index, Sparql
from pob.validation.shacl.model import Compiled, Shape
from pob.validation.shacl.rewrite import minus_for_not_exists
from pob.validation.shacl.run import Prefetch, RawResult, Run, validate
from pob.validation.shacl.shapes import compile_shapes
from pob.validation.shacl.terms import OxTriple, Term, Terms, Unsupported

__all__ = [
    "Compiled",
    "Index",
    "OxTriple",
    "Prefetch",
    "RawResult",
    "Run",
    "Shape",
    "Sparql",
    "Term",
    "Terms",
    "Unsupported",
    "compile_shapes",
    "minus_for_not_exists",
    "validate",
]
