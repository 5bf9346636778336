"""Decisions of admin projects: what was decided, by whom, why, and each party's position."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum


class DecisionStatus(StrEnum):
    PROPOSED = "proposed"
    DECIDED = "decided"
    SUPERSEDED = "superseded"
    REVERTED = "reverted"


@dataclass(frozen=True, kw_only=True)
class Position:
    """A participant and the position they stated."""

    who: str
    position: str = ""

    @classmethod
    def parse(cls, text: str) -> Position:
        """'이름: 입장' (or 'name = position'); a bare name has no stated position."""
        parts = re.split(r"\s*[:=]\s*", text.strip(), maxsplit=1)
        return cls(who=parts[0].strip(), position=parts[1].strip() if len(parts) > 1 else "")


@dataclass(frozen=True, kw_only=True)
class Decision:
    key: str
    project: str
    title: str
    decision: str
    context: str = ""
    decided_by: str = ""
    decided_on: date | None = None
    participants: tuple[Position, ...] = ()
    status: DecisionStatus = DecisionStatus.DECIDED
    links: tuple[str, ...] = ()
    supersedes: str | None = None
    superseded_by: str | None = None
    source: str = "cli"
    recorded_at: datetime | None = field(default=None, compare=False)
    remote_id: str | None = field(default=None, compare=False)

    @property
    def number(self) -> int:
        """The n of D-<project>-<n>, for ordering (D-x-10 after D-x-9)."""
        tail = self.key.rsplit("-", 1)[-1]
        return int(tail) if tail.isdigit() else 0

    def tracked(self) -> dict[str, str]:
        return {
            "title": self.title,
            "decision": self.decision,
            "context": self.context,
            "decided_by": self.decided_by,
            "decided_on": self.decided_on.isoformat() if self.decided_on else "",
            "participants": "; ".join(
                f"{p.who}: {p.position}" if p.position else p.who for p in self.participants
            ),
            "status": self.status.value,
            "links": " ".join(self.links),
            "supersedes": self.supersedes or "",
            "superseded_by": self.superseded_by or "",
        }


def project_slug(project: str) -> str:
    slug = re.sub(r"[^0-9A-Za-z가-힣]+", "-", project.strip()).strip("-").lower()
    return slug or "project"


def next_key(project: str, existing: list[str]) -> str:
    """D-<project>-<n>, numbered per project."""
    prefix = f"D-{project_slug(project)}-"
    numbers = [
        int(k.removeprefix(prefix))
        for k in existing
        if k.startswith(prefix) and k.removeprefix(prefix).isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1}"


def supersede(old: Decision, new: Decision) -> tuple[Decision, Decision]:
    """The old decision marked superseded by the new one, and the new one pointing back."""
    if old.status is DecisionStatus.SUPERSEDED:
        raise ValueError(f"{old.key} is already superseded by {old.superseded_by}")
    return (
        replace(old, status=DecisionStatus.SUPERSEDED, superseded_by=new.key),
        replace(new, supersedes=old.key),
    )
