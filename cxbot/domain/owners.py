"""Who owns what: departments and the people answering for them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class Person:
    name: str
    email: str | None = None
    slack_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class OwnerDirectory:
    """Department key → owner, the department's other members, and the launch's CX planner."""

    owners: Mapping[str, Person] = field(default_factory=dict)
    planner: Person | None = None
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Department key → emails of people who may act on its items besides the owner."""

    def owner_of(self, department: str) -> Person | None:
        return self.owners.get(department)

    def members_of(self, department: str) -> tuple[str, ...]:
        return self.members.get(department, ())
