"""What every end-to-end test of the command line starts from."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cxbot.emulators.notion import NotionEmulator
from cxbot.entrypoints.cli import cli


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Runs cxbot in an empty folder with its own SQLite store and no credentials."""
    monkeypatch.chdir(tmp_path)
    for name in ("NOTION_TOKEN", "NOTION_PARENT_PAGE_ID", "CXBOT_DATABASE_URL", "CXBOT_LOCALE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CXBOT_ACTOR", "cli:tester")

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), obj={}, env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def notion_env(clock: Any) -> Iterator[tuple[NotionEmulator, dict[str, str]]]:
    emulator = NotionEmulator(tokens={"secret_cli_token"}, rate_limit=False).start()
    parent = emulator.workspace.add_page("CX 운영")
    emulator.workspace.add_person("김지현", "jihyun.kim@example.com")
    env = {
        "NOTION_TOKEN": "secret_cli_token",
        "NOTION_BASE_URL": emulator.base_url,
        "NOTION_PARENT_PAGE_ID": parent,
    }
    yield emulator, env
    emulator.stop()
