"""Builds the reminder use case on real adapters against the Slack emulator (also in workers)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from bench.harness import launch_cases
from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.local_board import LocalBoard
from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.messages import DigestComposer
from cxbot.adapters.slack.notifier import ChannelPacer, SlackNotifier, web_clients
from cxbot.adapters.store.sql_store import SqlStore, open_store
from cxbot.adapters.yaml_files import load_template
from cxbot.domain.owners import OwnerDirectory, Person
from cxbot.domain.reminders import ReminderSettings, Routing
from cxbot.service.reminders import Reminders
from cxbot.settings import PROJECT_ROOT

CALENDAR = korean_calendar(range(2026, 2029))
OWNERS = OwnerDirectory(
    owners={
        "cx": Person(name="김지현", email="jihyun.kim@example.com"),
        "sales": Person(name="박준호", email="junho.park@example.com"),
        "ux": Person(name="이서연", email="seoyeon.lee@example.com"),
        "dev": Person(name="최민수", email="minsu.choi@example.com"),
        "bpo": Person(name="정하은", email="haeun.jung@example.com"),  # not in Slack
        "legal": Person(name="한도윤", email="doyun.han@example.com"),
        "logistics": Person(name="윤지우", email="jiwoo.yoon@example.com"),
    },
    planner=Person(name="김지현", email="jihyun.kim@example.com"),
)
SLACK_PEOPLE = [
    ("김지현", "jihyun.kim@example.com"),
    ("박준호", "junho.park@example.com"),
    ("이서연", "seoyeon.lee@example.com"),
    ("최민수", "minsu.choi@example.com"),
    ("한도윤", "doyun.han@example.com"),
    ("윤지우", "jiwoo.yoon@example.com"),
]


def seed_launch(store: SqlStore, now: datetime) -> str:
    template = load_template(PROJECT_ROOT / "checklists" / "partner-mall.yaml")
    cases = launch_cases(
        store.launches, store.cursors, LocalBoard(), actor="test", clock=lambda: now
    )
    result = cases.launches.create(
        template=template, name="11번가 입점", open_date=date(2027, 2, 15), owners=OWNERS
    )
    return result.plan.launch.key


def reminders(
    store: Any,
    api_url: str,
    routing: Routing,
    *,
    token: str = "xoxb-test",
    clock: Any = None,
    ledger: Any = None,
    locale: str = "ko",
    timeout: int = 5,
) -> Reminders:
    reader, poster = web_clients(token, api_url, timeout=timeout)
    notifier = SlackNotifier(
        reader,
        poster,
        store.slack_directory,
        clock=clock or (lambda: datetime.now(UTC)),
        pacer=ChannelPacer(sleep=lambda _s: None),
    )
    return Reminders(
        store=store.launches,
        ledger=ledger or store.ledger,
        notifier=notifier,
        compose=DigestComposer(Renderer(PROJECT_ROOT / "templates", locale)),
        calendar=CALENDAR,
        settings=ReminderSettings(routing=routing, send_at=time(9, 30)),
        clock=clock or (lambda: datetime.now(UTC)),
    )


def worker(url: str, api_url: str, cx: str, sales: str, now_iso: str, out: Any) -> None:
    """One bot process: its own store connection and Slack clients; reports what it sent."""
    try:
        store = open_store(url)
        now = datetime.fromisoformat(now_iso)
        routing = Routing(department_channels={"sales": sales}, cx_channel=cx)
        report = reminders(store, api_url, routing, clock=lambda: now).run(now=now)
        out.put([o.message_key for o in report.outcomes if o.state == "sent"])
        store.close()
    except BaseException as error:  # report, so the test fails fast with the cause
        out.put(f"worker failed: {error!r}")
        raise
