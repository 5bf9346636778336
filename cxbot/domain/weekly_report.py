"""The weekly picture of launches for managers and departments: pure figures, no I/O.

Everything is "as of" one day: an item's status that day is the last status the change
history recorded for it by the end of that day (its current status when the history has
none), so a past week's report shows that week as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.changes import Change
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.dday import DayUnit, business_days_late, launch_day_label, unit_of_launch
from cxbot.domain.decisions import Decision, DecisionStatus
from cxbot.domain.promotions import Promotion

BEFORE_OPENING = 30  # the burn-up starts D-30 business days …
AFTER_OPENING = 14  # … and ends D+14, widened to hold every item's due date
PROMOTION_WEEKS = 4
_WEEK = re.compile(r"^(?P<year>\d{4})-?W(?P<week>\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class ReportWeek:
    """An ISO week, Monday to Sunday: `2026-W49`."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> ReportWeek:
        match = _WEEK.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a week; write it as 2026-W49 (ISO year and week)")
        year, week = int(match["year"]), int(match["week"])
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{text!r}: {year} has no week {week}") from None
        return cls(year, week)

    @classmethod
    def containing(cls, day: date) -> ReportWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def reported_on(cls, today: date) -> ReportWeek:
        """The week a report made `today` is about: the one that ended yesterday on a
        Monday, this week so far on any other day."""
        return cls.containing(today - timedelta(days=1))

    @property
    def start(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def __str__(self) -> str:
        return self.label

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end

    def as_of(self, today: date) -> date:
        """The day the figures are taken: today, or the week's Sunday for a past week."""
        return min(today, self.end) if today >= self.start else self.end


# status over time ---------------------------------------------------------------------------
Timeline = list[tuple[datetime, ItemStatus]]


def status_timelines(changes: Iterable[Change]) -> dict[str, Timeline]:
    """Each item's recorded statuses in the order they were recorded."""
    timelines: dict[str, Timeline] = {}
    for change in changes:
        if change.entity != "checklist_item" or change.field != "status" or not change.new:
            continue
        try:
            status = ItemStatus(change.new)
        except ValueError:
            continue
        timelines.setdefault(change.entity_id, []).append((change.at, status))
    for timeline in timelines.values():
        timeline.sort(key=lambda entry: entry[0])
    return timelines


@dataclass(frozen=True)
class StatusBook:
    """An item's status on any day, from its timeline (local days in `tz`)."""

    timelines: Mapping[str, Timeline]
    tz: tzinfo

    def status(self, item: ChecklistItem, day: date) -> ItemStatus:
        return self.statuses(item, [day])[0]

    def statuses(self, item: ChecklistItem, days: Sequence[date]) -> list[ItemStatus]:
        """The item's status at the end of each of `days` (ascending), in one pass."""
        timeline = self.timelines.get(item.key)
        if not timeline:
            return [item.status] * len(days)  # no history: what is known now
        out = []
        position, current = 0, ItemStatus.NOT_STARTED
        for day in days:
            while (
                position < len(timeline) and timeline[position][0].astimezone(self.tz).date() <= day
            ):
                current = timeline[position][1]
                position += 1
            out.append(current)
        return out


# one launch ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BurnUpPoint:
    day: date
    label: str  # D-30 … D-day … D+14, in business days
    planned: int  # items due on or before this day
    done: int | None  # items done by the end of this day; None after the report's day


@dataclass(frozen=True)
class DepartmentCount:
    department: str
    done: int = 0
    in_progress: int = 0
    blocked: int = 0
    overdue: int = 0
    to_do: int = 0

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.blocked + self.overdue + self.to_do


@dataclass(frozen=True)
class LateItem:
    item: ChecklistItem
    status: ItemStatus
    business_days_late: int


@dataclass(frozen=True, kw_only=True)
class LaunchPicture:
    launch: Launch
    d_label: str  # the launch's D-label on the report's day, in `unit` (launch_day_label)
    total: int
    done: int
    burn_up: list[BurnUpPoint]
    departments: list[DepartmentCount]
    overdue: list[LateItem]
    changes: list[Change]  # this week's changes to existing items and to the launch
    created: int = 0  # items added this week (their first values are not listed)
    decisions: list[Decision] = field(default_factory=list)
    unit: DayUnit = DayUnit.BUSINESS

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def at_risk(self) -> bool:
        """Work meant to be finished before opening is late."""
        return any(late.item.due < self.launch.open_date for late in self.overdue)

    @property
    def overdue_by_department(self) -> dict[str, list[LateItem]]:
        grouped: dict[str, list[LateItem]] = {}
        for late in self.overdue:
            grouped.setdefault(late.item.department_name, []).append(late)
        return grouped

    @property
    def opening_index(self) -> int | None:
        """The first burn-up point on or after opening day."""
        return next((i for i, p in enumerate(self.burn_up) if p.day >= self.launch.open_date), None)

    @property
    def opening_position(self) -> float | None:
        """Where opening day stands on the burn-up's axis: on its point, or between the two
        business days around it when it is a weekend or holiday (a Saturday opening)."""
        index = self.opening_index
        if index is None:
            return None
        return float(index) if self.burn_up[index].day == self.launch.open_date else index - 0.5

    @property
    def today_index(self) -> int | None:
        """Where the report's day falls on the burn-up (the last point with a done count)."""
        indexes = [i for i, point in enumerate(self.burn_up) if point.done is not None]
        return indexes[-1] if indexes else None


def d_label(calendar: BusinessCalendar, day: date, open_date: date) -> str:
    """The launch's D-label of `day` (see `launch_day_label`)."""
    return launch_day_label(day, open_date, calendar=calendar)


def burn_up(
    launch: Launch,
    items: Sequence[ChecklistItem],
    book: StatusBook,
    calendar: BusinessCalendar,
    as_of: date,
) -> list[BurnUpPoint]:
    """Planned (due by the day) and done (by the end of the day) on every business day
    from D-30 to D+14 — weekends and holidays are not on the axis."""
    first = calendar.shift_business_days(launch.open_date, -BEFORE_OPENING)
    last = calendar.shift_business_days(launch.open_date, AFTER_OPENING)
    if items:
        first = min(first, calendar.previous_business_day(min(i.due for i in items)))
        last = max(last, calendar.next_business_day(max(i.due for i in items)))
    days = []
    day = calendar.next_business_day(first)
    while day <= last:
        days.append(day)
        day = calendar.next_business_day(day + timedelta(days=1))
    dues = sorted(i.due for i in items)
    shown = [day for day in days if day <= as_of]
    done_per_day = [0] * len(shown)
    for item in items:
        for index, status in enumerate(book.statuses(item, shown)):
            done_per_day[index] += status is ItemStatus.DONE
    points = []
    planned = 0
    for index, day in enumerate(days):
        while planned < len(dues) and dues[planned] <= day:
            planned += 1
        points.append(
            BurnUpPoint(
                day=day,
                label=d_label(calendar, day, launch.open_date),
                planned=planned,
                done=done_per_day[index] if index < len(shown) else None,
            )
        )
    return points


def department_counts(
    items: Sequence[ChecklistItem], book: StatusBook, as_of: date
) -> list[DepartmentCount]:
    """Per department: done, in progress, blocked, overdue (open and past due), to do."""
    counts: dict[str, dict[str, int]] = {}
    for item in items:
        status = book.status(item, as_of)
        bucket = counts.setdefault(item.department_name, {})
        if status is ItemStatus.DONE:
            kind = "done"
        elif status is ItemStatus.BLOCKED:
            kind = "blocked"
        elif item.due < as_of:
            kind = "overdue"
        elif status is ItemStatus.IN_PROGRESS:
            kind = "in_progress"
        else:
            kind = "to_do"
        bucket[kind] = bucket.get(kind, 0) + 1
    return [DepartmentCount(department=name, **kinds) for name, kinds in sorted(counts.items())]


def launch_picture(
    launch: Launch,
    items: Sequence[ChecklistItem],
    history: Sequence[Change],
    *,
    calendar: BusinessCalendar,
    tz: tzinfo,
    week: ReportWeek,
    as_of: date,
    decisions: Sequence[Decision] = (),
) -> LaunchPicture:
    book = StatusBook(status_timelines(history), tz)
    unit = unit_of_launch(item.unit for item in items)
    late = [
        LateItem(
            item=item,
            status=status,
            business_days_late=business_days_late(calendar, as_of, item.due),
        )
        for item in items
        for status in (book.status(item, as_of),)
        if status.is_open and item.due < as_of
    ]
    late.sort(key=lambda entry: (entry.item.department_name, entry.item.due, entry.item.title))
    this_week = [
        c for c in history if week.start <= c.at.astimezone(tz).date() <= min(week.end, as_of)
    ]
    new = {c.entity_id for c in this_week if c.old is None and c.field == "title"}
    launched = {c.entity_id for c in this_week if c.old is None and c.entity == "launch"}
    return LaunchPicture(
        launch=launch,
        d_label=launch_day_label(as_of, launch.open_date, calendar=calendar, unit=unit),
        unit=unit,
        total=len(items),
        done=sum(1 for i in items if book.status(i, as_of) is ItemStatus.DONE),
        burn_up=burn_up(launch, items, book, calendar, as_of),
        departments=department_counts(items, book, as_of),
        overdue=late,
        changes=[c for c in this_week if not _creation(c, new | launched)],
        created=len(new),
        decisions=list(decisions),
    )


def _creation(change: Change, created: set[str]) -> bool:
    """A first value written when its item or launch was created this week (counted as
    `created`, not listed); every later change to it (a tick, an owner, a due date) is listed."""
    return change.old is None and change.entity_id in created


# across launches -----------------------------------------------------------------------------
@dataclass(frozen=True)
class DecisionOfTheWeek:
    decision: Decision
    kind: str  # "made" or "superseded"


def decisions_of_the_week(
    decisions: Sequence[Decision], week: ReportWeek, tz: tzinfo
) -> list[DecisionOfTheWeek]:
    """Decisions made this week, and those a decision made this week superseded — each
    once: one made and superseded within the week is shown as superseded."""

    def made_on(decision: Decision) -> date | None:
        if decision.recorded_at is not None:
            return decision.recorded_at.astimezone(tz).date()
        return decision.decided_on

    by_key = {d.key: d for d in decisions}
    made: dict[str, DecisionOfTheWeek] = {}
    for decision in decisions:
        day = made_on(decision)
        if day is not None and week.holds(day):
            made[decision.key] = DecisionOfTheWeek(decision, "made")
    out = list(made.values())
    for decision in decisions:
        successor = by_key.get(decision.superseded_by or "")
        if (
            decision.status is DecisionStatus.SUPERSEDED
            and successor is not None
            and (day := made_on(successor)) is not None
            and week.holds(day)
        ):
            entry = DecisionOfTheWeek(decision, "superseded")
            if decision.key in made:
                out[out.index(made[decision.key])] = entry
            else:
                out.append(entry)
    return out


def belongs_to(decision: Decision, launch: Launch) -> bool:
    """A decision about a launch names it as its project (by name or key)."""
    project = _folded(decision.project)
    return project in (_folded(launch.name), _folded(launch.key))


def _folded(text: str) -> str:
    return re.sub(r"[\s_-]+", "", text).lower()


@dataclass(frozen=True)
class PromotionOutlook:
    promotion: Promotion
    noticed: date | None  # when cxbot first read it in the sheet
    lead_days: int | None  # business days CX got between then and its first day
    late_notice: bool


def promotion_outlook(
    promotions: Iterable[Promotion],
    first_seen: Mapping[str, datetime],
    *,
    calendar: BusinessCalendar,
    tz: tzinfo,
    as_of: date,
    lead_required: int,
    weeks: int = PROMOTION_WEEKS,
) -> list[PromotionOutlook]:
    """Promotions running or starting in the next `weeks` weeks, with CX's lead time."""
    horizon = as_of + timedelta(weeks=weeks)
    out = []
    for promotion in promotions:
        if promotion.cancelled:
            continue
        first = promotion.first_day
        last = promotion.end or promotion.start
        if first is None:
            if promotion.undecided:
                out.append(PromotionOutlook(promotion, None, None, False))
            continue
        if first > horizon or (last is not None and last < as_of):
            continue
        seen = first_seen.get(promotion.key)
        noticed = seen.astimezone(tz).date() if seen else None
        lead = calendar.business_days_between(noticed, first) if noticed else None
        out.append(
            PromotionOutlook(promotion, noticed, lead, lead is not None and lead < lead_required)
        )
    out.sort(key=lambda o: (o.promotion.first_day or date.max, o.promotion.name))
    return out


def first_seen(changes: Iterable[Change]) -> dict[str, datetime]:
    """When each promotion first appeared in the history."""
    seen: dict[str, datetime] = {}
    for change in changes:
        if change.entity == "promotion" and change.entity_id not in seen:
            seen[change.entity_id] = change.at
    return seen


@dataclass(frozen=True, kw_only=True)
class WeeklyPicture:
    week: ReportWeek
    as_of: date
    launches: list[LaunchPicture]
    promotions: list[PromotionOutlook]
    decisions: list[DecisionOfTheWeek]  # all of the week's, each launch shows its own
    lead_required: int

    @property
    def at_risk(self) -> list[LaunchPicture]:
        return [p for p in self.launches if p.at_risk]
