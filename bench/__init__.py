"""Benchmarks: each prints a table and a ratio against a baseline measured in the same run."""
