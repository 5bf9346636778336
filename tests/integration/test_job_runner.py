"""Scheduled jobs: Seoul times across a holiday week, catch-up, no double runs, health."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cxbot.adapters.cron import cron_trigger
from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.store.sql_store import SqlStore, open_store
from cxbot.adapters.yaml_files import load_schedules
from cxbot.domain.schedule import CatchUp, JobSpec
from cxbot.ports.errors import InputError
from cxbot.ports.jobs import Schedule
from cxbot.service.jobs import JobRunner
from cxbot.settings import PROJECT_ROOT

SEOUL = ZoneInfo("Asia/Seoul")
CAL = korean_calendar(range(2026, 2029))
SCHEDULES = load_schedules(PROJECT_ROOT / "jobs" / "schedule.yaml")


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.now = moment

    def __call__(self) -> datetime:
        return self.now


def _runner(
    store: SqlStore,
    clock: Clock,
    calls: list[tuple[str, datetime]],
    worker: str = "w1",
    fail: set[str] | None = None,
) -> JobRunner:
    def make(name: str) -> Any:
        def job(tick: datetime) -> dict[str, object]:
            calls.append((name, tick))
            if fail and name in fail:
                raise RuntimeError("Notion is down")
            return {"ran": name}

        return job

    return JobRunner(
        runs=store.job_runs,
        schedules=SCHEDULES,
        functions={name: make(name) for name in SCHEDULES},
        calendar=CAL,
        clock=clock,
        worker=worker,
    )


def test_reminders_fire_at_0930_seoul_on_weekdays() -> None:
    ticks = list(
        SCHEDULES["reminders"].ticks(
            datetime(2027, 2, 5, 12, 0, tzinfo=SEOUL), datetime(2027, 2, 13, 0, 0, tzinfo=SEOUL)
        )
    )
    assert [t.astimezone(SEOUL).strftime("%a %m-%d %H:%M") for t in ticks] == [
        "Mon 02-08 09:30",
        "Tue 02-09 09:30",
        "Wed 02-10 09:30",
        "Thu 02-11 09:30",
        "Fri 02-12 09:30",
    ]
    assert all(t.utcoffset() == timedelta(hours=9) for t in ticks)
    # Seollal Monday and the substitute Tuesday fire, and the reminder run itself skips
    # them (it sends nothing on a non-business day): see test_slack_reminders.
    assert [CAL.is_business_day(t.date()) for t in ticks] == [False, False, True, True, True]
    weekly = SCHEDULES["weekly-report"].next_tick(datetime(2027, 2, 5, 12, 0, tzinfo=SEOUL))
    assert weekly == datetime(2027, 2, 8, 9, 0, tzinfo=SEOUL)


def test_numeric_weekdays_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "schedule.yaml"
    path.write_text("jobs:\n  reminders: {cron: '30 9 * * 1-5'}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"names .*0 as Monday"):
        load_schedules(path)


def test_catch_up_policies(sqlite_store: SqlStore) -> None:
    calls: list[tuple[str, datetime]] = []
    clock = Clock(datetime(2027, 2, 10, 14, 7, tzinfo=SEOUL))  # down since yesterday
    results = _runner(sqlite_store, clock, calls).catch_up()
    ran = {name: tick.astimezone(SEOUL) for name, tick in calls}
    assert ran["status-sync"] == datetime(2027, 2, 10, 14, 5, tzinfo=SEOUL)  # once, latest
    assert ran["calendar-sync"] == datetime(2027, 2, 10, 14, 0, tzinfo=SEOUL)
    assert ran["reminders"] == datetime(2027, 2, 10, 9, 30, tzinfo=SEOUL)  # same day: late
    # Monday's report fell on Seollal, when cxbot was down: it runs now, once, for that tick
    assert ran["weekly-report"] == datetime(2027, 2, 8, 9, 0, tzinfo=SEOUL)
    assert {r.outcome for r in results} == {"ok"}
    calls.clear()
    clock.now = datetime(2027, 2, 11, 8, 0, tzinfo=SEOUL)  # next morning, before 09:30
    _runner(sqlite_store, clock, calls).catch_up()
    assert "reminders" not in {name for name, _ in calls}  # yesterday's is not caught up


def test_a_tick_runs_once_even_with_two_workers_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    stores = [open_store(url), open_store(url)]
    calls: list[tuple[str, datetime]] = []
    clock = Clock(datetime(2027, 2, 10, 9, 30, 5, tzinfo=SEOUL))
    runners = [_runner(store, clock, calls, worker=f"w{n}") for n, store in enumerate(stores)]
    tick = datetime(2027, 2, 10, 9, 30, tzinfo=SEOUL)
    results: list[Any] = [None, None]
    barrier = threading.Barrier(2)

    def go(index: int) -> None:
        barrier.wait()
        results[index] = runners[index].execute("reminders", tick)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.outcome for r in results) == ["ok", "skipped"]
    assert calls == [("reminders", tick)]
    for store in stores:
        store.close()


def test_a_run_cut_short_is_taken_over_once_stale(sqlite_store: SqlStore) -> None:
    tick = datetime(2027, 2, 10, 9, 30, tzinfo=SEOUL)
    started = datetime(2027, 2, 10, 9, 30, 1, tzinfo=SEOUL)
    assert sqlite_store.job_runs.claim_run(
        "reminders",
        tick,
        worker="crashed",
        now=started,
        stale_before=started - timedelta(minutes=30),
    )
    calls: list[tuple[str, datetime]] = []
    clock = Clock(started + timedelta(minutes=5))  # restarted soon: the old run may be alive
    runner = _runner(sqlite_store, clock, calls, worker="restarted")
    assert runner.execute("reminders", tick).outcome == "skipped"
    clock.now = started + timedelta(minutes=31)
    assert runner.execute("reminders", tick).outcome == "ok"
    assert calls == [("reminders", tick)]
    (run,) = sqlite_store.job_runs.runs_of("reminders")
    assert run.worker == "restarted" and run.outcome == "ok" and run.summary == {"ran": "reminders"}


def test_failures_are_recorded_and_do_not_stop_other_jobs(sqlite_store: SqlStore) -> None:
    calls: list[tuple[str, datetime]] = []
    clock = Clock(datetime(2027, 2, 10, 14, 7, tzinfo=SEOUL))
    results = _runner(sqlite_store, clock, calls, fail={"status-sync"}).catch_up()
    assert {r.job: r.outcome for r in results}["status-sync"] == "failed"
    assert {r.job: r.outcome for r in results}["calendar-sync"] == "ok"
    (run,) = sqlite_store.job_runs.runs_of("status-sync")
    assert run.outcome == "failed" and "Notion is down" in (run.error or "")


def test_the_dead_mans_switch(sqlite_store: SqlStore) -> None:
    calls: list[tuple[str, datetime]] = []
    clock = Clock(datetime(2027, 2, 10, 9, 50, tzinfo=SEOUL))
    runner = _runner(sqlite_store, clock, calls)
    runner.schedules = {"reminders": SCHEDULES["reminders"]}
    ok, lines = runner.health()
    assert not ok and "no successful run today by 09:45" in lines[0]
    clock.now = datetime(2027, 2, 10, 9, 40, tzinfo=SEOUL)
    assert runner.health()[0]  # before the deadline: fine
    clock.now = datetime(2027, 2, 9, 10, 0, tzinfo=SEOUL)  # the Seollal substitute holiday
    assert runner.health()[0]
    clock.now = datetime(2027, 2, 10, 9, 31, tzinfo=SEOUL)
    runner.due("reminders")
    clock.now = datetime(2027, 2, 10, 9, 50, tzinfo=SEOUL)
    assert runner.health() == (True, ["✓ reminders: last ok run 02-10 09:30"])


def test_syncs_are_unhealthy_after_three_missed_intervals(sqlite_store: SqlStore) -> None:
    calls: list[tuple[str, datetime]] = []
    clock = Clock(datetime(2027, 2, 10, 10, 0, tzinfo=SEOUL))
    runner = _runner(sqlite_store, clock, calls)
    runner.schedules = {"status-sync": SCHEDULES["status-sync"]}
    runner.due("status-sync")
    clock.now += timedelta(minutes=14)
    assert runner.health()[0]
    clock.now += timedelta(minutes=2)
    ok, lines = runner.health()
    assert not ok and "no successful run since" in lines[0]


def test_schedule_spec_validation() -> None:
    with pytest.raises(ValueError, match="five fields"):
        JobSpec(cron="*/5 * * *")
    spec = JobSpec(cron="0 9 * * mon", catch_up=CatchUp.SKIP, deadline=time(9, 15))
    schedule = Schedule("weekly", spec, cron_trigger(spec.cron, SEOUL), SEOUL)
    assert (
        schedule.missed(
            last_tick=None, now=datetime(2027, 2, 15, 10, 0, tzinfo=SEOUL), calendar=CAL
        )
        is None
    )


def test_a_run_this_machine_left_behind_is_taken_over_at_restart(sqlite_store: SqlStore) -> None:
    import socket

    tick = datetime(2027, 2, 10, 9, 30, tzinfo=SEOUL)
    crashed = f"{socket.gethostname()}:999999"  # no such process
    started = datetime(2027, 2, 10, 9, 30, 1, tzinfo=SEOUL)
    sqlite_store.job_runs.claim_run(
        "reminders", tick, worker=crashed, now=started, stale_before=started - timedelta(minutes=30)
    )
    calls: list[tuple[str, datetime]] = []
    clock = Clock(datetime(2027, 2, 10, 9, 40, tzinfo=SEOUL))  # restarted 10 minutes later
    runner = _runner(sqlite_store, clock, calls)
    runner.schedules = {"reminders": SCHEDULES["reminders"]}
    (result,) = runner.catch_up()
    assert result.outcome == "ok" and calls == [("reminders", tick)]


def test_a_failed_tick_is_retried_at_restart(sqlite_store: SqlStore) -> None:
    calls: list[tuple[str, datetime]] = []
    clock = Clock(datetime(2027, 2, 10, 9, 31, tzinfo=SEOUL))
    runner = _runner(sqlite_store, clock, calls, fail={"reminders"})
    runner.schedules = {"reminders": SCHEDULES["reminders"]}
    failed = runner.due("reminders")
    assert failed is not None and failed.outcome == "failed"
    clock.now = datetime(2027, 2, 10, 11, 0, tzinfo=SEOUL)
    retry = _runner(sqlite_store, clock, calls)
    retry.schedules = runner.schedules
    (result,) = retry.catch_up()
    assert result.outcome == "ok" and len(calls) == 2


def test_disabled_jobs_neither_catch_up_nor_count_for_health(sqlite_store: SqlStore) -> None:
    calls: list[tuple[str, datetime]] = []
    clock = Clock(datetime(2027, 2, 10, 14, 7, tzinfo=SEOUL))
    runner = _runner(sqlite_store, clock, calls)
    off = SCHEDULES["calendar-sync"]
    disabled = Schedule(
        "calendar-sync", off.spec.model_copy(update={"enabled": False}), off.trigger, off.tz
    )
    runner.schedules = {"status-sync": SCHEDULES["status-sync"], "calendar-sync": disabled}
    runner.catch_up()
    assert {name for name, _ in calls} == {"status-sync"}
    ok, lines = runner.health()
    assert ok and "· calendar-sync: disabled" in lines


def test_a_weekly_job_is_judged_by_its_own_schedule_since_the_service_started(
    sqlite_store: SqlStore,
) -> None:
    calls: list[tuple[str, datetime]] = []
    clock = Clock(datetime(2027, 2, 16, 10, 0, tzinfo=SEOUL))  # Tuesday: Monday's tick passed
    runner = _runner(sqlite_store, clock, calls)
    runner.schedules = {"weekly-report": SCHEDULES["weekly-report"]}
    assert not runner.health()[0]  # without a start time: "never succeeded"
    runner.started_at = clock.now  # deployed today
    assert runner.health()[0]
    clock.now += timedelta(weeks=3, days=1)  # three weekly chances since, none succeeded
    ok, lines = runner.health()
    assert not ok and "never succeeded" in lines[0]


def test_a_job_that_runs_in_working_hours_is_not_late_at_night(sqlite_store: SqlStore) -> None:
    calls: list[tuple[str, datetime]] = []
    clock = Clock(datetime(2027, 2, 10, 19, 56, tzinfo=SEOUL))
    runner = _runner(sqlite_store, clock, calls)
    runner.schedules = {"reminder-follow-up": SCHEDULES["reminder-follow-up"]}
    runner.due("reminder-follow-up")  # its last tick of the day, 19:55
    clock.now = datetime(2027, 2, 10, 23, 30, tzinfo=SEOUL)
    assert runner.health()[0]  # its next ticks are tomorrow from 09:00
    clock.now = datetime(2027, 2, 11, 9, 16, tzinfo=SEOUL)  # 09:00, 09:05, 09:10 missed
    ok, lines = runner.health()
    assert not ok and "no successful run since" in lines[0]
