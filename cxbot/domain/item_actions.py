"""People acting on checklist items from Slack: what a button means, who may press it,
and when a button has gone stale."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.owners import OwnerDirectory


class ItemAction(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"

    @property
    def status(self) -> ItemStatus:
        return ItemStatus(self.value)


@dataclass(frozen=True, kw_only=True)
class ButtonRef:
    """What a button carries: the item, and the opening day it was drawn for."""

    item_key: str
    open_date: date

    def encode(self) -> str:
        return json.dumps({"i": self.item_key, "o": self.open_date.isoformat()})

    @classmethod
    def decode(cls, value: str) -> ButtonRef:
        """ValueError for a value cxbot did not write."""
        try:
            raw = json.loads(value)
            return cls(item_key=str(raw["i"]), open_date=date.fromisoformat(str(raw["o"])))
        except (TypeError, KeyError, ValueError) as error:
            raise ValueError(f"not a cxbot item button: {value[:80]!r}") from error


class Stale(StrEnum):
    """Why a button no longer applies."""

    LAUNCH_GONE = "launch_gone"
    ITEM_GONE = "item_gone"
    RESCHEDULED = "rescheduled"
    ALREADY_DONE = "already_done"


def stale_reason(
    ref: ButtonRef, launch: Launch | None, item: ChecklistItem | None, action: ItemAction
) -> Stale | None:
    """None when the button still means what it said when it was drawn.

    Pressing 완료 on an item someone already finished is a double click, not a stale
    button: the caller answers it as "no change".
    """
    if item is None:
        return Stale.ITEM_GONE if launch is not None else Stale.LAUNCH_GONE
    if launch is None:
        return Stale.LAUNCH_GONE
    if launch.open_date != ref.open_date:
        return Stale.RESCHEDULED
    if item.status is ItemStatus.DONE and action is not ItemAction.DONE:
        return Stale.ALREADY_DONE
    return None


def may_act(
    email: str | None, item: ChecklistItem, launch: Launch, directory: OwnerDirectory
) -> bool:
    """The item's owner, a member of its department, or the launch's CX planner."""
    if not email:
        return False
    who = email.strip().lower()
    allowed = {
        (item.owner_email or "").lower(),
        (launch.planner_email or "").lower(),
        *(member.lower() for member in directory.members_of(item.department)),
    }
    owner = directory.owner_of(item.department)
    if owner is not None and owner.email:
        allowed.add(owner.email.lower())
    allowed.discard("")
    return who in allowed


def mine(email: str, item: ChecklistItem, directory: OwnerDirectory) -> bool:
    """An item on a person's own list: they own it or belong to its department."""
    who = email.strip().lower()
    if (item.owner_email or "").lower() == who:
        return True
    return who in {member.lower() for member in directory.members_of(item.department)}


def home_order(item: ChecklistItem, today: date) -> tuple[int, date, str]:
    """Sort key for a person's open items: overdue first (most late first), then by due."""
    return (0 if item.due < today else 1, item.due, item.key)
