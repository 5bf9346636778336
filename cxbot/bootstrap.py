"""The composition root: the only place that reads settings and builds clients.

`build()` runs once, when a command starts (never at import: `cxbot --help` loads no
SDK). It opens one store engine, one Notion client with one rate budget, one pair of
Slack clients with one per-channel pacer, reads the YAML files once, and hands back a
`CxBot` of ready use cases. Job ticks then build nothing.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, replace
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
from cxbot.adapters.clock import ZonedClock
from cxbot.adapters.demo_calendar import write_demo_calendar
from cxbot.adapters.findings import StaticFindings, bad, info, ok
from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.local_board import LocalBoard, LocalDecisionBoard, LocalPromotionBoard
from cxbot.adapters.mail.brief_pages import MailBriefPages
from cxbot.adapters.mail.smtp import SmtpMailer
from cxbot.adapters.outbox import OutboxNotifier
from cxbot.adapters.private_files import ReportFiles, SecretFile
from cxbot.adapters.rendering import Renderer, say
from cxbot.adapters.reports.lazy_charts import LazyCharts
from cxbot.adapters.reports.pages import JinjaReportPages
from cxbot.adapters.slack.brief_messages import SlackBriefMessages
from cxbot.adapters.slack.calendar_messages import CalendarComposer
from cxbot.adapters.slack.inbound import SlackInboundAdapter
from cxbot.adapters.slack.messages import DigestComposer, SchemaAlertComposer
from cxbot.adapters.store.sql_store import SqlStore, open_store
from cxbot.adapters.yaml_files import (
    YamlTemplates,
    load_centres,
    load_company_calendar,
    load_owners,
    load_reminder_settings,
    load_schedules,
)
from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.centres import Centre
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.domain.notices import notice
from cxbot.domain.reminders import ReminderSettings
from cxbot.ports.checklists import ChecklistBoard
from cxbot.ports.common import Checkable, Finding
from cxbot.ports.decisions import DecisionBoard
from cxbot.ports.errors import CxbotError, InputError
from cxbot.ports.item_actions import ItemViews
from cxbot.ports.messages import Notifier
from cxbot.ports.promotions import PromotionBoard, PromotionSource
from cxbot.service.audit_report import Audit
from cxbot.service.board_outbox import BoardOutbox
from cxbot.service.board_rows import BoardRows
from cxbot.service.brief_buttons import BriefButtons
from cxbot.service.brief_confirmations import BriefConfirmations
from cxbot.service.brief_sending import BriefSending
from cxbot.service.calendar_sync import CalendarSettings, CalendarSync
from cxbot.service.centre_briefs import CentreBriefs
from cxbot.service.decision_capture import DecisionCapture
from cxbot.service.decision_log import DecisionLog
from cxbot.service.delivery import ExactlyOnce
from cxbot.service.demo import Demo
from cxbot.service.doctor import Diagnosis, Doctor
from cxbot.service.item_actions import ItemActions
from cxbot.service.item_ticks import ItemTicks
from cxbot.service.jobs import JobRunner
from cxbot.service.kickoff import Kickoff
from cxbot.service.launch_desk import LaunchDesk
from cxbot.service.launches import Launches
from cxbot.service.notion_webhooks import NotionWebhooks, count_polling_catch
from cxbot.service.reminders import Reminders
from cxbot.service.scheduled_jobs import job_functions
from cxbot.service.service_status import ServiceStatus
from cxbot.service.slash_commands import SlashCommands
from cxbot.service.status_sync import StatusSync
from cxbot.service.usecases import CxBot, Mode
from cxbot.service.weekly_report import WeeklyReports
from cxbot.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

CALENDAR_YEARS_BACK = 1
CALENDAR_YEARS_AHEAD = 4
DEMO_OWNERS = PROJECT_ROOT / "examples" / "owners.yaml"
DEMO_CALENDAR = PROJECT_ROOT / "examples" / "promotions-demo.csv.j2"
DEMO_CENTRES = PROJECT_ROOT / "examples" / "centres.yaml"


@dataclass(frozen=True, kw_only=True)
class NotionPart:
    """The boards (Notion when configured, the embedded default otherwise)."""

    checklist: ChecklistBoard
    promotions: PromotionBoard
    decisions: DecisionBoard
    checks: tuple[Checkable, ...] = ()
    close: Callable[[], None] = lambda: None


@dataclass(frozen=True, kw_only=True)
class SlackPart:
    """Where messages go (Slack when configured, the outbox file otherwise), and the
    Slack clients that interactive features make on first use."""

    notifier: Notifier
    reader: Callable[[], Any]
    """The Slack WebClient; raises InputError when Slack is not configured."""
    views: Callable[[], ItemViews]
    on_landed: Callable[[ChecklistItem, Launch], None] | None = None
    """Told when an item the board was behind on reaches it (redraws Slack messages)."""
    checks: tuple[Checkable, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SheetsPart:
    source: PromotionSource
    check: Checkable


def build(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    embedded: bool = False,
    echo: Callable[[str], None] | None = None,
    store: SqlStore | None = None,
    notion: NotionPart | None = None,
    slack: SlackPart | None = None,
    sheets: SheetsPart | None = None,
) -> CxBot:
    """Every use case, wired once. `embedded` ignores Notion credentials (the demo);
    `echo` shows what the embedded default's outbox sends. Each outside system's part
    can be given (a test's fake, an emulator's client) instead of built from settings."""
    settings = settings or read_settings()
    if embedded:
        settings = settings.model_copy(update={"notion_token": None})
    wall = ZonedClock(clock or (lambda: datetime.now(UTC)), ZoneInfo(settings.cxbot_timezone))
    renderer = Renderer(settings.cxbot_templates_dir, settings.cxbot_locale, wall.tz)
    store = store or open_store(settings.cxbot_database_url)
    try:
        return _use_cases(
            settings,
            _Parts(
                store=store,
                notion=notion or notion_part(settings, store),
                slack=slack or slack_part(settings, store, wall, renderer, echo),
                sheets=sheets or sheets_part(settings),
                clock=wall,
                renderer=renderer,
            ),
        )
    except BaseException:
        store.close()
        raise


def diagnose(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> Diagnosis:
    """`cxbot doctor`: every file the user wrote checked on its own, then every adapter's
    check — a bad file is a finding, never the end of the check-up — in the locale's words."""
    try:
        settings = settings or read_settings()
    except InputError as error:
        return Diagnosis(findings=[bad("settings", "as_written", text=str(error))])
    try:
        labels = Renderer(settings.cxbot_templates_dir, settings.cxbot_locale).labels
    except (CxbotError, OSError):  # templates that cannot be read: their finding says why
        labels = {}
    return Diagnosis(findings=_findings(settings, clock), words=lambda said: say(labels, said))


