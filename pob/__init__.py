"""POB Knowledge Graph: library for the graph, store, inference, validation and queries."""

__version__ = "0.1.0"
