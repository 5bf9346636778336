"""D-day offsets: "D-30", "D-day", "D+14", in business or calendar days."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from cxbot.domain.calendar import BusinessCalendar

_PATTERN = re.compile(
    r"^\s*D\s*(?:(?P<sign>[-+])\s*(?P<n>\d{1,3})\s*일?|-?\s*(?:day|0|데이|일))\s*$", re.I
)
# What a Korean keyboard or a copied text puts for the sign: full-width letters and digits
# (NFKC folds them), the minus sign, dashes.
_DASHES = str.maketrans({"−": "-", "–": "-", "—": "-", "‐": "-", "‑": "-", "﹣": "-"})

EARLIEST_OFFSET = -120
LATEST_OFFSET = 60


class DayUnit(StrEnum):
    BUSINESS = "business"
    CALENDAR = "calendar"


@dataclass(frozen=True)
class DOffset:
    """Days relative to opening day: negative before it, positive after."""

    days: int

    @classmethod
    def parse(cls, text: str) -> DOffset:
        """`D-30`, `d-30`, `D - 30`, `D-30일`, `Ｄ－３０`, `D−30` (a minus sign), `D-day`,
        `D+14`."""
        match = _PATTERN.match(unicodedata.normalize("NFKC", text).translate(_DASHES))
        if not match:
            raise ValueError(f"{text!r} is not a D-offset; write D-30, D-day or D+14")
        if match.group("n") is None:
            return cls(0)
        days = int(match.group("n")) * (-1 if match.group("sign") == "-" else 1)
        if not EARLIEST_OFFSET <= days <= LATEST_OFFSET:
            raise ValueError(f"{text!r} is outside D{EARLIEST_OFFSET} … D+{LATEST_OFFSET}")
        return cls(days)

    @property
    def label(self) -> str:
        if self.days == 0:
            return "D-day"
        return f"D{self.days:+d}"

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, kw_only=True)
class DueDate:
    """Where an offset lands, and why it moved if it did."""

    day: date
    nominal: date
    moved_because: str | None = None


def due_date(
    *,
    open_date: date,
    offset: DOffset,
    unit: DayUnit,
    calendar: BusinessCalendar,
    exact_day: bool = False,
) -> DueDate:
    """The due date of an item `offset` away from `open_date`.

    Business-day offsets count business days only. A date that still lands on
    a non-business day (a calendar-day offset, or D-day itself) moves to the
    previous business day, or to the next one for items after D-day, unless the
    item is pinned to that exact day (opening-day monitoring happens on the day).
    """
    if unit is DayUnit.BUSINESS and offset.days:
        nominal = calendar.shift_business_days(open_date, offset.days)
    else:
        nominal = open_date + timedelta(days=offset.days)
    if exact_day or calendar.is_business_day(nominal):
        return DueDate(day=nominal, nominal=nominal)
    if offset.days > 0:
        moved = calendar.next_business_day(nominal)
    else:
        moved = calendar.previous_business_day(nominal)
    return DueDate(day=moved, nominal=nominal, moved_because=calendar.why_closed(nominal))


def launch_day_label(
    day: date, open_date: date, *, calendar: BusinessCalendar, unit: DayUnit = DayUnit.BUSINESS
) -> str:
    """Where `day` stands in a launch: `D-12`, `D-day`, `D+3` — the one meaning of D-N on
    every surface. Counted in the launch's unit (business days by default) exactly as its
    due dates are, so an item labelled D-20 is due on the day the launch is at D-20; D-1 is
    the last business day before opening day, even when opening day is a Saturday."""
    if day == open_date:
        return DOffset(0).label
    if unit is DayUnit.CALENDAR:
        return DOffset((day - open_date).days).label
    if day > open_date:
        return DOffset(calendar.business_days_between(open_date, day)).label
    one = timedelta(days=1)
    return DOffset(-calendar.business_days_between(day - one, open_date - one)).label


def unit_of_launch(units: Iterable[DayUnit]) -> DayUnit:
    """A launch counts in calendar days only when every one of its items does."""
    seen = set(units)
    return DayUnit.CALENDAR if seen == {DayUnit.CALENDAR} else DayUnit.BUSINESS


def business_days_left(calendar: BusinessCalendar, today: date, due: date) -> int:
    """Business days from `today` to `due`: positive left, 0 due today, negative late — the
    one place that says how late an item is ("N영업일 남음 / N영업일 지연")."""
    days = calendar.business_days_between(today, due)
    return -1 if due < today and days == 0 else days  # due on a closed day now past: late


def business_days_late(calendar: BusinessCalendar, today: date, due: date) -> int:
    """How many business days past due; 0 when not late."""
    return max(0, -business_days_left(calendar, today, due))


@dataclass(frozen=True, kw_only=True)
class OpeningConcern:
    """Why an opening day deserves a second look: `past`, `weekend` or `holiday` (named)."""

    kind: str
    name: str = ""  # the holiday's or closure's name: 설날, 창립기념일


def opening_concerns(
    open_date: date, *, today: date, calendar: BusinessCalendar
) -> list[OpeningConcern]:
    """An opening day in the past, on a weekend or on a holiday / company closure."""
    concerns = []
    if open_date < today:
        concerns.append(OpeningConcern(kind="past"))
    if not calendar.is_business_day(open_date):
        reason = calendar.why_closed(open_date) or ""
        weekend = open_date.weekday() >= 5 and reason == "주말"
        concerns.append(
            OpeningConcern(kind="weekend")
            if weekend
            else OpeningConcern(kind="holiday", name=reason)
        )
    return concerns
