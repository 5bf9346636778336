"""`cxbot doctor`: every adapter's own check, in order; secrets are never part of a finding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cxbot.ports.common import Checkable, Finding


@dataclass(frozen=True, kw_only=True)
class Doctor:
    checks: Sequence[Checkable]

    def run(self) -> list[Finding]:
        findings: list[Finding] = []
        for check in self.checks:
            try:
                findings.extend(check.check())
            except Exception as error:  # a check that crashes is a finding, not a crash
                findings.append(
                    Finding(
                        name=type(check).__name__,
                        state="bad",
                        detail=f"{type(check).__name__}: check failed ({type(error).__name__}: "
                        f"{error})",
                    )
                )
        return findings
