"""Fast OWL 2 RL inference: the ontology compiled into rules, run to a fixpoint in Python.

:func:`fast_closure` gives the same triples as :func:`pob.graph.owlrl_reference.closure` (owlrl) in
a
fraction of the time: owlrl closes the ontology once (cached), the closed T-box is compiled
into per-property and per-class rules (`rules.py`), and those are applied semi-naively to the
data over dict indexes (`engine.py`). With `base_closed` it works incrementally against the
already closed curated graph.
"""

from pob.graph.reasoning.closure import clear_cache, fast_closure

__all__ = ["clear_cache", "fast_closure"]
