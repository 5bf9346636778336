"""Promotion sheets as planners write them: every date form, ranges, undecided dates, the
headers they use, and how they mark a promotion cancelled."""

from __future__ import annotations

from datetime import date

import pytest

from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.domain.promotions import (
    Promotion,
    cancellation_marker,
    diff_calendar,
    read_sheet,
    strip_marker,
)
from cxbot.domain.sheet_dates import DateCell, DateProblem, read_date_cell
from cxbot.domain.sheet_headers import extra_headers, map_headers

TODAY = date(2026, 12, 2)  # a Wednesday; December 1st 2026 is a Tuesday
D = date.fromisoformat
CAL = korean_calendar(range(2026, 2028))


@pytest.mark.parametrize(
    ("raw", "start"),
    [
        # a weekday after the date, in every form
        ("12월 1일(화)", "2026-12-01"),
        ("12/1(화)", "2026-12-01"),
        ("12/1 (화)", "2026-12-01"),
        ("12.1(화요일)", "2026-12-01"),
        ("2026-12-01(화)", "2026-12-01"),
        ("2026년 12월 1일 화요일", "2026-12-01"),
        ("2026.12.01 [화]", "2026-12-01"),
        ("12/1 (Tue)", "2026-12-01"),
        ("2026-12-01 Tue", "2026-12-01"),
        # two-digit years
        ("26.12.01", "2026-12-01"),
        ("26-12-01", "2026-12-01"),
        ("26/12/01", "2026-12-01"),
        ("26년 12월 1일", "2026-12-01"),
        # full-width characters of every kind (NFKC)
        ("２０２６－１２－０１", "2026-12-01"),
        ("１２／１（화）", "2026-12-01"),
        ("２０２６年", None),
        ("12월 1일　(화)", "2026-12-01"),  # an ideographic space
        # Sheets' text marker
        ("'2026-12-01", "2026-12-01"),
        ("'12/1", "2026-12-01"),
        # times
        ("2026-12-01 10:00", "2026-12-01"),
        ("12/1 오후 2시", "2026-12-01"),
        ("12/1(화) 14:00", "2026-12-01"),
        ("12/1 10:00~18:00", "2026-12-01"),
        ("2026-12-01T09:00:00+09:00", "2026-12-01"),
        ("2026-12-01 2:30 PM", "2026-12-01"),
        # serial numbers and the forms read before
        (46357, "2026-12-01"),
        ("46357", "2026-12-01"),
        ("2026. 12. 1.", "2026-12-01"),
        ("12월 1일", "2026-12-01"),
        ("12-01", "2026-12-01"),  # a day, not a range
        ("12월1일", "2026-12-01"),
    ],
)
def test_a_date_in_any_form_planners_type(raw: object, start: str | None) -> None:
    if start is None:
        with pytest.raises(DateProblem):
            read_date_cell(raw, today=TODAY)
        return
    assert read_date_cell(raw, today=TODAY) == DateCell(D(start))


@pytest.mark.parametrize(
    ("raw", "start", "end"),
    [
        ("12/1~12/3", "2026-12-01", "2026-12-03"),
        ("12.01~12.03", "2026-12-01", "2026-12-03"),
        ("12월 1일~3일", "2026-12-01", "2026-12-03"),
        ("12월 1일 ~ 12월 3일", "2026-12-01", "2026-12-03"),
        ("2026-12-01 ~ 2026-12-03", "2026-12-01", "2026-12-03"),
        ("2026.12.01~12.03", "2026-12-01", "2026-12-03"),
        ("12/1-12/3", "2026-12-01", "2026-12-03"),
        ("12/1–12/3", "2026-12-01", "2026-12-03"),  # en dash
        ("12/1〜12/3", "2026-12-01", "2026-12-03"),  # wave dash
        ("12/1～12/3", "2026-12-01", "2026-12-03"),  # full-width tilde
        ("12/1(화)~12/3(목)", "2026-12-01", "2026-12-03"),
        ("12/1 10:00 ~ 12/3 18:00", "2026-12-01", "2026-12-03"),
        ("12/1~3", "2026-12-01", "2026-12-03"),
        ("12/28~1/3", "2026-12-28", "2027-01-03"),  # across the new year
        ("1/30~2일", "2027-01-30", "2027-02-02"),  # the end's month is the next one
        ("12/1부터 12/3까지", "2026-12-01", "2026-12-03"),
    ],
)
def test_a_range_in_one_cell_gives_start_and_end(raw: str, start: str, end: str) -> None:
    assert read_date_cell(raw, today=TODAY) == DateCell(D(start), D(end))


