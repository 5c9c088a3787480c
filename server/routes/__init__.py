"""One router per concern: `sparql` (/sparql), `store` (/store), `queries` (/api/queries)."""