def _findings(settings: Settings, clock: Callable[[], datetime] | None) -> list[Finding]:
    findings, set_aside = _file_findings(settings)
    try:  # the rest is checked without the files found bad
        cases = build(settings.model_copy(update=set_aside), clock=clock)
    except CxbotError as error:
        reported = {f.detail for f in findings}
        if str(error) not in reported:
            findings.append(bad("start-up", "as_written", text=str(error)))
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
        ("cxbot_reminders_file", "reminders_file", load_reminder_settings),
        ("cxbot_company_calendar", "company_calendar", load_company_calendar),
        ("cxbot_schedule_file", "job_schedule", load_schedules),
        ("cxbot_owners_file", "owners_file", load_owners),
        ("cxbot_centres_file", "centres_file", load_centres),
    ]
    for setting, label, load in loaders:
        path: Path | None = getattr(settings, setting)
        if path is None:
            continue
        what = notice(label)
        problem = None
        if not path.exists():
            problem = notice("no_such_file", label=what, path=str(path), setting=setting.upper())
        else:
            try:
                load(path)
            except CxbotError as error:
                problem = notice("as_written", text=str(error))
        if problem is None:
            found.append(ok(label, "file_ok", label=what, path=str(path)))
            continue
        found.append(Finding(name=label, state="bad", said=problem))
        set_aside[setting] = Settings.model_fields[setting].get_default(call_default_factory=True)
    return found, set_aside


@dataclass(frozen=True, kw_only=True)
class _Parts:
    store: SqlStore
    notion: NotionPart
    slack: SlackPart
    sheets: SheetsPart
    clock: ZonedClock
    renderer: Renderer


