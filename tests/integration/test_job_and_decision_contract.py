"""One contract for the job-run record and the decision repository: memory, SQLite, PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from cxbot.domain.changes import Change, ChangeSource
from cxbot.domain.decisions import Decision, DecisionStatus, Position

T0 = datetime(2027, 1, 4, 0, 30, tzinfo=UTC)
TICK = datetime(2027, 1, 4, 0, 30, tzinfo=UTC)


def test_a_tick_is_claimed_by_one_worker(any_store: Any) -> None:
    runs = any_store.job_runs
    assert runs.claim_run("reminders", TICK, worker="a:1", now=T0, stale_before=T0)
    assert not runs.claim_run("reminders", TICK, worker="b:2", now=T0, stale_before=T0)
    runs.finish_run("reminders", TICK, outcome="ok", now=T0, summary={"sent": 3})
    assert not runs.claim_run("reminders", TICK, worker="b:2", now=T0, stale_before=T0)
    (run,) = runs.runs_of("reminders")
    assert (run.worker, run.outcome, run.summary) == ("a:1", "ok", {"sent": 3})
    assert runs.last_tick("reminders") == TICK and runs.last_tick("other") is None


def test_failed_and_stale_runs_are_taken_over(any_store: Any) -> None:
    runs = any_store.job_runs
    runs.claim_run("sync", TICK, worker="a:1", now=T0, stale_before=T0)
    later = T0 + timedelta(minutes=10)
    assert not runs.claim_run("sync", TICK, worker="b:2", now=later, stale_before=T0)
    assert runs.claim_run("sync", TICK, worker="b:2", now=later, stale_before=later)
    runs.finish_run("sync", TICK, outcome="failed", now=later, error="boom")
    assert runs.runs_of("sync")[0].error == "boom"
    assert runs.claim_run("sync", TICK, worker="c:3", now=later, stale_before=T0)
    assert runs.runs_of("sync")[0].worker == "c:3"


def test_runs_are_listed_newest_first(any_store: Any) -> None:
    runs = any_store.job_runs
    for n in range(3):
        tick = TICK + timedelta(minutes=5 * n)
        runs.claim_run("sync", tick, worker="a:1", now=T0, stale_before=T0)
    assert [r.tick for r in runs.runs_of("sync", limit=2)] == [
        TICK + timedelta(minutes=10),
        TICK + timedelta(minutes=5),
    ]


def _decision(n: int, project: str = "자동취소 어드민", **extra: Any) -> Decision:
    return Decision(
        key=f"D-auto-{n}",
        project=project,
        title=f"결정 {n}",
        decision="상담 어드민에 탭을 추가한다",
        decided_on=date(2027, 1, 4),
        participants=(Position.parse("개발팀 최민수: 2021년에 공유함"),),
        links=("https://cx.slack.com/archives/C1/p1",),
        **extra,
    )


def test_decisions_and_their_changes_are_saved_together(any_store: Any) -> None:
    change = Change(
        entity="decision",
        entity_id="D-auto-1",
        field="status",
        old=None,
        new="decided",
        actor="cli:tester",
        source=ChangeSource.CLI,
        at=T0,
    )
    any_store.decisions.save_decisions([_decision(1)], [change])
    assert any_store.decisions.get_decision("D-auto-1") == _decision(1)
    assert any_store.history.changes(entity_id_prefix="D-auto-1") == [change]
    assert any_store.decisions.get_decision("missing") is None


def test_decisions_are_upserted_filtered_and_ordered_by_number(any_store: Any) -> None:
    repo = any_store.decisions
    repo.save_decisions([_decision(n) for n in (10, 9)] + [_decision(1, project="other")], [])
    reverted = _decision(9, status=DecisionStatus.REVERTED)
    repo.save_decisions([reverted], [])
    assert [d.key for d in repo.decisions("자동취소 어드민")] == ["D-auto-9", "D-auto-10"]
    assert repo.get_decision("D-auto-9").status is DecisionStatus.REVERTED
    assert len(repo.decisions()) == 3
