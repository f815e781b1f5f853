"""Benchmarks for peer-research: `python -m bench` runs them all (they are not tests)."""
