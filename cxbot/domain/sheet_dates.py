"""Dates as planners type them into a promotion sheet.

One cell holds a date, a range, an undecided date, or nothing:

- a date with a year: `2026-12-01`, `2026.12.01`, `2026. 12. 1.`, `2026/12/01`,
  `2026년 12월 1일`, a two-digit year (`26.12.01`, `26-12-01`), a Sheets serial number
  (days since 1899-12-30), an ISO date-time;
- a date without a year: `12/1`, `12.1`, `12.01`, `12월 1일`;
- any of them followed by a weekday (`(화)`, `화요일`, `(Tue)`) and/or a time (`10:00`,
  `오후 2시`, `2:30 PM`, `10:00~18:00`);
- a range: `12/1~12/3`, `12.01~12.03`, `12월 1일~3일`, `2026-12-01 ~ 2026-12-03`, with `~`,
  `-`, `–`, `〜`; the end takes the start's year and month when it leaves them out;
- undecided: `미정`, `TBD`, `추후 공지`, `12월 중`, … (kept with its own wording);
- nothing: empty, `-`, `없음`, `N/A`.

Full-width characters of every kind are folded (NFKC) and Sheets' leading apostrophe (its
"this is text" marker) is dropped. Anything else in the cell is an error that quotes it:
text is never silently dropped.

A date without a year is its **next occurrence** from the sync date (a December sheet's
`1/5` is next January), except within the last two months, where it is the recent past (a
promotion that started last week). One that is neither (more than two months ago and more
than six months ahead) is reported: write the year.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from cxbot.domain.notices import Notice, joined, notice

SHEETS_EPOCH = date(1899, 12, 30)
RECENT_PAST = timedelta(days=62)  # "about two months"
NEAR_FUTURE = timedelta(days=184)  # "about six months"

# A cell that starts with one of these is undecided (`미정(12월 예정)`, `추후 공지 예정`) …
UNDECIDED_PREFIXES = ("미정", "일정미정", "날짜미정", "tbd", "tba", "추후")
# … and so is a cell that is exactly one of these.
UNDECIDED_WORDS = ("미확정", "확정전", "협의중", "조율중", "검토중", "확인중", "?", "??", "???")
NOTHING_WORDS = ("-", "--", "x", "없음", "해당없음", "n/a", "na", "none")

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-")
_WAVES = dict.fromkeys(map(ord, "\u301c\u223c\u02dc\u2053"), "~")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)

_WEEKDAY = (
    r"(?:\s*\(\s*(?:[월화수목금토일](?:요일)?|mon|tue|wed|thu|fri|sat|sun)[a-z]*\s*\)"
    r"|\s*\[\s*[월화수목금토일](?:요일)?\s*\]"
    r"|\s+[월화수목금토일]요일"
    r"|\s+(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)?"
)
_CLOCK = (
    r"(?:(?:오전|오후|am|pm)\s*)?\d{1,2}(?::\d{2}){1,2}(?:\s*(?:am|pm))?"
    r"|(?:(?:오전|오후)\s*)?\d{1,2}\s*시(?:\s*\d{1,2}\s*분)?(?:\s*(?:am|pm))?"
    r"|\d{1,2}\s*(?:am|pm)"
)
# `10:00~18:00`, and `10:00~` (an open end: from ten o'clock on)
_TIME = rf"(?:\s*(?:{_CLOCK})(?:\s*[~-]\s*(?:(?:{_CLOCK})|(?=\s*$)))?)?"
_ISO_TAIL = r"(?:t\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"

_FULL = (  # one separator throughout (2026-12-01, 26.12.01) or 년 … 월 … 일
    r"(?P<y>\d{4}|\d{2})\s*(?:(?P<sep>[-./])\s*(?P<m>\d{1,2})\s*(?P=sep)"
    r"|년\s*(?P<km>\d{1,2})\s*월)\s*(?P<d>\d{1,2})(?:\s*일|\s*\.)?" + _ISO_TAIL
)
_SHORT = r"(?P<m>\d{1,2})\s*(?:[/.]|월)\s*(?P<d>\d{1,2})(?:\s*일|\s*\.)?"
_DASHED = r"(?P<m>\d{1,2})-(?P<d>\d{1,2})"  # the end of 2027-01-18~01-29
_DAY = r"(?P<d>\d{1,2})\s*일?"
_POINT_END = _WEEKDAY + _TIME + _WEEKDAY
_START = re.compile(rf"(?:{_FULL}|{_SHORT.replace('?P<', '?P<s')}){_POINT_END}")
_SEPARATOR = re.compile(r"\s*(?:~|-|부터|에서)\s*")
_END = re.compile(
    rf"(?:{_FULL}|{_SHORT.replace('?P<', '?P<s')}|{_DASHED.replace('?P<', '?P<x')}"
    rf"|{_DAY.replace('?P<', '?P<o')})"
    rf"{_POINT_END}(?:\s*까지)?"
)
_VAGUE = re.compile(
    r"^(?:(?:\d{4}|\d{2})\s*(?:년|[-./])\s*)?\d{1,2}\s*월$|"
    r"^(?:(?:\d{4}|\d{2})\s*(?:년|[-./])\s*)?\d{1,2}\s*월?\s*"
    r"(?:중|중순|초|초순|말|하순|상순|내|중예정|예정|경|쯤|이후|넷째주|셋째주|둘째주|첫째주|"
    r"[1-5]\s*주(?:차)?)$"
)


class DateProblem(ValueError):
    """A cell that is not a date in any form we read: what is wrong, as a notice."""

    def __init__(self, problem: Notice) -> None:
        super().__init__(str(problem))
        self.notice = problem


@dataclass(frozen=True)
class DateCell:
    """What one cell says: a day, a range (`end` set), or an undecided date (`undecided`)."""

    start: date | None
    end: date | None = None
    undecided: str = ""
    doubts: tuple[Notice, ...] = ()  # a weekday that contradicts its date: `1/6(화)` on a Wed

    @property
    def is_range(self) -> bool:
        return self.end is not None


def read_date_cell(raw: object, *, today: date) -> DateCell | None:
    """The date, range or undecided date in a cell; None for an empty one; DateProblem else."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise DateProblem(notice("not_a_value_date", cell=repr(raw)))
    if isinstance(raw, int | float):
        return DateCell(_serial(float(raw)))
    text = fold(str(raw))
    if not text or text in NOTHING_WORDS:
        return None
    compact = re.sub(r"[\s()\[\]]", "", text)
    if compact in UNDECIDED_WORDS or compact.startswith(UNDECIDED_PREFIXES):
        return DateCell(None, undecided=str(raw).strip().lstrip("'"))
    if _VAGUE.match(text):
        return DateCell(None, undecided=str(raw).strip().lstrip("'"))
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return DateCell(_serial(float(text)))
    if dashed := re.fullmatch(r"(\d{1,2})-(\d{1,2})", text):  # 12-01: a day, not a range
        return DateCell(next_occurrence(int(dashed[1]), int(dashed[2]), today, text))
    return _dates(text, today, shown=str(raw).strip())


