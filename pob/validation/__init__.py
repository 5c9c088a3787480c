"""The validation wing: datasets checked against the POB shapes, and gated submissions.

Modules (each imports only those listed before it, besides :mod:`pob.validation.shacl`):

* :mod:`~pob.validation.report`: the one report model (``Result``, ``Report``, ``Check``)
  and its JSON;
* :mod:`~pob.validation.shapes`: the shapes and the ontology of a base IRI, cached;
* :mod:`~pob.validation.w3c`: the W3C SHACL report graph, read (pySHACL) and written;
* :mod:`~pob.validation.triples`: the data as both engines read it, and what inference adds;
* :mod:`~pob.validation.engine`: :func:`~pob.validation.engine.validate`, on the fast engine
  (:mod:`pob.validation.shacl`) or pySHACL;
* :mod:`~pob.validation.content`, :mod:`~pob.validation.upload`, :mod:`~pob.validation.body`:
  reading an uploaded dataset (and a Graph Store body) defensively;
* :mod:`~pob.validation.check`: :func:`~pob.validation.check.check`, the one way a dataset
  is checked (API, form, submissions, CLI), with its ``Reference`` data;
* :mod:`~pob.validation.html_report`: a check as HTML;
* :mod:`~pob.validation.workers`: checks in worker processes, with a deadline;
* :mod:`~pob.validation.records`, :mod:`~pob.validation.submissions`: the ``Submissions``
  service of a store and the provenance it records.

Nothing is imported here: ``import pob.validation.upload`` stays cheap (no pySHACL).
"""
