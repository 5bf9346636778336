"""A reminder run over 200 launches × 40 items, 60 owners, 8 departments, against Slack's limits."""

from __future__ import annotations

import random
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.harness import table
from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.outbox import OutboxNotifier
from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.messages import DigestComposer
from cxbot.adapters.slack.notifier import SlackNotifier, web_clients
from cxbot.adapters.store.sql_store import open_store
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.dday import DayUnit, DOffset, due_date
from cxbot.domain.reminders import ReminderSettings, Routing, digests, reminders_for
from cxbot.emulators.slack import SlackEmulator
from cxbot.emulators.slack.server import METHOD_TIERS, TIERS
from cxbot.service.reminders import Reminders
from cxbot.settings import PROJECT_ROOT

LAUNCHES, ITEMS, OWNERS = 200, 40, 60
DEPARTMENTS = ["cx", "sales", "ux", "dev", "bpo", "legal", "logistics", "marketing"]
SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2027, 3, 10, 9, 30, tzinfo=SEOUL)  # a Wednesday
OFFSETS = [-30, -25, -20, -15, -12, -10, -7, -5, -3, -2, -1, 0, 1, 3, 5, 7, 10, 14]


def _dataset(
    calendar: Any, launches_count: int = LAUNCHES
) -> tuple[list[Launch], dict[str, list[ChecklistItem]], list[tuple[str, str]]]:
    rng = random.Random(7)
    people = [(f"담당자{n:02d}", f"owner{n:02d}@example.com") for n in range(OWNERS)]
    by_department = {d: people[i :: len(DEPARTMENTS)] for i, d in enumerate(DEPARTMENTS)}
    launches, items = [], {}
    for n in range(launches_count):
        planner = rng.choice(by_department["cx"])
        launch = Launch(
            key=f"launch-{n:03d}",
            name=f"제휴몰 {n:03d} 입점",
            template_key="bench",
            open_date=NOW.date() + timedelta(days=rng.randint(-20, 60)),
            planner_name=planner[0],
            planner_email=planner[1],
        )
        launches.append(launch)
        rows = []
        for i in range(ITEMS):
            department = DEPARTMENTS[i % len(DEPARTMENTS)]
            owner = rng.choice(by_department[department])
            offset = DOffset(rng.choice(OFFSETS))
            due = due_date(
                open_date=launch.open_date, offset=offset, unit=DayUnit.BUSINESS, calendar=calendar
            )
            done = due.day < NOW.date() and rng.random() < 0.7  # most past items are done
            rows.append(
                ChecklistItem(
                    key=f"{launch.key}/item-{i:02d}",
                    launch_key=launch.key,
                    title=f"항목 {i:02d}",
                    department=department,
                    department_name=department.upper(),
                    owner_name=owner[0],
                    owner_email=owner[1],
                    due=due.day,
                    label=offset.label,
                    unit=DayUnit.BUSINESS,
                    scenario="시나리오를 확인한다",
                    status=ItemStatus.DONE if done else ItemStatus.NOT_STARTED,
                )
            )
        items[launch.key] = rows
    return launches, items, people


def _floor(calls: Counter[str], per_channel: Counter[str]) -> float:
    """The least time Slack's limits allow: per-method tiers and one post/s per channel."""
    floors = [0.0]
    for method, count in calls.items():
        per_minute = TIERS[METHOD_TIERS.get(method, 3)]
        floors.append(max(0, count - per_minute) * 60.0 / per_minute)
    floors.extend(max(0, n - 1) * 1.0 for n in per_channel.values())
    return max(floors)


def _service_planning(calendar: Any, launches_count: int) -> tuple[float, int]:
    """Seconds for the use case's dry run (plan from the store, compose every digest,
    send nothing) over `launches_count` launches; and how many reminders it planned."""
    launches, items, _ = _dataset(calendar, launches_count)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'plan.db'}")
        try:
            for launch in launches:
                store.launches.apply(launch=launch, items=items[launch.key])
            routing = Routing(
                department_channels={d: f"C{n:07d}" for n, d in enumerate(DEPARTMENTS)},
                cx_channel="C9999999",
            )
            use_case = Reminders(
                store=store.launches,
                ledger=store.ledger,
                notifier=OutboxNotifier(Path(folder) / "outbox.jsonl"),
                compose=DigestComposer(Renderer(PROJECT_ROOT / "templates", "ko")),
                calendar=calendar,
                settings=ReminderSettings(routing=routing),
                clock=lambda: NOW,
            )
            started = time.perf_counter()
            report = use_case.run(now=NOW, dry_run=True)
            return time.perf_counter() - started, report.planned
        finally:
            store.close()


