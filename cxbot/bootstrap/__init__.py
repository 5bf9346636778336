"""The composition root, split by what it wires: `parts` (each outside system), `core` (what
every use case shares), `launch_cases` (launches and the scheduled jobs), `slack_cases`
(requests from Slack and Notion), `root` (`build`, the one place that puts them together)
and `checkup` (`cxbot doctor`). Entrypoints get ready use cases from `build()` — never the
store, the settings or an SDK.
"""

from __future__ import annotations

from cxbot.bootstrap.checkup import diagnose
from cxbot.bootstrap.parts import (
    NotionPart,
    SheetsPart,
    SlackPart,
    notion_part,
    sheets_part,
    slack_part,
)
from cxbot.bootstrap.root import build, read_settings

__all__ = [
    "NotionPart",
    "SheetsPart",
    "SlackPart",
    "build",
    "diagnose",
    "notion_part",
    "read_settings",
    "sheets_part",
    "slack_part",
]
