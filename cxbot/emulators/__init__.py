"""Loopback emulators of the outside APIs cxbot talks to, for tests and benchmarks.

Each speaks its API's wire format over HTTP on 127.0.0.1 (port 0), enforces the
API's documented limits and can inject faults. They are not used in production.
"""
