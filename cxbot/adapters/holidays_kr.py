"""The Korean public-holiday calendar, from the `holidays` package."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import holidays

from cxbot.domain.calendar import BusinessCalendar


def korean_calendar(
    years: Iterable[int],
    *,
    closures: Mapping[date, str] | None = None,
    extra_workdays: Iterable[date] = (),
) -> BusinessCalendar:
    """Public holidays (substitute and election days included) in Korean, plus company days."""
    table = holidays.country_holidays("KR", years=sorted(set(years)), language="ko")
    return BusinessCalendar(
        holidays=dict(table.items()),
        closures=dict(closures or {}),
        extra_workdays=frozenset(extra_workdays),
    )
