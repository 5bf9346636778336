"""The contact centre's brief: what customers will notice in the next business days, and
what changed in a brief already sent (its correction).

Pure: the launches, items, promotions and what earlier briefs told come in; a brief, or
the facts a correction must state, come out. A brief's facts are what it *told*, as text,
so a later run can compare them with the data as it is now and say what moved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.centres import Centre
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.domain.guidance import Guidance
from cxbot.domain.promotions import Promotion

# What happens on a day, in the order a day lists them.
OPENING, DUE, SEND, STARTS, ENDS, CANCELLED = (
    "opening", "due", "send", "starts", "ends", "cancelled",
)  # fmt: skip
_ORDER = {what: n for n, what in enumerate((OPENING, SEND, STARTS, CANCELLED, DUE, ENDS))}
FACT_FIELDS = ("name", "days", "status", "detail", "guidance")
DATE_FIELDS = ("start", "send_date")
"""A promotion's fields whose last change is when CX heard of its dates (lead time)."""


def brief_key(centre: str, day: date) -> str:
    """One brief per centre and business day: `centre-brief|bpo-seoul|2027-01-04`."""
    return f"centre-brief|{centre}|{day.isoformat()}"


@dataclass(frozen=True, kw_only=True)
class BriefWindow:
    """The days a brief sent on `today` covers: from tomorrow through the N-th business
    day after today — weekends and holidays in between included (customers shop then),
    so the brief before Seollal covers the holiday and the business day after it."""

    today: date
    first: date
    last: date

    @classmethod
    def of(cls, today: date, business_days: int, calendar: BusinessCalendar) -> BriefWindow:
        last = calendar.shift_business_days(today, business_days)
        return cls(today=today, first=today + timedelta(days=1), last=last)

    def holds(self, day: date | None) -> bool:
        return day is not None and self.first <= day <= self.last

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


@dataclass(frozen=True, kw_only=True)
class Told:
    """One launch, item or promotion as a brief tells it."""

    subject: str  # promotion:<key> | launch:<key> | item:<key>
    ref: str  # the entity's own key: what the audit report finds it by
    kind: str  # promotion | launch | item
    name: str
    days: tuple[tuple[date, str], ...]  # (day, what happens): (2027-01-05, "starts")
    detail: str = ""  # channel · benefit (promotion); the department (item)
    guidance: str = ""
    late: bool = False  # CX (and so the centre) heard of it with less lead than needed
    confirmed: bool = True  # False: on hold / undecided — never told as confirmed
    cancelled: bool = False
    removed: bool = False  # gone from the store (a launch deleted, a row gone)

    def facts(self) -> dict[str, str]:
        """What the centre was told, as text: compared field by field for a correction."""
        status = (
            "removed"
            if self.removed
            else "cancelled"
            if self.cancelled
            else "confirmed"
            if self.confirmed
            else "unconfirmed"
        )
        return {
            "name": self.name,
            "days": "; ".join(f"{day.isoformat()} {what}" for day, what in self.days),
            "status": status,
            "detail": self.detail,
            "guidance": self.guidance,
        }


@dataclass(frozen=True, kw_only=True)
class FactChange:
    """A subject whose facts differ from what a brief told: new, changed or gone."""

    subject: str
    ref: str
    name: str
    kind: str  # added | changed | removed
    fields: tuple[tuple[str, str, str], ...] = ()  # (field, told, now)
    facts: Mapping[str, str] = field(default_factory=dict, compare=False)
    """Its facts now: what a correction records as told."""


@dataclass(frozen=True, kw_only=True)
class BriefInput:
    """What a brief is built from: the store's data, read once."""

    launches: Sequence[Launch]
    items_of: Mapping[str, Sequence[ChecklistItem]]
    launch_guidance: Callable[[Launch], Guidance | None]
    item_guidance: Callable[[ChecklistItem], Guidance | None]
    promotions: Mapping[str, Promotion]
    noticed: Mapping[str, datetime]  # promotion key → when its current dates were first known
    lead_required: int
    tz: tzinfo


