"""What `cxbot status` says about the service: each job's last and next run, the backlog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cxbot.ports.common import Clock
from cxbot.ports.jobs import JobRun
from cxbot.ports.promotions import AlertOutbox
from cxbot.ports.reminders import ReminderLedger
from cxbot.service.jobs import JobRunner


@dataclass(frozen=True, kw_only=True)
class JobLine:
    name: str
    cron: str
    enabled: bool
    next_tick: datetime | None
    last: JobRun | None
    last_failure: JobRun | None


@dataclass(frozen=True, kw_only=True)
class Backlog:
    unsettled: int
    failed_today: int
    alerts_waiting: int


@dataclass(frozen=True, kw_only=True)
class ServiceStatus:
    runner: JobRunner
    ledger: ReminderLedger
    outbox: AlertOutbox
    clock: Clock

    def jobs(self) -> list[JobLine]:
        now = self.clock()
        lines = []
        for name, schedule in self.runner.schedules.items():
            runs = self.runner.runs.runs_of(name, limit=20)
            lines.append(
                JobLine(
                    name=name,
                    cron=schedule.spec.cron,
                    enabled=schedule.spec.enabled,
                    next_tick=schedule.next_tick(now),
                    last=runs[0] if runs else None,
                    last_failure=next((r for r in runs if r.outcome == "failed"), None),
                )
            )
        return lines

    def backlog(self) -> Backlog:
        states = self.ledger.reminder_states(self.clock().date()).values()
        return Backlog(
            unsettled=len(self.ledger.unsettled()),
            failed_today=sum(1 for s in states if s == "failed"),
            alerts_waiting=len(self.outbox.pending_alerts()),
        )
