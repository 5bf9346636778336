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


class StaticFindings:
    """Findings known at start-up (what is not configured, and where to read about it)."""

    def __init__(self, *findings: Finding) -> None:
        self.findings = list(findings)

    def check(self) -> list[Finding]:
        return list(self.findings)
