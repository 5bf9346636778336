"""The demo: a partner-mall launch 30 days out, today's reminders, a sample calendar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from cxbot.domain.centre_brief import Brief
from cxbot.domain.centres import Centre
from cxbot.ports.common import Clock
from cxbot.ports.messages import Message
from cxbot.service.calendar_sync import CalendarReport, CalendarSync
from cxbot.service.centre_briefs import CentreBriefs
from cxbot.service.launches import Launches, LaunchResult
from cxbot.service.reminders import ReminderReport, Reminders
from cxbot.service.weekly_report import RenderedReport, WeeklyReports

DEMO_NAME = "데모 제휴몰 입점"


@dataclass(frozen=True, kw_only=True)
class DemoResult:
    plan: LaunchResult
    today: date
    reminders: ReminderReport
    calendar: CalendarReport
    calendar_file: str
    report: RenderedReport  # this week's report, as HTML
    briefs: list[tuple[Centre, Brief, Message]]  # the brief the sample centre gets today


@dataclass(frozen=True, kw_only=True)
class Demo:
    launches: Launches
    reminders: Reminders
    calendar_from_file: Callable[[str], CalendarSync]
    write_calendar: Callable[[date], str]
    owners_file: str
    clock: Clock
    weekly: WeeklyReports
    briefs: CentreBriefs

    def run(self, *, open_date: date | None = None) -> DemoResult:
        """Idempotent: running it again changes nothing (or moves the opening day)."""
        today = self.clock().date()
        plan = self.launches.create_or_move(
            template="partner-mall",
            name=DEMO_NAME,
            open_date=open_date or today + timedelta(days=30),
            owners=self.owners_file,
        )
        reminders = self.reminders.run(now=self.clock(), dry_run=True)
        calendar_file = self.write_calendar(today)
        calendar = self.calendar_from_file(calendar_file).run(now=self.clock())
        report = self.weekly.render(self.weekly.picture(today=today), "html")
        briefs = self.briefs.preview(today=self.briefs.next_brief_day(today))
        return DemoResult(
            plan=plan,
            today=today,
            reminders=reminders,
            calendar=calendar,
            calendar_file=calendar_file,
            report=report,
            briefs=briefs,
        )
