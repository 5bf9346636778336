"""Doctor lines as findings: ✓ ok, ✗ bad, · info."""

from __future__ import annotations

from collections.abc import Iterable

from cxbot.ports.common import Finding

STATES = {"✓": "ok", "✗": "bad", "·": "info"}


def as_findings(name: str, lines: Iterable[str]) -> list[Finding]:
    found = []
    for line in lines:
        mark, _, detail = line.partition(" ")
        found.append(Finding(name=name, state=STATES.get(mark, "info"), detail=detail or line))
    return found
