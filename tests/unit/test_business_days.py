"""Due dates on the Korean business-day calendar, table-driven over 2026-2027.

Expected dates are worked out by hand from the published holiday calendar
(substitute holidays, Seollal, Chuseok, the 2026 changes: Labor Day and
Constitution Day as public holidays, the 2026 local election), not from the
library under test.
"""

from __future__ import annotations

from datetime import date

import pytest

from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.domain.dday import DayUnit, DOffset, due_date

CAL = korean_calendar(range(2025, 2029))

CASES = [
    # open date, offset, unit, expected due, why
    ("2027-02-15", "D-5", "business", "2027-02-04", "Seollal 2/6-2/8 and substitute 2/9"),
    ("2027-02-10", "D-1", "business", "2027-02-05", "substitute holiday 2/9, Seollal 2/8"),
    ("2026-09-28", "D-1", "business", "2026-09-23", "Chuseok 9/24-9/26"),
    ("2026-10-06", "D-1", "business", "2026-10-02", "substitute for National Foundation Day 10/5"),
    ("2026-05-04", "D+1", "business", "2026-05-06", "Children's Day 5/5"),
    ("2026-06-04", "D-1", "business", "2026-06-02", "2026 local election day 6/3"),
    (
        "2026-07-20",
        "D-1",
        "business",
        "2026-07-16",
        "Constitution Day 7/17 (a holiday again from 2026)",
    ),
    ("2027-10-12", "D-1", "business", "2027-10-08", "substitute for Hangul Day 10/11"),
    ("2027-12-28", "D-1", "business", "2027-12-24", "substitute for Christmas 12/27"),
    ("2026-08-18", "D-1", "business", "2026-08-14", "substitute for Liberation Day 8/17"),
    ("2026-03-03", "D-1", "business", "2026-02-27", "substitute for Independence Movement Day 3/2"),
    ("2026-05-26", "D-1", "business", "2026-05-22", "substitute for Buddha's Birthday 5/25"),
    ("2026-05-08", "D-7", "business", "2026-04-27", "Labor Day 5/1 (2026) and Children's Day 5/5"),
    ("2027-02-15", "D+10", "business", "2027-03-02", "Independence Movement Day 3/1"),
    (
        "2026-09-20",
        "D+7",
        "calendar",
        "2026-09-28",
        "lands on a Sunday after D-day: next business day",
    ),
    (
        "2026-10-13",
        "D-10",
        "calendar",
        "2026-10-02",
        "lands on National Foundation Day: previous business day",
    ),
    (
        "2026-05-11",
        "D-10",
        "calendar",
        "2026-04-30",
        "lands on Labor Day 5/1 (2026): previous business day",
    ),
    ("2026-01-12", "D-10", "calendar", "2026-01-02", "lands on a Friday: kept"),
    (
        "2026-02-21",
        "D-day",
        "business",
        "2026-02-20",
        "D-day on a Saturday, not pinned: previous business day",
    ),
]


@pytest.mark.parametrize(("open_date", "offset", "unit", "expected", "why"), CASES)
def test_due_dates_skip_korean_holidays(
    open_date: str, offset: str, unit: str, expected: str, why: str
) -> None:
    due = due_date(
        open_date=date.fromisoformat(open_date),
        offset=DOffset.parse(offset),
        unit=DayUnit(unit),
        calendar=CAL,
    )
    assert due.day == date.fromisoformat(expected), why
    assert CAL.is_business_day(due.day)


def test_moved_dates_say_why() -> None:
    due = due_date(
        open_date=date(2026, 10, 13), offset=DOffset(-10), unit=DayUnit.CALENDAR, calendar=CAL
    )
    assert due.nominal == date(2026, 10, 3)
    assert due.moved_because == "개천절"


def test_pinned_items_keep_a_weekend_date() -> None:
    due = due_date(
        open_date=date(2026, 2, 21),
        offset=DOffset(0),
        unit=DayUnit.BUSINESS,
        calendar=CAL,
        exact_day=True,
    )
    assert due.day == date(2026, 2, 21)
    assert due.moved_because is None


def test_company_closures_and_extra_workdays() -> None:
    company = CAL.with_overrides(
        closures={date(2027, 2, 12): "창립기념일"}, extra_workdays=[date(2027, 1, 30)]
    )
    assert not company.is_business_day(date(2027, 2, 12))
    assert company.why_closed(date(2027, 2, 12)) == "창립기념일"
    assert company.is_business_day(date(2027, 1, 30))  # a Saturday the company works
    # D-5 from 2/15 skips the closure on 2/12 as well as Seollal.
    assert company.shift_business_days(date(2027, 2, 15), -5) == date(2027, 2, 3)
    # D-8 reaches the Saturday that is a working day (D-7 is Monday 2/1).
    assert company.shift_business_days(date(2027, 2, 15), -7) == date(2027, 2, 1)
    assert company.shift_business_days(date(2027, 2, 15), -8) == date(2027, 1, 30)
    # Without the closure, D-8 is Monday 2/1.
    assert CAL.shift_business_days(date(2027, 2, 15), -8) == date(2027, 2, 1)


def test_business_days_between_counts_the_end_not_the_start() -> None:
    assert CAL.business_days_between(date(2027, 2, 5), date(2027, 2, 10)) == 1
    assert CAL.business_days_between(date(2027, 2, 10), date(2027, 2, 5)) == -1
    assert CAL.business_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0
    assert CAL.business_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5


@pytest.mark.parametrize(
    ("text", "days", "label"),
    [
        ("D-30", -30, "D-30"),
        ("D-day", 0, "D-day"),
        ("D+14", 14, "D+14"),
        ("d - 3", -3, "D-3"),
        ("D0", 0, "D-day"),
        ("D-DAY", 0, "D-day"),
        # as a Korean keyboard or a copied text writes them
        ("Ｄ－１２", -12, "D-12"),  # full width
        ("D−12", -12, "D-12"),  # a minus sign
        ("D–5", -5, "D-5"),  # an en dash
        ("D-12일", -12, "D-12"),
        ("D+3 일", 3, "D+3"),
        ("D일", 0, "D-day"),
    ],
)
def test_offsets_parse(text: str, days: int, label: str) -> None:
    offset = DOffset.parse(text)
    assert offset.days == days
    assert offset.label == label


@pytest.mark.parametrize(
    "text", ["D30", "-30", "D+", "day", "D-500", "D+61", "D-1O", "D-12영업일", "D-12일일"]
)
def test_bad_offsets_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="D-"):
        DOffset.parse(text)
