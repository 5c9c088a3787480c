"""The external engines the tests and the benchmarks run on 127.0.0.1 (see README.md)."""
