"""What every end-to-end test of the command line starts from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

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
