"""`/cxbot <sub-command>`: one slash command for the launch work done from Slack —
`status`, `decision …` (what `/cxbot-decision` does), and help for the rest."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cxbot.ports.common import Clock
from cxbot.ports.slack import CommandTexts
from cxbot.service.decision_capture import DecisionCapture
from cxbot.service.kickoff import Kickoff
from cxbot.service.launches import Launches

STATUS_WORDS = ("status", "현황")
DECISION_WORDS = ("decision", "결정")
LAUNCH_WORDS = ("launch", "런칭")
HELP_WORDS = ("", "help", "도움말")


@dataclass(frozen=True, kw_only=True)
class SlashCommands:
    launches: Launches
    capture: Callable[[], DecisionCapture]
    texts: CommandTexts
    clock: Clock
    kickoff: Callable[[], Kickoff]
    """The kick-off modal (`/cxbot launch`)."""
    horizon: int = 5
    """Business days ahead `status` lists items due in."""

    def handle(self, form: Mapping[str, str]) -> dict[str, Any] | None:
        """The answer to `/cxbot …` (ephemeral: only the person who typed it sees it);
        None when the answer is a modal (`launch`)."""
        text = form.get("text", "").strip()
        word, _, rest = text.partition(" ")
        word = word.lower()
        if word in DECISION_WORDS:
            return self.capture().slash_command({**form, "text": rest.strip()})
        if word in STATUS_WORDS:
            today = self.clock().date()
            rows = self.launches.progress(today=today, horizon=self.horizon)
            return _ephemeral(self.texts.status(rows, today=today, horizon=self.horizon))
        if word in LAUNCH_WORDS:
            self.kickoff().open(
                user_id=form.get("user_id", ""),
                trigger_id=form.get("trigger_id", ""),
                channel=form.get("channel_id", ""),
            )
            return None
        if word in HELP_WORDS:
            return _ephemeral(self.texts.usage())
        return _ephemeral(self.texts.unknown(word))


def _ephemeral(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text}
