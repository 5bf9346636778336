"""The promotion calendar end to end: gspread → Sheets emulator, Notion emulator, CX alerts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from cxbot.adapters.calendar_sources import GoogleSheetSource, LocalFileSource
from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.notion import promotions as P
from cxbot.adapters.notion.api import NotionApi, plain_text
from cxbot.adapters.notion.client import notion_client
from cxbot.adapters.notion.pacing import Pacer
from cxbot.adapters.outbox import OutboxNotifier
from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.calendar_messages import CalendarComposer
from cxbot.adapters.store.sql_store import SqlStore
from cxbot.domain.reminders import Recipient
from cxbot.emulators.http import Fault
from cxbot.emulators.notion import NotionEmulator
from cxbot.emulators.sheets import SheetDate, SheetsEmulator, routed_client
from cxbot.emulators.sheets.server import Struck
from cxbot.ports.errors import RemoteError
from cxbot.service.calendar_sync import CalendarSync
from cxbot.service.delivery import ExactlyOnce
from cxbot.settings import PROJECT_ROOT
from tests.conftest import ManualClock
from tests.fakes import NoSleep

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 10:00 in Seoul
HEADER = [
    "프로모션명",
    "시작일",
    "종료일",
    "담당부서",
    "담당자",
    "채널",
    "혜택",
    "SMS/PUSH 발송일",
    "상태",
]
SA = "cxbot@cx-project.iam.gserviceaccount.com"


def _rows(n: int = 10) -> list[list[Any]]:
    rows: list[list[Any]] = [["2026 프로모션 캘린더"], HEADER]
    for i in range(n):
        start = date(2026, 12, 7) + timedelta(days=7 * i)
        rows.append(
            [
                f"기획전 {i:02d}",
                SheetDate(start),
                SheetDate(start + timedelta(days=6)),
                "마케팅",
                "이수민",
                "앱",
                f"{10 + i}% 할인",
                "",
                "",
            ]
        )
    return rows


class _OnTheTick:
    """The sync with its wall clock at each run's tick (a run that takes no time)."""

    def __init__(self, sync: CalendarSync, wall: ManualClock) -> None:
        self._sync, self._wall = sync, wall

    def run(self, *, now: datetime, **options: Any) -> Any:
        self._wall.now = now
        return self._sync.run(now=now, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sync, name)


@pytest.fixture
def world(tmp_path: Path, sqlite_store: SqlStore, notion: NotionEmulator) -> Any:
    sheets = SheetsEmulator(tokens={"ya29.test": SA}).start()
    sheet_id = sheets.add_spreadsheet("프로모션 캘린더", {"프로모션": _rows()})
    client = routed_client(sheets.base_url, "ya29.test")
    sleep = NoSleep()
    source = GoogleSheetSource(client, sheet_id, "프로모션", sleep=sleep)
    parent = notion.workspace.add_page("CX 운영")
    pacer = Pacer(1000)
    api = NotionApi(
        notion_client(
            token="secret_test", base_url=notion.base_url, timeout_seconds=30, pacer=pacer
        ),
        pacer=pacer,
        parent_page_id=parent,
        cursors=sqlite_store.cursors,
        sleep=NoSleep(),
    )
    outbox = tmp_path / "outbox.jsonl"
    wall = ManualClock(NOW)
    sync = CalendarSync(
        store=sqlite_store.promotions,
        cursors=sqlite_store.cursors,
        source=source,
        board=P.NotionPromotionBoard(api),
        delivery=ExactlyOnce(ledger=sqlite_store.ledger, notifier=OutboxNotifier(outbox)),
        cx=Recipient(key="channel:cx", name="CX", channel="C_CX"),
        compose=CalendarComposer(Renderer(PROJECT_ROOT / "templates", "ko")),
        calendar=korean_calendar(range(2026, 2029)),
        clock=wall,
    )

    w = SimpleNamespace()
    w.sheets, w.sheet_id, w.notion, w.store = sheets, sheet_id, notion, sqlite_store
    w.sync = _OnTheTick(sync, wall)
    w.outbox, w.source, w.sleep = outbox, source, sleep
    w.alerts = lambda: outbox.read_text(encoding="utf-8").splitlines() if outbox.exists() else []
    w.pages = lambda: [
        p for p in notion.workspace.pages.values() if p.parent.get("type") == "data_source_id"
    ]
    w.sheet_requests = lambda: len(sheets.requests())
    w.notion_writes = lambda: len(
        [
            r
            for r in notion.requests()
            if r.method in ("POST", "PATCH") and not r.path.endswith("/query")
        ]
    )
    yield w
    sheets.stop()


