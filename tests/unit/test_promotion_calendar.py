"""Reading a messy promotion sheet: dates, identity, bad rows, diffs, lead time, the guard."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.domain.promotions import (
    SheetLayoutError,
    diff_calendar,
    is_mass_change,
    read_sheet,
)
from cxbot.domain.sheet_dates import DateProblem, parse_sheet_date

TODAY = date(2026, 11, 23)  # a Monday
CAL = korean_calendar(range(2025, 2029))
HEADER = [
    "프로모션명",
    "시작일",
    "종료일",
    "담당부서",
    "담당자",
    "채널",
    "혜택",
    "SMS/PUSH 발송일",
    "비고",
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-01", "2026-12-01"),
        ("2026.12.01", "2026-12-01"),
        ("2026. 12. 1.", "2026-12-01"),
        ("2026/12/1", "2026-12-01"),
        ("12/1", "2026-12-01"),
        ("12.1", "2026-12-01"),
        ("12월 1일", "2026-12-01"),
        ("2026년 12월 1일", "2026-12-01"),
        (46357, "2026-12-01"),
        (46357.5, "2026-12-01"),
        ("46357", "2026-12-01"),
        ("2026-12-01 10:00", "2026-12-01"),
        ("12/1 오후 2시", "2026-12-01"),
        ("2026-12-01T09:00:00", "2026-12-01"),
        ("1/5", "2027-01-05"),  # read in November: next January
        ("11/2", "2026-11-02"),  # recent past: this year
    ],
)
def test_every_date_form_real_sheets_hold(raw: object, expected: str) -> None:
    assert parse_sheet_date(raw, today=TODAY) == date.fromisoformat(expected)


def test_year_inference_around_new_year() -> None:
    assert parse_sheet_date("12/28", today=date(2027, 1, 3)) == date(2026, 12, 28)
    assert parse_sheet_date("1/3", today=date(2026, 12, 28)) == date(2027, 1, 3)


@pytest.mark.parametrize("raw", ["내일", "2026-13-01", "2/30", "12", True, "TBD"])
def test_non_dates_are_refused(raw: object) -> None:
    with pytest.raises(DateProblem):
        parse_sheet_date(raw, today=TODAY)


def _sheet(*rows: Sequence[object]) -> list[list[object]]:
    return [["2026 하반기 프로모션 캘린더"], [], [*HEADER], *[list(r) for r in rows]]


ROWS: list[list[object]] = [
    [
        "블랙프라이데이",
        "2026-11-27",
        "2026-11-30",
        "마케팅",
        "이수민",
        "앱",
        "20% 쿠폰",
        "11/26",
        "",
    ],
    ["연말 감사제", 46367, "12/31", "영업", "박준호", "웹", "적립 2배", "", ""],
    ["신년 빅세일", "2027. 1. 4.", "2027.01.10", "마케팅", "이수민", "제휴몰", "10%", "", ""],
]


def test_header_below_a_title_row_and_raw_values() -> None:
    read = read_sheet(_sheet(*ROWS), today=TODAY)
    assert read.header_row == 3 and read.identity == "name" and read.problems == []
    promo = read.promotions["name:블랙프라이데이"]
    assert promo.start == date(2026, 11, 27) and promo.send_date == date(2026, 11, 26)
    assert promo.first_day == date(2026, 11, 26) and promo.row == 4
    assert read.promotions["name:연말감사제"].start == date(2026, 12, 11)


def test_bad_rows_are_reported_with_row_column_and_value_and_the_rest_read() -> None:
    rows: list[list[object]] = [
        *ROWS,
        [],
        ["", "2026-12-01"],
        ["송년회", "다음주"],
        ["역순", "2026-12-10", "2026-12-01"],
    ]
    read = read_sheet(_sheet(*rows), today=TODAY)
    # a name or start that cannot be read skips the row; an end that cannot be trusted does not
    assert len(read.promotions) == 4
    reversed_end = read.promotions["name:역순"]
    assert reversed_end.end is None and reversed_end.flagged[0][0] == "end"
    assert [p.kept for p in read.problems] == [False, False, True]
    messages = [str(p) for p in read.problems]
    assert messages[0] == "row 8, column A (프로모션명): no promotion name"
    assert messages[1].startswith(
        "row 9, column B (시작일) (value '다음주'): '다음주' is not a date"
    )
    assert messages[2].startswith(
        "row 10, column C (종료일) (value '2026-12-01'): ends before it starts"
    )


def test_identity_survives_reordering_and_edits_to_other_columns() -> None:
    first = read_sheet(_sheet(*ROWS), today=TODAY)
    edited = [list(r) for r in reversed(ROWS)]
    edited[0][6] = "15%"  # benefit changed
    edited[2][1] = "2026-11-28"  # start moved
    second = read_sheet(_sheet(*edited), today=TODAY)
    assert set(first.promotions) == set(second.promotions)
    diff = diff_calendar(
        first.promotions, second.promotions, noticed=TODAY, calendar=CAL, lead_required=5
    )
    assert sorted((c.kind, c.promotion.name) for c in diff.changes) == [
        ("changed", "블랙프라이데이"),
        ("changed", "신년 빅세일"),
    ]
    assert diff.unchanged == 1


def test_an_id_column_wins_over_names() -> None:
    header: list[object] = ["ID", *HEADER]
    rows: list[list[object]] = [header, ["P-1", *ROWS[0]], ["P-2", *ROWS[1]]]
    read = read_sheet(rows, today=TODAY)
    assert read.identity == "id column" and set(read.promotions) == {"id:p-1", "id:p-2"}
    renamed = [header, ["P-1", "블프 (이름 변경)", *ROWS[0][1:]], ["P-2", *ROWS[1]]]
    diff = diff_calendar(
        read.promotions,
        read_sheet(renamed, today=TODAY).promotions,
        noticed=TODAY,
        calendar=CAL,
        lead_required=5,
    )
    (change,) = diff.changes
    assert change.kind == "changed" and [f.field for f in change.fields] == ["name"]


def test_duplicates_and_recurring_names() -> None:
    monthly: list[object] = ["월간 빅세일", "2026-12-05", "", "마케팅", "", "앱", "", "", ""]
    rows: list[list[object]] = [*ROWS, ROWS[0], monthly, [*monthly[:1], "2027-01-05", *monthly[2:]]]
    read = read_sheet(_sheet(*rows), today=TODAY)
    assert (
        "name:월간빅세일@2026-12" in read.promotions
        and "name:월간빅세일@2027-01" in read.promotions
    )
    (dup,) = read.problems
    assert dup.row == 7 and "the same promotion as row 4" in dup.message


def test_cancellation_by_status_or_by_deleting_the_row() -> None:
    header: list[object] = [*HEADER, "상태"]
    known = read_sheet([header, *[[*r, ""] for r in ROWS]], today=TODAY).promotions
    # 신년 빅세일's row deleted:
    rows: list[list[object]] = [header, [*ROWS[0], "취소"], [*ROWS[1], ""]]
    diff = diff_calendar(
        known,
        read_sheet(rows, today=TODAY).promotions,
        noticed=TODAY,
        calendar=CAL,
        lead_required=5,
    )
    assert sorted((c.kind, c.promotion.name) for c in diff.changes) == [
        ("cancelled", "블랙프라이데이"),
        ("cancelled", "신년 빅세일"),
    ]


def test_late_notice_counts_business_days() -> None:
    read = read_sheet(_sheet(*ROWS), today=TODAY)
    diff = diff_calendar({}, read.promotions, noticed=TODAY, calendar=CAL, lead_required=5)
    by_name = {c.promotion.name: c for c in diff.changes}
    # SMS goes out Thursday 11/26: CX got 3 business days (Tue, Wed, Thu).
    assert by_name["블랙프라이데이"].lead_days == 3 and by_name["블랙프라이데이"].late_notice
    assert by_name["연말 감사제"].lead_days == 14 and not by_name["연말 감사제"].late_notice
    # Moving a promotion earlier is judged on the new date; Christmas does not count.
    moved = dict(read.promotions)
    moved["name:연말감사제"] = read.promotions["name:연말감사제"].__class__(
        **{**read.promotions["name:연말감사제"].__dict__, "start": date(2026, 11, 30)}
    )
    diff = diff_calendar(read.promotions, moved, noticed=TODAY, calendar=CAL, lead_required=5)
    (change,) = diff.changes
    assert change.moved and change.lead_days == 5 and not change.late_notice
    later = diff_calendar(
        read.promotions, moved, noticed=date(2026, 11, 24), calendar=CAL, lead_required=5
    )
    assert later.changes[0].lead_days == 4 and later.changes[0].late_notice


def test_the_guard_trips_on_mass_changes_and_empty_reads() -> None:
    known = read_sheet(_sheet(*ROWS), today=TODAY).promotions
    with pytest.raises(SheetLayoutError, match="no header row"):
        read_sheet([], today=TODAY)
    emptied = diff_calendar(known, {}, noticed=TODAY, calendar=CAL, lead_required=5)
    assert is_mass_change(emptied, len(known), 0.3)
    one_cancelled = diff_calendar(
        known,
        {k: v for k, v in list(known.items())[:2]},
        noticed=TODAY,
        calendar=CAL,
        lead_required=5,
    )
    assert is_mass_change(one_cancelled, len(known), 0.3)  # 1 of 3 is over 30%
    assert not is_mass_change(one_cancelled, len(known), 0.5)
    assert not is_mass_change(emptied, 0, 0.3)


def test_an_unreadable_row_keeps_its_promotion() -> None:
    known = read_sheet(_sheet(*ROWS), today=TODAY).promotions
    broken = [list(r) for r in ROWS]
    broken[1][1] = "다음주 쯤"  # 연말 감사제's start can no longer be read
    read = read_sheet(_sheet(*broken), today=TODAY)
    (problem,) = read.problems
    assert problem.key == "name:연말감사제"
    diff = diff_calendar(
        known,
        read.promotions,
        noticed=TODAY,
        calendar=CAL,
        lead_required=5,
        unreadable=[problem.key],
    )
    assert diff.changes == []
