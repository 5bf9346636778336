"""The promotion calendar: sheet rows to promotions, their identity, what changed, lead time."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.sheet_dates import DateCell, DateProblem, fold, read_date_cell
from cxbot.domain.sheet_headers import KNOWN, HeaderMap, map_headers

HEADER_SEARCH_ROWS = 10
CANCELLED_WORDS = {"취소", "취소됨", "cancelled", "canceled", "cancel", "중단", "철회", "무산"}
_STATUS_CANCELLED = ("취소", "cancel", "중단", "철회", "무산", "폐기", "미진행", "진행안함")
_STATUS_NO = {"x", "n", "no", "안함", "불가", "✕", "✗", "×"}  # 진행 여부: X
# `(취소)`, `[취소됨]`, `【cancelled】` anywhere; `취소됨`/`cancelled` or `취소 -` opening the text;
# `~~name~~` (a strike-through typed as text). `취소 시 환불 불가` in the notes is not one.
_MARKER = re.compile(
    r"[(\[【<]\s*(?:행사\s*)?(?:취소|취소됨|cancel+ed|canceled|cancel|중단|철회)\s*[)\]】>]"
    r"|^\s*(?:취소됨|cancel+ed|canceled|취소|중단)\s*(?:$|[-:,.!/|])"
    r"|(?:^|\s)(?:취소됨|cancel+ed|canceled)\s*$",
    re.IGNORECASE,
)
_STRUCK_TEXT = re.compile(r"^\s*~~(.+)~~\s*$")
UNDECIDED_STATE = "미정"

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
    "undecided",
)


def normalize(text: object) -> str:
    """Case, width and spacing folded: '프로모션 명 ' and 'ＰＲＯＭＯＴＩＯＮ' compare equal."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


@dataclass(frozen=True, kw_only=True)
class Promotion:
    key: str
    name: str
    start: date | None  # None while undecided (`미정`): see `undecided`
    end: date | None = None
    department: str = ""
    owner: str = ""
    channel: str = ""
    benefit: str = ""
    send_date: date | None = None
    notes: str = ""
    cancelled: bool = False
    undecided: tuple[tuple[str, str], ...] = ()  # (field, the cell's wording): ("start", "미정")
    row: int = 0  # where it was read; not part of its identity or its changes

    def tracked(self) -> dict[str, str]:
        out = {}
        for name in TRACKED:
            value = getattr(self, name)
            if name == "undecided":
                out[name] = "; ".join(f"{f}={w}" for f, w in self.undecided)
                continue
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
    def first_day(self) -> date | None:
        """The first day CX must be ready for: the start, or an earlier SMS/push send."""
        days = [d for d in (self.start, self.send_date) if d is not None]
        return min(days) if days else None

    def undecided_wording(self, name: str) -> str:
        """The cell's own wording (`미정`, `12월 중`) when that field is undecided, else ''."""
        return next((w for f, w in self.undecided if f == name), "")


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
    unmapped: tuple[str, ...] = ()  # columns with a header no field took: "H (URL)"

    @property
    def undecided(self) -> list[Promotion]:
        return [p for p in self.promotions.values() if p.undecided]


def read_sheet(
    rows: Sequence[Sequence[object]],
    *,
    today: date,
    headers: Mapping[str, Sequence[str]] | None = None,
    struck: Collection[tuple[int, int]] | None = (),
) -> SheetRead:
    """Parses raw cell values. Bad rows are reported with row, column and value; the rest read.

    `headers`: extra names per field (added to the known ones); `struck`: (row index, column
    position) of cells drawn with strike-through, where the source exposes it.
    """
    header_index, mapped = _find_header(rows, headers or {})
    columns = mapped.columns
    header = rows[header_index]
    labels = {
        name: f"{column_letter(pos)} ({str(header[pos]).strip()})" for name, pos in columns.items()
    }
    send_positions = [p for p in (columns.get("send_date"),) if p is not None]
    send_positions += list(mapped.more_send_dates)
    parsed: list[Promotion] = []
    problems: list[RowProblem] = []
    struck_cells = set(struck or ())
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        row_number = index + 1
        if all(normalize(cell) == "" for cell in cells):
            continue  # blank rows are common and harmless

        def cell(name: str, cells: Sequence[object] = cells) -> object:
            position = columns.get(name)
            return cells[position] if position is not None and position < len(cells) else None

        sends = [
            (f"{column_letter(p)} ({str(header[p]).strip()})", cells[p] if p < len(cells) else None)
            for p in send_positions
        ]
        name_struck = "name" in columns and (index, columns["name"]) in struck_cells
        promotion, problem = _parse_row(cell, sends, row_number, today, labels, name_struck)
        if problem is not None:
            problems.append(problem)
        if promotion is not None:
            parsed.append(promotion)
    promotions, duplicate_problems = _identify(parsed, labels=labels)
    unmapped = tuple(
        f"{column_letter(pos)} ({text})"
        for pos, text in mapped.unmapped
        if any(pos < len(r) and normalize(r[pos]) for r in rows[header_index + 1 :])
    )
    return SheetRead(
        promotions=promotions,
        problems=problems + duplicate_problems,
        header_row=header_index + 1,
        identity="id column" if "id" in columns else "name",
        unmapped=unmapped,
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
    rows: Sequence[Sequence[object]], extra: Mapping[str, Sequence[str]]
) -> tuple[int, HeaderMap]:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapped = map_headers(row, extra)
        if "name" in mapped.columns and ("start" in mapped.columns or "period" in mapped.columns):
            return index, mapped
    wanted = (
        f"a name ({', '.join(KNOWN['name'][:3])}) and a start "
        f"({', '.join(KNOWN['start'][:2])}) or period ({', '.join(KNOWN['period'][:2])}) column"
    )
    seen = [str(c) for row in rows[:3] for c in row if normalize(c)][:12]
    raise SheetLayoutError(
        f"no header row with {wanted} in the first {HEADER_SEARCH_ROWS} rows; "
        f"cells seen: {seen or 'none (an empty read)'} — check the worksheet name, or name "
        "the columns with CXBOT_CALENDAR_HEADERS"
    )


