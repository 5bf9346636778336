"""Reminders: the exactly-once ledger."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from cxbot.domain.checklist import ChecklistItem
from cxbot.domain.notices import Notice
from cxbot.domain.reminders import Digest
from cxbot.ports.messages import Message


@dataclass(frozen=True, kw_only=True)
class ReminderEntry:
    """One reminder as the ledger records it."""

    reminder_key: str
    recipient_key: str
    kind: str
    business_date: date
    launch_key: str
    item_key: str | None
    late: bool = False


@dataclass(frozen=True, kw_only=True)
class ClaimedMessage:
    """A message whose reminders are claimed but whose delivery is not settled."""

    message_key: str
    recipient_key: str
    state: str
    channel: str | None
    claimed_at: datetime
    reminder_keys: tuple[str, ...]


class ReminderLedger(Protocol):
    """Exactly-once bookkeeping: a reminder key can be claimed once, ever."""

    def recorded(self, keys: Iterable[str]) -> set[str]:
        """Which of these reminder keys are already claimed (in any state)."""
        ...

    def claim(self, message_key: str, entries: Sequence[ReminderEntry], now: datetime) -> set[str]:
        """Claims what nobody claimed yet, atomically; returns the keys this call claimed."""
        ...

    def mark(
        self,
        message_key: str,
        state: str,
        *,
        now: datetime,
        channel: str | None = None,
        ts: str | None = None,
        error: str | None = None,
    ) -> None: ...

    def posted(self, message_key: str) -> tuple[str, str] | None:
        """Where a message was posted (channel, ts); None when it was not (yet)."""
        ...

    def unsettled(self) -> list[ClaimedMessage]:
        """Messages claimed, being posted, or with an unknown outcome."""
        ...

    def release(self, message_key: str) -> None:
        """Forgets a message's claims (it was provably never posted)."""
        ...

    def reminder_states(self, business_date: date) -> dict[str, str]:
        """Reminder key → state, for one business day."""
        ...


class DigestComposer(Protocol):
    def __call__(
        self,
        digest: Digest,
        *,
        late: bool,
        notes: Sequence[Notice],
        launch_items: dict[str, list[ChecklistItem]],
    ) -> Message: ...
