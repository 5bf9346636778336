"""Scheduled jobs: when they fire (a schedule over a cron trigger) and the record of every run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.schedule import CatchUp, JobSpec


@dataclass(frozen=True, kw_only=True)
class JobRun:
    job: str
    tick: datetime
    worker: str
    outcome: str  # running, ok, failed, abandoned
    started_at: datetime
    finished_at: datetime | None = None
    summary: dict[str, object] | None = None
    error: str | None = None


class JobRuns(Protocol):
    """The record of every job run; a (job, tick) is run by one worker only."""

    def claim_run(
        self, job: str, tick: datetime, *, worker: str, now: datetime, stale_before: datetime
    ) -> bool:
        """Starts the tick's run; False when another worker has it (or it is done).

        A run still 'running' since before `stale_before`, 'abandoned' or 'failed' is
        taken over (a failed tick is retried).
        """
        ...

    def finish_run(
        self,
        job: str,
        tick: datetime,
        *,
        outcome: str,
        now: datetime,
        summary: dict[str, object] | None = None,
        error: str | None = None,
    ) -> None: ...

    def runs_of(self, job: str, *, limit: int = 20) -> list[JobRun]:
        """Newest first."""
        ...

    def last_tick(self, job: str) -> datetime | None: ...


class Trigger(Protocol):
    """A job's fire times (APScheduler's CronTrigger has this shape)."""

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None: ...


LOOKBACK = timedelta(days=8)


@dataclass(frozen=True)
class Schedule:
    name: str
    spec: JobSpec
    trigger: Trigger
    tz: ZoneInfo

    def ticks(self, after: datetime, until: datetime) -> Iterator[datetime]:
        """Fire times in (after, until]."""
        moment = self.trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
        while moment is not None and moment <= until:
            yield moment
            moment = self.trigger.get_next_fire_time(moment, moment + timedelta(microseconds=1))

    def next_tick(self, now: datetime) -> datetime | None:
        found = self.trigger.get_next_fire_time(None, now.astimezone(self.tz))
        return found if found is None else found.astimezone(self.tz)

    def latest_tick(self, now: datetime) -> datetime | None:
        """The last fire time at or before `now` (within a week)."""
        latest = None
        for tick in self.ticks(now - LOOKBACK, now):
            latest = tick
        return latest

    def missed(
        self, *, last_tick: datetime | None, now: datetime, calendar: BusinessCalendar
    ) -> datetime | None:
        """The tick to run now for what was missed while down, per the job's policy."""
        latest = self.latest_tick(now)
        if latest is None or (last_tick is not None and latest <= last_tick):
            return None
        policy = self.spec.catch_up
        if policy is CatchUp.ONCE:
            return latest
        if policy is CatchUp.SAME_BUSINESS_DAY:
            today = now.astimezone(self.tz).date()
            local = latest.astimezone(self.tz)
            if local.date() == today and calendar.is_business_day(today):
                return latest
        return None
