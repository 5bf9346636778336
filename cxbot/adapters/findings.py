"""Doctor lines as findings: ok, bad or info, each with what to tell."""

from __future__ import annotations

from cxbot.domain.notices import Notice, notice
from cxbot.ports.common import Finding


def ok(name: str, code: str, /, **values: str | int | Notice) -> Finding:
    return Finding(name=name, state="ok", said=notice(code, **values))


def bad(name: str, code: str, /, **values: str | int | Notice) -> Finding:
    return Finding(name=name, state="bad", said=notice(code, **values))


def info(name: str, code: str, /, **values: str | int | Notice) -> Finding:
    return Finding(name=name, state="info", said=notice(code, **values))


def short(error: BaseException) -> str:
    """An error in one line: its kind and its first line of text."""
    return f"{type(error).__name__}: {error}".splitlines()[0][:300]


class StaticFindings:
    """Findings known at start-up (what is not configured, and where to read about it)."""

    def __init__(self, *findings: Finding) -> None:
        self.findings = list(findings)

    def check(self) -> list[Finding]:
        return list(self.findings)