@pytest.mark.parametrize(
    "raw",
    [
        "미정",
        "TBD",
        "tba",
        "추후 공지",
        "추후공지",
        "일정 미정",
        "미정(12월 예정)",
        "12월 중",
        "12월 말",
        "1월 초순",
        "2027년 1월",
        "협의중",
        "?",
    ],
)
def test_undecided_dates_keep_their_own_wording(raw: str) -> None:
    assert read_date_cell(raw, today=TODAY) == DateCell(None, undecided=raw)


@pytest.mark.parametrize(
    ("raw", "quoted"),
    [
        ("2026-12-01 10:00 (미정)", "'(미정)'"),  # text after a date is never dropped
        ("12/1 오픈", "'오픈'"),
        ("12/1~", "'~'"),
        ("12/1 ~ 12/3 (3일간)", "'(3일간)' is not part"),
        ("12/3~12/1", "ends before it starts"),
        ("내일", "is not a date"),
        ("2026-13-01", "not a real date"),
        ("2/30", "not a real date"),
        ("12", "is not a date"),
        ("9/1", "write the year"),  # three months ago or nine months ahead: not guessed
    ],
)
def test_what_is_not_a_date_is_named_not_dropped(raw: str, quoted: str) -> None:
    with pytest.raises(DateProblem, match=__import__("re").escape(quoted)):
        read_date_cell(raw, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "today", "expected"),
    [
        ("1/5", date(2026, 12, 2), "2027-01-05"),  # a December sheet's January is next year
        ("11/20", date(2026, 12, 2), "2026-11-20"),  # within two months back: the recent past
        ("10/5", date(2026, 12, 2), "2026-10-05"),
        ("3/31", date(2026, 12, 2), "2027-03-31"),  # the next occurrence
        ("12/28", date(2027, 1, 3), "2026-12-28"),
        ("2/29", date(2027, 12, 1), "2028-02-29"),
    ],
)
def test_a_date_without_a_year_is_its_next_occurrence(raw: str, today: date, expected: str) -> None:
    assert read_date_cell(raw, today=today) == DateCell(D(expected))


@pytest.mark.parametrize("raw", ["", "  ", None, "-", "없음", "N/A"])
def test_empty_and_none_marks_are_no_date(raw: object) -> None:
    assert read_date_cell(raw, today=TODAY) is None


# headers ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    [
        "문자 발송일",
        "문자발송일",
        "발송일",
        "SMS 발송",
        "sms발송일",
        "푸시 발송일",
        "PUSH 발송일",
        "LMS",
        "SMS/PUSH 발송일",
        "ＳＭＳ　발송일",
        "앱푸시 발송 예정일",
        "카톡 발송",
        "알림톡 발송일",
    ],
)
def test_the_send_date_column_under_any_common_header(header: str) -> None:
    assert map_headers(["프로모션명", "시작일", header]).columns["send_date"] == 2


@pytest.mark.parametrize("header", ["발송 문구", "푸시 여부", "SMS 대상", "문자 발송 건수"])
def test_columns_about_sending_that_are_not_its_date(header: str) -> None:
    mapped = map_headers(["프로모션명", "시작일", header])
    assert "send_date" not in mapped.columns and mapped.unmapped == ((2, header),)


def test_headers_fold_space_case_width_and_take_configured_names() -> None:
    mapped = map_headers(["  행사명 ", "Start Date", "END", "담 당 자", "오픈 채널"])
    assert mapped.columns == {"name": 0, "start": 1, "end": 2, "owner": 3, "channel": 4}
    extra = extra_headers("send_date=톡 일정|메시지 예약; start=런칭")
    configured = map_headers(["프로모션", "런칭", "톡 일정"], extra)
    assert configured.columns == {"name": 0, "start": 1, "send_date": 2}
    with pytest.raises(ValueError, match="fields are"):
        extra_headers("when=날짜")


def _sheet(header: list[str], *rows: list[object]) -> list[list[object]]:
    return [["2026 프로모션"], [*header], *[list(r) for r in rows]]


def test_an_unmapped_column_with_data_is_named() -> None:
    read = read_sheet(
        _sheet(["프로모션명", "시작일", "랜딩 URL", "빈 칸"], ["a", "12/10", "https://x", ""]),
        today=TODAY,
    )
    assert read.unmapped == ("C (랜딩 URL)",)


def test_an_sms_and_a_push_column_both_count() -> None:
    read = read_sheet(
        _sheet(
            ["행사명", "기간", "SMS 발송일", "푸시 발송일"], ["a", "12/10~12/12", "12/9", "12/7"]
        ),
        today=TODAY,
    )
    promotion = read.promotions["name:a"]
    assert (promotion.start, promotion.end) == (D("2026-12-10"), D("2026-12-12"))
    assert promotion.send_date == D("2026-12-07") and read.unmapped == ()


# ranges, undecided and cancelled rows -------------------------------------------------------
HEADER = ["프로모션명", "시작일", "종료일", "문자 발송일", "비고", "상태"]


