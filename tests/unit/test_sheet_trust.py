"""A messy sheet read without silent wrong answers: cancel and hold marks anywhere in the row,
promotions already over, side cells that cannot be read, weekdays that contradict dates."""

from __future__ import annotations

import re
from datetime import date

import pytest

from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.calendar_messages import CalendarComposer
from cxbot.domain.promotions import (
    SheetRead,
    diff_calendar,
    mentions_cancellation,
    on_hold,
    read_sheet,
)
from cxbot.domain.sheet_dates import DateCell, read_date_cell
from cxbot.settings import PROJECT_ROOT

TODAY = date(2026, 12, 3)  # a Thursday
D = date.fromisoformat
CAL = korean_calendar(range(2025, 2028))
HEADER = ["프로모션명", "시작일", "종료일", "문자 발송일", "비고", "상태", "메모"]


def _read(*rows: list[object]) -> SheetRead:
    return read_sheet([["2027 프로모션 캘린더"], HEADER, *[list(r) for r in rows]], today=TODAY)


def _compose(read: SheetRead) -> str:
    diff = diff_calendar({}, read.promotions, noticed=TODAY, calendar=CAL, lead_required=5)
    composer = CalendarComposer(Renderer(PROJECT_ROOT / "templates", "ko"))
    message = composer.changes(diff, source="sheet", problems=read.problems, lead_required=5)
    return message.preview


@pytest.mark.parametrize(
    ("notes", "memo"),
    [
        ("취소됨 (내부 사정)", ""),
        ("행사 취소", ""),
        ("내부 사정으로 행사취소", ""),
        ("", "예산 문제로 중단"),  # a column no field took still counts
        ("2차 회의 결과 취소.", ""),
        ("", "CANCELLED - budget"),
        ("취소(내부사정)", ""),  # a bracket right after the word
        ("행사 캔슬", ""),
        ("내부 사정으로 취소했음", ""),  # the same word in other endings
        ("", "취소되었어요"),
        ("취소처리 완료", ""),
        ("취소❌", ""),  # a symbol right after it
        ("", "전면 취소"),
    ],
)
def test_a_cancel_word_anywhere_in_any_text_cell_cancels(notes: str, memo: str) -> None:
    read = _read(["블랙프라이데이", "12/10", "", "", notes, "", memo])
    assert read.promotions["name:블랙프라이데이"].cancelled
    assert "블랙프라이데이" not in _compose(read)  # never announced as new


@pytest.mark.parametrize(
    "text",
    [
        "취소 시 환불 불가",
        "취소표 재판매 이벤트",
        "주문취소 감소 캠페인",
        "no cancellation fee",
        "취소 아님",
        "미취소",
        "not cancelled",
        "취소 수수료 면제",
        "주문 취소 문의 응대",
        "중단 없이 진행",
        "취소 없는 특가",
        "무중단 배송",
    ],
)
def test_words_about_cancelling_anywhere_do_not_cancel(text: str) -> None:
    assert not mentions_cancellation(text)
    read = _read(["블랙프라이데이", "12/10", "", "", text, "", text])
    assert not read.promotions["name:블랙프라이데이"].cancelled


@pytest.mark.parametrize(
    "status", ["보류", "hold", "On Hold", "검토중", "검토 중", "미확정", "연기", "무기한 연기"]
)
def test_a_hold_status_keeps_the_promotion_not_confirmed(status: str) -> None:
    assert on_hold(status)
    read = _read(["신년 세일", "1/14", "1/20", "", "", status, ""])
    promotion = read.promotions["name:신년세일"]
    assert not promotion.cancelled and not promotion.confirmed
    assert promotion.start == D("2027-01-14")
    assert promotion.undecided_wording("status") == status
    preview = _compose(read)
    assert "신년 세일" in preview and "미확정" in preview


@pytest.mark.parametrize("status", ["잠정 보류", "진행 보류", "확정 대기", "잠정", "취소 검토"])
def test_a_hold_word_anywhere_in_the_status_is_a_hold(status: str) -> None:
    read = _read(["신년 세일", "1/14", "1/20", "", "", status, ""])
    promotion = read.promotions["name:신년세일"]
    assert not promotion.cancelled and not promotion.confirmed


@pytest.mark.parametrize(
    ("notes", "memo"),
    [
        ("일정 취소 검토중", ""),  # a cancellation not decided yet: kept, not confirmed
        ("", "취소 가능성 있음"),
        ("예산 부족으로 취소될 수 있음", ""),
        ("행사 중단 예정", ""),
        ("일정 보류", ""),  # a hold written in the notes, not the status
        ("", "날짜 TBD"),
        ("가안 기준", ""),
        ("may be cancelled", ""),  # the same doubt in English, or as a question
        ("", "Cancellation pending"),
        ("취소?", ""),
        ("Postponed to Feb", ""),
    ],
)
def test_an_undecided_cancellation_or_a_hold_in_any_text_cell_is_not_confirmed(
    notes: str, memo: str
) -> None:
    read = _read(["신년 세일", "1/14", "1/20", "", notes, "", memo])
    promotion = read.promotions["name:신년세일"]
    assert not promotion.cancelled and not promotion.confirmed
    assert "미확정" in _compose(read)