def test_first_sync_mirrors_every_row_and_alerts_once(world: Any) -> None:
    report = world.sync.run(now=NOW)
    assert len(report.diff.of("new")) == 10 and report.problems == ()
    assert report.written == 10 and len(world.pages()) == 10
    assert len(world.alerts()) == 1
    props = world.notion.workspace.page_response(world.pages()[0])["properties"]
    assert props[P.STATE]["select"]["name"] == "진행"
    history = world.store.history.changes(entity_id_prefix="name:기획전00")
    assert history and all(c.actor == "sheet-sync" and "v1" in (c.note or "") for c in history)


def test_a_no_change_sync_reads_once_and_writes_nothing(world: Any) -> None:
    world.sync.run(now=NOW)
    sheet_before, notion_before = world.sheet_requests(), world.notion_writes()
    report = world.sync.run(now=NOW + timedelta(minutes=15))
    assert report.skipped == "unchanged since the last sync"
    assert world.sheet_requests() - sheet_before == 1  # the Drive modifiedTime/version check
    assert world.notion_writes() == notion_before and len(world.alerts()) == 1


def test_edits_moves_deletions_and_late_notice(world: Any) -> None:
    world.sync.run(now=NOW)
    rows = _rows()
    rows[2][1] = SheetDate(date(2026, 11, 26))  # 기획전 00 moved to this Thursday: 3 business days
    rows[3][6] = "50% 할인"  # benefit edited
    del rows[4]  # 기획전 02's row deleted
    rows.append(["긴급 타임딜", "11/25", "11/25", "마케팅", "", "앱", "1+1", "", ""])
    world.sheets.edit(world.sheet_id, "프로모션", rows)
    report = world.sync.run(now=NOW + timedelta(hours=1))
    kinds = {c.promotion.name: c for c in report.diff.changes}
    assert kinds["기획전 00"].kind == "changed" and kinds["기획전 00"].late_notice
    assert kinds["기획전 00"].lead_days == 3
    assert kinds["기획전 01"].kind == "changed" and not kinds["기획전 01"].late_notice
    assert kinds["기획전 02"].kind == "cancelled"
    assert kinds["긴급 타임딜"].kind == "new" and kinds["긴급 타임딜"].lead_days == 2
    assert len(world.pages()) == 11  # cancelled ones are marked, not deleted
    states = {
        plain_text(
            world.notion.workspace.page_response(p)["properties"][P.NAME]
        ): world.notion.workspace.page_response(p)["properties"][P.STATE]["select"]["name"]
        for p in world.pages()
    }
    assert states["기획전 02"] == "취소"
    assert len(world.alerts()) == 2 and "늦은 공지 2건" in world.alerts()[1]


def test_a_bad_row_is_reported_and_nothing_mirrored_is_lost(world: Any) -> None:
    world.sync.run(now=NOW)
    rows = _rows()
    rows[5][1] = "다음 주쯤"  # 기획전 03's start is unreadable
    world.sheets.edit(world.sheet_id, "프로모션", rows)
    report = world.sync.run(now=NOW + timedelta(hours=1))
    (problem,) = report.problems
    assert problem.row == 6 and problem.column == "B (시작일)" and problem.raw == "다음 주쯤"
    assert report.diff.changes == []  # its row could not be read: kept as it was
    assert not world.store.promotions.promotions()["name:기획전03"].cancelled
    assert len(world.pages()) == 10
    assert "6행, B (시작일) 열" in world.alerts()[-1]  # CX is told once per sheet edit


def test_the_guard_stops_a_mass_change_until_confirmed(world: Any) -> None:
    world.sync.run(now=NOW)
    world.sheets.edit(world.sheet_id, "프로모션", [["필터가 걸린 시트"], HEADER, *_rows()[2:4]])
    writes = world.notion_writes()
    stopped = world.sync.run(now=NOW + timedelta(hours=1))
    assert stopped.guarded and len(stopped.diff.of("cancelled")) == 8
    assert world.notion_writes() == writes
    assert all(not p.cancelled for p in world.store.promotions.promotions().values())
    assert "동기화를 멈췄습니다" in world.alerts()[-1]
    again = world.sync.run(now=NOW + timedelta(hours=2))  # still stopped, alerted once only
    assert again.guarded and len(world.alerts()) == 2
    confirmed = world.sync.run(now=NOW + timedelta(hours=3), confirm=True)
    assert not confirmed.guarded and len(confirmed.diff.of("cancelled")) == 8
    assert sum(p.cancelled for p in world.store.promotions.promotions().values()) == 8


