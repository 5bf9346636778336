"""The promotion calendar: sheet rows to promotions, their identity, what changed, lead time."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.sheet_dates import DateProblem, parse_sheet_date

HEADER_SEARCH_ROWS = 10
CANCELLED_WORDS = {"취소", "취소됨", "cancelled", "canceled", "cancel", "중단"}

DEFAULT_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "프로모션id", "프로모션코드", "코드", "promotionid"),
    "name": ("프로모션명", "프로모션", "행사명", "이름", "name", "promotion"),
    "start": ("시작일", "시작", "start", "startdate"),
    "end": ("종료일", "종료", "end", "enddate"),
    "department": ("담당부서", "부서", "department", "team"),
    "owner": ("담당자", "owner", "person"),
    "channel": ("채널", "channel"),
    "benefit": ("혜택", "benefit"),
    "send_date": (
        "sms/push발송일",
        "sms/푸시발송일",
        "발송일",
        "sms발송일",
        "푸시발송일",
        "senddate",
        "sms/push",
    ),
    "notes": ("비고", "메모", "notes", "note"),
    "status": ("상태", "status"),
}
REQUIRED = ("name", "start")
TRACKED = (
    "name",
    "start",
    "end",
    "department",
    "owner",
    "channel",
    "benefit",
    "send_date",
    "notes",
    "cancelled",
)


def normalize(text: object) -> str:
    """Case, width and spacing folded: '프로모션 명 ' and 'ＰＲＯＭＯＴＩＯＮ' compare equal."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


@dataclass(frozen=True, kw_only=True)
class Promotion:
    key: str
    name: str
    start: date
    end: date | None = None
    department: str = ""
    owner: str = ""
    channel: str = ""
    benefit: str = ""
    send_date: date | None = None
    notes: str = ""
    cancelled: bool = False
    row: int = 0  # where it was read; not part of its identity or its changes

    def tracked(self) -> dict[str, str]:
        out = {}
        for name in TRACKED:
            value = getattr(self, name)
            out[name] = (
                ""
                if value is None
                else (
                    value.isoformat()
                    if isinstance(value, date)
                    else str(value).lower()
                    if isinstance(value, bool)
                    else str(value)
                )
            )
        return out

    @property
    def first_day(self) -> date:
        """The first day CX must be ready for: the start, or an earlier SMS/push send."""
        if self.send_date is not None and self.send_date < self.start:
            return self.send_date
        return self.start


@dataclass(frozen=True, kw_only=True)
class RowProblem:
    row: int
    column: str
    raw: str
    message: str
    key: str | None = None  # the promotion it belongs to, when its name or id could be read

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        value = f" (value {self.raw!r})" if self.raw else ""
        return f"{where}{value}: {self.message}"


class SheetLayoutError(ValueError):
    """The sheet has no recognisable header row: nothing can be read from it."""


@dataclass(frozen=True, kw_only=True)
class SheetRead:
    promotions: dict[str, Promotion]
    problems: list[RowProblem]
    header_row: int
    identity: str  # "id column" or "name"


def read_sheet(
    rows: Sequence[Sequence[object]],
    *,
    today: date,
    headers: Mapping[str, Sequence[str]] | None = None,
) -> SheetRead:
    """Parses raw cell values. Bad rows are reported with row, column and value; the rest read."""
    synonyms = {
        f: tuple(normalize(h) for h in hs) for f, hs in (headers or DEFAULT_HEADERS).items()
    }
    header_index, columns = _find_header(rows, synonyms)
    header = rows[header_index]
    labels = {
        name: f"{column_letter(pos)} ({str(header[pos]).strip()})" for name, pos in columns.items()
    }
    parsed: list[Promotion] = []
    problems: list[RowProblem] = []
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        row_number = index + 1
        if all(normalize(cell) == "" for cell in cells):
            continue  # blank rows are common and harmless

        def cell(name: str, cells: Sequence[object] = cells) -> object:
            position = columns.get(name)
            return cells[position] if position is not None and position < len(cells) else None

        promotion, problem = _parse_row(cell, row_number, today, labels)
        if problem is not None:
            problems.append(problem)
        if promotion is not None:
            parsed.append(promotion)
    promotions, duplicate_problems = _identify(parsed, labels=labels)
    return SheetRead(
        promotions=promotions,
        problems=problems + duplicate_problems,
        header_row=header_index + 1,
        identity="id column" if "id" in columns else "name",
    )