@dataclass(frozen=True, kw_only=True)
class Brief:
    centre: Centre
    key: str
    window: BriefWindow
    told: tuple[Told, ...]
    since_last: tuple[FactChange, ...] = ()  # what moved since the last brief this centre got

    def facts(self) -> dict[str, dict[str, str]]:
        return {t.subject: t.facts() for t in self.told}

    def by_day(self) -> list[tuple[date, list[tuple[str, Told]]]]:
        """Every covered day with what happens on it (days with nothing are left out)."""
        out = []
        for day in self.window.days():
            happening = [
                (what, told) for told in self.told for when, what in told.days if when == day
            ]
            happening.sort(key=lambda pair: (_ORDER.get(pair[0], 99), pair[1].name))
            if happening:
                out.append((day, happening))
        return out

    @property
    def late(self) -> list[Told]:
        return [t for t in self.told if t.late]


def build_brief(
    centre: Centre,
    window: BriefWindow,
    data: BriefInput,
    calendar: BusinessCalendar,
    *,
    since_last: Sequence[FactChange] = (),
) -> Brief:
    """The brief for `centre` over `window`; `since_last`: what moved since the centre's
    last brief (`changes_since` of it)."""
    return Brief(
        centre=centre,
        key=brief_key(centre.key, window.today),
        window=window,
        told=told_in(centre, window, data, calendar),
        since_last=tuple(since_last),
    )


def changes_since(
    told: Mapping[str, dict[str, str]],
    window: BriefWindow,
    centre: Centre,
    data: BriefInput,
    calendar: BusinessCalendar,
    *,
    since: date,
) -> list[FactChange]:
    """What differs, for the days from `since` on, between what a brief over `window` told
    and what the data says of those days now: what a correction of it must say."""
    current = {t.subject: t for t in told_in(centre, window, data, calendar)}
    return compare(told, current, lookup=lambda s: look_up(s, data, window), since=since)


def told_in(
    centre: Centre, window: BriefWindow, data: BriefInput, calendar: BusinessCalendar
) -> tuple[Told, ...]:
    """Everything in the window the centre answers for, in a stable order."""
    told: list[Told] = []
    for launch in data.launches:
        if not centre.audience.hears_of_launch(launch):
            continue
        if window.holds(launch.open_date):
            told.append(_launch_told(launch, data))
        for item in data.items_of.get(launch.key, ()):
            guidance = data.item_guidance(item)
            if guidance is not None and not guidance.empty and window.holds(item.due):
                told.append(_item_told(item, launch, guidance))
    for promotion in data.promotions.values():
        if promotion.cancelled or not centre.audience.hears_of_promotion(promotion):
            continue
        entry = _promotion_told(promotion, window, data, calendar)
        if entry.days:
            told.append(entry)
    told.sort(key=lambda t: (min(d for d, _ in t.days), t.kind, t.name, t.subject))
    return tuple(told)


def look_up(subject: str, data: BriefInput, window: BriefWindow) -> Told | None:
    """A subject a brief told, as the data has it now (moved out of the window, cancelled,
    or gone: `removed`). None when it is in the window as before (the caller has it)."""
    kind, _, key = subject.partition(":")
    if kind == "promotion":
        promotion = data.promotions.get(key)
        if promotion is None:
            return Told(subject=subject, ref=key, kind=kind, name="", days=(), removed=True)
        return _promotion_told(promotion, window, data, None, anywhere=True)
    launches = {launch.key: launch for launch in data.launches}
    if kind == "launch":
        launch = launches.get(key)
        if launch is None:
            return Told(subject=subject, ref=key, kind=kind, name="", days=(), removed=True)
        return _launch_told(launch, data)
    launch_key = key.partition("/")[0]
    item = next((i for i in data.items_of.get(launch_key, ()) if i.key == key), None)
    launch = launches.get(launch_key)
    if item is None or launch is None:
        return Told(subject=subject, ref=key, kind=kind, name="", days=(), removed=True)
    return _item_told(item, launch, data.item_guidance(item) or Guidance())


