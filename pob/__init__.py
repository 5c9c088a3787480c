"""POB Knowledge Graph: library for the graph, store, inference, validation and queries."""

from importlib.metadata import PackageNotFoundError, version

try:
    #: the version pyproject.toml gives, read from the installed package's metadata
    __version__ = version("pob-knowledge-graph")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
