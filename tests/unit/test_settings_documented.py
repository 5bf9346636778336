"""Every setting is documented in .env.example, and secrets never show in a repr."""

from __future__ import annotations

from pydantic import SecretStr

from cxbot.settings import PROJECT_ROOT, Settings

EXAMPLE = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")


def test_every_setting_is_in_env_example() -> None:
    missing = [name.upper() for name in Settings.model_fields if name.upper() not in EXAMPLE]
    assert missing == []


def test_secrets_are_hidden() -> None:
    settings = Settings(notion_token=SecretStr("secret_abc"), slack_bot_token=SecretStr("xoxb-1"))
    shown = repr(settings) + str(settings.model_dump())
    assert "secret_abc" not in shown and "xoxb-1" not in shown
