"""Which reminders are due today, for whom, and how they group into digests.

Pure: the caller hands in today's date, the calendar, the items and the policy.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.domain.dday import business_days_left
from cxbot.domain.notices import Notice, notice
from cxbot.domain.policy import ReminderPolicy

MAX_ITEMS_PER_MESSAGE = 20
MAX_BLOCKS = 50  # Slack's limit per message
BLOCKS_PER_MESSAGE = 2  # header and intro
BLOCKS_PER_LAUNCH = 2  # divider and launch heading
BLOCKS_PER_ITEM = 3  # the item, its state line, its buttons


class ReminderKind(StrEnum):
    BEFORE = "before"  # D-N business days before the due date
    DUE = "due"  # on the due date
    OVERDUE = "overdue"  # every business day while overdue
    ESCALATION = "escalation"  # overdue N+ business days: department channel and planner
    DDAY_SUMMARY = "dday_summary"  # on opening day: the launch's state, to the planner and CX


@dataclass(frozen=True, kw_only=True)
class Recipient:
    """A person (by email) or a channel (a department's, or CX's)."""

    key: str
    name: str
    email: str | None = None
    slack_id: str | None = None
    channel: str | None = None

    @property
    def is_person(self) -> bool:
        return self.key.startswith("person:")


def person(name: str, email: str, slack_id: str | None = None) -> Recipient:
    return Recipient(key=f"person:{email.lower()}", name=name, email=email, slack_id=slack_id)


def channel(key: str, name: str, channel_id: str | None) -> Recipient:
    return Recipient(key=f"channel:{key}", name=name, channel=channel_id)


@dataclass(frozen=True, kw_only=True)
class Reminder:
    kind: ReminderKind
    launch: Launch
    item: ChecklistItem | None
    recipient: Recipient
    business_date: date
    days: int  # business days until due (negative: overdue)
    note: Notice | None = None

    @property
    def key(self) -> str:
        subject = self.item.key if self.item else self.launch.key
        return f"{subject}|{self.kind.value}|{self.business_date.isoformat()}|{self.recipient.key}"


@dataclass(frozen=True, kw_only=True)
class Routing:
    """Where department and CX messages go (channel ids), and who plans each launch."""

    department_channels: dict[str, str] = field(default_factory=dict)
    cx_channel: str | None = None

    def department(self, item: ChecklistItem) -> tuple[Recipient, Notice | None]:
        channel_id = self.department_channels.get(item.department)
        if channel_id is None:
            return self.cx(), notice("no_channel_for", department=item.department_name)
        return channel(f"dept:{item.department}", item.department_name, channel_id), None

    def cx(self) -> Recipient:
        return Recipient(key="channel:cx", name="CX", channel=self.cx_channel)


def reminders_for(
    *,
    launches: Sequence[Launch],
    items_of: Callable[[str], Sequence[ChecklistItem]],
    today: date,
    calendar: BusinessCalendar,
    policy_of: Callable[[ChecklistItem], ReminderPolicy],
    routing: Routing,
    summary_policy: ReminderPolicy,
) -> list[Reminder]:
    """Every reminder due on `today`; none on a non-business day."""
    if not calendar.is_business_day(today):
        return []
    found: list[Reminder] = []
    for launch in launches:
        items = list(items_of(launch.key))
        for item in items:
            found.extend(_item_reminders(launch, item, today, calendar, policy_of(item), routing))
        if summary_policy.dday_summary and _is_summary_day(launch, today, calendar):
            found.extend(_summary(launch, today, routing))
    return found


def _is_summary_day(launch: Launch, today: date, calendar: BusinessCalendar) -> bool:
    """Opening day, or the business day before it when it falls on a closed day."""
    return calendar.previous_business_day(launch.open_date) == today


def _item_reminders(
    launch: Launch,
    item: ChecklistItem,
    today: date,
    calendar: BusinessCalendar,
    policy: ReminderPolicy,
    routing: Routing,
) -> list[Reminder]:
    if not item.status.is_open:
        return []
    days = business_days_left(calendar, today, item.due)
    kind: ReminderKind | None = None
    if days > 0 and days in policy.before:
        kind = ReminderKind.BEFORE
    elif days == 0 and item.due == today and policy.on_due_day:
        kind = ReminderKind.DUE
    elif days < 0 and policy.overdue_daily:
        kind = ReminderKind.OVERDUE
    found: list[Reminder] = []
    if kind is not None:
        owner, note = _owner(item, routing)
        found.append(
            Reminder(
                kind=kind,
                launch=launch,
                item=item,
                recipient=owner,
                business_date=today,
                days=days,
                note=note,
            )
        )
    if days < 0 and policy.escalate_after and -days >= policy.escalate_after:
        targets = [routing.department(item)]
        owner_email = (item.owner_email or "").lower()
        if launch.planner_email and launch.planner_email.lower() != owner_email:
            planner = person(launch.planner_name or launch.planner_email, launch.planner_email)
            targets.append((planner, None))
        for target, why in targets:
            found.append(
                Reminder(
                    kind=ReminderKind.ESCALATION,
                    launch=launch,
                    item=item,
                    recipient=target,
                    business_date=today,
                    days=days,
                    note=why,
                )
            )
    return found


def _owner(item: ChecklistItem, routing: Routing) -> tuple[Recipient, Notice | None]:
    if item.owner_email:
        return person(item.owner_name or item.owner_email, item.owner_email), None
    note = notice("no_owner_assigned", department=item.department_name)
    return routing.cx(), note


def _summary(launch: Launch, today: date, routing: Routing) -> list[Reminder]:
    targets = [routing.cx()]
    if launch.planner_email:
        targets.append(person(launch.planner_name or launch.planner_email, launch.planner_email))
    return [
        Reminder(
            kind=ReminderKind.DDAY_SUMMARY,
            launch=launch,
            item=None,
            recipient=target,
            business_date=today,
            days=0,
        )
        for target in targets
    ]


@dataclass(frozen=True, kw_only=True)
class Digest:
    """One message to one recipient with all of their reminders for the day."""

    recipient: Recipient
    business_date: date
    reminders: tuple[Reminder, ...]

    @property
    def key(self) -> str:
        """Stable for the same recipient, day and set of reminders."""
        keys = "\n".join(sorted(r.key for r in self.reminders))
        digest = hashlib.sha256(keys.encode()).hexdigest()[:12]
        return f"{self.business_date.isoformat()}|{self.recipient.key}|{digest}"

    def detail_and_rest(self) -> tuple[list[Reminder], list[Reminder]]:
        """The most urgent reminders shown in full (grouped by launch), the rest summarised.

        In full: at most 20, and few enough that the message stays within 50 blocks
        (header, intro, per launch a divider and a heading, three per item, one summary).
        """
        detail: list[Reminder] = []
        launches: set[str] = set()
        blocks = BLOCKS_PER_MESSAGE + 1  # the summary of the rest, if any
        for reminder in sorted(self.reminders, key=_urgency):
            cost = (BLOCKS_PER_ITEM if reminder.item is not None else 1) + (
                0 if reminder.launch.key in launches else BLOCKS_PER_LAUNCH
            )
            if len(detail) >= MAX_ITEMS_PER_MESSAGE or blocks + cost > MAX_BLOCKS:
                continue
            detail.append(reminder)
            launches.add(reminder.launch.key)
            blocks += cost
        shown = {r.key for r in detail}
        rest = [r for r in self.reminders if r.key not in shown]
        return sorted(detail, key=_order), sorted(rest, key=_urgency)


def digests(reminders: Iterable[Reminder]) -> list[Digest]:
    """One digest per recipient: never more messages than recipients."""
    by_recipient: dict[str, list[Reminder]] = defaultdict(list)
    recipients: dict[str, Recipient] = {}
    for reminder in reminders:
        by_recipient[reminder.recipient.key].append(reminder)
        recipients[reminder.recipient.key] = reminder.recipient
    return [
        Digest(
            recipient=recipients[key],
            business_date=by_recipient[key][0].business_date,
            reminders=tuple(sorted(by_recipient[key], key=_order)),
        )
        for key in sorted(by_recipient)
    ]


_KIND_ORDER = {
    kind: n
    for n, kind in enumerate(
        [
            ReminderKind.DDAY_SUMMARY,
            ReminderKind.ESCALATION,
            ReminderKind.OVERDUE,
            ReminderKind.DUE,
            ReminderKind.BEFORE,
        ]
    )
}


def _urgency(reminder: Reminder) -> tuple[int, date, str]:
    due = reminder.item.due if reminder.item else reminder.launch.open_date
    return (_KIND_ORDER[reminder.kind], due, reminder.key)


def _order(reminder: Reminder) -> tuple[date, str, int, date, str]:
    due = reminder.item.due if reminder.item else reminder.launch.open_date
    launch = reminder.launch
    return (launch.open_date, launch.key, _KIND_ORDER[reminder.kind], due, reminder.key)


@dataclass(frozen=True, kw_only=True)
class ReminderSettings:
    policy: ReminderPolicy = field(default_factory=ReminderPolicy)
    routing: Routing = field(default_factory=Routing)
    send_at: time = time(9, 30)
    quiet_start: time = time(20, 0)
    quiet_end: time = time(8, 0)
    late_after: timedelta = timedelta(minutes=30)
    lease: timedelta = timedelta(minutes=5)

    def in_quiet_hours(self, moment: time) -> bool:
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= moment < self.quiet_end
        return moment >= self.quiet_start or moment < self.quiet_end
