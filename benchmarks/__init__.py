"""Benchmarks of the Domino executor: `python benchmarks/run.py` (or `make bench`)."""