def parse_sheet_date(raw: object, *, today: date) -> date | None:
    """The single day in a cell (None when empty); a range or undecided date is a problem."""
    cell = read_date_cell(raw, today=today)
    if cell is None:
        return None
    if cell.undecided:
        raise DateProblem(notice("not_decided", cell=cell.undecided))
    if cell.end is not None:
        raise DateProblem(notice("a_range", cell=str(raw).strip()))
    return cell.start


def fold(text: str) -> str:
    """NFKC, one kind of dash and tilde, no invisible characters, no leading apostrophe."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = text.translate(_DASHES).translate(_WAVES).strip().lower()
    return text[1:].strip() if text.startswith(("'", "\u2018", "\u2019")) else text


def _dates(text: str, today: date, *, shown: str) -> DateCell:
    start_match = _START.match(text)
    if start_match is None:
        raise DateProblem(notice("not_a_date", cell=shown))
    start = _point(start_match, today, shown)
    doubts = [_weekday_doubt(start_match[0], start)]
    rest = text[start_match.end() :]
    if not rest.strip():
        return DateCell(start, doubts=joined(doubts))
    separator = _SEPARATOR.match(rest)
    end_match = _END.match(rest, separator.end()) if separator else None
    if end_match is None or rest[end_match.end() :].strip():
        leftover = rest[end_match.end() :] if end_match else rest
        raise DateProblem(notice("not_part_of_a_date", cell=shown, rest=leftover.strip()))
    end = _end_point(end_match, start, shown)
    if end < start:
        raise DateProblem(notice("ends_before_start", cell=shown))
    doubts.append(_weekday_doubt(end_match[0], end))
    return DateCell(start, end if end != start else None, doubts=joined(doubts))


_WEEKDAYS_KO = "월화수목금토일"
_WEEKDAYS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_STATED_WEEKDAY = re.compile(
    r"[(\[\s]\s*(?:(?P<ko>[월화수목금토일])(?:요일)?|(?P<en>mon|tue|wed|thu|fri|sat|sun)[a-z]*)"
    r"\s*(?:[)\]]|\.|$|\s)"
)


def _weekday_doubt(text: str, day: date) -> Notice | None:
    """None when no weekday is written or it is the date's own; else what contradicts what."""
    stated = _STATED_WEEKDAY.search(text)
    if stated is None:
        return None
    index = _WEEKDAYS_KO.index(stated["ko"]) if stated["ko"] else _WEEKDAYS_EN.index(stated["en"])
    if index == day.weekday():
        return None
    return notice(
        "weekday_typo",
        day=day.isoformat(),
        actual=_WEEKDAYS_KO[day.weekday()],
        written=_WEEKDAYS_KO[index],
    )


