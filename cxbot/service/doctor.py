"""`cxbot doctor`: every adapter's own check, in order; secrets are never part of a finding."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cxbot.domain.notices import Notice, notice
from cxbot.ports.common import MARKS, Checkable, Finding


@dataclass(frozen=True, kw_only=True)
class Doctor:
    checks: Sequence[Checkable]

    def run(self) -> list[Finding]:
        findings: list[Finding] = []
        for check in self.checks:
            try:
                findings.extend(check.check())
            except Exception as error:  # a check that crashes is a finding, not a crash
                said = notice(
                    "check_failed",
                    check=type(check).__name__,
                    error=f"{type(error).__name__}: {error}",
                )
                findings.append(Finding(name=type(check).__name__, state="bad", said=said))
        return findings


@dataclass(frozen=True, kw_only=True)
class Diagnosis:
    """Every finding of a check-up, told in the locale's words."""

    findings: list[Finding]
    words: Callable[[Notice], str] = str

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    def lines(self) -> list[str]:
        return [f"{MARKS[f.state]} {self.words(f.said)}" for f in self.findings]