def run(scale: int = 10) -> dict[str, Any]:
    calendar = korean_calendar(range(2026, 2029))
    small, small_planned = _service_planning(calendar, LAUNCHES)
    large, large_planned = _service_planning(calendar, LAUNCHES * scale)
    print(
        f"Planning a reminder run (dry run: plan from the store, compose, send nothing): "
        f"{LAUNCHES} launches {small:.2f} s ({small_planned} reminders); "
        f"{LAUNCHES * scale} launches {large:.2f} s ({large_planned} reminders); "
        f"{scale}× the data costs {large / small:.1f}× the time"
    )
    launches, items, people = _dataset(calendar)
    routing = Routing(department_channels={d: f"C{n:07d}" for n, d in enumerate(DEPARTMENTS)})
    # Planning alone: the pure core over 8,000 items.
    started = time.perf_counter()
    planned = reminders_for(
        launches=launches,
        items_of=items.__getitem__,
        today=NOW.date(),
        calendar=calendar,
        policy_of=lambda _i: ReminderSettings().policy,
        routing=routing,
        summary_policy=ReminderSettings().policy,
    )
    planned_digests = digests(planned)
    planning = time.perf_counter() - started
    recipients = len({r.recipient.key for r in planned})

    emulator = SlackEmulator(tokens={"xoxb-bench"}).start()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            for name, email in people:
                emulator.add_user(name, email)
            channels = {d: emulator.add_channel(d) for d in DEPARTMENTS}
            cx = emulator.add_channel("cx")
            routing = Routing(department_channels=channels, cx_channel=cx)
            for launch in launches:
                store.launches.apply(launch=launch, items=items[launch.key])
            reader, poster = web_clients("xoxb-bench", emulator.api_url)
            notifier = SlackNotifier(reader, poster, store.slack_directory, clock=lambda: NOW)
            use_case = Reminders(
                store=store.launches,
                ledger=store.ledger,
                notifier=notifier,
                compose=DigestComposer(Renderer(PROJECT_ROOT / "templates", "ko")),
                calendar=calendar,
                settings=ReminderSettings(routing=routing),
                clock=lambda: NOW,
            )
            started = time.perf_counter()
            report = use_case.run(now=NOW)
            wall = time.perf_counter() - started
            calls = Counter(
                e.path.removeprefix("/api/") for e in emulator.requests() if e.status == 200
            )
            attempts = len(emulator.requests())
            posted = [
                e
                for e in emulator.requests()
                if e.path.endswith("chat.postMessage") and e.status == 200
            ]
            per_channel = Counter(e.body["channel"] for e in posted)
            before = len(emulator.requests())
            again = use_case.run(now=NOW + timedelta(hours=1))
            rerun_requests = len(emulator.requests()) - before
            before = len(emulator.requests())
            tomorrow = use_case.run(now=NOW + timedelta(days=1))
            tomorrow_requests = len(emulator.requests()) - before
            limited = emulator.rate_limited
        finally:
            store.close()
            emulator.stop()
    messages = len(posted)
    floor = _floor(calls, per_channel)
    requests = attempts
    print(
        f"A reminder run: {LAUNCHES} launches × {ITEMS} items, {OWNERS} owners, "
        f"{len(DEPARTMENTS)} departments (Slack emulator with its limits on)"
    )
    table(
        [
            ("planning one run (pure core)", f"{planning:.3f} s for {len(planned)} reminders"),
            ("recipients with something due", recipients),
            ("messages posted", f"{messages} ({len(planned_digests)} digests planned)"),
            *((f"requests: {method}", count) for method, count in sorted(calls.items())),
            ("requests per message (429s included)", f"{requests / max(messages, 1):.2f}"),
            ("429 responses", limited),
            ("wall seconds", f"{wall:.2f}"),
            ("floor seconds (tiers, 1 post/s/channel)", f"{floor:.2f}"),
            ("ratio to floor", f"{wall / floor:.2f}" if floor else "n/a"),
            ("same run again: messages / requests", f"{again.sent} / {rerun_requests}"),
            (
                "next business day, users cached: messages / requests",
                f"{tomorrow.sent} / {tomorrow_requests}",
            ),
        ]
    )
    return {
        "benchmark": "reminders",
        "launches": LAUNCHES,
        "items": LAUNCHES * ITEMS,
        "reminders": len(planned),
        "planning_seconds": round(planning, 4),
        "dry_run_seconds": round(small, 3),
        f"dry_run_seconds_x{scale}": round(large, 3),
        "dry_run_time_ratio": round(large / small, 2),
        "scale": scale,
        "recipients": recipients,
        "messages": messages,
        "requests": requests,
        "requests_per_message": round(requests / max(messages, 1), 3),
        "rate_limited_429": limited,
        "wall_seconds": round(wall, 3),
        "floor_seconds": round(floor, 3),
        "ratio": round(wall / floor, 3) if floor else None,
        "rerun_messages": again.sent,
        "rerun_requests": rerun_requests,
        "next_day_messages": tomorrow.sent,
        "next_day_requests": tomorrow_requests,
        "outcomes": dict(Counter(o.state for o in report.outcomes)),
    }
