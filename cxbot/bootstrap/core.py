"""What every use case shares: the business calendar, the templates and reminder settings read
once, exactly-once delivery, the audit anchor, and the checks `cxbot doctor` runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cxbot.adapters.audit_anchor import FileChainAnchor
from cxbot.adapters.findings import StaticFindings, bad
from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.mail.smtp import SmtpMailer
from cxbot.adapters.private_files import SecretFile
from cxbot.adapters.rendering import Renderer
from cxbot.adapters.yaml_files import (
    YamlTemplates,
    load_centres,
    load_company_calendar,
    load_reminder_settings,
)
from cxbot.bootstrap.parts import Parts, secret_of
from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.centres import Centre
from cxbot.domain.reminders import ReminderSettings
from cxbot.ports.common import Checkable
from cxbot.service.audit_report import Audit
from cxbot.service.delivery import ExactlyOnce
from cxbot.service.usecases import Mode
from cxbot.settings import Settings

CALENDAR_YEARS_BACK = 1
CALENDAR_YEARS_AHEAD = 4


@dataclass(frozen=True, kw_only=True)
class Core:
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


def shared_core(settings: Settings, parts: Parts) -> Core:
    store, clock = parts.store, parts.clock
    anchor = FileChainAnchor(
        settings.cxbot_audit_anchor,
        settings.cxbot_audit_key.get_secret_value().encode() if settings.cxbot_audit_key else None,
    )
    store.anchor_with(anchor.record)
    reminder_settings = load_reminder_settings(settings.cxbot_reminders_file)
    templates = YamlTemplates(settings.cxbot_checklists_dir)
    centres = load_centres(settings.cxbot_centres_file)
    return Core(
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
            secret_of(settings.notion_webhook_verification_token),
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


def mailer_of(settings: Settings) -> SmtpMailer | None:
    if not settings.cxbot_smtp_host:
        return None
    return SmtpMailer(
        settings.cxbot_smtp_host,
        settings.cxbot_smtp_port,
        sender=settings.cxbot_smtp_from,
        starttls=settings.cxbot_smtp_starttls,
        user=settings.cxbot_smtp_user,
        password=secret_of(settings.cxbot_smtp_password),
    )


def _mail_checks(settings: Settings, centres: tuple[Centre, ...]) -> list[Checkable]:
    """The mail server when one is set; a finding when a centre needs one and none is."""
    mailer = mailer_of(settings)
    if mailer is not None:
        return [mailer]
    by_mail = [c.key for c in centres if c.channel_kind == "email"]
    if not by_mail:
        return []
    return [StaticFindings(bad("smtp", "mail_needed", centres=", ".join(by_mail)))]


def mode_of(settings: Settings, parts: Parts) -> Mode:
    return Mode(
        notion=settings.notion_enabled,
        slack=settings.slack_enabled,
        sheets=settings.sheets_enabled,
        store=parts.store.label,
        outbox=str(settings.cxbot_outbox),
        notifier=parts.slack.notifier.name,
    )


def audit_use_case(parts: Parts, core: Core) -> Audit:
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


def _business_calendar(settings: Settings, today: date) -> BusinessCalendar:
    closures, extra = load_company_calendar(settings.cxbot_company_calendar)
    return korean_calendar(
        range(today.year - CALENDAR_YEARS_BACK, today.year + CALENDAR_YEARS_AHEAD + 1),
        closures=closures,
        extra_workdays=extra,
    )