def test_a_renamed_header_or_deleted_tab_is_a_guarded_empty_read(world: Any) -> None:
    world.sync.run(now=NOW)
    world.sheets.edit(world.sheet_id, "프로모션", [["구분", "값"], ["x", "12/1"]])
    report = world.sync.run(now=NOW + timedelta(hours=1))
    assert report.guarded and report.layout_error and "no header row" in report.layout_error
    del world.sheets.spreadsheets[world.sheet_id].tabs["프로모션"]
    world.sheets.spreadsheets[world.sheet_id].version += 1
    with pytest.raises(RemoteError, match="CXBOT_CALENDAR_WORKSHEET"):
        world.sync.run(now=NOW + timedelta(hours=2))
    assert all(not p.cancelled for p in world.store.promotions.promotions().values())


def test_quota_errors_are_waited_out(world: Any) -> None:
    world.sheets.inject(Fault("rate_limit", "GET", r"^/v4/spreadsheets/[^/]+$", times=2))
    report = world.sync.run(now=NOW)
    assert len(report.diff.of("new")) == 10
    assert world.sleep.calls == [2.0, 4.0]


def test_a_sheet_not_shared_says_how_to_share_it(world: Any) -> None:
    world.sheets.spreadsheets[world.sheet_id].shared_with = set()
    with pytest.raises(RemoteError, match="not shared with the service account"):
        world.sync.run(now=NOW)


def test_notion_being_down_loses_nothing(world: Any) -> None:
    world.notion.inject(Fault("status", "POST", r"^/v1/databases$", times=10, status=503))
    with pytest.raises(RemoteError):
        world.sync.run(now=NOW)
    assert len(world.store.promotions.promotions()) == 10  # recorded before mirroring
    world.notion.clear_faults()
    report = world.sync.run(now=NOW + timedelta(minutes=15))  # sheet unchanged: backlog only
    assert report.skipped and report.written == 10 and len(world.pages()) == 10
    assert len(world.alerts()) == 1


def test_promotion_brief_reminder_goes_out_once(world: Any) -> None:
    world.sync.run(now=NOW)
    wednesday = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 기획전 00 starts Monday 12/7: D-3
    first = world.sync.brief(now=wednesday)
    second = world.sync.brief(now=wednesday + timedelta(hours=3))
    assert [state for _key, state in first] == ["sent"] and second == ()
    assert "기획전 00" in world.alerts()[-1] and "브리핑" in world.alerts()[-1]


def test_local_files_csv_and_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    sheet.title = "프로모션"
    sheet.append(["프로모션명", "시작일", "종료일"])
    sheet.append(["엑셀 기획전", datetime(2026, 12, 1), "12/7"])
    path = tmp_path / "calendar.xlsx"
    book.save(path)
    read = LocalFileSource(path, worksheet="프로모션").read()
    assert read.rows[1][:2] == ["엑셀 기획전", "2026-12-01"]
    csv_source = LocalFileSource(PROJECT_ROOT / "examples" / "promotions.csv")
    assert csv_source.fingerprint() == csv_source.fingerprint()
    assert csv_source.read().rows[2][0] == "프로모션명"


def _checked(findings: list[Any]) -> tuple[list[str], bool]:
    return [str(f) for f in findings], all(f.ok for f in findings)


def test_doctor_checks_sharing_worksheet_and_headers(world: Any) -> None:
    from cxbot.adapters.calendar_sources import check_calendar_source

    lines, ok = _checked(check_calendar_source(world.source, SA))
    assert ok and any("worksheet '프로모션' found" in line for line in lines)
    assert any("header on row 2, 10 promotion(s)" in line for line in lines)
    wrong_tab = GoogleSheetSource(world.source.client, world.sheet_id, "Sheet1")
    lines, ok = _checked(check_calendar_source(wrong_tab, SA))
    assert not ok and "set CXBOT_CALENDAR_WORKSHEET" in lines[-1]
    world.sheets.spreadsheets[world.sheet_id].shared_with = set()
    lines, ok = _checked(check_calendar_source(world.source, SA))
    assert (not ok and f"not shared with {SA}" in lines[-1]) or "not found" in lines[-1]


