"""What each outside system gives the root: the store, Notion, Slack, the promotion sheet — each
built from the settings once, or a stand-in that says what is not configured.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cxbot.adapters.calendar_sources import (
    CalendarSourceCheck,
    GoogleSheetSource,
    LocalFileSource,
    MissingSource,
    service_account_client,
)
from cxbot.adapters.clock import ZonedClock
from cxbot.adapters.findings import StaticFindings, info
from cxbot.adapters.local_board import LocalBoard, LocalDecisionBoard, LocalPromotionBoard
from cxbot.adapters.outbox import OutboxNotifier
from cxbot.adapters.rendering import Renderer
from cxbot.adapters.store.sql_store import SqlStore
from cxbot.adapters.yaml_files import (
    load_centres,
    load_reminder_settings,
)
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.domain.notices import notice
from cxbot.domain.owners import planner_entries
from cxbot.ports.checklists import ChecklistBoard
from cxbot.ports.common import Checkable
from cxbot.ports.decisions import DecisionBoard
from cxbot.ports.errors import CxbotError, InputError
from cxbot.ports.item_actions import ItemViews, SlackGroups
from cxbot.ports.messages import Notifier
from cxbot.ports.promotions import PromotionBoard, PromotionSource
from cxbot.settings import Settings


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
    groups: Callable[[], SlackGroups]
    """Slack user groups' members (who the planners are), remembered a few minutes."""
    on_landed: Callable[[ChecklistItem, Launch], None] | None = None
    """Told when an item the board was behind on reaches it (redraws Slack messages)."""
    checks: tuple[Checkable, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SheetsPart:
    source: PromotionSource
    check: Checkable


@dataclass(frozen=True, kw_only=True)
class Parts:
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
            groups=_no_slack,
            checks=(StaticFindings(info("slack", "slack_off", outbox=str(settings.cxbot_outbox))),),
        )
    from cxbot.adapters.slack.checks import SlackCheck
    from cxbot.adapters.slack.notifier import ChannelPacer, SlackNotifier, web_clients
    from cxbot.adapters.slack.user_groups import SlackUserGroups

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

    groups = SlackUserGroups(reader)
    routing = load_reminder_settings(settings.cxbot_reminders_file).routing
    check = SlackCheck(
        reader, routing, str(settings.cxbot_reminders_file), _centre_channels(settings),
        planner_groups=lambda: groups.check(planner_entries(settings.cxbot_planners)[1]),
    )  # fmt: skip
    return SlackPart(
        notifier=notifier,
        reader=lambda: reader,
        views=views,
        groups=lambda: groups,
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


def reachable(database_url: str) -> bool:
    from cxbot.adapters.store.queue import conninfo, reachable

    return reachable(conninfo(database_url))


def worker_database(database_url: str) -> str:
    from cxbot.adapters.store.queue import conninfo, ensure_queue_schema

    dsn = conninfo(database_url)
    ensure_queue_schema(dsn)
    return dsn


def close_parts(parts: Parts) -> None:
    parts.notion.close()
    parts.store.close()


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


def secret_of(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def _no_slack() -> Any:
    raise InputError(
        "SLACK_BOT_TOKEN is not set: acting from Slack (item buttons, App Home, decisions) "
        "needs the Slack app; see README 'Connecting to Slack'"
    )
