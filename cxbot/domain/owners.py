"""Who owns what: departments and the people answering for them."""

from __future__ import annotations

import re
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


_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_HANDLE = re.compile(r"^@[\w.-]{1,80}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def planner_entries(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(e-mails, user groups) of a CXBOT_PLANNERS value: comma-separated e-mails, user
    group ids (S0614TZR7) and handles (@cx-planners); ValueError names an entry that is
    none of them."""
    emails: list[str] = []
    groups: list[str] = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        if _GROUP_ID.match(entry) or _HANDLE.match(entry):
            groups.append(entry)
        elif _EMAIL.match(entry):
            emails.append(entry.lower())
        else:
            raise ValueError(
                f"{entry!r} is not an e-mail, a Slack user group id (S…) or a handle (@name)"
            )
    return tuple(emails), tuple(groups)
