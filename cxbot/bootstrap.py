"""The composition root: the only place that reads settings and builds real clients."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from notion_client import Client
from notion_client.client import ClientOptions, RetryOptions
from slack_sdk import WebClient

from cxbot.adapters.calendar_sources import (
    GoogleSheetSource,
    LocalFileSource,
    service_account_client,
)
from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.local_board import LocalBoard
from cxbot.adapters.notion.api import NotionApi
from cxbot.adapters.notion.board import NotionChecklistBoard
from cxbot.adapters.notion.decisions import NotionDecisionBoard
from cxbot.adapters.notion.pacing import Pacer
from cxbot.adapters.notion.promotions import LocalPromotionBoard, NotionPromotionBoard
from cxbot.adapters.outbox import OutboxNotifier
from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.calendar_messages import CalendarComposer, WeeklyComposer
from cxbot.adapters.slack.interactive import SlackWorkspace
from cxbot.adapters.slack.messages import DigestComposer
from cxbot.adapters.slack.notifier import SlackNotifier, web_clients
from cxbot.adapters.store import SqlStore, open_store
from cxbot.adapters.yaml_files import (
    load_company_calendar,
    load_reminder_settings,
    load_schedules,
)
from cxbot.domain.calendar import BusinessCalendar
from cxbot.service.calendar_sync import CalendarSettings, CalendarSync
from cxbot.service.decision_capture import DecisionCapture
from cxbot.service.decision_log import DecisionLog, LocalDecisionBoard
from cxbot.service.delivery import ExactlyOnce, Notifier
from cxbot.service.errors import InputError
from cxbot.service.jobs import JobFunction, JobRunner
from cxbot.service.launches import Context
from cxbot.service.ports import ChecklistBoard, DecisionBoard, PromotionBoard, PromotionSource
from cxbot.service.reminders import Reminders
from cxbot.service.schedule import Schedule
from cxbot.service.status_sync import sync_status
from cxbot.service.weekly import WeeklyDigest
from cxbot.settings import Settings

log = logging.getLogger(__name__)

CALENDAR_YEARS_BACK = 1
CALENDAR_YEARS_AHEAD = 4


@dataclass
class App:
    settings: Settings
    store: SqlStore
    board: ChecklistBoard
    renderer: Renderer
    tz: ZoneInfo
    clock: Callable[[], datetime]
    pacer: Pacer | None = None
    notion_api: NotionApi | None = None
    _calendar: BusinessCalendar | None = field(default=None, repr=False)

    def now(self) -> datetime:
        return self.clock().astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()

    @property
    def calendar(self) -> BusinessCalendar:
        if self._calendar is None:
            year = self.today().year
            closures, extra = load_company_calendar(self.settings.cxbot_company_calendar)
            self._calendar = korean_calendar(
                range(year - CALENDAR_YEARS_BACK, year + CALENDAR_YEARS_AHEAD + 1),
                closures=closures,
                extra_workdays=extra,
            )
        return self._calendar

    def context(self) -> Context:
        return Context(
            store=self.store,
            board=self.board,
            calendar=self.calendar,
            actor=self.settings.cxbot_actor,
            now=self.now(),
        )

    def notifier(self, *, echo: Callable[[str], None] | None = None) -> Notifier:
        """Slack when SLACK_BOT_TOKEN is set, else the console and the local outbox."""
        settings = self.settings
        if settings.slack_enabled:
            assert settings.slack_bot_token is not None
            reader, poster = web_clients(
                settings.slack_bot_token.get_secret_value(), settings.slack_base_url
            )
            return SlackNotifier(reader, poster, self.store, clock=self.clock)
        return OutboxNotifier(settings.cxbot_outbox, echo=echo, clock=self.clock)

    def reminders(self, *, echo: Callable[[str], None] | None = None) -> Reminders:
        """The reminder use case."""
        settings = self.settings
        notifier = self.notifier(echo=echo)
        return Reminders(
            store=self.store,
            ledger=self.store,
            notifier=notifier,
            compose=DigestComposer(self.renderer),
            calendar=self.calendar,
            settings=load_reminder_settings(settings.cxbot_reminders_file),
        )

    def calendar_sync(
        self, *, echo: Callable[[str], None] | None = None, local_file: Path | None = None
    ) -> CalendarSync:
        """The promotion calendar: Google Sheets when configured, else a local CSV/XLSX file."""
        settings = self.settings
        source: PromotionSource
        if settings.sheets_enabled and local_file is None:
            assert settings.google_service_account_file is not None and settings.sheet_id
            client, _email = service_account_client(settings.google_service_account_file)
            source = GoogleSheetSource(client, settings.sheet_id, settings.cxbot_calendar_worksheet)
        else:
            source = LocalFileSource(local_file or settings.cxbot_calendar_file)
        board: PromotionBoard = LocalPromotionBoard()
        if self.notion_api is not None:
            board = NotionPromotionBoard(
                self.notion_api, data_source_id=settings.notion_promotions_data_source_id
            )
        reminder_settings = load_reminder_settings(settings.cxbot_reminders_file)
        return CalendarSync(
            store=self.store,
            cursors=self.store,
            source=source,
            board=board,
            delivery=ExactlyOnce(
                ledger=self.store, notifier=self.notifier(echo=echo), lease=reminder_settings.lease
            ),
            cx=reminder_settings.routing.cx(),
            compose=CalendarComposer(self.renderer),
            calendar=self.calendar,
            settings=CalendarSettings(
                lead_business_days=settings.cxbot_calendar_lead_days,
                guard_share=settings.cxbot_calendar_guard,
                brief_business_days=settings.cxbot_calendar_brief_days,
            ),
        )

    def decision_log(self) -> DecisionLog:
        board: DecisionBoard = LocalDecisionBoard()
        if self.notion_api is not None:
            board = NotionDecisionBoard(
                self.notion_api, data_source_id=self.settings.notion_decisions_data_source_id
            )
        return DecisionLog(store=self.store, board=board)

    def decision_capture(self) -> DecisionCapture:
        """Decisions from Slack (needs SLACK_BOT_TOKEN)."""
        if self.settings.slack_bot_token is None:
            raise InputError("SLACK_BOT_TOKEN is not set: capturing decisions needs the Slack app")
        client = WebClient(
            token=self.settings.slack_bot_token.get_secret_value(),
            base_url=self.settings.slack_base_url,
        )
        return DecisionCapture(
            log=self.decision_log(), slack=SlackWorkspace(client), clock=self.now
        )

    def schedules(self) -> dict[str, Schedule]:
        return load_schedules(self.settings.cxbot_schedule_file)

    def job_runner(self) -> JobRunner:
        """The scheduled jobs, wired to this app; the same functions run under any engine."""
        schedules = self.schedules()
        return JobRunner(
            runs=self.store,
            schedules=schedules,
            functions=self.job_functions(),
            calendar=self.calendar,
            clock=self.now,
            worker=f"{socket.gethostname()}:{os.getpid()}",
        )

    def job_functions(self) -> dict[str, JobFunction]:
        def status_sync(tick: datetime) -> dict[str, object]:
            report = sync_status(self.context())
            return {"pages_read": report.seen, "changes": len(report.changes)}

        def calendar_sync(tick: datetime) -> dict[str, object]:
            report = self.calendar_sync().run(now=self.now())
            diff = report.diff
            return {
                "changes": len(diff.changes) if diff else 0,
                "guarded": report.guarded,
                "unchanged": bool(report.skipped),
            }

        def reminders(tick: datetime) -> dict[str, object]:
            report = self.reminders().run(now=self.now())
            briefs = () if report.skipped else self.calendar_sync().brief(now=self.now())
            states = [o.state for o in report.outcomes]
            return {
                "sent": states.count("sent"),
                "failed": states.count("failed"),
                "unknown": states.count("unknown"),
                "skipped": report.skipped or "",
                "late": any(o.late for o in report.outcomes),
                "briefs": len(briefs),
            }

        def weekly_digest(tick: datetime) -> dict[str, object]:
            sync = self.calendar_sync()
            digest = WeeklyDigest(
                store=self.store, alerts=sync.alerts, compose=WeeklyComposer(self.renderer)
            )
            return digest.run(tick=tick, now=self.now())

        return {
            "status-sync": status_sync,
            "calendar-sync": calendar_sync,
            "reminders": reminders,
            "weekly-digest": weekly_digest,
        }

    def close(self) -> None:
        self.store.close()
        if isinstance(self.board, NotionChecklistBoard):
            self.board.client.close()


def build_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
) -> App:
    settings = settings or Settings()
    store = open_store(settings.cxbot_database_url)
    board: ChecklistBoard
    pacer = None
    api = None
    if settings.notion_enabled:
        pacer = Pacer(settings.notion_requests_per_second)
        api = NotionApi(
            notion_client(settings, pacer),
            pacer=pacer,
            parent_page_id=settings.notion_parent_page_id,
            cursors=store,
        )
        board = NotionChecklistBoard(api, data_source_id=settings.notion_checklist_data_source_id)
    else:
        board = LocalBoard()
    return App(
        settings=settings,
        store=store,
        board=board,
        renderer=Renderer(settings.cxbot_templates_dir, settings.cxbot_locale),
        tz=ZoneInfo(settings.cxbot_timezone),
        clock=clock or (lambda: datetime.now(UTC)),
        pacer=pacer,
        notion_api=api,
    )


def notion_client(settings: Settings, pacer: Pacer) -> Client:
    """The official SDK client, paced, retrying 429s with Retry-After."""
    assert settings.notion_token is not None
    http = httpx.Client(event_hooks={"request": [pacer.hook]})
    options = ClientOptions(
        auth=settings.notion_token.get_secret_value(),
        base_url=settings.notion_base_url.rstrip("/"),
        timeout_ms=int(settings.notion_timeout_seconds * 1000),
        notion_version="2025-09-03",
        retry=RetryOptions(max_retries=6, initial_retry_delay_ms=500, max_retry_delay_ms=30_000),
        log_level=logging.ERROR,
    )
    return Client(options, client=http)
