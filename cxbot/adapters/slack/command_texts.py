"""`/cxbot`'s answers as Slack text, from templates/<locale>/slack/command.j2."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from cxbot.adapters.rendering import Renderer

MAX_TEXT = 3000  # one ephemeral message: Slack truncates longer text


class SlackCommandTexts:
    def __init__(self, renderer: Renderer) -> None:
        self.m: Any = renderer.slack("slack/command.j2")

    def usage(self) -> str:
        return str(self.m.usage())

    def unknown(self, word: str) -> str:
        return str(self.m.unknown(word))

    def status(self, rows: Sequence[Any], *, today: date, horizon: int) -> str:
        if not rows:
            return str(self.m.no_launches())
        text = str(self.m.status_header(today))
        for index, row in enumerate(rows):
            line = str(self.m.status_line(row, horizon))
            if len(text) + len(line) + 12 > MAX_TEXT:
                return f"{text}\n… +{len(rows) - index}"
            text = f"{text}\n{line}"
        return text
