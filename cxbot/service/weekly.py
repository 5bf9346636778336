"""The weekly digest to the CX channel: every running launch's progress and what is late."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.ports.checklists import LaunchRepository
from cxbot.service.alerts import CxAlerts
from cxbot.service.delivery import Message

WINDOW_BEFORE = timedelta(days=60)
WINDOW_AFTER = timedelta(days=21)


@dataclass(frozen=True, kw_only=True)
class LaunchWeek:
    launch: Launch
    done: int
    total: int
    overdue: list[ChecklistItem]
    blocked: list[ChecklistItem]


class WeeklyComposer(Protocol):
    def __call__(self, weeks: list[LaunchWeek], *, today: date) -> Message: ...


@dataclass(frozen=True, kw_only=True)
class WeeklyDigest:
    store: LaunchRepository
    alerts: CxAlerts
    compose: WeeklyComposer
    clock: Callable[[], datetime] | None = None
    """The wall clock, for the alert's timestamps; the tick when not given."""

    def run(self, *, tick: datetime, now: datetime | None = None) -> dict[str, object]:
        today = tick.date()
        now = now or (self.clock() if self.clock else tick)
        weeks = []
        for launch in self.store.list_launches():
            if not today - WINDOW_AFTER <= launch.open_date <= today + WINDOW_BEFORE:
                continue
            items = self.store.items_of(launch.key)
            weeks.append(
                LaunchWeek(
                    launch=launch,
                    done=sum(1 for i in items if i.status is ItemStatus.DONE),
                    total=len(items),
                    overdue=[i for i in items if i.status.is_open and i.due < today],
                    blocked=[i for i in items if i.status is ItemStatus.BLOCKED],
                )
            )
        if weeks:
            self.alerts.queue(f"weekly|{today.isoformat()}", self.compose(weeks, today=today), now)
        sent = self.alerts.deliver(now)
        return {"launches": len(weeks), "alerts": len(sent)}