def test_a_range_in_the_start_column_and_a_conflicting_end_column() -> None:
    read = read_sheet(
        _sheet(
            HEADER,
            ["a", "12/10~12/12", "", "", "", ""],
            ["b", "12/10~12/12", "12/12", "", "", ""],
            ["c", "12/10~12/12", "12/15", "", "", ""],
        ),
        today=TODAY,
    )
    assert read.promotions["name:a"].end == D("2026-12-12")
    assert read.promotions["name:b"].end == D("2026-12-12")
    (problem,) = read.problems
    assert problem.row == 5 and "C (종료일)" in str(problem) and "2026-12-12" in str(problem)


def test_an_undecided_date_keeps_the_promotion_flagged() -> None:
    read = read_sheet(
        _sheet(
            HEADER, ["신년 기획전", "미정", "", "추후 공지", "", ""], ["b", "12/7", "", "", "", ""]
        ),
        today=TODAY,
    )
    assert read.problems == []
    (undecided,) = read.undecided
    assert undecided.start is None and undecided.first_day is None
    assert undecided.undecided == (("start", "미정"), ("send_date", "추후 공지"))
    diff = diff_calendar({}, read.promotions, noticed=TODAY, calendar=CAL, lead_required=5)
    new = {c.promotion.name: c for c in diff.of("new")}
    assert new["신년 기획전"].lead_days is None and not new["신년 기획전"].late_notice
    assert new["b"].late_notice


def test_a_date_set_later_is_a_change_with_its_lead_time() -> None:
    before = read_sheet(_sheet(HEADER, ["a", "미정", "", "", "", ""]), today=TODAY).promotions
    after = read_sheet(_sheet(HEADER, ["a", "12/4", "", "", "", ""]), today=TODAY).promotions
    (change,) = diff_calendar(before, after, noticed=TODAY, calendar=CAL, lead_required=5).changes
    assert change.kind == "changed" and change.moved and change.late_notice
    fields = {f.field: (f.old, f.new) for f in change.fields}
    assert fields == {"start": ("", "2026-12-04"), "undecided": ("start=미정", "")}


@pytest.mark.parametrize(
    ("name", "notes", "status"),
    [
        ("(취소) 블랙프라이데이", "", ""),
        ("[취소] 블랙프라이데이", "", ""),
        ("블랙프라이데이 (취소)", "", ""),
        ("블랙프라이데이【취소됨】", "", ""),
        ("블랙프라이데이 cancelled", "", ""),
        ("~~블랙프라이데이~~", "", ""),
        ("블랙프라이데이", "취소됨", ""),
        ("블랙프라이데이", "(취소) 예산 삭감", ""),
        ("블랙프라이데이", "취소 - 예산 삭감", ""),
        ("블랙프라이데이", "Cancelled", ""),
        ("블랙프라이데이", "", "취소"),
        ("블랙프라이데이", "", "진행 취소"),
        ("블랙프라이데이", "", "Canceled"),
        ("블랙프라이데이", "", "중단"),
        ("블랙프라이데이", "", "X"),  # a 진행 여부 column
        ("블랙프라이데이", "", "미진행"),
    ],
)
def test_cancellation_as_planners_mark_it(name: str, notes: str, status: str) -> None:
    known = {
        "name:블랙프라이데이": Promotion(
            key="name:블랙프라이데이", name="블랙프라이데이", start=D("2026-12-10")
        )
    }
    read = read_sheet(_sheet(HEADER, [name, "12/10", "", "", notes, status]), today=TODAY)
    promotion = read.promotions["name:블랙프라이데이"]  # the same promotion, marked
    assert promotion.cancelled and promotion.name == "블랙프라이데이"
    (change,) = diff_calendar(
        known, read.promotions, noticed=TODAY, calendar=CAL, lead_required=5
    ).changes
    assert change.kind == "cancelled"
    # a cancelled promotion never seen before is not announced as new
    assert (
        diff_calendar({}, read.promotions, noticed=TODAY, calendar=CAL, lead_required=5).changes
        == []
    )


@pytest.mark.parametrize(
    "text",
    ["취소 시 환불 불가", "취소표 재판매 이벤트", "주문취소 감소 캠페인", "no cancellation fee"],
)
def test_words_about_cancelling_are_not_a_cancel_mark(text: str) -> None:
    assert not cancellation_marker(text) and strip_marker(text) == text


def test_a_struck_through_name_is_cancelled_where_the_source_shows_it() -> None:
    rows = _sheet(HEADER, ["a", "12/10", "", "", "", ""], ["b", "12/11", "", "", "", ""])
    read = read_sheet(rows, today=TODAY, struck={(2, 0)})
    assert read.promotions["name:a"].cancelled and not read.promotions["name:b"].cancelled
