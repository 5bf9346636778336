"""The use cases that answer requests — Slack's buttons, modals and commands (items, decisions,
the planner's kick-off and desk, the centre's confirmations) and Notion's webhooks —
made on first use.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cxbot.adapters.rendering import say
from cxbot.adapters.slack.messages import SchemaAlertComposer
from cxbot.bootstrap.core import Core
from cxbot.bootstrap.parts import Parts
from cxbot.domain.owners import planner_entries
from cxbot.ports.item_actions import SlackPeople
from cxbot.service.board_rows import BoardRows
from cxbot.service.brief_buttons import BriefButtons
from cxbot.service.calendar_sync import CalendarSync
from cxbot.service.centre_briefs import CentreBriefs
from cxbot.service.decision_capture import DecisionCapture
from cxbot.service.decision_log import DecisionLog
from cxbot.service.item_actions import ItemActions
from cxbot.service.item_ticks import ItemTicks
from cxbot.service.kickoff import Kickoff
from cxbot.service.launch_desk import LaunchDesk
from cxbot.service.launches import Launches
from cxbot.service.notion_webhooks import NotionWebhooks
from cxbot.service.planners import Planners
from cxbot.service.slash_commands import SlashCommands
from cxbot.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class _SlackCases:
    capture: Callable[[], DecisionCapture]
    item_actions: Callable[[], ItemActions]
    brief_buttons: Callable[[], BriefButtons]
    slash_commands: Callable[[], SlashCommands]
    kickoff: Callable[[], Kickoff]
    desk: Callable[[], LaunchDesk]
    notion_webhooks: Callable[..., NotionWebhooks]


def slack_use_cases(
    settings: Settings,
    parts: Parts,
    core: Core,
    ticks: ItemTicks,
    decisions: DecisionLog,
    promotions: CalendarSync,
    briefs: CentreBriefs,
    launches: Launches,
) -> _SlackCases:
    """The use cases that answer requests (Slack, Notion webhooks), made on first use."""
    store, clock = parts.store, parts.clock
    schema_alert = SchemaAlertComposer(core.renderer)
    emails, groups = planner_entries(settings.cxbot_planners)

    @functools.cache
    def people() -> SlackPeople:
        """One Slack user id → e-mail directory (and its memory) for every use case."""
        from cxbot.adapters.slack.item_views import SlackPeopleDirectory

        return SlackPeopleDirectory(parts.slack.reader())

    @functools.cache
    def planners() -> Planners:
        return Planners(
            people=people(),
            groups=parts.slack.groups(),
            emails=emails,
            user_groups=groups,
        )

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
        owners = str(settings.cxbot_owners_file) if settings.cxbot_owners_file else None
        return ItemActions(
            store=store.launches,
            ticks=ticks,
            people=people(),
            views=parts.slack.views(),
            owners=core.templates.owners(owners),
            calendar=core.calendar,
            clock=clock,
            unconfirmed=lambda email, today: briefs.confirmations.unconfirmed(email, today=today),
            planners=planners(),
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

        client = parts.slack.reader()
        return BriefButtons(
            confirmations=briefs.confirmations,
            people=people(),
            views=SlackBriefViews(client, core.renderer),
            clock=clock,
            home=lambda user_id: item_actions().home(user_id),
        )

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
        owners = str(settings.cxbot_owners_file) if settings.cxbot_owners_file else None
        return Kickoff(
            launches=launches,
            slack=kickoff_slack(),
            delivery=core.delivery,
            planners=planners(),
            words=lambda said: say(labels, said),
            owners=owners,
            clock=clock,
        )

    @functools.cache
    def desk() -> LaunchDesk:
        from cxbot.adapters.slack.desk_views import SlackDesk

        client = parts.slack.reader()
        return LaunchDesk(
            launches=launches,
            slack=SlackDesk(client, core.renderer, kickoff_slack()),
            ledger=store.ledger,
            planners=planners(),
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
