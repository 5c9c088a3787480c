"""Benchmarks: `python -m bench.inference` (see bench/README.md)."""
