"""`audit verify` sees what was done to the records themselves, run straight on the
database: a decision, an item or a launch deleted, a launch's or promotion's field
changed, a field set that was empty — on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from cxbot.bootstrap import build
from cxbot.domain.changes import ChangeSource
from cxbot.service.decision_log import DecisionDraft
from cxbot.service.usecases import CxBot
from cxbot.settings import PROJECT_ROOT, Settings
from tests.conftest import ManualClock

NOW = datetime(2027, 1, 4, 0, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def cases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CxBot]:
    url = (
        f"sqlite:///{tmp_path / 'cxbot.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    settings = Settings(
        cxbot_database_url=url,
        cxbot_outbox=tmp_path / "outbox.jsonl",
        cxbot_audit_anchor=tmp_path / "audit-anchor.json",
        cxbot_actor="cli:tester",
        cxbot_calendar_file=PROJECT_ROOT / "examples" / "promotions.csv",
    )
    bot = build(settings, clock=ManualClock(NOW), embedded=True)
    bot.launches.create(template="partner-mall", name="11번가 입점", open_date=date(2027, 2, 15))
    bot.decisions.add(
        DecisionDraft(project="감사", title="환불 기준", decision="전액 환불"),
        actor="cli:tester",
        source=ChangeSource.CLI,
        now=NOW,
    )
    bot.calendar.run(now=NOW)
    assert bot.audit.verify().ok, bot.audit.verify().summary
    yield bot
    bot.close()


def _tamper(bot: CxBot, *statements: str) -> None:
    """What someone with the database does, around cxbot: plain SQL, foreign keys off (the
    sqlite3 shell's default; PostgreSQL's replica role)."""
    store: Any = bot.launches.store  # the SQL store, under its port
    engine = store.engine
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
        for statement in statements:
            conn.execute(text(statement))


def _second_item(bot: CxBot) -> str:
    (launch,) = bot.launches.all()
    return bot.launches.items(launch.key)[1].key


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        ("DELETE FROM decisions", "decision D-감사-1 is gone"),
        ("DELETE FROM checklist_items WHERE key = :item", "checklist item {item} is gone"),
        ("DELETE FROM launches", "launch {launch} is gone"),
        ("UPDATE launches SET name = 'other'", "launch {launch}: name is 'other'"),
        ("UPDATE decisions SET context = '위조된 맥락'", "decision D-감사-1: context"),
        ("UPDATE promotions SET name = '가짜' WHERE key = :promotion", "promotion {promotion}"),
        ("DELETE FROM promotions WHERE key = :promotion", "promotion {promotion} is gone"),
    ],
)
def test_each_tamper_is_named(cases: CxBot, tamper: str, named: str) -> None:
    (launch,) = cases.launches.all()
    item = _second_item(cases)
    promotion = sorted(cases.calendar.store.promotions())[0]
    statement = tamper.replace(":item", f"'{item}'").replace(":promotion", f"'{promotion}'")
    _tamper(cases, statement)
    report = cases.audit.verify()
    assert not report.ok
    expected = named.format(item=item, launch=launch.key, promotion=promotion)
    assert any(expected in problem for problem in report.problems), report.problems


def test_a_deleted_launch_names_its_items_too(cases: CxBot) -> None:
    (launch,) = cases.launches.all()
    count = len(cases.launches.items(launch.key))
    _tamper(cases, "DELETE FROM checklist_items", "DELETE FROM launches")
    problems = cases.audit.verify().problems
    assert sum("is gone" in p and "checklist item" in p for p in problems) == count
    assert any(f"launch {launch.key} is gone" in p for p in problems)
