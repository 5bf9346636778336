"""The composition root: the only place that reads settings and builds clients.

`build()` runs once, when a command starts (never at import: `cxbot --help` loads no
SDK). It opens one store engine, one Notion client with one rate budget, one pair of
Slack clients with one per-channel pacer, reads the YAML files once, and hands back a
`CxBot` of ready use cases. Job ticks then build nothing.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cxbot.adapters.audit_anchor import FileChainAnchor
from cxbot.adapters.calendar_sources import (
    CalendarSourceCheck,
    GoogleSheetSource,
    LocalFileSource,
    MissingSource,
    service_account_client,
)
from cxbot.adapters.demo_calendar import write_demo_calendar
from cxbot.adapters.findings import StaticFindings
from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.local_board import LocalBoard, LocalDecisionBoard, LocalPromotionBoard
from cxbot.adapters.outbox import OutboxNotifier
from cxbot.adapters.rendering import Renderer
from cxbot.adapters.reports.lazy_charts import LazyCharts
from cxbot.adapters.reports.pages import JinjaReportPages
from cxbot.adapters.slack.calendar_messages import CalendarComposer
from cxbot.adapters.slack.inbound import SlackInboundAdapter
from cxbot.adapters.slack.messages import DigestComposer, SchemaAlertComposer
from cxbot.adapters.store.sql_store import SqlStore, open_store
from cxbot.adapters.yaml_files import (
    YamlTemplates,
    load_company_calendar,
    load_owners,
    load_reminder_settings,
    load_schedules,
)
from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.ports.checklists import ChecklistBoard
from cxbot.ports.common import Checkable, Finding
from cxbot.ports.decisions import DecisionBoard
from cxbot.ports.errors import CxbotError, InputError
from cxbot.ports.messages import Notifier
from cxbot.ports.promotions import PromotionBoard, PromotionSource
from cxbot.service.audit_report import Audit
from cxbot.service.board_outbox import BoardOutbox
from cxbot.service.calendar_sync import CalendarSettings, CalendarSync
from cxbot.service.clock import Clock
from cxbot.service.decision_capture import DecisionCapture
from cxbot.service.decision_log import DecisionLog
from cxbot.service.delivery import ExactlyOnce
from cxbot.service.demo import Demo
from cxbot.service.doctor import Doctor
from cxbot.service.item_actions import ItemActions
from cxbot.service.jobs import JobRunner
from cxbot.service.launches import Launches
from cxbot.service.notion_webhooks import NotionWebhooks
from cxbot.service.reminders import Reminders
from cxbot.service.scheduled_jobs import job_functions
from cxbot.service.service_status import ServiceStatus
from cxbot.service.status_sync import StatusSync
from cxbot.service.usecases import CxBot, Mode
from cxbot.service.weekly_report import WeeklyReports
from cxbot.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

CALENDAR_YEARS_BACK = 1
CALENDAR_YEARS_AHEAD = 4
DEMO_OWNERS = PROJECT_ROOT / "examples" / "owners.yaml"


def build(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    embedded: bool = False,
    echo: Callable[[str], None] | None = None,
) -> CxBot:
    """Every use case, wired once. `embedded` ignores Notion credentials (the demo);
    `echo` shows what the embedded default's outbox sends."""
    settings = settings or read_settings()
    if embedded:
        settings = settings.model_copy(update={"notion_token": None})
    tz = ZoneInfo(settings.cxbot_timezone)
    wall = Clock(clock or (lambda: datetime.now(UTC)), tz)
    store = open_store(settings.cxbot_database_url)
    try:
        return _wire(settings, store, wall, echo)
    except BaseException:
        store.close()
        raise


