"""The composition root builds once; job ticks build nothing and plan with their tick."""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr

from bench.harness import reminders_with_cx
from cxbot.bootstrap import build
from cxbot.emulators.notion import NotionEmulator
from cxbot.emulators.slack import SlackEmulator
from cxbot.service.scheduled_jobs import job_functions
from cxbot.settings import PROJECT_ROOT, Settings
from tests.conftest import ManualClock

SEOUL = ZoneInfo("Asia/Seoul")
MONDAY_1752 = datetime(2027, 1, 4, 17, 52, tzinfo=SEOUL)
OWNERS = PROJECT_ROOT / "examples" / "owners.yaml"


@pytest.fixture
def wired(tmp_path: Path, notion: NotionEmulator, clock: ManualClock) -> Iterator[Any]:
    """The real root over the Notion and Slack emulators, on a SQLite file."""
    slack = SlackEmulator(tokens={"xoxb-root"}, rate_limit=False).start()
    cx = slack.add_channel("cx-ops")
    for name, email in [("김지현", "jihyun.kim@example.com"), ("박준호", "junho.park@example.com")]:
        slack.add_user(name, email)
    parent = notion.workspace.add_page("CX 운영")
    reminders_file = reminders_with_cx(tmp_path, cx)
    settings = Settings(
        cxbot_database_url=f"sqlite:///{tmp_path / 'cxbot.db'}",
        cxbot_reminders_file=reminders_file,
        cxbot_outbox=tmp_path / "outbox.jsonl",
        cxbot_audit_anchor=tmp_path / "audit-anchor.json",
        cxbot_actor="cli:tester",
        notion_token=SecretStr("secret_test"),
        notion_base_url=notion.base_url,
        notion_parent_page_id=parent,
        slack_bot_token=SecretStr("xoxb-root"),
        slack_base_url=slack.api_url,
    )
    clock.now = MONDAY_1752.astimezone(UTC)
    counts: Counter[str] = Counter()
    cases = build(settings, clock=clock)
    cases.launches.create(
        template="partner-mall",
        name="11번가 입점",
        open_date=date(2027, 1, 13),
        owners=str(OWNERS),
    )
    yield type("Wired", (), {"cases": cases, "slack": slack, "counts": counts, "clock": clock})
    cases.close()
    slack.stop()


def _count_constructions(monkeypatch: pytest.MonkeyPatch, counts: Counter[str]) -> None:
    import gspread
    import notion_client
    import slack_sdk
    import sqlalchemy

    import cxbot.adapters.yaml_files as yaml_files

    for owner, name in [
        (notion_client.Client, "notion Client"),
        (slack_sdk.WebClient, "slack WebClient"),
        (gspread.Client, "gspread Client"),
    ]:
        original = inspect.getattr_static(owner, "__init__")

        def counting(self: Any, *a: Any, _o: Any = original, _n: str = name, **k: Any) -> None:
            counts[_n] += 1
            _o(self, *a, **k)

        monkeypatch.setattr(owner, "__init__", counting)
    engine = sqlalchemy.create_engine

    def counting_engine(*a: Any, **k: Any) -> Any:
        counts["engine"] += 1
        return engine(*a, **k)

    monkeypatch.setattr(sqlalchemy, "create_engine", counting_engine)
    read_yaml = yaml_files.read_yaml

    def counting_yaml(path: Path) -> Any:
        counts["yaml read"] += 1
        return read_yaml(path)

    monkeypatch.setattr(yaml_files, "read_yaml", counting_yaml)


def test_a_job_tick_builds_no_client_and_reads_no_file(
    wired: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _count_constructions(monkeypatch, wired.counts)
    runner = wired.cases.jobs
    ticks = {
        "status-sync": datetime(2027, 1, 4, 17, 50, tzinfo=SEOUL),
        "calendar-sync": datetime(2027, 1, 4, 17, 45, tzinfo=SEOUL),
        "reminders": datetime(2027, 1, 4, 9, 30, tzinfo=SEOUL),
        "weekly-report": datetime(2027, 1, 4, 9, 0, tzinfo=SEOUL),
    }
    outcomes = {name: runner.execute(name, tick).outcome for name, tick in ticks.items()}
    assert outcomes == dict.fromkeys(ticks, "ok")
    assert sum(wired.counts.values()) == 0, wired.counts
    assert wired.slack.posted()  # the ticks did reach Slack, through the clients built once


def test_a_run_caught_up_at_1752_plans_the_0930_reminders(wired: Any) -> None:
    results = {r.job: r for r in wired.cases.jobs.catch_up()}
    reminders = results["reminders"]
    assert reminders.tick == datetime(2027, 1, 4, 9, 30, tzinfo=SEOUL)
    assert reminders.outcome == "ok" and reminders.summary["late"] is True
    assert reminders.summary["sent"] >= 1
    (run,) = [r for r in wired.cases.service_status.jobs() if r.name == "reminders"]
    assert run.last is not None and run.last.tick == reminders.tick


class _Recording:
    def __init__(self, result: Any) -> None:
        self.calls: list[datetime] = []
        self.result = result
        self.follow_up_result: Any = None

    def run(self, *, now: datetime | None = None, tick: datetime | None = None) -> Any:
        self.calls.append(now or tick)  # type: ignore[arg-type]
        return self.result

    def brief(self, *, now: datetime) -> tuple[()]:
        self.calls.append(now)
        return ()

    def follow_up(self, *, now: datetime) -> Any:
        self.calls.append(now)
        return self.follow_up_result


def test_every_job_function_passes_its_tick_as_now() -> None:
    """Whatever the wall clock says, each use case plans for the scheduled tick."""
    empty = type(
        "Report",
        (),
        {"seen": 0, "changes": (), "diff": None, "guarded": False, "skipped": None, "outcomes": ()},
    )()
    status, calendar, reminders, weekly, briefs = (_Recording(empty) for _ in range(5))
    weekly.result = {}
    briefs.result, briefs.follow_up_result = [], {}
    functions = job_functions(
        status_sync=status,  # type: ignore[arg-type]
        calendar=calendar,  # type: ignore[arg-type]
        reminders=reminders,  # type: ignore[arg-type]
        weekly=weekly,  # type: ignore[arg-type]
        briefs=briefs,  # type: ignore[arg-type]
    )
    tick = datetime(2027, 1, 4, 9, 30, tzinfo=SEOUL)
    for function in functions.values():
        function(tick)
    assert status.calls == [tick] and weekly.calls == [tick]
    assert reminders.calls == [tick, tick]  # the morning run, and the follow-up
    assert calendar.calls == [tick, tick]  # the sync, and the briefing after reminders
    assert briefs.calls == [tick, tick]  # the centres' brief, and its follow-up