def compare(
    told: Mapping[str, dict[str, str]],
    current: Mapping[str, Told],
    *,
    lookup: Callable[[str], Told | None],
    since: date | None = None,
) -> list[FactChange]:
    """What differs between what was told and what holds now. A subject told before and no
    longer in the window is looked up where it went. `since`: changes wholly before this
    day (a promotion that ended yesterday) are history, not news."""
    changes: list[FactChange] = []
    for subject, before in told.items():
        now = current.get(subject) or lookup(subject)
        if now is None:
            continue
        after = now.facts()
        fields = tuple(
            (name, before.get(name, ""), after.get(name, ""))
            for name in FACT_FIELDS
            if before.get(name, "") != after.get(name, "")
            and not (now.removed and name != "status")
        )
        if not fields or _all_past(before, after, since):
            continue
        kind = "removed" if now.removed else "changed"
        name = now.name or before.get("name", "")
        changes.append(
            FactChange(
                subject=subject, ref=now.ref, name=name, kind=kind, fields=fields, facts=after
            )
        )
    for subject, now in current.items():
        facts = now.facts()
        if subject not in told and not _all_past({}, facts, since):
            changes.append(
                FactChange(subject=subject, ref=now.ref, name=now.name, kind="added", facts=facts)
            )
    return changes


def confirm_by(
    centre: Centre, brief: BriefWindow, calendar: BusinessCalendar, tz: tzinfo
) -> datetime:
    """When an unconfirmed brief is escalated: before the centre opens on the next
    business day (default one hour before)."""
    day = calendar.next_business_day(brief.today + timedelta(days=1))
    opens = datetime.combine(day, centre.opens, tz)
    return opens - timedelta(minutes=centre.confirm_before_minutes)


# the pieces ---------------------------------------------------------------------------------
def _launch_told(launch: Launch, data: BriefInput) -> Told:
    guidance = data.launch_guidance(launch)
    return Told(
        subject=f"launch:{launch.key}",
        ref=launch.key,
        kind="launch",
        name=launch.name,
        days=((launch.open_date, OPENING),),
        guidance=guidance.as_text() if guidance else "",
    )


def _item_told(item: ChecklistItem, launch: Launch, guidance: Guidance) -> Told:
    return Told(
        subject=f"item:{item.key}",
        ref=item.key,
        kind="item",
        name=f"{launch.name} · {item.title}",
        days=((item.due, DUE),),
        detail=item.department_name,
        guidance=guidance.as_text(),
    )


def _promotion_told(
    promotion: Promotion,
    window: BriefWindow,
    data: BriefInput,
    calendar: BusinessCalendar | None,
    *,
    anywhere: bool = False,
) -> Told:
    """The promotion's days inside the window (every day, when `anywhere`: where it went)."""
    days: list[tuple[date, str]] = []
    for day, what in ((promotion.send_date, SEND), (promotion.start, STARTS)):
        if day is not None and (anywhere or window.holds(day)):
            days.append((day, what))
    end = promotion.end
    if end is not None and end != promotion.start and (anywhere or window.holds(end)):
        days.append((end, ENDS))
    if promotion.cancelled and anywhere:
        days = [(day, CANCELLED if what != ENDS else what) for day, what in days]
    late = False
    noticed = data.noticed.get(promotion.key)
    first = promotion.first_day
    if calendar is not None and noticed is not None and first is not None:
        heard = noticed.astimezone(data.tz).date()
        late = calendar.business_days_between(heard, first) < data.lead_required
    detail = " · ".join(x for x in (promotion.channel, promotion.benefit) if x)
    return Told(
        subject=f"promotion:{promotion.key}",
        ref=promotion.key,
        kind="promotion",
        name=promotion.name,
        days=tuple(sorted(days)),
        detail=detail,
        guidance=promotion.guidance,
        late=late,
        confirmed=promotion.confirmed,
        cancelled=promotion.cancelled,
    )


def _all_past(before: Mapping[str, str], after: Mapping[str, str], since: date | None) -> bool:
    if since is None:
        return False
    days = [
        date.fromisoformat(part.split(" ")[0])
        for facts in (before, after)
        for part in (facts.get("days") or "").split("; ")
        if part
    ]
    return bool(days) and max(days) < since


@dataclass(frozen=True, kw_only=True)
class BriefAck:
    key: str
    version: int
    person: str  # the manager's e-mail
    name: str
    at: datetime
