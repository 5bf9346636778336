"""Benchmarks: `python -m bench NAME`. Each prints a table and, last, one JSON line of figures."""
