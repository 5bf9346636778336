"""Adapters: one per outside system, behind the ports in cxbot.service.ports."""
