"""The ready use cases the composition root hands to every entrypoint.

Entrypoints (CLI, service, workers, Slack/HTTP) receive one `CxBot` and nothing else:
no store, no settings, no SDK client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from cxbot.ports.checklists import TemplateCatalog
from cxbot.ports.common import Clock, OutputFiles, TextRenderer
from cxbot.ports.slack import SlackInbound
from cxbot.service.audit_report import Audit
from cxbot.service.board_outbox import BoardOutbox
from cxbot.service.brief_buttons import BriefButtons
from cxbot.service.calendar_sync import CalendarSync
from cxbot.service.centre_briefs import CentreBriefs
from cxbot.service.decision_capture import DecisionCapture
from cxbot.service.decision_log import DecisionLog
from cxbot.service.demo import Demo
from cxbot.service.doctor import Doctor
from cxbot.service.item_actions import ItemActions
from cxbot.service.jobs import JobRunner
from cxbot.service.kickoff import Kickoff
from cxbot.service.launch_desk import LaunchDesk
from cxbot.service.launches import Launches
from cxbot.service.notion_webhooks import NotionWebhooks
from cxbot.service.reminders import Reminders
from cxbot.service.service_status import ServiceStatus
from cxbot.service.slash_commands import SlashCommands
from cxbot.service.status_sync import StatusSync
from cxbot.service.weekly_report import WeeklyReports


@dataclass(frozen=True, kw_only=True)
class Mode:
    """What the bot is connected to, for messages to the user (never a secret)."""

    notion: bool
    slack: bool
    sheets: bool
    store: str
    outbox: str
    notifier: str


@dataclass(frozen=True, kw_only=True)
class CxBot:
    clock: Clock
    tz: ZoneInfo
    """The company's time zone: what every date shown to a person is in."""
    actor: str
    mode: Mode
    render: TextRenderer
    templates: TemplateCatalog
    launches: Launches
    status_sync: StatusSync
    reminders: Reminders
    calendar: CalendarSync
    calendar_from_file: Callable[[str], CalendarSync]
    decisions: DecisionLog
    capture: Callable[[], DecisionCapture]
    item_actions: Callable[[], ItemActions]
    """People ticking items from Slack (needs SLACK_BOT_TOKEN); made on first use."""
    brief_buttons: Callable[[], BriefButtons]
    """Centre managers confirming a brief from Slack; made on first use."""
    slash_commands: Callable[[], SlashCommands]
    """`/cxbot status | decision … | launch | help`; made on first use."""
    kickoff: Callable[[], Kickoff]
    """The CX planner's kick-off from Slack (the "런칭 시작" modal); made on first use."""
    desk: Callable[[], LaunchDesk]
    """The planner's desk on a live launch from Slack (일정 변경, 항목 추가/제외)."""
    outbox: BoardOutbox
    notion_webhooks: Callable[..., NotionWebhooks]
    """Notion's webhook events; called with `announce=` (shows the verification token
    once) and `accept_new_token=`."""
    slack_inbound: SlackInbound
    audit: Audit
    weekly: WeeklyReports
    briefs: CentreBriefs
    """The contact centres' brief: preview, send, confirmations (jobs/centres.yaml)."""
    jobs: JobRunner
    service_status: ServiceStatus
    doctor: Doctor
    demo: Demo
    files: OutputFiles
    """Where reports are written (exactly where asked; never through a link)."""
    database_reachable: Callable[[], bool]
    """Whether the store's PostgreSQL answers now (what `cxbot worker` checks)."""
    worker_database: Callable[[], str]
    """The PostgreSQL conninfo for `cxbot worker`, its queue tables created."""
    close: Callable[[], None]