def notion_part(settings: Settings, store: SqlStore) -> NotionPart:
    """One Notion client with one rate budget behind all three boards."""
    if not settings.notion_enabled:
        return NotionPart(
            checklist=LocalBoard(),
            promotions=LocalPromotionBoard(),
            decisions=LocalDecisionBoard(),
            checks=(StaticFindings(info("notion", "notion_off")),),
        )
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
        version=settings.notion_api_version,
    )
    api = NotionApi(
        client, pacer=pacer, parent_page_id=settings.notion_parent_page_id, cursors=store.cursors
    )
    board = NotionChecklistBoard(api, data_source_id=settings.notion_checklist_data_source_id)
    check = NotionCheck(
        board,
        api,
        parent_page_id=settings.notion_parent_page_id,
        checklist_data_source_id=settings.notion_checklist_data_source_id,
        promotions_data_source_id=settings.notion_promotions_data_source_id,
        decisions_data_source_id=settings.notion_decisions_data_source_id,
        cursors=store.cursors,
    )
    return NotionPart(
        checklist=board,
        promotions=NotionPromotionBoard(
            api, data_source_id=settings.notion_promotions_data_source_id
        ),
        decisions=NotionDecisionBoard(api, data_source_id=settings.notion_decisions_data_source_id),
        checks=(check,),
        close=client.close,
    )


def slack_part(
    settings: Settings,
    store: SqlStore,
    clock: ZonedClock,
    renderer: Renderer,
    echo: Callable[[str], None] | None = None,
) -> SlackPart:
    """One pair of Slack clients with one per-channel pacer; the outbox file without Slack."""
    if not settings.slack_enabled:
        return SlackPart(
            notifier=OutboxNotifier(settings.cxbot_outbox, echo=echo, clock=clock.source),
            reader=_no_slack,
            views=_no_slack,
            checks=(StaticFindings(info("slack", "slack_off", outbox=str(settings.cxbot_outbox))),),
        )
    from cxbot.adapters.slack.checks import SlackCheck
    from cxbot.adapters.slack.notifier import ChannelPacer, SlackNotifier, web_clients

    assert settings.slack_bot_token is not None
    reader, poster = web_clients(
        settings.slack_bot_token.get_secret_value(), settings.slack_base_url
    )
    notifier = SlackNotifier(
        reader, poster, store.slack_directory, clock=clock.source, pacer=ChannelPacer()
    )

    @functools.cache
    def views() -> ItemViews:
        from cxbot.adapters.slack.item_blocks import ItemBlocks
        from cxbot.adapters.slack.item_views import SlackItemViews

        return SlackItemViews(
            reader,
            ItemBlocks(renderer),
            store.slack_messages,
            notifier,
            clock=clock,
            items=store.launches,
        )

    routing = load_reminder_settings(settings.cxbot_reminders_file).routing
    check = SlackCheck(
        reader, routing, str(settings.cxbot_reminders_file), _centre_channels(settings)
    )
    return SlackPart(
        notifier=notifier,
        reader=lambda: reader,
        views=views,
        on_landed=lambda item, launch: views().landed(item, launch),
        checks=(check,),
    )


def _centre_channels(settings: Settings) -> dict[str, str]:
    """The centres' Slack channels, for `doctor` (a bad centres file is its own finding)."""
    try:
        centres = load_centres(settings.cxbot_centres_file)
    except CxbotError:
        return {}
    return {c.key: c.slack_channel for c in centres if c.slack_channel}


def sheets_part(settings: Settings) -> SheetsPart:
    """Google Sheets when configured (its client made on first use), else a local file;
    half a Google set-up, or none at all, is a source that says what is missing."""
    if not settings.sheets_enabled:
        missing = _missing_calendar(settings)
        if missing is not None:
            return SheetsPart(source=missing, check=CalendarSourceCheck(missing))
        assert settings.cxbot_calendar_file is not None
        local = LocalFileSource(settings.cxbot_calendar_file)
        note = info("calendar", "calendar_file", path=str(settings.cxbot_calendar_file))
        return SheetsPart(source=local, check=CalendarSourceCheck(local, note=note))
    key_file, sheet_id = settings.google_service_account_file, settings.sheet_id
    assert key_file is not None and sheet_id is not None
    account = functools.cache(lambda: service_account_client(key_file))
    worksheet = settings.cxbot_calendar_worksheet
    source = GoogleSheetSource(lambda: account()[0], sheet_id, worksheet)
    checked = GoogleSheetSource(lambda: account()[0], sheet_id, worksheet, attempts=2)
    return SheetsPart(source=source, check=CalendarSourceCheck(checked, email=lambda: account()[1]))


