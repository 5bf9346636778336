"""Job runs: one (job, tick) per worker."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select, update

from cxbot.adapters.store.base import SqlBase
from cxbot.adapters.store.tables import (
    job_runs,
)
from cxbot.ports.jobs import JobRun


class SqlJobRuns(SqlBase):
    # job runs -------------------------------------------------------------------
    def claim_run(
        self, job: str, tick: datetime, *, worker: str, now: datetime, stale_before: datetime
    ) -> bool:
        row = {"job": job, "tick": tick, "worker": worker, "outcome": "running", "started_at": now}
        statement = (
            self._dialect.insert(job_runs)
            .on_conflict_do_nothing(index_elements=["job", "tick"])
            .returning(job_runs.c.job)
        )
        with self.engine.begin() as conn:
            if conn.execute(statement, row).first() is not None:
                return True
            taken = conn.execute(
                update(job_runs)
                .where(job_runs.c.job == job, job_runs.c.tick == tick)
                .where(
                    job_runs.c.outcome.in_(["abandoned", "failed"])
                    | ((job_runs.c.outcome == "running") & (job_runs.c.started_at < stale_before))
                )
                .values(
                    worker=worker, outcome="running", started_at=now, finished_at=None, error=None
                )
            )
            return taken.rowcount == 1

    def finish_run(
        self,
        job: str,
        tick: datetime,
        *,
        outcome: str,
        now: datetime,
        summary: dict[str, object] | None = None,
        error: str | None = None,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(job_runs)
                .where(job_runs.c.job == job, job_runs.c.tick == tick)
                .values(
                    outcome=outcome,
                    finished_at=now,
                    error=error,
                    summary=json.dumps(summary, ensure_ascii=False, default=str)
                    if summary is not None
                    else None,
                )
            )

    def runs_of(self, job: str, *, limit: int = 20) -> list[JobRun]:
        query = (
            select(job_runs)
            .where(job_runs.c.job == job)
            .order_by(job_runs.c.tick.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [
                JobRun(
                    job=row.job,
                    tick=row.tick,
                    worker=row.worker,
                    outcome=row.outcome,
                    started_at=row.started_at,
                    finished_at=row.finished_at,
                    summary=json.loads(row.summary) if row.summary else None,
                    error=row.error,
                )
                for row in conn.execute(query)
            ]

    def last_tick(self, job: str) -> datetime | None:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(func.max(job_runs.c.tick)).where(job_runs.c.job == job)
            ).scalar()
        if isinstance(value, str):  # SQLite's max() returns the stored text
            value = datetime.fromisoformat(value)
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value
