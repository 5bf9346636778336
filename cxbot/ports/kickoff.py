"""The CX planner's desk in Slack: kicking off a launch from a modal, tailored, announced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from cxbot.domain.checklist import ChecklistItem, ChecklistTemplate, Launch, TemplateItem
from cxbot.domain.notices import Notice
from cxbot.domain.owners import Person
from cxbot.domain.planning import Plan

SHORTCUT = "cxbot_kickoff"
"""The global shortcut "런칭 시작" (and `/cxbot launch`) opens the kick-off modal."""
FIRST_VIEW = "cxbot_kickoff"
"""Step 1: template, name, opening day, the channel to announce in."""
ITEMS_VIEW = "cxbot_kickoff_items"
"""Step 2: the items by department (all included, each removable) and one of the launch's own."""

TEMPLATE, NAME, OPEN_DATE, CHANNEL = "k_template", "k_name", "k_date", "k_channel"
"""Step 1's fields: where the modal shows a field's problem."""
REDRAW = "cxbot_kickoff_redraw"
"""Step 2's opening day and template: a change redraws every due date in place."""
PLANNER = "k_planner"
"""Step 1: the launch's CX planner (a Slack user; whoever opened the modal by default)."""
NEW_CHANNEL = "k_new_channel"
"""Step 1: the name of a channel to create for the launch, when none is picked."""
DEPARTMENT = "k_dept:"
"""+ a department's key: step 2's items of that department still chosen."""
OWNER = "k_owner:"
"""+ a department's key: step 2's owner of that department (a Slack user)."""
ADD_TITLE, ADD_DEPARTMENT, ADD_DUE, ADD_SCENARIO = (
    "k_add_title",
    "k_add_department",
    "k_add_due",
    "k_add_scenario",
)
"""Step 2's fields for an item of the launch's own."""


@dataclass(frozen=True, kw_only=True)
class KickoffForm:
    """What the planner filled in: step 1's fields, then step 2's choices."""

    template: str = ""
    name: str = ""
    open_date: date | None = None
    channel: str = ""
    new_channel: str = ""
    """A channel to create for the launch (its owners invited) when none is picked."""
    planner: str = ""
    """The Slack user picked as the launch's planner ("" when none was picked)."""
    kept: Mapping[str, tuple[str, ...]] | None = None
    """Department → the template item keys still chosen (step 2); None before step 2."""
    added: tuple[TemplateItem, ...] = ()
    owners: Mapping[str, str] = field(default_factory=dict)
    """Department → the Slack user picked as its owner (step 2)."""
    problems: Mapping[str, Notice] = field(default_factory=dict)
    """Fields the form could not read (block id → why), told back in the modal."""

    def skipped(self, template: ChecklistTemplate) -> tuple[str, ...]:
        if self.kept is None:
            return ()
        chosen = {key for keys in self.kept.values() for key in keys}
        return tuple(item.key for item in template.items if item.key not in chosen)


class KickoffSlack(Protocol):
    """The Slack side of the kick-off: the modal's two views, the planner's DM, the
    announcement."""

    def open_form(
        self, trigger_id: str, templates: Sequence[ChecklistTemplate], *, opener: str
    ) -> None:
        """Opens step 1 (views.open; the trigger lives three seconds); `opener` is the
        planner picked until someone else is."""
        ...

    def read(self, view: Mapping[str, Any]) -> KickoffForm:
        """The form as a submitted view holds it (step 1 or step 2)."""
        ...

    def items_view(
        self,
        form: KickoffForm,
        template: ChecklistTemplate,
        plan: Plan,
        *,
        catalog: Sequence[ChecklistTemplate] = (),
        note: str = "",
    ) -> dict[str, Any]:
        """Step 2 for this template and opening day: every item with its due date (the
        ones `form.kept` names chosen), the day and template still changeable; `note`:
        what to check about the day."""
        ...

    def redraw(self, view: Mapping[str, Any], drawn: dict[str, Any]) -> None:
        """Puts `drawn` in place of the open step 2 (views.update, with its hash)."""
        ...

    def errors(self, problems: Mapping[str, str]) -> dict[str, Any]:
        """The answer that shows problems beside their fields (response_action: errors)."""
        ...

    def refuse(self, user_id: str, channel: str) -> None:
        """Tells someone who may not kick off launches so, privately."""
        ...

    def progress(self, user_id: str, launch: Launch, done: int, total: int) -> None:
        """One DM to the planner, updated as the checklist is written."""
        ...

    def finished(
        self, user_id: str, launch: Launch, written: int, total: int, problems: Sequence[str]
    ) -> None:
        """The DM's last state: written, or what went wrong and what happens next."""
        ...

    def announcement(
        self, launch: Launch, items: Sequence[ChecklistItem], mentions: Mapping[str, str]
    ) -> tuple[str, list[dict[str, Any]]]:
        """The announcement's text and blocks: per department its items, owners mentioned
        (email → Slack user id)."""
        ...

    def pin(self, channel: str, ts: str) -> None:
        """Pins the announcement (pins:write); already pinned is fine."""
        ...

    def create_channel(self, name: str) -> str | None:
        """A new public channel for the launch (channels:manage); its id, or None (said
        why in the log: the name is taken, the scope is missing)."""
        ...

    def invite(self, channel: str, user_ids: Sequence[str]) -> None:
        """Invites people to the launch's channel; those already in are fine."""
        ...

    def user_id_of(self, email: str) -> str | None:
        """A person's Slack user id, by e-mail; None when not in Slack."""
        ...

    def warm(self, emails: Sequence[str]) -> None:
        """Looks these people up in Slack now (after the modal opened), so step 2 names
        them without waiting on Slack inside its 3 seconds."""
        ...

    def person(self, user_id: str) -> Person | None:
        """A Slack user as an owner: their name and e-mail (users.info)."""
        ...


