"""The scheduled jobs as functions of their tick: the tick is the `now` each plans with.

The same functions run under `cxbot run` (APScheduler), `cxbot worker` (procrastinate)
and the catch-up at start-up; none of them builds anything.
"""

from __future__ import annotations

from datetime import datetime

from cxbot.ports.errors import NotConfigured
from cxbot.service.calendar_sync import CalendarSync
from cxbot.service.centre_briefs import CentreBriefs
from cxbot.service.jobs import JobFunction
from cxbot.service.reminders import Reminders
from cxbot.service.status_sync import StatusSync
from cxbot.service.weekly_report import WeeklyReports


def job_functions(
    *,
    status_sync: StatusSync,
    calendar: CalendarSync,
    reminders: Reminders,
    weekly: WeeklyReports,
    briefs: CentreBriefs,
) -> dict[str, JobFunction]:
    def status_sync_job(tick: datetime) -> dict[str, object]:
        report = status_sync.run(now=tick)
        return {"pages_read": report.seen, "changes": len(report.changes)}

    def calendar_sync_job(tick: datetime) -> dict[str, object]:
        try:
            report = calendar.run(now=tick)
        except NotConfigured as nothing:  # no calendar at all: nothing to do, not a failure
            return {"changes": 0, "skipped": str(nothing)}
        diff = report.diff
        return {
            "changes": len(diff.changes) if diff else 0,
            "guarded": report.guarded,
            "unchanged": bool(report.skipped),
        }

    def reminders_job(tick: datetime) -> dict[str, object]:
        report = reminders.run(now=tick)
        briefs = () if report.skipped else calendar.brief(now=tick)
        states = [o.state for o in report.outcomes]
        return {
            "sent": states.count("sent"),
            "failed": states.count("failed"),
            "unknown": states.count("unknown"),
            "skipped": str(report.skipped) if report.skipped else "",
            "late": any(o.late for o in report.outcomes),
            "briefs": len(briefs),
        }

    def follow_up_job(tick: datetime) -> dict[str, object]:
        report = reminders.follow_up(now=tick)
        if report is None:
            return {"unsettled": 0}
        states = [o.state for o in report.outcomes]
        return {
            "recovered": len(report.recovered),
            "released": len(report.released),
            "sent": states.count("sent"),
        }

    def weekly_job(tick: datetime) -> dict[str, object]:
        return weekly.run(tick=tick)

    def brief_job(tick: datetime) -> dict[str, object]:
        sent = briefs.run(now=tick)
        return {s.centre: s.state for s in sent}

    def brief_follow_up_job(tick: datetime) -> dict[str, object]:
        return briefs.follow_up(now=tick)

    return {
        "status-sync": status_sync_job,
        "calendar-sync": calendar_sync_job,
        "reminders": reminders_job,
        "reminder-follow-up": follow_up_job,
        "weekly-report": weekly_job,
        "centre-brief": brief_job,
        "centre-follow-up": brief_follow_up_job,
    }
