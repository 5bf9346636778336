"""The decision log: the repository and the board that mirrors it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from cxbot.domain.changes import Change
from cxbot.domain.decisions import Decision
from cxbot.ports.common import PublishResult


class DecisionRepository(Protocol):
    def decisions(self, project: str | None = None) -> list[Decision]: ...

    def get_decision(self, key: str) -> Decision | None: ...

    def save_decisions(self, decisions: Sequence[Decision], changes: Sequence[Change]) -> None:
        """Upserts decisions and appends their changes, atomically."""
        ...


class DecisionBoard(Protocol):
    """Where decisions are shown (a Notion data source); the store stays the record."""

    name: str

    def mirror(self, decisions: Sequence[Decision]) -> PublishResult: ...


SHORTCUT = "cxbot_decision"


CONFIRM = "cxbot_decision_confirm"


DISCARD = "cxbot_decision_discard"


class SlackReader(Protocol):
    """What capturing needs from Slack: the thread, names, a permalink, a DM."""

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]: ...

    def user_name(self, user_id: str) -> str: ...

    def permalink(self, channel: str, ts: str) -> str: ...

    def channel_name(self, channel: str) -> str: ...

    def ask_to_confirm(self, user_id: str, decision: Decision) -> None: ...

    def acknowledge(self, response_url: str | None, text: str) -> None: ...