def _use_cases(settings: Settings, parts: _Parts) -> CxBot:
    store, clock = parts.store, parts.clock
    core = _core(settings, parts)
    launches, ticks = _launches(settings, parts, core)
    calendar_sync = _calendar_sync(settings, parts, core)
    promotions = calendar_sync(parts.sheets.source)
    rows = BoardRows(launches=launches)
    jobs = _scheduled(settings, parts, core, ticks, promotions, rows)
    reminders, weekly = jobs.reminders, jobs.weekly
    decisions = DecisionLog(
        store=store.decisions, board=parts.notion.decisions, history=store.history
    )
    slack = _slack_cases(settings, parts, core, ticks, decisions, promotions, jobs.briefs, launches)

    def from_file(path: str) -> CalendarSync:
        return calendar_sync(LocalFileSource(Path(path)))

    return CxBot(
        clock=clock,
        tz=clock.tz,
        actor=settings.cxbot_actor,
        mode=_mode(settings, parts),
        render=core.renderer,
        templates=core.templates,
        launches=launches,
        status_sync=jobs.status_sync,
        reminders=reminders,
        calendar=promotions,
        calendar_from_file=from_file,
        decisions=decisions,
        capture=slack.capture,
        item_actions=slack.item_actions,
        brief_buttons=slack.brief_buttons,
        slash_commands=slack.slash_commands,
        kickoff=slack.kickoff,
        desk=slack.desk,
        outbox=ticks.outbox,
        notion_webhooks=slack.notion_webhooks,
        slack_inbound=SlackInboundAdapter(
            signing_secret=_secret(settings.slack_signing_secret),
            app_token=_secret(settings.slack_app_token),
            bot_token=_secret(settings.slack_bot_token),
            web_client=parts.slack.reader,
        ),
        audit=_audit(parts, core),
        weekly=weekly,
        briefs=jobs.briefs,
        jobs=jobs.runner,
        service_status=ServiceStatus(
            runner=jobs.runner, ledger=store.ledger, outbox=store.promotions, clock=clock
        ),
        doctor=Doctor(checks=core.checks),
        demo=Demo(
            launches=launches,
            reminders=reminders,
            calendar_from_file=from_file,
            write_calendar=_write_demo_calendar,
            owners_file=str(DEMO_OWNERS),
            clock=clock,
            weekly=weekly,
            briefs=jobs.briefs if jobs.briefs.centres else _demo_briefs(jobs.briefs),
        ),
        files=ReportFiles(),
        database_reachable=functools.partial(_reachable, settings.cxbot_database_url),
        worker_database=functools.partial(_worker_database, settings.cxbot_database_url),
        close=functools.partial(_close, parts),
    )


@dataclass(frozen=True, kw_only=True)
class _Core:
    """What every use case shares: the business calendar, the files read once, checks."""

    calendar: BusinessCalendar
    renderer: Renderer
    templates: YamlTemplates
    reminders: ReminderSettings
    delivery: ExactlyOnce
    anchor: FileChainAnchor
    webhook_token: SecretFile
    centres: tuple[Centre, ...]
    checks: list[Checkable]


def _core(settings: Settings, parts: _Parts) -> _Core:
    store, clock = parts.store, parts.clock
    anchor = FileChainAnchor(
        settings.cxbot_audit_anchor,
        settings.cxbot_audit_key.get_secret_value().encode() if settings.cxbot_audit_key else None,
    )
    store.anchor_with(anchor.record)
    reminder_settings = load_reminder_settings(settings.cxbot_reminders_file)
    templates = YamlTemplates(settings.cxbot_checklists_dir)
    centres = load_centres(settings.cxbot_centres_file)
    return _Core(
        calendar=_business_calendar(settings, clock.today()),
        renderer=parts.renderer,
        templates=templates,
        reminders=reminder_settings,
        delivery=ExactlyOnce(
            ledger=store.ledger, notifier=parts.slack.notifier, lease=reminder_settings.lease
        ),
        anchor=anchor,
        webhook_token=SecretFile(
            settings.cxbot_notion_webhook_token_file
            or settings.cxbot_audit_anchor.with_name("notion-webhook-token"),
            _secret(settings.notion_webhook_verification_token),
        ),
        centres=centres,
        checks=[
            store,
            templates,
            *parts.notion.checks,
            *parts.slack.checks,
            parts.sheets.check,
            *_mail_checks(settings, centres),
        ],
    )