def cancellation_marker(text: str) -> bool:
    """`(취소) 블랙프라이데이`, `[취소됨]`, `cancelled`, `~~블프~~` — a planner's cancel mark."""
    return bool(_MARKER.search(fold(text)) or _STRUCK_TEXT.match(text))


def strip_marker(name: str) -> str:
    """The name without its cancellation mark, so it stays the same promotion."""
    struck = _STRUCK_TEXT.match(name)
    if struck:
        name = struck[1]
    cleaned = _MARKER.sub(" ", unicodedata.normalize("NFKC", name))
    return re.sub(r"\s+", " ", cleaned).strip(" -:|/") or name.strip()


def _status_cancelled(value: object) -> bool:
    text = normalize(value)
    return (
        text in CANCELLED_WORDS
        or text in _STATUS_NO
        or any(word in text for word in _STATUS_CANCELLED)
    )


def _parse_row(
    get: Callable[[str], object],
    sends: Sequence[tuple[str, object]],
    row: int,
    today: date,
    labels: Mapping[str, str],
    name_struck: bool,
) -> tuple[Promotion | None, RowProblem | None]:
    raw_name = str(get("name") or "").strip()
    if not normalize(raw_name):
        return None, RowProblem(row=row, column=labels["name"], raw="", message="no promotion name")
    notes = str(get("notes") or "").strip()
    cancelled = (
        name_struck
        or cancellation_marker(raw_name)
        or _status_cancelled(get("status"))
        or (bool(notes) and cancellation_marker(notes))
    )
    name = strip_marker(raw_name)
    ident = str(get("id") or "").strip()
    key = f"id:{normalize(ident)}" if ident else f"name:{normalize(name)}"

    def problem(column: str, raw: object, message: str) -> tuple[None, RowProblem]:
        label = labels.get(column, column)
        return None, RowProblem(key=key, row=row, column=label, raw=_shown(raw), message=message)

    def read(column: str, raw: object) -> DateCell | RowProblem | None:
        try:
            return read_date_cell(raw, today=today)
        except DateProblem as error:
            return RowProblem(
                key=key, row=row, column=labels.get(column, column), raw=_shown(raw),
                message=str(error),
            )  # fmt: skip

    start_column = "start" if normalize(get("start")) or "period" not in labels else "period"
    start_cell = read(start_column, get(start_column))
    if isinstance(start_cell, RowProblem):
        return None, start_cell
    end_cell = read("end", get("end"))
    if isinstance(end_cell, RowProblem):
        return None, end_cell
    undecided: list[tuple[str, str]] = []
    if start_cell is None:
        return problem(start_column, "", "no start date (write 미정 if it is not decided yet)")
    if start_cell.undecided:
        undecided.append(("start", start_cell.undecided))
    start, end = start_cell.start, start_cell.end
    if end_cell is not None:
        if end_cell.undecided:
            undecided.append(("end", end_cell.undecided))
        elif end_cell.is_range:
            return problem("end", get("end"), "the end column holds a range; write one day")
        elif end is not None and end_cell.start != end:
            return problem(
                "end",
                get("end"),
                f"the {start_column} column says it ends {end.isoformat()}, "
                f"this column {end_cell.start.isoformat() if end_cell.start else '?'}",
            )
        else:
            end = end_cell.start
    if start is not None and end is not None and end < start:
        return problem("end", end.isoformat(), f"ends before it starts ({start.isoformat()})")
    send_dates: list[date] = []
    for label, raw in sends:
        sent = read(label, raw)  # a send column is named by its own label
        if isinstance(sent, RowProblem):
            return None, sent
        if sent is not None and sent.undecided:
            undecided.append(("send_date", sent.undecided))
        elif sent is not None and sent.start is not None:
            send_dates.append(sent.start)

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
        send_date=min(send_dates) if send_dates else None,
        notes=notes,
        cancelled=cancelled,
        undecided=tuple(undecided),
        row=row,
    )
    return promotion, None


def _shown(raw: object) -> str:
    return "" if raw is None else str(raw)


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
            group = [
                replace(p, key=f"{key}@{p.start:%Y-%m}" if p.start else f"{key}@미정")
                for p in group
            ]
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
    """Business days CX got between hearing of it and its first day (≤ 0: already begun).

    An undecided date has no lead time yet: it is measured when the date is set."""
    first = change.promotion.first_day
    if first is None:
        return change
    lead = calendar.business_days_between(noticed, first)
    return replace(change, lead_days=lead, late_notice=lead < required)


def is_mass_change(diff: CalendarDiff, known_active: int, threshold: float) -> bool:
    """Would this sync cancel or change more than `threshold` of the known promotions?"""
    if known_active == 0:
        return False
    affected = sum(1 for c in diff.changes if c.kind in ("cancelled", "changed"))
    return affected / known_active > threshold