def _point(match: re.Match[str], today: date, shown: str) -> date:
    if match["y"] is not None:
        return _make(_year(match["y"]), _month(match), int(match["d"]), shown)
    return next_occurrence(int(match["sm"]), int(match["sd"]), today, shown)


def _end_point(match: re.Match[str], start: date, shown: str) -> date:
    if match["y"] is not None:
        return _make(_year(match["y"]), _month(match), int(match["d"]), shown)
    if match["sm"] is not None or match["xm"] is not None:
        month, day = int(match["sm"] or match["xm"]), int(match["sd"] or match["xd"])
        year = start.year + (1 if month < start.month else 0)  # 12/28~1/3 crosses the year
        return _make(year, month, day, shown)
    day = int(match["od"])
    month, year = start.month, start.year
    if day < start.day:  # 1/30~2 is 1/30 to 2/2
        month, year = (1, year + 1) if month == 12 else (month + 1, year)
    return _make(year, month, day, shown)


def next_occurrence(month: int, day: int, today: date, shown: str) -> date:
    """A year-less day: the recent past (≤ 2 months), else the next occurrence (≤ 6 months)."""
    this_year = _make_or_none(today.year, month, day)
    if this_year is None and not (month == 2 and day == 29):
        raise DateProblem(notice("not_a_real_date", cell=shown))
    candidates = [
        d
        for d in (_make_or_none(today.year + k, month, day) for k in (-1, 0, 1, 2, 3, 4))
        if d is not None
    ]
    past = max((d for d in candidates if d < today), default=None)
    upcoming = min((d for d in candidates if d >= today), default=None)
    if past is not None and today - past <= RECENT_PAST:
        return past
    if upcoming is not None and upcoming - today <= NEAR_FUTURE:
        return upcoming
    raise DateProblem(
        notice(
            "no_year",
            cell=shown,
            past=past.isoformat() if past else "?",
            months_ago=(today - past).days // 30 if past else 0,
            upcoming=upcoming.isoformat() if upcoming else "?",
            months_ahead=(upcoming - today).days // 30 if upcoming else 0,
        )
    )


def _month(match: re.Match[str]) -> int:
    return int(match["m"] or match["km"])


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _serial(value: float) -> date:
    if not 20000 <= value <= 80000:  # 1954 … 2119: anything else is not a date serial
        raise DateProblem(notice("not_a_value_date", cell=f"{value:g}"))
    return SHEETS_EPOCH + timedelta(days=int(value))


def _make_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _make(year: int, month: int, day: int, shown: str) -> date:
    made = _make_or_none(year, month, day)
    if made is None:
        raise DateProblem(notice("not_a_real_date", cell=shown))
    return made
