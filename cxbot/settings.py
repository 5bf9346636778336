"""Settings from the environment and `.env`; every variable is in `.env.example`."""

from __future__ import annotations

import getpass
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from cxbot.domain.owners import planner_entries
from cxbot.domain.sheet_headers import extra_headers

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )  # `NAME=` in .env (as .env.example writes it) means not set, never the path "."

    cxbot_database_url: str = Field(
        default="sqlite:///.cxbot/cxbot.db",
        description="SQLAlchemy URL of the store; postgresql+psycopg://… for PostgreSQL",
    )
    cxbot_checklists_dir: Path = PROJECT_ROOT / "checklists"
    cxbot_templates_dir: Path = PROJECT_ROOT / "templates"
    cxbot_company_calendar: Path | None = None
    cxbot_owners_file: Path | None = Field(
        default=None,
        description="owners YAML: who may tick a department's items from Slack (members)",
    )
    cxbot_planners: str = Field(
        default="",
        description="the CX planners who may kick off and re-plan launches from Slack: "
        "e-mails and Slack user groups (S… or @handle), comma-separated",
    )
    cxbot_audit_anchor: Path = Field(
        default=Path(".cxbot/audit-anchor.json"),
        description="where the change history's head is kept outside the database",
    )
    cxbot_audit_key: SecretStr | None = Field(
        default=None,
        description="HMAC key for the anchor (default: a key file beside the anchor)",
    )
    cxbot_notion_webhook_token_file: Path | None = Field(
        default=None,
        description="where Notion's webhook verification token is kept (0600, not the store); "
        "default: notion-webhook-token beside the audit anchor",
    )
    notion_webhook_verification_token: SecretStr | None = Field(
        default=None,
        description="the webhook verification token from a secret manager (wins over the file)",
    )
    cxbot_locale: Literal["ko", "en"] = "ko"
    cxbot_timezone: str = "Asia/Seoul"
    cxbot_actor: str = Field(default_factory=lambda: _login())

    cxbot_reminders_file: Path = PROJECT_ROOT / "jobs" / "reminders.yaml"
    cxbot_schedule_file: Path = PROJECT_ROOT / "jobs" / "schedule.yaml"
    cxbot_centres_file: Path = Field(
        default=PROJECT_ROOT / "jobs" / "centres.yaml",
        description="the contact centres cxbot briefs: channel or e-mail, managers, audience",
    )
    cxbot_smtp_host: str | None = Field(default=None, description="mail server for e-mail briefs")
    cxbot_smtp_port: int = Field(default=587, gt=0, lt=65536)
    cxbot_smtp_starttls: bool = True
    cxbot_smtp_user: str | None = None
    cxbot_smtp_password: SecretStr | None = None
    cxbot_smtp_from: str = Field(default="cxbot@localhost", description="the briefs' sender")
    cxbot_outbox: Path = Path(".cxbot/outbox.jsonl")

    cxbot_calendar_file: Path | None = None  # a CSV/XLSX calendar instead of a Google Sheet
    cxbot_calendar_sheet: str | None = None
    cxbot_calendar_worksheet: str = "프로모션"
    cxbot_calendar_lead_days: int = Field(default=5, ge=0)
    cxbot_calendar_guard: float = Field(default=0.3, gt=0, le=1)
    cxbot_calendar_brief_days: int = Field(default=3, ge=1)
    cxbot_calendar_headers: str = Field(
        default="",
        description="extra column names per field: send_date=카톡 발송|알림 일정; start=오픈",
    )
    google_service_account_file: Path | None = None

    slack_bot_token: SecretStr | None = None
    slack_base_url: str = "https://slack.com/api/"
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None

    notion_token: SecretStr | None = None
    notion_parent_page_id: str | None = None
    notion_checklist_data_source_id: str | None = None
    notion_promotions_data_source_id: str | None = None
    notion_decisions_data_source_id: str | None = None
    notion_base_url: str = "https://api.notion.com"
    notion_api_version: Literal["2026-12-01", "2026-03-11", "2025-09-03"] = Field(
        default="2026-12-01",
        description="the Notion-Version cxbot sends; pin an older one for a workspace not ready",
    )
    notion_requests_per_second: float = Field(default=3.0, gt=0, le=3.0)
    notion_timeout_seconds: float = Field(default=30.0, gt=0)

    @property
    def sheet_id(self) -> str | None:
        """The spreadsheet id, also when CXBOT_CALENDAR_SHEET holds its URL."""
        if not self.cxbot_calendar_sheet:
            return None
        match = re.search(r"/spreadsheets/d/([A-Za-z0-9_-]+)", self.cxbot_calendar_sheet)
        return match[1] if match else self.cxbot_calendar_sheet.strip()

    @field_validator("cxbot_planners")
    @classmethod
    def _planners_are_people_or_groups(cls, value: str) -> str:
        planner_entries(value)  # ValueError names the entry
        return value

    @field_validator("cxbot_timezone")
    @classmethod
    def _a_real_time_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a time zone; write an IANA name such as Asia/Seoul"
            ) from None
        return value

    @field_validator("cxbot_calendar_headers")
    @classmethod
    def _headers_readable(cls, value: str) -> str:
        extra_headers(value)  # a ValueError names the part that is wrong
        return value

    @property
    def calendar_headers(self) -> dict[str, tuple[str, ...]]:
        return extra_headers(self.cxbot_calendar_headers)

    @property
    def sheets_enabled(self) -> bool:
        return bool(self.sheet_id and self.google_service_account_file)

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_bot_token.get_secret_value())

    @property
    def notion_enabled(self) -> bool:
        return bool(self.notion_token and self.notion_token.get_secret_value())


def _login() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"
