"""Dates as people type them into a promotion sheet.

`2026-12-01`, `2026.12.01`, `2026. 12. 1.`, `2026/12/01`, `12/1`, `12.1`, `12월 1일`,
`2026년 12월 1일`, a Sheets serial number (days since 1899-12-30), each with or without a
time after it. A date without a year takes the year that puts it nearest the sync date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

SHEETS_EPOCH = date(1899, 12, 30)
_TIME = (  # an optional time after the date: 10:00, 오후 2시, 2:30 PM
    r"(?:\s+(?:오전|오후|AM|PM|am|pm)?\s*\d{1,2}(?::\d{2}){0,2}"
    r"\s*(?:AM|PM|am|pm|시(?:\s*\d{1,2}\s*분)?)?)?"
)
_FULL = re.compile(
    r"^\s*(?P<y>\d{4})\s*[-./년]\s*(?P<m>\d{1,2})\s*[-./월]\s*(?P<d>\d{1,2})\s*[.일]?"
    + _TIME
    + r"\s*$"
)
_SHORT = re.compile(r"^\s*(?P<m>\d{1,2})\s*[/.월]\s*(?P<d>\d{1,2})\s*[.일]?" + _TIME + r"\s*$")
_ISO_TIME = re.compile(r"^\s*(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})[T ]\d{2}:\d{2}")


class DateProblem(ValueError):
    """A cell that is not a date in any form we read."""


def parse_sheet_date(raw: object, *, today: date) -> date | None:
    """The date in a cell, None for an empty cell; DateProblem for anything else."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise DateProblem(f"{raw!r} is not a date")
    if isinstance(raw, int | float):
        return _serial(float(raw))
    text = str(raw).strip()
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _serial(float(text))
    for pattern in (_FULL, _ISO_TIME):
        match = pattern.match(text)
        if match:
            return _make(int(match["y"]), int(match["m"]), int(match["d"]), text)
    match = _SHORT.match(text)
    if match:
        return _nearest(int(match["m"]), int(match["d"]), today, text)
    raise DateProblem(f"{text!r} is not a date; write 2026-12-01, 2026.12.01, 12/1 or 12월 1일")


def _serial(value: float) -> date:
    if not 20000 <= value <= 80000:  # 1954 … 2119: anything else is not a date serial
        raise DateProblem(f"{value:g} is not a date")
    return SHEETS_EPOCH + timedelta(days=int(value))


def _make(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateProblem(f"{text!r} is not a real date") from None


def _nearest(month: int, day: int, today: date, text: str) -> date:
    """The year that puts month/day nearest `today` (12/28 read in January is last year's)."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise DateProblem(f"{text!r} is not a real date")
    return min(candidates, key=lambda d: abs((d - today).days))