@pytest.mark.parametrize(
    "notes", ["보류 없음", "판매 연기 불가", "보류된 주문 처리 안내", "대기업 대상"]
)
def test_words_near_a_hold_that_are_not_one_keep_the_promotion_confirmed(notes: str) -> None:
    read = _read(["신년 세일", "1/14", "1/20", "", notes, "", ""])
    assert read.promotions["name:신년세일"].confirmed


@pytest.mark.parametrize("status", ["검토완료", "확정", "진행", "진행중", ""])
def test_a_confirmed_status_is_not_a_hold(status: str) -> None:
    assert not on_hold(status)
    read = _read(["신년 세일", "1/14", "1/20", "", "", status, ""])
    assert read.promotions["name:신년세일"].confirmed


def test_a_promotion_already_over_is_recorded_quietly_and_no_lead_is_negative() -> None:
    read = _read(
        ["지난 연말전", "25.12.24~25.12.28", "", "", "", "", ""],
        ["진행 중 특가", "12/1~12/10", "", "", "", "", ""],
    )
    diff = diff_calendar({}, read.promotions, noticed=TODAY, calendar=CAL, lead_required=5)
    changes = {c.promotion.name: c for c in diff.changes}
    past = changes["지난 연말전"]
    assert past.kind == "new" and past.past and not past.late_notice and past.lead_days is None
    running = changes["진행 중 특가"]
    assert running.begun and running.late_notice and not running.past
    preview = _compose(read)
    assert "지난 연말전" not in preview
    assert "이미 시작된 뒤에" in preview
    assert not re.search(r"-\d+\s*영업일", preview)  # a negative lead time is never printed


def test_only_past_promotions_send_no_alert_worth_a_line() -> None:
    read = _read(["지난 연말전", "25.12.24~25.12.28", "", "", "", "", ""])
    diff = diff_calendar({}, read.promotions, noticed=TODAY, calendar=CAL, lead_required=5)
    assert [c.alerting for c in diff.changes] == [False]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1/5 10:00~", DateCell(D("2027-01-05"))),  # an open-ended send time
        ("2027-01-18~01-29", DateCell(D("2027-01-18"), D("2027-01-29"))),  # the end omits a year
        ("2027.01.18~01.29", DateCell(D("2027-01-18"), D("2027-01-29"))),
        ("26-12-28~01-03", DateCell(D("2026-12-28"), D("2027-01-03"))),
    ],
)
def test_what_can_be_read_in_a_side_cell_is_read(raw: str, expected: DateCell) -> None:
    assert read_date_cell(raw, today=TODAY) == expected


def test_a_bad_side_cell_keeps_the_promotion_and_names_row_column_and_value() -> None:
    read = _read(
        ["겨울 특가", "2027-01-18~01-29", "", "1/5 10:00~", "", "", ""],
        ["봄 맞이", "1/20", "1월 말경??", "다음 주쯤", "", "", ""],
    )
    winter = read.promotions["name:겨울특가"]
    assert (winter.start, winter.end, winter.send_date) == (
        D("2027-01-18"),
        D("2027-01-29"),
        D("2027-01-05"),
    )
    spring = read.promotions["name:봄맞이"]
    assert spring.start == D("2027-01-20") and spring.end is None and spring.send_date is None
    assert {name for name, _ in spring.flagged} == {"end", "send_date"}
    problems = [p for p in read.problems if p.key == "name:봄맞이"]
    assert all(p.kept and p.row == 4 for p in problems)
    shown = [str(p) for p in problems]
    assert any("column C (종료일)" in s and "'1월 말경??'" in s for s in shown)
    assert any("column D (문자 발송일)" in s and "'다음 주쯤'" in s for s in shown)
    preview = _compose(read)
    assert "봄 맞이" in preview and "확인 필요" in preview


def test_only_an_unreadable_name_or_start_skips_the_row() -> None:
    read = _read(["", "1/20", "", "", "", "", ""], ["x", "언젠가", "", "", "", "", ""])
    assert read.promotions == {}
    assert [p.kept for p in read.problems] == [False, False]


@pytest.mark.parametrize(
    ("raw", "column"),
    [("1/6(화)", "start"), ("2027-01-06 화요일", "start"), ("1/4(월)~1/6(화)", "start")],
)
def test_a_weekday_that_contradicts_its_date_is_named_as_a_likely_typo(
    raw: str, column: str
) -> None:
    cell = read_date_cell(raw, today=TODAY)
    assert cell is not None and cell.doubts
    read = _read(["신년 특가", raw, "", "", "", "", ""])
    promotion = read.promotions["name:신년특가"]
    assert column in {name for name, _ in promotion.flagged}
    (problem,) = read.problems
    assert problem.kept and "likely typo" in problem.message and "수요일" in problem.message
    assert "확인 필요" in _compose(read)


def test_a_weekday_that_agrees_is_no_doubt() -> None:
    assert read_date_cell("1/6(수)", today=TODAY) == DateCell(D("2027-01-06"))
