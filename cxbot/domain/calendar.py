"""Business days on a holiday calendar.

The calendar is a value: the set of public holidays, company closures and
extra working days is handed in; nothing here knows where they came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, kw_only=True)
class BusinessCalendar:
    """Weekdays are business days unless a holiday or closure; extra workdays always are."""

    holidays: Mapping[date, str] = field(default_factory=dict)
    closures: Mapping[date, str] = field(default_factory=dict)
    extra_workdays: frozenset[date] = frozenset()

    def is_business_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day.weekday() >= 5:
            return False
        return day not in self.holidays and day not in self.closures

    def why_closed(self, day: date) -> str | None:
        """The reason a day is not a business day, or None when it is one."""
        if self.is_business_day(day):
            return None
        if day in self.closures:
            return self.closures[day]
        if day in self.holidays:
            return self.holidays[day]
        return "주말" if day.weekday() >= 5 else None

    def shift_business_days(self, start: date, count: int) -> date:
        """The day `count` business days after `start` (before it when negative).

        `start` itself is never counted, so the result of a non-zero count is
        always a business day even when `start` is not.
        """
        step = _ONE_DAY if count > 0 else -_ONE_DAY
        day, remaining = start, abs(count)
        while remaining:
            day += step
            if self.is_business_day(day):
                remaining -= 1
        return day

    def previous_business_day(self, day: date) -> date:
        """`day` itself when it is a business day, else the closest one before it."""
        while not self.is_business_day(day):
            day -= _ONE_DAY
        return day

    def next_business_day(self, day: date) -> date:
        """`day` itself when it is a business day, else the closest one after it."""
        while not self.is_business_day(day):
            day += _ONE_DAY
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """Business days in (start, end]; negative when end is before start."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        low, high = (start, end) if sign > 0 else (end, start)
        day, count = low + _ONE_DAY, 0
        while day <= high:
            count += self.is_business_day(day)
            day += _ONE_DAY
        return sign * count

    def with_overrides(
        self,
        *,
        closures: Mapping[date, str] | None = None,
        extra_workdays: Iterable[date] = (),
    ) -> BusinessCalendar:
        merged = dict(self.closures)
        merged.update(closures or {})
        return BusinessCalendar(
            holidays=self.holidays,
            closures=merged,
            extra_workdays=self.extra_workdays | frozenset(extra_workdays),
        )
