"""Adapters: one per outside system, behind the ports in `cxbot.ports`.

An adapter imports ports, the domain and other adapters, never a service (tests/test_layers.py).
"""