def column_letter(position: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _find_header(
    rows: Sequence[Sequence[object]], synonyms: Mapping[str, tuple[str, ...]]
) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            text = normalize(cell)
            for name, words in synonyms.items():
                if text and text in words and name not in columns:
                    columns[name] = position
        if all(name in columns for name in REQUIRED):
            return index, columns
    wanted = " and ".join(f"{name} ({', '.join(synonyms[name][:3])})" for name in REQUIRED)
    seen = [str(c) for row in rows[:3] for c in row if normalize(c)][:12]
    raise SheetLayoutError(
        f"no header row with {wanted} in the first {HEADER_SEARCH_ROWS} rows; "
        f"cells seen: {seen or 'none (an empty read)'} — check the worksheet name and the "
        "header mapping"
    )


def _parse_row(
    get: Callable[[str], object], row: int, today: date, labels: Mapping[str, str]
) -> tuple[Promotion | None, RowProblem | None]:
    name = str(get("name") or "").strip()
    if not name:
        return None, RowProblem(row=row, column=labels["name"], raw="", message="no promotion name")
    ident = str(get("id") or "").strip()
    key = f"id:{normalize(ident)}" if ident else f"name:{normalize(name)}"
    dates: dict[str, date | None] = {}
    for column in ("start", "end", "send_date"):
        raw = get(column)
        try:
            dates[column] = parse_sheet_date(raw, today=today)
        except DateProblem as problem:
            return None, RowProblem(
                key=key,
                row=row,
                column=labels.get(column, column),
                raw=str(raw),
                message=str(problem),
            )
    start = dates["start"]
    if start is None:
        return None, RowProblem(
            key=key, row=row, column=labels["start"], raw="", message="no start date"
        )
    end = dates["end"]
    if end is not None and end < start:
        return None, RowProblem(
            key=key,
            row=row,
            column=labels["end"],
            raw=end.isoformat(),
            message=f"ends before it starts ({start.isoformat()})",
        )

    def text(column: str) -> str:
        return str(get(column) or "").strip()

    promotion = Promotion(
        key=key,
        name=name,
        start=start,
        end=end,
        department=text("department"),
        owner=text("owner"),
        channel=text("channel"),
        benefit=text("benefit"),
        send_date=dates["send_date"],
        notes=text("notes"),
        cancelled=normalize(get("status")) in CANCELLED_WORDS,
        row=row,
    )
    return promotion, None


def _identify(
    parsed: list[Promotion], *, labels: Mapping[str, str]
) -> tuple[dict[str, Promotion], list[RowProblem]]:
    """Keys that survive reordering and edits to other columns; duplicates reported."""
    by_key: dict[str, list[Promotion]] = {}
    for promotion in parsed:
        by_key.setdefault(promotion.key, []).append(promotion)
    out: dict[str, Promotion] = {}
    problems: list[RowProblem] = []
    for key, group in by_key.items():
        if len(group) > 1 and key.startswith("name:") and len({p.start for p in group}) > 1:
            # The same name at different times (a monthly sale): tell them apart by month.
            group = [replace(p, key=f"{key}@{p.start:%Y-%m}") for p in group]
        for promotion in group:
            if promotion.key in out:
                first = out[promotion.key]
                same = first.tracked() == promotion.tracked()
                problems.append(
                    RowProblem(
                        row=promotion.row,
                        column=labels["id"] if key.startswith("id:") else labels["name"],
                        raw=promotion.name,
                        message=(
                            f"the same promotion as row {first.row}; ignored"
                            if same
                            else f"another row ({first.row}) has the same identity; this one is "
                            "ignored — give them distinct names or ids"
                        ),
                    )
                )
                continue
            out[promotion.key] = promotion
    return out, problems


@dataclass(frozen=True, kw_only=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True, kw_only=True)
class PromotionChange:
    kind: str  # new, changed, cancelled, restored
    promotion: Promotion
    before: Promotion | None = None
    fields: tuple[FieldChange, ...] = ()
    lead_days: int | None = None
    late_notice: bool = False

    @property
    def moved(self) -> bool:
        return any(c.field in ("start", "send_date") for c in self.fields)


@dataclass(frozen=True, kw_only=True)
class CalendarDiff:
    changes: list[PromotionChange] = field(default_factory=list)
    unchanged: int = 0

    def of(self, kind: str) -> list[PromotionChange]:
        return [c for c in self.changes if c.kind == kind]


def diff_calendar(
    known: Mapping[str, Promotion],
    read: Mapping[str, Promotion],
    *,
    noticed: date,
    calendar: BusinessCalendar,
    lead_required: int,
    unreadable: Iterable[str] = (),
) -> CalendarDiff:
    """What a sync would change, with CX's lead time for each new or moved promotion."""
    changes: list[PromotionChange] = []
    unchanged = 0
    for key, new in read.items():
        old = known.get(key)
        if old is None:
            if not new.cancelled:
                changes.append(
                    _with_lead(
                        PromotionChange(kind="new", promotion=new), noticed, calendar, lead_required
                    )
                )
            continue
        differences = tuple(
            FieldChange(field=name, old=old.tracked()[name], new=value)
            for name, value in new.tracked().items()
            if old.tracked()[name] != value
        )
        if not differences:
            unchanged += 1
            continue
        if new.cancelled and not old.cancelled:
            kind = "cancelled"
        elif old.cancelled and not new.cancelled:
            kind = "restored"
        else:
            kind = "changed"
        change = PromotionChange(kind=kind, promotion=new, before=old, fields=differences)
        if kind == "restored" or change.moved:
            change = _with_lead(change, noticed, calendar, lead_required)
        changes.append(change)
    kept = tuple(unreadable)
    for key, old in known.items():
        if any(key == k or key.startswith(f"{k}@") for k in kept):
            continue  # its row could not be read this time: keep it as it was
        if key not in read and not old.cancelled:
            gone = replace(old, cancelled=True)
            changes.append(
                PromotionChange(
                    kind="cancelled",
                    promotion=gone,
                    before=old,
                    fields=(FieldChange(field="cancelled", old="false", new="true"),),
                )
            )
    return CalendarDiff(changes=changes, unchanged=unchanged)


def _with_lead(
    change: PromotionChange, noticed: date, calendar: BusinessCalendar, required: int
) -> PromotionChange:
    """Business days CX got between hearing of it and its first day (≤ 0: already begun)."""
    lead = calendar.business_days_between(noticed, change.promotion.first_day)
    return replace(change, lead_days=lead, late_notice=lead < required)


def is_mass_change(diff: CalendarDiff, known_active: int, threshold: float) -> bool:
    """Would this sync cancel or change more than `threshold` of the known promotions?"""
    if known_active == 0:
        return False
    affected = sum(1 for c in diff.changes if c.kind in ("cancelled", "changed"))
    return affected / known_active > threshold