def test_a_planners_sheet_over_the_wire_strike_through_and_undecided(world: Any) -> None:
    world.sync.run(now=NOW)
    rows = _rows()
    rows[2][0] = Struck("기획전 00")  # struck through in the sheet: cancelled
    rows[3][1], rows[3][2] = "12월 14일(월)~12월 20일(일)", ""  # a range, with weekdays
    rows[4][1], rows[4][2] = "미정", ""  # not decided any more
    rows.append(["(취소) 기획전 99", "12/28", "", "", "", "", "", "", ""])  # never announced
    world.sheets.edit(world.sheet_id, "프로모션", rows)
    before = world.sheet_requests()
    report = world.sync.run(now=NOW + timedelta(hours=1))
    # Drive's version, then values and the strike-through in one spreadsheets.get.
    assert world.sheet_requests() - before == 2
    assert report.problems == ()
    kinds = {c.promotion.name: c.kind for c in report.diff.changes}
    assert kinds == {"기획전 00": "cancelled", "기획전 02": "changed"}
    (undecided,) = report.undecided
    assert undecided.name == "기획전 02" and undecided.start is None
    pages = {
        P.page_properties(p)[P.NAME]["title"][0]["text"]["content"]: p
        for p in world.store.promotions.promotions().values()
    }
    assert pages["기획전 02"].undecided == (("start", "미정"),)
    mirrored = {
        page.properties[P.KEY][0]["text"]["content"]: page.properties for page in world.pages()
    }
    assert mirrored["name:기획전02"][P.STATE]["name"] == P.UNDECIDED
    assert mirrored["name:기획전02"][P.PERIOD] is None
    assert mirrored["name:기획전00"][P.STATE]["name"] == P.CANCELLED
    assert "name:기획전99" not in mirrored
    alert = json.loads(world.alerts()[-1])
    assert "시작일 2026-12-21 → 미정 ‘미정’" in json.dumps(alert, ensure_ascii=False)


def test_a_failed_sheet_read_changes_nothing_and_a_struck_promotion_stays_cancelled(
    world: Any,
) -> None:
    """Values and strike-through come in one read: it fails whole or not at all, so a
    struck-out promotion can never come back because its format was not read."""
    world.sync.run(now=NOW)
    rows = _rows()
    rows[2][0] = Struck("기획전 00")
    world.sheets.edit(world.sheet_id, "프로모션", rows)
    world.sync.run(now=NOW + timedelta(minutes=15))
    assert world.store.promotions.promotions()["name:기획전00"].cancelled
    rows[3][6] = "50% 할인"
    world.sheets.edit(world.sheet_id, "프로모션", rows)
    world.sheets.inject(Fault("status", method="GET", path=r"^/v4/spreadsheets/[^/]+$", status=400))
    with pytest.raises(RemoteError):
        world.sync.run(now=NOW + timedelta(hours=1))
    assert world.store.promotions.promotions()["name:기획전00"].cancelled
    assert world.store.promotions.promotions()["name:기획전01"].benefit != "50% 할인"
    report = world.sync.run(now=NOW + timedelta(hours=2))  # the next run reads it all
    assert {c.promotion.name: c.kind for c in report.diff.changes} == {"기획전 01": "changed"}


def test_an_unreadable_end_cell_keeps_the_recorded_end_and_names_the_cell(world: Any) -> None:
    world.sync.run(now=NOW)
    recorded = world.store.promotions.promotions()["name:기획전01"].end
    rows = _rows()
    rows[3][2] = "1월 말경??"  # 기획전 01's end overwritten with words
    world.sheets.edit(world.sheet_id, "프로모션", rows)
    report = world.sync.run(now=NOW + timedelta(hours=1))
    (problem,) = report.problems
    assert problem.kept and problem.row == 4 and problem.column == "C (종료일)"
    assert problem.raw == "1월 말경??"
    assert report.diff.changes == []  # nothing was lost, so nothing changed
    kept = world.store.promotions.promotions()["name:기획전01"]
    assert kept.end == recorded is not None and not kept.cancelled
    assert "4행, C (종료일) 열" in world.alerts()[-1]  # CX is told which cell to fix


def test_a_planners_sheet_with_a_merged_title_frozen_header_filter_and_protection(
    world: Any,
) -> None:
    """A merged title row over the header (a blank row under it), the header frozen, a
    basic filter and protected header cells — the way planners' sheets look — read as the
    plain sheet is, in the same one spreadsheets.get."""
    world.sync.run(now=NOW)
    plain = world.source.read()
    rows = _rows()
    rows.insert(1, [])
    world.sheets.edit(world.sheet_id, "프로모션", rows)
    world.sheets.lay_out(
        world.sheet_id,
        "프로모션",
        merges=["A1:I1"],
        frozen=(3, 1),
        basic_filter=f"A3:I{len(rows)}",
        protected=["A1:I3"],
    )
    read = world.source.read()
    assert read.rows[0] == plain.rows[0] and read.rows[2:] == plain.rows[1:]
    assert {(r - 1, c) for r, c in read.struck} == set(plain.struck)
    before = world.sheet_requests()
    report = world.sync.run(now=NOW + timedelta(hours=1))
    assert world.sheet_requests() - before == 2  # Drive's version, one spreadsheets.get
    assert report.problems == ()
    assert report.diff is not None and report.diff.changes == []  # the same promotions
