"""People acting on checklist items from Slack: who they are, and what they see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.domain.item_actions import ButtonRef, ItemAction, Stale
from cxbot.ports.briefs import BriefVersion

# The ids Slack sends back when a person acts; drawn by the Slack adapter, dispatched by
# the request entrypoint.
ACTION_IDS = {action: f"cxbot_item_{action.value}" for action in ItemAction}
REASON_VIEW = "cxbot_item_blocked"
REASON_BLOCK = "reason"
REASON_INPUT = "reason"


def action_of(action_id: str) -> str:
    """The ItemAction value of one of cxbot's action ids ("" for any other)."""
    for action, known in ACTION_IDS.items():
        if known == action_id:
            return action.value
    return ""


@dataclass(frozen=True, kw_only=True)
class MessageRef:
    """The message a button was pressed in; `blocks` as Slack sent them (opaque here)."""

    channel: str
    ts: str
    blocks: tuple[dict[str, Any], ...] | None = None


class Verdict(StrEnum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"  # a double click, a retried delivery: nothing to do
    NOT_ALLOWED = "not_allowed"
    STALE = "stale"
    INVALID = "invalid"  # a button cxbot did not draw
    ASKED = "asked"  # 막힘: the reason modal is open


@dataclass(frozen=True, kw_only=True)
class ActionOutcome:
    verdict: Verdict
    item: ChecklistItem | None = None
    launch: Launch | None = None
    user_id: str = ""
    actor: str = ""
    stale: Stale | None = None
    landed: bool = True
    """False while the board (Notion) has not got the change yet."""
    reason: str | None = None
    at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class HomeEntry:
    launch: Launch
    item: ChecklistItem
    days_late: int  # business days past due; 0 when not late


@dataclass(frozen=True, kw_only=True)
class HomeView:
    user_id: str
    email: str | None
    today: date
    entries: tuple[HomeEntry, ...] = ()
    notice: ActionOutcome | None = None
    """The outcome of the action just taken from the Home tab, shown on top."""
    briefs: tuple[BriefVersion, ...] = ()
    """Contact-centre briefs this person (a centre manager) has not confirmed yet."""
    planned: tuple[Launch, ...] = ()
    """Launches this person may re-plan (a planner): their desk buttons, on top."""


class SlackPeople(Protocol):
    def email_of(self, user_id: str) -> str | None:
        """The Slack user's email (users:read.email), None when Slack has none."""
        ...


class SlackGroups(Protocol):
    def members(self, group: str) -> frozenset[str] | None:
        """The Slack user ids in a user group, given by id (S…) or handle (@cx-planners);
        None when Slack cannot say (no such group, no usergroups:read, Slack down)."""
        ...


class ItemViews(Protocol):
    """What people see of their items in Slack."""

    def show(self, message: MessageRef, outcome: ActionOutcome) -> None:
        """Redraws the item's lines in the message (state, who set it, waiting for Notion);
        remembers the message when the board is behind, to redraw it when it lands."""
        ...

    def tell(self, channel: str, user_id: str, outcome: ActionOutcome) -> None:
        """An ephemeral answer only the person sees (not allowed, stale, …)."""
        ...

    def ask_reason(self, trigger_id: str, ref: ButtonRef, message: MessageRef | None) -> None:
        """Opens the "why is it blocked?" modal."""
        ...

    def tell_planner(self, outcome: ActionOutcome) -> None:
        """Sends a blocked item and its reason to the launch's CX planner."""
        ...

    def publish_home(self, view: HomeView) -> None:
        """The person's App Home tab."""
        ...

    def landed(self, item: ChecklistItem, launch: Launch) -> None:
        """The board caught up: redraws the messages that said "waiting for Notion"."""
        ...
