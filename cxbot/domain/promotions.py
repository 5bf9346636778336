"""The promotion calendar: sheet rows to promotions, their identity, what changed, lead time."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.notices import Notice, notice
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
    r"|(?:^|(?<!not)\s)(?:취소됨|cancel+ed|canceled)\s*$",
    re.IGNORECASE,
)
# A cancel word anywhere in a cell, with any text around it: `행사 취소`, `취소됨 (내부 사정)`,
# `예산 문제로 중단`. Not a word about cancelling (`취소 시 환불 불가`, `주문취소 감소 캠페인`,
# `취소표`, `no cancellation fee`) nor a denial (`취소 아님`, `not cancelled`).
_CANCEL_WORD = re.compile(
    r"(?:^|(?<=\W)|(?<=_)|(?<=행사)|(?<=진행)|(?<=이벤트)|(?<=프로모션)|(?<=오픈)|(?<=전면))"
    r"(?<!not )(?<!미)"
    r"(?:(?:취소|중단|철회|무산|폐기)(?:됨|되었음|됐음|되었습니다|됐습니다|되었어요|됐어요|했음|했습니다"
    r"|했어요|함|확정|완료|처리(?:됨|\s*완료)?)?|캔슬(?:됨)?|cancel+ed)"
    r"(?=$|\W|_)"
    r"(?!\s*(?:시|하면|할|될|되면|불가|가능|수수료|규정|정책|요청|문의|건|율|률|방지|감소|아님|아니|"
    r"안\s*함|안됨|여부|없이|없음|없는|없습니다|fee|policy|request)(?:$|\W))"
    r"(?!\s*(?:검토|가능성|예정|고려|논의|협의|우려|위기)(?:$|\W|중))",
    re.IGNORECASE,
)
# A cancellation that is not decided yet (`취소 검토중`, `중단 가능성`, `취소될 수 있음`,
# `취소 예정`): not cancelled, but not confirmed either — like a hold.
_CANCEL_DOUBT = re.compile(
    r"(?:취소|중단|철회|캔슬|cancel+(?:ed|ation)?)\s*(?:될\s*수|할\s*수도|검토|가능성|예정|고려|논의|협의"
    r"|우려|위기|여부\s*미정|\?|may|might|possible|likely|pending|under\s*review|considered|tbd)"
    r"|(?:may|might|could|possibly|likely|to)\s+(?:be\s+)?cancel+ed",
    re.IGNORECASE,
)
# A hold written anywhere in a text cell (`일정 보류`, `잠정`, `TBD`), as opposed to a
# status column, where any hold word counts (see `on_hold`).
_HOLD_WORD = re.compile(
    r"(?<![가-힣\w])(?:보류(?:됨|\s*중)?|미확정|확정\s*전|잠정(?:\s*보류)?|가안|on\s*hold|tbd|tentative"
    r"|(?:무기한\s*)?연기(?:됨)?|postponed)(?![가-힣\w])(?!\s*(?:불가|없음|아님|않음|안\s*함))",
    re.IGNORECASE,
)
_STRUCK_TEXT = re.compile(r"^\s*~~(.+)~~\s*$")
# A status that keeps the promotion but says it is not confirmed: kept, flagged, never
# announced as confirmed.
_STATUS_HOLD = (
    "보류", "hold", "onhold", "검토중", "검토", "미확정", "확정전", "협의중", "조율중", "대기",
    "pending", "tbd", "tentative", "가안", "예정(미확정)", "연기", "무기한연기", "postponed",
    "잠정", "확정대기", "승인대기", "결재대기",
)  # fmt: skip
# Hold words that count anywhere in a status (`진행 보류`, `잠정 보류`, `확정 대기`).
_STATUS_HOLD_ANYWHERE = (
    "보류", "hold", "미확정", "확정전", "대기", "pending", "tbd", "잠정", "연기",
)  # fmt: skip
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
    "guidance",
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
    guidance: str = ""  # what agents are told: the sheet's 유의사항 / FAQ / 응대 columns
    cancelled: bool = False
    undecided: tuple[tuple[str, str], ...] = ()  # (field, the cell's wording): ("start", "미정")
    row: int = 0  # where it was read; not part of its identity or its changes
    flagged: tuple[tuple[str, str], ...] = ()  # (field, why): read this time, not trusted

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
    def confirmed(self) -> bool:
        """False while a date or its status (보류, 검토중) is undecided."""
        return not self.undecided

    @property
    def last_day(self) -> date | None:
        """The day it ends (its start for a one-day promotion); None while undecided."""
        return self.end or self.start

    def ended_before(self, today: date) -> bool:
        """Over before `today`, SMS sends included: nothing left for CX to prepare."""
        days = [d for d in (self.last_day, self.send_date) if d is not None]
        return bool(days) and max(days) < today

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
    notice: Notice  # what is wrong: words from the locale (`message` is the English)
    key: str | None = None  # the promotion it belongs to, when its name or id could be read
    kept: bool = False  # the promotion was kept with this field flagged; the row was not skipped

    @property
    def message(self) -> str:
        """What is wrong, in English (logs; the locale's words come from `notice`)."""
        return str(self.notice)

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
    date_positions = {columns[n] for n in ("start", "end", "period") if n in columns}
    date_positions.update(send_positions)
    guidance_positions = [p for p in (columns.get("guidance"),) if p is not None]
    guidance_positions += list(mapped.more_guidance)
    # Guidance speaks of customers' cancellations (`주문 취소 시 …`), never the promotion's.
    not_marks = date_positions | set(guidance_positions)
    parsed: list[Promotion] = []
    problems: list[RowProblem] = []
    struck_cells = set(struck or ())
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        row_number = index + 1
        if all(normalize(cell) == "" for cell in cells):
            continue  # blank rows are common and harmless

        sends = [
            (f"{column_letter(p)} ({str(header[p]).strip()})", cells[p] if p < len(cells) else None)
            for p in send_positions
        ]
        row = _Row(
            get=_cells_by_field(cells, columns),
            sends=sends,
            texts=[c for p, c in enumerate(cells) if p not in not_marks],
            guidance=[
                (str(header[p]).strip(), cells[p] if p < len(cells) else None)
                for p in guidance_positions
            ],
            number=row_number,
            today=today,
            labels=labels,
        )
        name_struck = "name" in columns and (index, columns["name"]) in struck_cells
        promotion = _parse_row(row, name_struck)
        problems.extend(row.problems)
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


def _cells_by_field(cells: Sequence[object], columns: Mapping[str, int]) -> Callable[[str], object]:
    def get(name: str) -> object:
        position = columns.get(name)
        return cells[position] if position is not None and position < len(cells) else None

    return get


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


def mentions_cancellation(text: str) -> bool:
    """A cancel mark, or a cancel word anywhere with any text around it (`행사 취소`)."""
    folded = fold(text)
    if _CANCEL_DOUBT.search(folded):
        return False  # `may be cancelled`, `취소?`: not decided — a hold (`mentions_hold`)
    return cancellation_marker(text) or bool(_CANCEL_WORD.search(folded))


def on_hold(value: object) -> bool:
    """A status of 보류, hold, 검토중, 미확정, 진행 보류, 취소 검토 …: the promotion is kept
    but not confirmed."""
    raw = normalize(value)
    text = re.sub(r"[\s()\[\]_\-]", "", raw)
    if "완료" in text or "done" in text:  # 검토완료: reviewed, not on hold
        return False
    return bool(text) and (
        any(text == word or text.startswith(word) for word in _STATUS_HOLD)
        or any(word in text for word in _STATUS_HOLD_ANYWHERE)
        or bool(_CANCEL_DOUBT.search(raw))
    )


def mentions_hold(text: str) -> bool:
    """A hold or an undecided cancellation anywhere in a text cell: `일정 보류`, `잠정`,
    `TBD`, `취소 검토중` — kept, not confirmed."""
    folded = fold(text)
    return bool(_HOLD_WORD.search(folded) or _CANCEL_DOUBT.search(folded))


def strip_marker(name: str) -> str:
    """The name without its cancellation mark, so it stays the same promotion."""
    struck = _STRUCK_TEXT.match(name)
    if struck:
        name = struck[1]
    cleaned = _MARKER.sub(" ", unicodedata.normalize("NFKC", name))
    return re.sub(r"\s+", " ", cleaned).strip(" -:|/") or name.strip()


def _status_cancelled(value: object) -> bool:
    text = normalize(value)
    if _CANCEL_DOUBT.search(text):
        return False  # 취소 검토: on hold, not cancelled
    return (
        text in CANCELLED_WORDS
        or text in _STATUS_NO
        or any(word in text for word in _STATUS_CANCELLED)
    )


@dataclass(kw_only=True)
class _Row:
    """One row being read: its cells by field, and what it found wrong so far."""

    get: Callable[[str], object]
    texts: Sequence[object]  # every cell that is not a date: where a cancel word may stand
    sends: Sequence[tuple[str, object]]  # (column label, cell) of every SMS/push column
    guidance: Sequence[tuple[str, object]]  # (header, cell) of every 유의사항/FAQ/응대 column
    number: int
    today: date
    labels: Mapping[str, str]
    key: str = ""
    problems: list[RowProblem] = field(default_factory=list)
    flagged: list[tuple[str, str]] = field(default_factory=list)
    undecided: list[tuple[str, str]] = field(default_factory=list)

    def problem(self, column: str, raw: object, why: Notice, *, kept: bool) -> RowProblem:
        found = RowProblem(
            key=self.key or None, row=self.number, column=self.labels.get(column, column),
            raw=_shown(raw), notice=why, kept=kept,
        )  # fmt: skip
        self.problems.append(found)
        return found

    def flag(self, name: str, column: str, raw: object, why: Notice) -> None:
        """Keeps the promotion with this field not trusted, and names row, column and value."""
        self.flagged.append((name, str(why)))
        self.problem(column, raw, notice("kept_flagged", why=why), kept=True)

    def date(self, column: str, raw: object, *, name: str, vital: bool) -> DateCell | None:
        """The cell's date; a cell that cannot be read skips the row only when it is `vital`."""
        try:
            cell = read_date_cell(raw, today=self.today)
        except DateProblem as error:
            if vital:
                self.problem(column, raw, error.notice, kept=False)
                raise
            self.flag(name, column, raw, error.notice)
            return None
        for doubt in cell.doubts if cell is not None else ():
            self.flag(name, column, raw, doubt)
        if cell is not None and cell.undecided:
            self.undecided.append((name, cell.undecided))
        return cell

    def text(self, column: str) -> str:
        return str(self.get(column) or "").strip()


def _parse_row(row: _Row, name_struck: bool) -> Promotion | None:
    """One promotion from one row; None when its name or start cannot be read."""
    raw_name = row.text("name")
    if not normalize(raw_name):
        row.problem("name", "", notice("no_name"), kept=False)
        return None
    name = strip_marker(raw_name)
    ident = row.text("id")
    row.key = f"id:{normalize(ident)}" if ident else f"name:{normalize(name)}"
    try:
        start, end = _period(row)
    except DateProblem:
        return None
    if on_hold(row.get("status")):
        row.undecided.append(("status", row.text("status")))
    else:
        held = next((str(c) for c in row.texts if normalize(c) and mentions_hold(str(c))), None)
        if held is not None:
            row.undecided.append(("status", held.strip()))
    return Promotion(
        key=row.key,
        name=name,
        start=start,
        end=end,
        department=row.text("department"),
        owner=row.text("owner"),
        channel=row.text("channel"),
        benefit=row.text("benefit"),
        send_date=_send_date(row),
        notes=row.text("notes"),
        guidance=_guidance(row),
        cancelled=name_struck or _cancelled(row),
        undecided=tuple(row.undecided),
        row=row.number,
        flagged=tuple(row.flagged),
    )


def _guidance(row: _Row) -> str:
    """Every guidance column with text, as `유의사항: …` lines (one column: its text alone)."""
    filled = [(header, str(cell).strip()) for header, cell in row.guidance if normalize(cell)]
    if len(filled) == 1:
        return filled[0][1]
    return "\n".join(f"{header}: {text}" for header, text in filled)


def _cancelled(row: _Row) -> bool:
    """A cancel status, or a cancel mark or word in any text cell (the name is one)."""
    return _status_cancelled(row.get("status")) or any(
        mentions_cancellation(str(cell)) for cell in row.texts if normalize(cell)
    )


def _period(row: _Row) -> tuple[date | None, date | None]:
    """Start and end: the start (or period) cell must be read; the end cell may be flagged."""
    use_start = normalize(row.get("start")) or "period" not in row.labels
    start_column = "start" if use_start else "period"
    start_cell = row.date(start_column, row.get(start_column), name="start", vital=True)
    if start_cell is None:
        row.problem(start_column, "", notice("no_start"), kept=False)
        raise DateProblem(notice("no_start"))
    start, end = start_cell.start, start_cell.end
    raw_end = row.get("end")
    end_cell = row.date("end", raw_end, name="end", vital=False)
    if end_cell is not None and not end_cell.undecided:
        if end_cell.is_range:
            row.flag("end", "end", raw_end, notice("end_is_a_range"))
        elif end is not None and end_cell.start != end:
            this = end_cell.start.isoformat() if end_cell.start else "?"
            said = notice("end_disagrees", column=start_column, said=end.isoformat(), this=this)
            row.flag("end", "end", raw_end, said)
        else:
            end = end_cell.start
    if start is not None and end is not None and end < start:
        row.flag("end", "end", end.isoformat(), notice("end_before_start", start=start.isoformat()))
        end = None
    return start, end


def _send_date(row: _Row) -> date | None:
    """The earliest SMS/push send among the send columns; an unreadable one is flagged."""
    sends: list[date] = []
    for label, raw in row.sends:
        sent = row.date(label, raw, name="send_date", vital=False)
        if sent is not None and sent.start is not None:
            sends.append(sent.start)
    return min(sends) if sends else None


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
                        notice=notice("same_row" if same else "same_identity", row=first.row),
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
    past: bool = False  # over before it was noticed: recorded quietly, never alerted

    @property
    def begun(self) -> bool:
        """Already under way when CX heard of it (no lead time at all)."""
        return self.lead_days is not None and self.lead_days <= 0

    @property
    def alerting(self) -> bool:
        """Worth telling CX about: anything but a promotion that was already over."""
        return not self.past

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
    if change.promotion.ended_before(noticed):
        return replace(change, past=True)
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
