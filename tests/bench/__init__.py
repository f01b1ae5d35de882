"""Benchmarks: `make bench` runs tests.bench.run; figures, not tests."""
