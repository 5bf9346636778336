"""The launch checklists and the scheduled jobs' use cases: launches, the promotion calendar,
reminders, status sync, the weekly report and the contact centre's brief.
"""

from __future__ import annotations

import functools
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from cxbot.adapters.demo_calendar import write_demo_calendar
from cxbot.adapters.mail.brief_pages import MailBriefPages
from cxbot.adapters.reports.lazy_charts import LazyCharts
from cxbot.adapters.reports.pages import JinjaReportPages
from cxbot.adapters.slack.brief_messages import SlackBriefMessages
from cxbot.adapters.slack.calendar_messages import CalendarComposer
from cxbot.adapters.slack.messages import DigestComposer
from cxbot.adapters.yaml_files import (
    load_centres,
    load_schedules,
)
from cxbot.bootstrap.core import Core, mailer_of
from cxbot.bootstrap.parts import Parts
from cxbot.ports.promotions import PromotionSource
from cxbot.service.board_outbox import BoardOutbox
from cxbot.service.board_rows import BoardRows
from cxbot.service.brief_confirmations import BriefConfirmations
from cxbot.service.brief_sending import BriefSending
from cxbot.service.calendar_sync import CalendarSettings, CalendarSync
from cxbot.service.centre_briefs import CentreBriefs
from cxbot.service.item_ticks import ItemTicks
from cxbot.service.jobs import JobRunner
from cxbot.service.launches import Launches
from cxbot.service.notion_webhooks import count_polling_catch
from cxbot.service.reminders import Reminders
from cxbot.service.scheduled_jobs import job_functions
from cxbot.service.status_sync import StatusSync
from cxbot.service.weekly_report import WeeklyReports
from cxbot.settings import PROJECT_ROOT, Settings

DEMO_CALENDAR = PROJECT_ROOT / "examples" / "promotions-demo.csv.j2"
DEMO_CENTRES = PROJECT_ROOT / "examples" / "centres.yaml"


def launch_use_cases(settings: Settings, parts: Parts, core: Core) -> tuple[Launches, ItemTicks]:
    store = parts.store.launches

    outbox = BoardOutbox(store=store, board=parts.notion.checklist, on_landed=parts.slack.on_landed)
    ticks = ItemTicks(store=store, outbox=outbox)
    launches = Launches(
        store=store,
        board=parts.notion.checklist,
        calendar=core.calendar,
        templates=core.templates,
        ticks=ticks,
        actor=settings.cxbot_actor,
        clock=parts.clock,
        history=parts.store.history,
    )
    return launches, ticks


def calendar_syncs(
    settings: Settings, parts: Parts, core: Core
) -> Callable[[PromotionSource], CalendarSync]:
    """The promotion calendar's sync, from a source (the configured one, or a file)."""
    composer = CalendarComposer(core.renderer)
    calendar_settings = CalendarSettings(
        lead_business_days=settings.cxbot_calendar_lead_days,
        guard_share=settings.cxbot_calendar_guard,
        brief_business_days=settings.cxbot_calendar_brief_days,
        headers=settings.calendar_headers or None,
    )

    def sync_from(source: PromotionSource) -> CalendarSync:
        return CalendarSync(
            store=parts.store.promotions,
            cursors=parts.store.cursors,
            source=source,
            board=parts.notion.promotions,
            delivery=core.delivery,
            cx=core.reminders.routing.cx(),
            compose=composer,
            calendar=core.calendar,
            settings=calendar_settings,
            clock=parts.clock,
        )

    return sync_from


@dataclass(frozen=True, kw_only=True)
class _Scheduled:
    """The scheduled jobs and the runner that fires them on their ticks."""

    reminders: Reminders
    status_sync: StatusSync
    weekly: WeeklyReports
    briefs: CentreBriefs
    runner: JobRunner


def scheduled_jobs(
    settings: Settings,
    parts: Parts,
    core: Core,
    ticks: ItemTicks,
    promotions: CalendarSync,
    rows: BoardRows,
) -> _Scheduled:
    store, clock = parts.store, parts.clock
    reminders = Reminders(
        store=store.launches,
        ledger=store.ledger,
        notifier=parts.slack.notifier,
        compose=DigestComposer(core.renderer),
        calendar=core.calendar,
        settings=core.reminders,
        clock=clock,
    )
    status_sync = StatusSync(
        board=parts.notion.checklist,
        store=store.launches,
        cursors=store.cursors,
        ticks=ticks,
        clock=clock,
        outbox=ticks.outbox,
        on_caught=functools.partial(count_polling_catch, store.cursors, core.webhook_token),
        rows=rows,
    )
    weekly = _weekly(settings, parts, core)
    briefs = _briefs(settings, parts, core)
    runner = JobRunner(
        runs=store.job_runs,
        schedules=load_schedules(settings.cxbot_schedule_file),
        functions=job_functions(
            status_sync=status_sync,
            calendar=promotions,
            reminders=reminders,
            weekly=weekly,
            briefs=briefs,
        ),
        calendar=core.calendar,
        clock=clock,
        worker=f"{socket.gethostname()}:{os.getpid()}",
        checks=(reminders.overdue_claims,),
    )
    return _Scheduled(
        reminders=reminders, status_sync=status_sync, weekly=weekly, briefs=briefs, runner=runner
    )


def _weekly(settings: Settings, parts: Parts, core: Core) -> WeeklyReports:
    store = parts.store
    pages = JinjaReportPages(core.renderer)
    return WeeklyReports(
        launches=store.launches,
        history=store.history,
        decisions=store.decisions,
        promotions=store.promotions,
        calendar=core.calendar,
        tz=parts.clock.tz,
        lead_required=settings.cxbot_calendar_lead_days,
        charts=LazyCharts(core.renderer.labels["chart"]),
        pages=pages,
        summary=pages,
        delivery=core.delivery,
        cx=core.reminders.routing.cx(),
        clock=parts.clock,
    )


def _briefs(settings: Settings, parts: Parts, core: Core) -> CentreBriefs:
    """The contact centres' brief: Slack (or the outbox) for centres with a channel, SMTP
    for the others."""
    store = parts.store
    compose = SlackBriefMessages(core.renderer, core.calendar)
    sending = BriefSending(records=store.briefs, delivery=core.delivery, mailer=mailer_of(settings))
    return CentreBriefs(
        centres=core.centres,
        launches=store.launches,
        templates=core.templates,
        promotions=store.promotions,
        history=store.history,
        records=store.briefs,
        sending=sending,
        confirmations=BriefConfirmations(
            centres=core.centres,
            records=store.briefs,
            sending=sending,
            compose=compose,
            calendar=core.calendar,
            tz=parts.clock.tz,
            cx=core.reminders.routing.cx(),
        ),
        compose=compose,
        pages=MailBriefPages(core.renderer, core.calendar),
        calendar=core.calendar,
        tz=parts.clock.tz,
        lead_required=settings.cxbot_calendar_lead_days,
        clock=parts.clock,
    )


def demo_briefs(briefs: CentreBriefs) -> CentreBriefs:
    """The demo's briefs: the sample centre when none is configured (previewed only)."""
    centres = load_centres(DEMO_CENTRES)
    return replace(
        briefs, centres=centres, confirmations=replace(briefs.confirmations, centres=centres)
    )


def demo_calendar_file(today: date) -> str:
    return str(write_demo_calendar(DEMO_CALENDAR, today))
