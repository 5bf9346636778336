"""Settings from the environment and `.env`; every variable is in `.env.example`."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    cxbot_database_url: str = Field(
        default="sqlite:///.cxbot/cxbot.db",
        description="SQLAlchemy URL of the store; postgresql+psycopg://… for PostgreSQL",
    )
    cxbot_checklists_dir: Path = PROJECT_ROOT / "checklists"
    cxbot_templates_dir: Path = PROJECT_ROOT / "templates"
    cxbot_company_calendar: Path | None = None
    cxbot_locale: Literal["ko", "en"] = "ko"
    cxbot_timezone: str = "Asia/Seoul"
    cxbot_actor: str = Field(default_factory=lambda: _login())

    cxbot_reminders_file: Path = PROJECT_ROOT / "jobs" / "reminders.yaml"
    cxbot_outbox: Path = Path(".cxbot/outbox.jsonl")

    slack_bot_token: SecretStr | None = None
    slack_base_url: str = "https://slack.com/api/"

    notion_token: SecretStr | None = None
    notion_parent_page_id: str | None = None
    notion_checklist_data_source_id: str | None = None
    notion_base_url: str = "https://api.notion.com"
    notion_requests_per_second: float = Field(default=3.0, gt=0, le=3.0)
    notion_timeout_seconds: float = Field(default=30.0, gt=0)

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
