"""Promotion calendar sync over a 2,000-row sheet, against the Sheets and Notion limits.

Time runs SCALE times faster than real: the Notion emulator allows 3 × SCALE requests a
second and cxbot paces itself to match, so ratios to the floor are those of real time and
real seconds are the printed ones × SCALE.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.harness import table
from cxbot.adapters.calendar_sources import GoogleSheetSource
from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.notion import promotions as P
from cxbot.adapters.notion.api import NotionApi
from cxbot.adapters.notion.client import notion_client
from cxbot.adapters.notion.pacing import Pacer
from cxbot.adapters.outbox import OutboxNotifier
from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.calendar_messages import CalendarComposer
from cxbot.adapters.store.sql_store import open_store
from cxbot.domain.promotions import read_sheet
from cxbot.domain.reminders import Recipient
from cxbot.emulators.notion import NotionEmulator
from cxbot.emulators.sheets import SheetDate, SheetsEmulator, routed_client
from cxbot.service.calendar_sync import CalendarSync
from cxbot.service.delivery import ExactlyOnce
from cxbot.settings import PROJECT_ROOT

ROWS, CHANGED, SCALE = 2000, 20, 10
NOTION_RATE = 3.0 * SCALE
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
HEADER = [
    "ID",
    "프로모션명",
    "시작일",
    "종료일",
    "담당부서",
    "담당자",
    "채널",
    "혜택",
    "SMS/PUSH 발송일",
]


def _sheet(changed: int = 0) -> list[list[Any]]:
    rows: list[list[Any]] = [["프로모션 캘린더"], HEADER]
    for n in range(ROWS):
        start = date(2027, 1, 4) + timedelta(days=n % 300)
        benefit = f"{5 + n % 40}% 할인" + (" (변경)" if n < changed else "")
        rows.append(
            [
                f"P-{n:05d}",
                f"기획전 {n:05d}",
                SheetDate(start),
                SheetDate(start + timedelta(days=6)),
                "마케팅",
                "이수민",
                "앱",
                benefit,
                "",
            ]
        )
    return rows


def _naive(api: NotionApi, source_id: str, rows: list[list[object]]) -> int:
    """The no-code recipe: for every row, find its page by key, then update or create it."""
    before = api.pacer.requests
    read = read_sheet(rows, today=NOW.date())
    assert len(read.promotions) == ROWS, read.problems[:3]
    for promotion in read.promotions.values():
        page = api.find_by_key(P.PROMOTIONS, source_id, promotion.key)
        properties = P.page_properties(promotion)
        if page:
            api.update_page(P.PROMOTIONS, source_id, promotion.key, str(page["id"]), properties)
        else:
            api.create_page(P.PROMOTIONS, source_id, promotion.key, properties)
    return api.pacer.requests - before


def run() -> dict[str, Any]:
    sheets = SheetsEmulator(tokens={"ya29.bench": "cxbot@bench.iam.gserviceaccount.com"}).start()
    notion = NotionEmulator(tokens={"secret_bench"}, rate=NOTION_RATE, burst=6.0).start()
    phases: list[dict[str, Any]] = []
    try:
        sheet_id = sheets.add_spreadsheet("프로모션 캘린더", {"프로모션": _sheet()})
        client = routed_client(sheets.base_url, "ya29.bench")
        parent = notion.workspace.add_page("CX 운영")
        with tempfile.TemporaryDirectory() as folder:
            store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
            pacer = Pacer(NOTION_RATE)
            notion_sdk = notion_client(
                token="secret_bench", base_url=notion.base_url, timeout_seconds=30, pacer=pacer
            )
            api = NotionApi(notion_sdk, pacer=pacer, parent_page_id=parent, cursors=store.cursors)
            source = GoogleSheetSource(client, sheet_id, "프로모션")
            sync = CalendarSync(
                store=store.promotions,
                cursors=store.cursors,
                source=source,
                board=P.NotionPromotionBoard(api),
                delivery=ExactlyOnce(
                    ledger=store.ledger, notifier=OutboxNotifier(Path(folder) / "outbox.jsonl")
                ),
                cx=Recipient(key="channel:cx", name="CX", channel="C1"),
                compose=CalendarComposer(Renderer(PROJECT_ROOT / "templates", "ko")),
                calendar=korean_calendar(range(2026, 2029)),
                clock=lambda: NOW,
            )

            def measure(name: str, at: datetime) -> None:
                sheet_before, notion_before = len(sheets.requests()), pacer.requests
                started = time.perf_counter()
                report = sync.run(now=at)
                wall = time.perf_counter() - started
                notion_requests = pacer.requests - notion_before
                reads = len(sheets.requests()) - sheet_before
                floor = notion_requests / NOTION_RATE
                phases.append(
                    {
                        "phase": name,
                        "sheet_requests": reads,
                        "notion_requests": notion_requests,
                        "notion_writes": report.written,
                        "changes": len(report.diff.changes) if report.diff else 0,
                        "wall_seconds": round(wall, 2),
                        "floor_seconds": round(floor, 2),
                        "ratio": round(wall / floor, 3) if floor else None,
                    }
                )

            measure("first sync", NOW)
            measure("no change", NOW + timedelta(minutes=15))
            sheets.edit(sheet_id, "프로모션", _sheet(changed=CHANGED))
            measure(f"{CHANGED} rows changed", NOW + timedelta(minutes=30))
            source_id = P.NotionPromotionBoard(api).data_source_id()
            started = time.perf_counter()
            naive_requests = _naive(api, source_id, source.read().rows)
            naive_wall = time.perf_counter() - started
            store.close()
        limited = notion.rate_limited
    finally:
        sheets.stop()
        notion.stop()
    ours = phases[-1]
    ours_requests = ours["sheet_requests"] + ours["notion_requests"]
    print(
        f"Promotion calendar sync, {ROWS} rows (Sheets and Notion emulators; time ×{SCALE}: "
        f"Notion at {NOTION_RATE:g} requests/s stands for 3/s)"
    )
    rows: list[tuple[str, Any]] = [
        (
            p["phase"],
            f"{p['sheet_requests']} sheet + {p['notion_requests']} Notion requests, "
            f"{p['notion_writes']} writes, {p['changes']} changes, "
            f"{p['wall_seconds']} s (floor {p['floor_seconds']} s"
            + (f", ratio {p['ratio']}" if p["ratio"] else "")
            + ")",
        )
        for p in phases
    ]
    rows += [
        (
            f"naive row-by-row, {CHANGED} rows changed",
            f"{naive_requests} Notion requests, {naive_wall:.2f} s",
        ),
        ("naive ÷ cxbot, requests", f"{naive_requests / max(ours_requests, 1):.0f}×"),
        ("naive ÷ cxbot, time", f"{naive_wall / max(ours['wall_seconds'], 0.001):.0f}×"),
        ("429 responses from Notion", limited),
    ]
    table(rows)
    return {
        "benchmark": "calendar-sync",
        "rows": ROWS,
        "time_scale": SCALE,
        "phases": phases,
        "naive_requests": naive_requests,
        "naive_wall_seconds": round(naive_wall, 2),
        "naive_request_ratio": round(naive_requests / max(ours_requests, 1), 1),
        "naive_time_ratio": round(naive_wall / max(ours["wall_seconds"], 0.001), 1),
        "rate_limited_429": limited,
    }