# the planner's desk on a live launch: 일정 변경, 항목 추가, 항목 제외 -------------------
REPLAN, ADD_ITEM, EXCLUDE = "cxbot_desk_replan", "cxbot_desk_add", "cxbot_desk_exclude"
CHANGE_ITEM, RESTORE = "cxbot_desk_change", "cxbot_desk_restore"
"""The announcement's (and the App Home's) buttons; each value is the launch's key."""
REPLAN_VIEW, REPLAN_CONFIRM_VIEW = "cxbot_replan", "cxbot_replan_confirm"
ADD_VIEW, EXCLUDE_VIEW = "cxbot_add_item", "cxbot_exclude_item"
CHANGE_VIEW, RESTORE_VIEW = "cxbot_change_item", "cxbot_restore_item"
EXCLUDED_ITEM, REASON = "k_item", "k_reason"
NEW_OWNER, NEW_DUE = "k_new_owner", "k_new_due"
"""항목 수정: one item's own owner (a Slack user) and/or its own D-offset."""


@dataclass(frozen=True, kw_only=True)
class DeskForm:
    """What a desk modal holds: the launch, and the new opening day, the item and reason,
    or the item of the launch's own."""

    launch_key: str
    open_date: date | None = None
    item_key: str = ""
    reason: str = ""
    added: tuple[TemplateItem, ...] = ()
    owner: str = ""
    """항목 수정: the Slack user picked as the item's own owner ("" to keep it)."""
    due: str = ""
    """항목 수정: the item's own D-offset as typed ("" to keep it)."""
    problems: Mapping[str, Notice] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Move:
    """An item whose due date a new opening day changes."""

    item: ChecklistItem
    was: date


class DeskSlack(Protocol):
    def open_replan(self, trigger_id: str, launch: Launch) -> None: ...

    def replan_preview(
        self, launch: Launch, open_date: date, moves: Sequence[Move]
    ) -> dict[str, Any]:
        """The confirmation step: which items move, whose dates change."""
        ...

    def open_add(self, trigger_id: str, launch: Launch, template: ChecklistTemplate) -> None: ...

    def open_exclude(
        self, trigger_id: str, launch: Launch, items: Sequence[ChecklistItem]
    ) -> None: ...

    def open_change(
        self, trigger_id: str, launch: Launch, items: Sequence[ChecklistItem]
    ) -> None: ...

    def open_restore(
        self, trigger_id: str, launch: Launch, excluded: Sequence[TemplateItem]
    ) -> None:
        """The items excluded from the launch, to bring one back (none: said so)."""
        ...

    def read_desk(self, view: Mapping[str, Any]) -> DeskForm: ...

    def person(self, user_id: str) -> Person | None:
        """A Slack user as an owner: their name and e-mail (users.info)."""
        ...

    def errors(self, problems: Mapping[str, str]) -> dict[str, Any]: ...

    def refuse(self, user_id: str, channel: str) -> None: ...

    def tell_moves(
        self,
        where: tuple[str, str] | None,
        user_id: str,
        launch: Launch,
        was: date,
        moves: Sequence[Move],
        mentions: Mapping[str, str],
    ) -> None:
        """After a re-plan: a reply in the announcement's thread (`where`: channel, ts)
        naming the owners whose dates moved; to the planner's DM when there is none."""
        ...

    def user_id_of(self, email: str) -> str | None: ...
