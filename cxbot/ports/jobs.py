"""Scheduled jobs: the record of every run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


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
