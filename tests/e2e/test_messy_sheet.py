"""A promotion sheet written the way planners write it, through `cxbot calendar sync`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

HEADER = [
    "No",
    " 행사명 ",
    "행사 기간",
    "문자 발송일",
    "푸시 발송일",
    "주관 팀",
    "담당",
    "랜딩 URL",
    "비고",
    "진행 상태",
]
ROWS: list[list[object]] = [
    [
        1,
        "연말 감사제",
        "12월 7일(월)~12월 13일(일)",
        "12/6(일)",
        "",
        "마케팅",
        "이수민",
        "https://x/1",
        "",
        "",
    ],
    [2, "신년 빅세일", "'2027-01-04", "", "1/3", "마케팅", "이수민", "", "", ""],
    [3, "간편결제 이벤트", "２０２６－１２－１５", "", "", "재무", "오세훈", "", "", ""],
    [4, "(취소) 크리스마스 기획전", "12/18~12/25", "", "", "마케팅", "", "", "", ""],
    [5, "설 선물전", "미정", "추후 공지", "", "영업", "박준호", "", "", ""],
    [6, "방한용품전", "2026-12-10 10:00 (미정)", "", "", "마케팅", "", "", "", ""],
    [7, "11번가 입점 기념전", "26.12.21~26.12.27", "", "", "영업/제휴", "박준호", "", "", "취소"],
    [8, "그어진 행사", "12/22", "", "", "마케팅", "", "", "", ""],
    [9, "가을 정산", "9/1", "", "", "재무", "", "", "", ""],
    [10, "주말 특가", "12/12(토)", "", "", "마케팅", "", "", "취소 시 환불 불가", ""],
]


def _workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "프로모션"
    sheet.append(["2026 하반기 프로모션 캘린더 (영업/마케팅 공유용)"])
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    sheet.cell(row=11, column=2).font = Font(strike=True)  # 그어진 행사: struck through
    book.save(path)
    return path


def test_a_messy_sheet_through_calendar_sync_dry_run(run: Any, tmp_path: Path) -> None:
    workbook = _workbook(tmp_path / "promotions.xlsx")
    env = {"CXBOT_CALENDAR_FILE": str(workbook)}
    result = run("calendar", "sync", "--dry-run", "--today", "2026-12-02", env=env)
    out, everything = result.stdout, result.output
    # Two rows cannot be read: named by row, column and value; the others all are.
    assert result.exit_code == 4, everything
    assert "9행, C (행사 기간) 열 (값 ‘2026-12-10 10:00 (미정)’)" in everything
    # In the ko locale the problems speak Korean (no English inside the Korean output).
    assert "‘(미정)’은(는) 날짜가 아닙니다. 메모는 비고 열에 적어 주세요" in everything
    assert "12행, C (행사 기간) 열 (값 ‘9/1’)" in everything and "연도를 적어 주세요" in everything
    assert "is not part of a date" not in everything and "write the year" not in everything
    # New: ranges, weekdays, a leading apostrophe, full-width digits, two SMS/push columns.
    assert "(반영하지 않음) 새로 5 · 변경 0 · 취소 0" in out
    assert "연말 감사제 (2026-12-07 ~ 2026-12-13)" in out
    assert "신년 빅세일 (2027-01-04)" in out and "간편결제 이벤트 (2026-12-15)" in out
    assert "주말 특가 (2026-12-12)" in out  # "취소 시 환불 불가" in the notes is no cancel mark
    # The undecided promotion is kept and flagged, not reported as a bad date.
    assert "설 선물전 (시작일 미정 ‘미정’)" in out
    assert "미정: 설 선물전 (8행): 시작일 ‘미정’, 발송일 ‘추후 공지’" in out
    # Cancelled by a mark in the name, the status column, or strike-through: not announced.
    for cancelled in ("크리스마스", "11번가", "그어진 행사"):
        assert cancelled not in out
    # Columns with data that no field took are named.
    assert "읽지 않은 열: H (랜딩 URL)" in everything  # the row numbers are no loss
    # The late-notice alert that would be sent quotes the sheet's own wording.
    assert "시작일 미정 ‘미정’" in out and "SMS/푸시 미정 ‘추후 공지’" in out


def test_today_goes_with_dry_run(run: Any, tmp_path: Path) -> None:
    workbook = _workbook(tmp_path / "promotions.xlsx")
    env = {"CXBOT_CALENDAR_FILE": str(workbook)}
    refused = run("calendar", "sync", "--today", "2026-12-02", env=env)
    assert refused.exit_code == 2 and "--dry-run" in refused.output
    bad = run("calendar", "sync", "--dry-run", "--today", "12/2", env=env)
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_configured_headers_and_a_mapping_mistake(run: Any, tmp_path: Path) -> None:
    calendar = tmp_path / "calendar.csv"
    calendar.write_text("행사,런칭,톡 일정\n봄 세일,2027-03-02,2027-02-27\n", encoding="utf-8")
    env = {"CXBOT_CALENDAR_FILE": str(calendar), "CXBOT_CALENDAR_HEADERS": "start=런칭"}
    first = run("calendar", "sync", "--dry-run", "--today", "2027-02-02", env=env)
    assert first.exit_code == 0 and "봄 세일 (2027-03-02)" in first.stdout
    assert "columns not read" not in first.output  # 톡 일정 is a send date by its words
    wrong = run(
        "calendar", "sync", "--dry-run", env={**env, "CXBOT_CALENDAR_HEADERS": "launch=런칭"}
    )
    assert wrong.exit_code != 0 and "launch=런칭" in wrong.output
