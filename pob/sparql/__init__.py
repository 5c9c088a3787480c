"""The SPARQL wing."""
