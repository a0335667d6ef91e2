"""Benchmarks run by `make bench` (see __main__.py and README.md)."""
