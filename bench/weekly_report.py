"""The weekly report over 50 launches × 40 items with a year of change history.

Figures: store queries (in all, and per launch: constant, never one per item), the time to
build the week's picture from the store, and to render it as HTML (100 SVG charts),
Markdown (100 PNG charts) and the one PNG posted to Slack.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event

from bench.harness import promotion_seen, table
from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.outbox import OutboxNotifier
from cxbot.adapters.rendering import Renderer
from cxbot.adapters.reports.charts import MatplotlibCharts
from cxbot.adapters.reports.pages import JinjaReportPages
from cxbot.adapters.store.sql_store import SqlStore, open_store
from cxbot.domain.changes import Change, ChangeSource
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.dday import DayUnit, DOffset, due_date
from cxbot.domain.promotions import Promotion
from cxbot.domain.reminders import Recipient
from cxbot.service.delivery import ExactlyOnce
from cxbot.service.weekly_report import WeeklyReports
from cxbot.settings import PROJECT_ROOT

LAUNCHES, ITEMS, PAST_LAUNCHES, PROMOTIONS = 50, 40, 100, 200
SEOUL = ZoneInfo("Asia/Seoul")
TODAY = date(2027, 3, 10)  # a Wednesday
DEPARTMENTS = ["CX기획", "영업/제휴", "UX", "개발", "도급사", "법무", "물류", "마케팅"]
OFFSETS = [-30, -25, -20, -15, -12, -10, -7, -5, -3, -2, -1, 0, 1, 3, 5, 7, 10, 14]
STATUSES = [ItemStatus.IN_PROGRESS, ItemStatus.BLOCKED, ItemStatus.DONE, ItemStatus.IN_PROGRESS]


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(
        day.year, day.month, day.day, rng.randint(9, 18), rng.randint(0, 59), tzinfo=SEOUL
    )


def _launch(
    n: int, opening: date, created: date, calendar: Any, rng: random.Random
) -> tuple[Launch, list[ChecklistItem], list[Change]]:
    launch = Launch(
        key=f"mall-{n:03d}", name=f"제휴몰 {n:03d} 입점", template_key="bench", open_date=opening
    )
    items, changes = [], []
    for i in range(ITEMS):
        offset = DOffset(rng.choice(OFFSETS))
        due = due_date(
            open_date=opening, offset=offset, unit=DayUnit.BUSINESS, calendar=calendar
        ).day
        key = f"{launch.key}/item-{i:02d}"
        moment = _at(created, rng)
        status = ItemStatus.NOT_STARTED
        for name, value in (
            ("title", f"항목 {i:02d}"),
            ("department", DEPARTMENTS[i % 8]),
            ("owner", f"owner{i % 30}@example.com"),
            ("due", due.isoformat()),
            ("label", offset.label),
            ("status", status.value),
        ):
            changes.append(
                Change(
                    entity="checklist_item",
                    entity_id=key,
                    field=name,
                    old=None,
                    new=value,
                    actor="cli:planner",
                    source=ChangeSource.TEMPLATE,
                    at=moment,
                )
            )
        day = created
        while True:  # status moves, now and then, until the item is due (or today)
            day += timedelta(days=rng.randint(5, 30))
            if day > min(due + timedelta(days=5), TODAY):
                break
            new = rng.choice(STATUSES)
            changes.append(
                Change(
                    entity="checklist_item",
                    entity_id=key,
                    field="status",
                    old=status.value,
                    new=new.value,
                    actor=f"notion:{i % 30}",
                    source=ChangeSource.NOTION,
                    at=_at(day, rng),
                )
            )
            status = new
        items.append(
            ChecklistItem(
                key=key,
                launch_key=launch.key,
                title=f"항목 {i:02d}",
                department=DEPARTMENTS[i % 8],
                department_name=DEPARTMENTS[i % 8],
                owner_name=f"담당 {i % 30}",
                owner_email=f"owner{i % 30}@example.com",
                due=due,
                label=offset.label,
                unit=DayUnit.BUSINESS,
                scenario="확인한다",
                status=status,
            )
        )
    changes.sort(key=lambda c: c.at)
    return launch, items, changes


def _seed(store: SqlStore, calendar: Any) -> int:
    rng = random.Random(11)
    count = 0
    for n in range(PAST_LAUNCHES + LAUNCHES):
        if n < PAST_LAUNCHES:  # launches of the past year, long over
            opening = TODAY - timedelta(days=rng.randint(60, 330))
        else:
            opening = TODAY + timedelta(days=rng.randint(-10, 60))
        created = min(opening - timedelta(days=rng.randint(45, 300)), TODAY - timedelta(days=20))
        launch, items, changes = _launch(n, opening, created, calendar, rng)
        store.launches.apply(launch=launch, items=items, changes=changes)
        count += len(changes)
    promotions, history = [], []
    for n in range(PROMOTIONS):
        start = TODAY + timedelta(days=rng.randint(-300, 60))
        promotion = Promotion(
            key=f"name:promo{n}", name=f"프로모션 {n}", start=start, end=start + timedelta(days=6)
        )
        promotions.append(promotion)
        history += promotion_seen(promotion, _at(start - timedelta(days=rng.randint(1, 30)), rng))
    history.sort(key=lambda c: c.at)
    store.promotions.save_promotions(promotions, history, None)
    return count + len(history)


@contextmanager
def _counting(store: SqlStore) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def run() -> dict[str, Any]:
    calendar = korean_calendar(range(2025, 2029))
    renderer = Renderer(PROJECT_ROOT / "templates", "ko", SEOUL)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'weekly.db'}")
        started = time.perf_counter()
        history = _seed(store, calendar)
        seeded = time.perf_counter() - started
        pages = JinjaReportPages(renderer)
        reports = WeeklyReports(
            launches=store.launches,
            history=store.history,
            decisions=store.decisions,
            promotions=store.promotions,
            calendar=calendar,
            tz=SEOUL,
            lead_required=5,
            charts=MatplotlibCharts(renderer.labels["chart"]),
            pages=pages,
            summary=pages,
            delivery=ExactlyOnce(
                ledger=store.ledger, notifier=OutboxNotifier(Path(folder) / "o.jsonl")
            ),
            cx=Recipient(key="channel:cx", name="CX", channel="C_CX"),
            clock=lambda: datetime.combine(TODAY, datetime.min.time(), SEOUL),
        )
        reports.charts.summary  # noqa: B018 - the font cache is warm before timing
        with _counting(store) as queries:
            started = time.perf_counter()
            picture = reports.picture(today=TODAY)
            build = time.perf_counter() - started
        shown = len(picture.launches)
        timings = {}
        sizes = {}
        for fmt in ("html", "md", "png"):
            started = time.perf_counter()
            rendered = reports.render(picture, fmt)
            timings[fmt] = time.perf_counter() - started
            sizes[fmt] = sum(len(c) for c in rendered.files.values())
        # One launch's picture alone: the queries do not grow with its items.
        with _counting(store) as one:
            reports.picture(today=TODAY, launch_key=picture.launches[0].launch.key)
        store.close()
    per_launch = (len(queries) - len(one)) / max(1, shown - 1)
    total = build + timings["html"]
    table(
        [
            (
                "history seeded",
                f"{history} changes ({PAST_LAUNCHES + LAUNCHES} launches, "
                f"{PROMOTIONS} promotions) in {seeded:.1f} s",
            ),
            ("launches in the report", f"{shown} × {ITEMS} items"),
            (
                "store queries",
                f"{len(queries)} in all; {len(one)} for one launch; "
                f"{per_launch:.1f} per extra launch",
            ),
            ("build the picture", f"{build:.2f} s"),
            (
                "render HTML (100 SVG charts)",
                f"{timings['html']:.2f} s, {sizes['html'] // 1024} KB",
            ),
            (
                "render Markdown (100 PNG charts)",
                f"{timings['md']:.2f} s, {sizes['md'] // 1024} KB",
            ),
            ("render the Slack PNG", f"{timings['png']:.2f} s, {sizes['png'] // 1024} KB"),
            ("picture + HTML (goal < 5 s)", f"{total:.2f} s"),
        ]
    )
    return {
        "benchmark": "weekly-report",
        "launches": shown,
        "items_per_launch": ITEMS,
        "history_changes": history,
        "queries": len(queries),
        "queries_one_launch": len(one),
        "queries_per_extra_launch": round(per_launch, 2),
        "build_seconds": round(build, 3),
        "render_seconds": {k: round(v, 3) for k, v in timings.items()},
        "bytes": sizes,
        "picture_and_html_seconds": round(total, 3),
    }
