"""Running scheduled jobs: one run per (job, tick), recorded, caught up after downtime.

The job functions take their scheduled tick and are idempotent, so the same functions
run under any engine (APScheduler in `cxbot run`, or a distributed queue).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cxbot.domain.calendar import BusinessCalendar
from cxbot.ports.common import Clock
from cxbot.ports.jobs import JobRun, JobRuns, Schedule

log = logging.getLogger(__name__)

JobFunction = Callable[[datetime], Mapping[str, object]]
STALE_AFTER = timedelta(minutes=30)


@dataclass(frozen=True, kw_only=True)
class RunResult:
    job: str
    tick: datetime
    outcome: str  # ok, failed, skipped (another worker has it, or it ran)
    summary: Mapping[str, object] = field(default_factory=dict)
    error: str | None = None


@dataclass(kw_only=True)
class JobRunner:
    runs: JobRuns
    schedules: dict[str, Schedule]
    functions: dict[str, JobFunction]
    calendar: BusinessCalendar
    clock: Clock
    worker: str
    stale_after: timedelta = STALE_AFTER
    checks: tuple[Callable[[datetime], str | None], ...] = ()
    """Further health checks: each returns what is wrong, or None."""
    started_at: datetime | None = None
    """When this service started (set by `cxbot run`): a job is judged by its own schedule
    since then, so a weekly job is not "never succeeded" the day after a deploy."""

    def execute(self, name: str, tick: datetime, *, takeover: bool = False) -> RunResult:
        """Runs one tick of one job unless another worker has (or had) it.

        `takeover` is for a run handed over from a worker known to be dead: a run it
        left 'running' is taken over at once instead of after `stale_after`.
        """
        now = self.clock()
        stale_before = now if takeover else now - self.stale_after
        if not self.runs.claim_run(
            name, tick, worker=self.worker, now=now, stale_before=stale_before
        ):
            return RunResult(job=name, tick=tick, outcome="skipped")
        log.info("job %s: running tick %s", name, tick.isoformat())
        try:
            summary = dict(self.functions[name](tick))
        except Exception as error:  # a job's failure is recorded, never the scheduler's
            log.exception("job %s: tick %s failed", name, tick.isoformat())
            self.runs.finish_run(
                name,
                tick,
                outcome="failed",
                now=self.clock(),
                error=f"{type(error).__name__}: {error}",
            )
            return RunResult(job=name, tick=tick, outcome="failed", error=str(error))
        self.runs.finish_run(name, tick, outcome="ok", now=self.clock(), summary=summary)
        log.info("job %s: tick %s done %s", name, tick.isoformat(), summary)
        return RunResult(job=name, tick=tick, outcome="ok", summary=summary)

    def due(self, name: str) -> RunResult | None:
        """Runs the job's latest tick (what the scheduler calls when the job fires).

        A failure outside the job itself is the store (PostgreSQL stopped, the disk
        full): one line per tick, no traceback, and the next tick tries again — what a
        tick missed meanwhile is run then, exactly once (the ledger settles it)."""
        tick = self.schedules[name].latest_tick(self.clock())
        if tick is None:
            return None
        try:
            return self.execute(name, tick)
        except Exception as error:
            reason = _first_line(error)
            log.error(
                "job %s: tick %s could not run, the store is unreachable (%s); the next "
                "tick tries again",
                name,
                tick.isoformat(),
                reason,
            )
            log.debug("job %s: the store's error", name, exc_info=True)
            return RunResult(job=name, tick=tick, outcome="failed", error=reason)

    def catch_up(self) -> list[RunResult]:
        """At start-up: runs what was missed while down, per each job's policy."""
        now = self.clock()
        results = []
        for name, schedule in self.schedules.items():
            if not schedule.spec.enabled:
                continue
            runs = self.runs.runs_of(name, limit=10)
            last_ok = next((r.tick for r in runs if r.outcome == "ok"), None)
            tick = schedule.missed(last_tick=last_ok, now=now, calendar=self.calendar)
            if tick is None:
                continue
            earlier = next((r for r in runs if r.tick == tick), None)
            # A run this machine started before it crashed can be taken over at once.
            takeover = (
                earlier is not None
                and earlier.outcome == "running"
                and worker_is_gone(earlier.worker)
            )
            log.info(
                "job %s: catching up tick %s%s",
                name,
                tick.isoformat(),
                f" (taking over from {earlier.worker}, which is gone)"
                if takeover and earlier is not None
                else "",
            )
            results.append(self.execute(name, tick, takeover=takeover))
        return results

    def health(self) -> tuple[bool, list[str]]:
        """A dead-man's switch: fails when a job that should have run has not, or when
        the store cannot be read (then no job can run)."""
        try:
            return self._health()
        except Exception as error:
            return False, [f"✗ store: cannot be read ({_first_line(error)}); no job can run"]

    def _health(self) -> tuple[bool, list[str]]:
        now = self.clock()
        ok, lines = True, []
        for name, schedule in self.schedules.items():
            if not schedule.spec.enabled:
                lines.append(f"· {name}: disabled")
                continue
            runs = self.runs.runs_of(name, limit=5)
            last_ok = next((r for r in runs if r.outcome == "ok"), None)
            latest = schedule.latest_tick(now)
            problem = self._overdue(schedule, latest, last_ok, now)
            if problem:
                ok = False
                lines.append(f"✗ {name}: {problem}")
            else:
                when = (
                    last_ok.tick.astimezone(schedule.tz).strftime("%m-%d %H:%M") if last_ok else "-"
                )
                lines.append(f"✓ {name}: last ok run {when}")
        for check in self.checks:
            problem = check(now)
            if problem:
                ok = False
                lines.append(f"✗ {problem}")
        return ok, lines

    def _overdue(
        self, schedule: Schedule, latest: datetime | None, last_ok: JobRun | None, now: datetime
    ) -> str | None:
        deadline = schedule.spec.deadline
        local = now.astimezone(schedule.tz)
        if deadline is not None:
            today = local.date()
            if not self.calendar.is_business_day(today) or local.time() < deadline:
                return None
            if latest is None or latest.astimezone(schedule.tz).date() != today:
                return None  # not scheduled today
            if last_ok is None or last_ok.tick.astimezone(schedule.tz).date() != today:
                return f"no successful run today by {deadline:%H:%M}"
            return None
        if latest is None:
            return None
        previous = schedule.latest_tick(latest - timedelta(seconds=1))
        if previous is None:
            return None
        interval = latest - previous
        base = last_ok.tick if last_ok is not None else self.started_at
        if base is None:
            return f"never succeeded (it runs every {interval})"
        # Unhealthy once three of its own ticks have passed since the last success (or
        # since the service started): a job that runs 09–19 is not late at night.
        tick: datetime | None = base
        for _ in range(3):
            assert tick is not None
            tick = schedule.next_tick(tick + timedelta(seconds=1))
            if tick is None or tick > now:
                return None
        if last_ok is None:
            return f"never succeeded since the service started (it runs every {interval})"
        return f"no successful run since {last_ok.tick.isoformat()} (it runs every {interval})"


def worker_is_gone(worker: str) -> bool:
    """True for a worker id (host:pid) of this host whose process no longer exists."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _first_line(error: BaseException) -> str:
    """An error in one line, without a driver's multi-line detail."""
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"[:300]