def _launches(settings: Settings, parts: _Parts, core: _Core) -> tuple[Launches, ItemTicks]:
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


def _calendar_sync(
    settings: Settings, parts: _Parts, core: _Core
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


def _scheduled(
    settings: Settings,
    parts: _Parts,
    core: _Core,
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


def _weekly(settings: Settings, parts: _Parts, core: _Core) -> WeeklyReports:
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


def _briefs(settings: Settings, parts: _Parts, core: _Core) -> CentreBriefs:
    """The contact centres' brief: Slack (or the outbox) for centres with a channel, SMTP
    for the others."""
    store = parts.store
    compose = SlackBriefMessages(core.renderer, core.calendar)
    sending = BriefSending(records=store.briefs, delivery=core.delivery, mailer=_mailer(settings))
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


def _demo_briefs(briefs: CentreBriefs) -> CentreBriefs:
    """The demo's briefs: the sample centre when none is configured (previewed only)."""
    centres = load_centres(DEMO_CENTRES)
    return replace(
        briefs, centres=centres, confirmations=replace(briefs.confirmations, centres=centres)
    )


def _mailer(settings: Settings) -> SmtpMailer | None:
    if not settings.cxbot_smtp_host:
        return None
    return SmtpMailer(
        settings.cxbot_smtp_host,
        settings.cxbot_smtp_port,
        sender=settings.cxbot_smtp_from,
        starttls=settings.cxbot_smtp_starttls,
        user=settings.cxbot_smtp_user,
        password=_secret(settings.cxbot_smtp_password),
    )


@dataclass(frozen=True, kw_only=True)
class _SlackCases:
    capture: Callable[[], DecisionCapture]
    item_actions: Callable[[], ItemActions]
    brief_buttons: Callable[[], BriefButtons]
    slash_commands: Callable[[], SlashCommands]
    kickoff: Callable[[], Kickoff]
    desk: Callable[[], LaunchDesk]
    notion_webhooks: Callable[..., NotionWebhooks]


def _slack_cases(
    settings: Settings,
    parts: _Parts,
    core: _Core,
    ticks: ItemTicks,
    decisions: DecisionLog,
    promotions: CalendarSync,
    briefs: CentreBriefs,
    launches: Launches,
) -> _SlackCases:
    """The use cases that answer requests (Slack, Notion webhooks), made on first use."""
    store, clock = parts.store, parts.clock
    schema_alert = SchemaAlertComposer(core.renderer)

    @functools.cache
    def capture() -> DecisionCapture:
        from cxbot.adapters.slack.workspace import SlackWorkspace

        return DecisionCapture(
            log=decisions,
            slack=SlackWorkspace(parts.slack.reader(), core.renderer),
            clock=clock,
        )

    @functools.cache
    def item_actions() -> ItemActions:
        from cxbot.adapters.slack.item_views import SlackPeopleDirectory

        owners = str(settings.cxbot_owners_file) if settings.cxbot_owners_file else None
        return ItemActions(
            store=store.launches,
            ticks=ticks,
            people=SlackPeopleDirectory(parts.slack.reader()),
            views=parts.slack.views(),
            owners=core.templates.owners(owners),
            calendar=core.calendar,
            clock=clock,
            unconfirmed=lambda email, today: briefs.confirmations.unconfirmed(email, today=today),
        )

    def notion_webhooks(
        *, announce: Callable[[str], None] = print, accept_new_token: bool = False
    ) -> NotionWebhooks:
        return NotionWebhooks(
            store=store.launches,
            events=store.webhook_events,
            cursors=store.cursors,
            board=parts.notion.checklist,
            token=core.webhook_token,
            ticks=ticks,
            alerts=promotions.alerts,
            compose_schema_alert=schema_alert,
            clock=clock,
            announce=announce,
            accept_new_token=accept_new_token,
            rows=BoardRows(launches=launches),
        )

    @functools.cache
    def brief_buttons() -> BriefButtons:
        from cxbot.adapters.slack.brief_views import SlackBriefViews
        from cxbot.adapters.slack.item_views import SlackPeopleDirectory

        client = parts.slack.reader()
        return BriefButtons(
            confirmations=briefs.confirmations,
            people=SlackPeopleDirectory(client),
            views=SlackBriefViews(client, core.renderer),
            clock=clock,
            home=lambda user_id: item_actions().home(user_id),
        )

    planners = [e for e in settings.cxbot_planners.split(",") if e.strip()]
    labels = core.renderer.labels

    @functools.cache
    def kickoff_slack() -> Any:
        from cxbot.adapters.slack.kickoff_views import SlackKickoff

        return SlackKickoff(
            parts.slack.reader(), core.renderer, calendar=core.calendar, clock=clock,
            directory=store.slack_directory,
        )  # fmt: skip

    @functools.cache
    def kickoff() -> Kickoff:
        from cxbot.adapters.slack.item_views import SlackPeopleDirectory

        owners = str(settings.cxbot_owners_file) if settings.cxbot_owners_file else None
        return Kickoff(
            launches=launches,
            slack=kickoff_slack(),
            people=SlackPeopleDirectory(parts.slack.reader()),
            delivery=core.delivery,
            planners=planners,
            words=lambda said: say(labels, said),
            owners=owners,
            clock=clock,
        )

    @functools.cache
    def desk() -> LaunchDesk:
        from cxbot.adapters.slack.desk_views import SlackDesk
        from cxbot.adapters.slack.item_views import SlackPeopleDirectory

        client = parts.slack.reader()
        return LaunchDesk(
            launches=launches,
            slack=SlackDesk(client, core.renderer, kickoff_slack()),
            people=SlackPeopleDirectory(client),
            ledger=store.ledger,
            planners=planners,
            words=lambda said: say(labels, said),
            clock=clock,
        )

    @functools.cache
    def slash_commands() -> SlashCommands:
        from cxbot.adapters.slack.command_texts import SlackCommandTexts

        return SlashCommands(
            launches=launches,
            capture=capture,
            texts=SlackCommandTexts(core.renderer),
            clock=clock,
            kickoff=kickoff,
        )

    return _SlackCases(
        capture=capture,
        item_actions=item_actions,
        brief_buttons=brief_buttons,
        slash_commands=slash_commands,
        kickoff=kickoff,
        desk=desk,
        notion_webhooks=notion_webhooks,
    )


def _mail_checks(settings: Settings, centres: tuple[Centre, ...]) -> list[Checkable]:
    """The mail server when one is set; a finding when a centre needs one and none is."""
    mailer = _mailer(settings)
    if mailer is not None:
        return [mailer]
    by_mail = [c.key for c in centres if c.channel_kind == "email"]
    if not by_mail:
        return []
    return [StaticFindings(bad("smtp", "mail_needed", centres=", ".join(by_mail)))]


def _mode(settings: Settings, parts: _Parts) -> Mode:
    return Mode(
        notion=settings.notion_enabled,
        slack=settings.slack_enabled,
        sheets=settings.sheets_enabled,
        store=parts.store.label,
        outbox=str(settings.cxbot_outbox),
        notifier=parts.slack.notifier.name,
    )


def _audit(parts: _Parts, core: _Core) -> Audit:
    store = parts.store
    return Audit(
        history=store.history,
        decisions=store.decisions,
        clock=parts.clock,
        tz=parts.clock.tz,
        launches=store.launches,
        anchor=core.anchor,
        promotions=store.promotions,
    )


def _write_demo_calendar(today: date) -> str:
    return str(write_demo_calendar(DEMO_CALENDAR, today))


def _reachable(database_url: str) -> bool:
    from cxbot.adapters.store.queue import conninfo, reachable

    return reachable(conninfo(database_url))


def _worker_database(database_url: str) -> str:
    from cxbot.adapters.store.queue import conninfo, ensure_queue_schema

    dsn = conninfo(database_url)
    ensure_queue_schema(dsn)
    return dsn


def _close(parts: _Parts) -> None:
    parts.notion.close()
    parts.store.close()


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


def _missing_calendar(settings: Settings) -> MissingSource | None:
    if settings.sheet_id and not settings.google_service_account_file:
        return MissingSource(notice("sheet_without_account"), configured=True)
    if settings.google_service_account_file and not settings.sheet_id:
        if settings.cxbot_calendar_file is not None:
            return None
        return MissingSource(notice("account_without_sheet"), configured=True)
    if settings.cxbot_calendar_file is None:
        return MissingSource(notice("no_calendar"), configured=False)
    return None


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def _no_slack() -> Any:
    raise InputError(
        "SLACK_BOT_TOKEN is not set: acting from Slack (item buttons, App Home, decisions) "
        "needs the Slack app; see README 'Connecting to Slack'"
    )
