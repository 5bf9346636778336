"""The composition root: `build()` runs once, when a command starts (never at import:
`cxbot --help` loads no SDK). It opens one store engine, one Notion client with one rate
budget, one pair of Slack clients with one per-channel pacer, reads the YAML files once, and
hands back a `CxBot` of ready use cases. Job ticks then build nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cxbot.adapters.calendar_sources import (
    LocalFileSource,
)
from cxbot.adapters.clock import ZonedClock
from cxbot.adapters.private_files import ReportFiles
from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.inbound import SlackInboundAdapter
from cxbot.adapters.store.sql_store import SqlStore, open_store
from cxbot.bootstrap.core import audit_use_case, mode_of, shared_core
from cxbot.bootstrap.launch_cases import (
    calendar_syncs,
    demo_briefs,
    demo_calendar_file,
    launch_use_cases,
    scheduled_jobs,
)
from cxbot.bootstrap.parts import (
    NotionPart,
    Parts,
    SheetsPart,
    SlackPart,
    close_parts,
    notion_part,
    reachable,
    secret_of,
    sheets_part,
    slack_part,
    worker_database,
)
from cxbot.bootstrap.slack_cases import slack_use_cases
from cxbot.ports.errors import InputError
from cxbot.service.board_rows import BoardRows
from cxbot.service.calendar_sync import CalendarSync
from cxbot.service.decision_log import DecisionLog
from cxbot.service.demo import Demo
from cxbot.service.doctor import Doctor
from cxbot.service.service_status import ServiceStatus
from cxbot.service.usecases import CxBot
from cxbot.settings import PROJECT_ROOT, Settings

DEMO_OWNERS = PROJECT_ROOT / "examples" / "owners.yaml"


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
            Parts(
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


def _use_cases(settings: Settings, parts: Parts) -> CxBot:
    store, clock = parts.store, parts.clock
    core = shared_core(settings, parts)
    launches, ticks = launch_use_cases(settings, parts, core)
    calendar_sync = calendar_syncs(settings, parts, core)
    promotions = calendar_sync(parts.sheets.source)
    rows = BoardRows(launches=launches)
    jobs = scheduled_jobs(settings, parts, core, ticks, promotions, rows)
    reminders, weekly = jobs.reminders, jobs.weekly
    decisions = DecisionLog(
        store=store.decisions, board=parts.notion.decisions, history=store.history
    )
    slack = slack_use_cases(
        settings, parts, core, ticks, decisions, promotions, jobs.briefs, launches
    )

    def from_file(path: str) -> CalendarSync:
        return calendar_sync(LocalFileSource(Path(path)))

    return CxBot(
        clock=clock,
        tz=clock.tz,
        actor=settings.cxbot_actor,
        mode=mode_of(settings, parts),
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
            signing_secret=secret_of(settings.slack_signing_secret),
            app_token=secret_of(settings.slack_app_token),
            bot_token=secret_of(settings.slack_bot_token),
            web_client=parts.slack.reader,
        ),
        audit=audit_use_case(parts, core),
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
            write_calendar=demo_calendar_file,
            owners_file=str(DEMO_OWNERS),
            clock=clock,
            weekly=weekly,
            briefs=jobs.briefs if jobs.briefs.centres else demo_briefs(jobs.briefs),
        ),
        files=ReportFiles(),
        database_reachable=functools.partial(reachable, settings.cxbot_database_url),
        worker_database=functools.partial(worker_database, settings.cxbot_database_url),
        close=functools.partial(close_parts, parts),
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