def diagnose(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> list[Finding]:
    """`cxbot doctor`: every file the user wrote checked on its own, then every adapter's
    check — a bad file is a finding, never the end of the check-up."""
    try:
        settings = settings or read_settings()
    except InputError as error:
        return [Finding(name="settings", state="bad", detail=str(error))]
    findings, set_aside = _file_findings(settings)
    try:  # the rest is checked without the files found bad
        cases = build(settings.model_copy(update=set_aside), clock=clock)
    except CxbotError as error:
        reported = {f.detail for f in findings}
        if str(error) not in reported:
            findings.append(Finding(name="start-up", state="bad", detail=str(error)))
        return findings
    try:
        return findings + cases.doctor.run()
    finally:
        cases.close()


def _file_findings(settings: Settings) -> tuple[list[Finding], dict[str, Any]]:
    """The YAML files of the settings, each read on its own: what is wrong with each, and
    the settings to set aside (back to their defaults) so the rest can still be checked."""
    found: list[Finding] = []
    set_aside: dict[str, Any] = {}
    loaders: list[tuple[str, str, Callable[[Path], object]]] = [
        ("cxbot_reminders_file", "reminders file", load_reminder_settings),
        ("cxbot_company_calendar", "company calendar", load_company_calendar),
        ("cxbot_schedule_file", "job schedule", load_schedules),
        ("cxbot_owners_file", "owners file", load_owners),
    ]
    for setting, label, load in loaders:
        path: Path | None = getattr(settings, setting)
        if path is None:
            continue
        problem = None
        if not path.exists():
            problem = f"{label} {path}: no such file ({setting.upper()})"
        else:
            try:
                load(path)
            except CxbotError as error:
                problem = str(error)
        if problem is None:
            found.append(Finding(name=label, state="ok", detail=f"{label}: {path}"))
            continue
        found.append(Finding(name=label, state="bad", detail=problem))
        set_aside[setting] = Settings.model_fields[setting].get_default(call_default_factory=True)
    return found, set_aside


def _wire(
    settings: Settings, store: SqlStore, clock: Clock, echo: Callable[[str], None] | None
) -> CxBot:
    calendar = _business_calendar(settings, clock.today())
    anchor = FileChainAnchor(
        settings.cxbot_audit_anchor,
        settings.cxbot_audit_key.get_secret_value().encode() if settings.cxbot_audit_key else None,
    )
    store.anchor_with(anchor.record)
    reminder_settings = load_reminder_settings(settings.cxbot_reminders_file)
    renderer = Renderer(settings.cxbot_templates_dir, settings.cxbot_locale, clock.tz)
    templates = YamlTemplates(settings.cxbot_checklists_dir)
    checks: list[Checkable] = [store, templates]
    closers: list[Callable[[], None]] = [store.close]

    checklist_board: ChecklistBoard = LocalBoard()
    promotion_board: PromotionBoard = LocalPromotionBoard()
    decision_board: DecisionBoard = LocalDecisionBoard()
    if settings.notion_enabled:
        from cxbot.adapters.notion.api import NotionApi
        from cxbot.adapters.notion.board import NotionChecklistBoard
        from cxbot.adapters.notion.checks import NotionCheck
        from cxbot.adapters.notion.client import notion_client
        from cxbot.adapters.notion.decisions import NotionDecisionBoard
        from cxbot.adapters.notion.pacing import Pacer
        from cxbot.adapters.notion.promotions import NotionPromotionBoard

        assert settings.notion_token is not None
        pacer = Pacer(settings.notion_requests_per_second)
        client = notion_client(
            token=settings.notion_token.get_secret_value(),
            base_url=settings.notion_base_url,
            timeout_seconds=settings.notion_timeout_seconds,
            pacer=pacer,
        )
        closers.append(client.close)
        api = NotionApi(
            client,
            pacer=pacer,
            parent_page_id=settings.notion_parent_page_id,
            cursors=store.cursors,
        )
        notion_board = NotionChecklistBoard(
            api, data_source_id=settings.notion_checklist_data_source_id
        )
        checklist_board = notion_board
        promotion_board = NotionPromotionBoard(
            api, data_source_id=settings.notion_promotions_data_source_id
        )
        decision_board = NotionDecisionBoard(
            api, data_source_id=settings.notion_decisions_data_source_id
        )
        checks.append(
            NotionCheck(
                notion_board,
                api,
                parent_page_id=settings.notion_parent_page_id,
                checklist_data_source_id=settings.notion_checklist_data_source_id,
                promotions_data_source_id=settings.notion_promotions_data_source_id,
                decisions_data_source_id=settings.notion_decisions_data_source_id,
                cursors=store.cursors,
            )
        )
    else:
        checks.append(
            _info(
                "notion",
                "Notion: not configured (NOTION_TOKEN unset) — running on the embedded "
                "default; see README 'Connecting to Notion'",
            )
        )

    notifier: Notifier
    slack_client: Callable[[], Any] = _no_slack
    on_landed: Callable[[ChecklistItem, Launch], None] | None = None
    item_views: list[Any] = []
    views: Callable[[], Any] = _no_slack
    if settings.slack_enabled:
        from cxbot.adapters.slack.checks import SlackCheck
        from cxbot.adapters.slack.notifier import ChannelPacer, SlackNotifier, web_clients

        assert settings.slack_bot_token is not None
        reader, poster = web_clients(
            settings.slack_bot_token.get_secret_value(), settings.slack_base_url
        )
        notifier = SlackNotifier(
            reader, poster, store.slack_directory, clock=clock.source, pacer=ChannelPacer()
        )
        checks.append(
            SlackCheck(reader, reminder_settings.routing, str(settings.cxbot_reminders_file))
        )

        def slack_client() -> Any:
            return reader

        def slack_views() -> Any:
            if not item_views:
                from cxbot.adapters.slack.item_blocks import ItemBlocks
                from cxbot.adapters.slack.item_views import SlackItemViews

                item_views.append(
                    SlackItemViews(
                        reader,
                        ItemBlocks(renderer),
                        store.slack_messages,
                        notifier,
                        clock=clock,
                        items=store.launches,
                    )
                )
            return item_views[0]

        views = slack_views

        def on_landed(item: ChecklistItem, launch: Launch) -> None:
            slack_views().landed(item, launch)

    else:
        notifier = OutboxNotifier(settings.cxbot_outbox, echo=echo, clock=clock.source)
        checks.append(
            _info(
                "slack",
                "Slack: not configured (SLACK_BOT_TOKEN unset) — reminders go to "
                f"{settings.cxbot_outbox}; see README 'Connecting to Slack'",
            )
        )

    delivery = ExactlyOnce(ledger=store.ledger, notifier=notifier, lease=reminder_settings.lease)
    calendar_settings = CalendarSettings(
        lead_business_days=settings.cxbot_calendar_lead_days,
        guard_share=settings.cxbot_calendar_guard,
        brief_business_days=settings.cxbot_calendar_brief_days,
        headers=settings.calendar_headers or None,
    )
    calendar_composer = CalendarComposer(renderer)

    def calendar_sync(source: PromotionSource, board: PromotionBoard) -> CalendarSync:
        return CalendarSync(
            store=store.promotions,
            cursors=store.cursors,
            source=source,
            board=board,
            delivery=delivery,
            cx=reminder_settings.routing.cx(),
            compose=calendar_composer,
            calendar=calendar,
            settings=calendar_settings,
            clock=clock,
        )

    source, source_check = _calendar_source(settings)
    checks.append(source_check)
    promotions = calendar_sync(source, promotion_board)

    def calendar_from_file(path: str) -> CalendarSync:
        return calendar_sync(LocalFileSource(Path(path)), promotion_board)

    launches = Launches(
        store=store.launches,
        cursors=store.cursors,
        board=checklist_board,
        calendar=calendar,
        templates=templates,
        actor=settings.cxbot_actor,
        clock=clock,
    )
    reminders = Reminders(
        store=store.launches,
        ledger=store.ledger,
        notifier=notifier,
        compose=DigestComposer(renderer),
        calendar=calendar,
        settings=reminder_settings,
        clock=clock,
    )
    outbox = BoardOutbox(store=store.launches, board=checklist_board, on_landed=on_landed)
    schema_alert = SchemaAlertComposer(renderer)

    def notion_webhooks(
        *, announce: Callable[[str], None] = print, accept_new_token: bool = False
    ) -> NotionWebhooks:
        return NotionWebhooks(
            store=store.launches,
            events=store.webhook_events,
            cursors=store.cursors,
            board=checklist_board,
            alerts=promotions.alerts,
            compose_schema_alert=schema_alert,
            clock=clock,
            announce=announce,
            accept_new_token=accept_new_token,
        )

    status_sync = StatusSync(
        launches=launches, outbox=outbox, on_caught=notion_webhooks().count_polling_catch
    )
    report_pages = JinjaReportPages(renderer)
    weekly = WeeklyReports(
        launches=store.launches,
        history=store.history,
        decisions=store.decisions,
        promotions=store.promotions,
        calendar=calendar,
        tz=clock.tz,
        lead_required=settings.cxbot_calendar_lead_days,
        charts=LazyCharts(renderer.labels["chart"]),
        pages=report_pages,
        summary=report_pages,
        delivery=delivery,
        cx=reminder_settings.routing.cx(),
        clock=clock,
    )
    decisions = DecisionLog(store=store.decisions, board=decision_board, history=store.history)
    jobs = JobRunner(
        runs=store.job_runs,
        schedules=load_schedules(settings.cxbot_schedule_file),
        functions=job_functions(
            status_sync=status_sync, calendar=promotions, reminders=reminders, weekly=weekly
        ),
        calendar=calendar,
        clock=clock,
        worker=f"{socket.gethostname()}:{os.getpid()}",
        checks=(reminders.overdue_claims,),
    )
    capture: list[DecisionCapture] = []

    def decision_capture() -> DecisionCapture:
        """Decisions from Slack (needs SLACK_BOT_TOKEN); made on first use, once."""
        if not capture:
            from cxbot.adapters.slack.workspace import SlackWorkspace

            capture.append(
                DecisionCapture(log=decisions, slack=SlackWorkspace(slack_client()), clock=clock)
            )
        return capture[0]

    actions: list[ItemActions] = []

    def item_actions() -> ItemActions:
        """Ticking items from Slack (needs SLACK_BOT_TOKEN); made on first use, once."""
        if not actions:
            from cxbot.adapters.slack.item_views import SlackPeopleDirectory

            reader = slack_client()
            actions.append(
                ItemActions(
                    store=store.launches,
                    outbox=outbox,
                    people=SlackPeopleDirectory(reader),
                    views=views(),
                    owners=templates.owners(
                        str(settings.cxbot_owners_file) if settings.cxbot_owners_file else None
                    ),
                    calendar=calendar,
                    clock=clock,
                )
            )
        return actions[0]

    def worker_database() -> str:
        from cxbot.adapters.store.queue import conninfo, ensure_queue_schema

        dsn = conninfo(settings.cxbot_database_url)
        ensure_queue_schema(dsn)
        return dsn

    def close() -> None:
        for closer in reversed(closers):
            closer()

    return CxBot(
        clock=clock,
        actor=settings.cxbot_actor,
        mode=Mode(
            notion=settings.notion_enabled,
            slack=settings.slack_enabled,
            sheets=settings.sheets_enabled,
            store=store.label,
            outbox=str(settings.cxbot_outbox),
            notifier=notifier.name,
        ),
        render=renderer,
        templates=templates,
        launches=launches,
        status_sync=status_sync,
        reminders=reminders,
        calendar=promotions,
        calendar_from_file=calendar_from_file,
        decisions=decisions,
        capture=decision_capture,
        item_actions=item_actions,
        outbox=outbox,
        notion_webhooks=notion_webhooks,
        slack_inbound=SlackInboundAdapter(
            signing_secret=_secret(settings.slack_signing_secret),
            app_token=_secret(settings.slack_app_token),
            bot_token=_secret(settings.slack_bot_token),
            web_client=slack_client,
        ),
        audit=Audit(
            history=store.history,
            decisions=store.decisions,
            clock=clock,
            launches=store.launches,
            anchor=anchor,
        ),
        weekly=weekly,
        jobs=jobs,
        service_status=ServiceStatus(
            runner=jobs, ledger=store.ledger, outbox=store.promotions, clock=clock
        ),
        doctor=Doctor(checks=checks),
        demo=Demo(
            launches=launches,
            reminders=reminders,
            calendar_from_file=calendar_from_file,
            write_calendar=lambda today: str(
                write_demo_calendar(PROJECT_ROOT / "examples" / "promotions-demo.csv.j2", today)
            ),
            owners_file=str(DEMO_OWNERS),
            clock=clock,
            weekly=weekly,
        ),
        worker_database=worker_database,
        close=close,
    )


def read_settings() -> Settings:
    """Settings from the environment and .env; a wrong value is an InputError naming it."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg'].removeprefix('Value error, ')}"
            for e in error.errors()
        )
        raise InputError(f"settings (environment or .env): {problems}") from None


def _business_calendar(settings: Settings, today: date) -> BusinessCalendar:
    closures, extra = load_company_calendar(settings.cxbot_company_calendar)
    return korean_calendar(
        range(today.year - CALENDAR_YEARS_BACK, today.year + CALENDAR_YEARS_AHEAD + 1),
        closures=closures,
        extra_workdays=extra,
    )


def _calendar_source(settings: Settings) -> tuple[PromotionSource, Checkable]:
    """Google Sheets when configured (its client made on first use), else a local file;
    half a Google set-up, or none at all, is a source that says what is missing."""
    if not settings.sheets_enabled:
        missing = _missing_calendar(settings)
        if missing is not None:
            return missing, CalendarSourceCheck(missing)
        assert settings.cxbot_calendar_file is not None
        local = LocalFileSource(settings.cxbot_calendar_file)
        note = (
            f"· calendar: read from the file {settings.cxbot_calendar_file} (CXBOT_CALENDAR_FILE)"
        )
        return local, CalendarSourceCheck(local, note=note)
    key_file, sheet_id = settings.google_service_account_file, settings.sheet_id
    assert key_file is not None and sheet_id is not None
    made: list[tuple[Any, str]] = []

    def account() -> tuple[Any, str]:
        if not made:
            made.append(service_account_client(key_file))
        return made[0]

    source = GoogleSheetSource(lambda: account()[0], sheet_id, settings.cxbot_calendar_worksheet)
    checked = GoogleSheetSource(
        lambda: account()[0], sheet_id, settings.cxbot_calendar_worksheet, attempts=2
    )
    return source, CalendarSourceCheck(checked, email=lambda: account()[1])


def _missing_calendar(settings: Settings) -> MissingSource | None:
    share = (
        "and share the sheet with the service account's e-mail (Viewer); `cxbot doctor` "
        "shows that e-mail"
    )
    if settings.sheet_id and not settings.google_service_account_file:
        return MissingSource(
            "CXBOT_CALENDAR_SHEET is set but GOOGLE_SERVICE_ACCOUNT_FILE is not: create a "
            "service-account key (JSON) in Google Cloud, set GOOGLE_SERVICE_ACCOUNT_FILE to its "
            f"path {share}. Nothing was synced.",
            configured=True,
        )
    if settings.google_service_account_file and not settings.sheet_id:
        if settings.cxbot_calendar_file is not None:
            return None
        return MissingSource(
            "GOOGLE_SERVICE_ACCOUNT_FILE is set but CXBOT_CALENDAR_SHEET is not: set it to the "
            f"promotion sheet's URL {share}. Nothing was synced.",
            configured=True,
        )
    if settings.cxbot_calendar_file is None:
        return MissingSource(
            "no promotion calendar configured: set CXBOT_CALENDAR_SHEET and "
            "GOOGLE_SERVICE_ACCOUNT_FILE (a Google Sheet) or CXBOT_CALENDAR_FILE (a CSV/XLSX "
            "file); `cxbot demo` syncs a sample calendar",
            configured=False,
        )
    return None


def _info(name: str, detail: str) -> Checkable:
    return StaticFindings(Finding(name=name, state="info", detail=detail))


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def _no_slack() -> Any:
    raise InputError(
        "SLACK_BOT_TOKEN is not set: acting from Slack (item buttons, App Home, decisions) "
        "needs the Slack app; see README 'Connecting to Slack'"
    )
