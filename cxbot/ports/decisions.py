"""The decision log: the repository and the board that mirrors it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

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
