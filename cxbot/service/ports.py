"""The small interfaces the use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from cxbot.domain.changes import Change
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.domain.decisions import Decision
from cxbot.domain.promotions import Promotion

Progress = Callable[[int, int, str], None]
"""Called as progress(done, total, what) during long work."""


def no_progress(done: int, total: int, what: str) -> None:
    """A progress callback that reports nothing."""


class LaunchStore(Protocol):
    """cxbot's own record: launches, the item mirror, the change history, cursors."""

    def get_launch(self, key: str) -> Launch | None: ...

    def list_launches(self) -> list[Launch]: ...

    def items_of(self, launch_key: str) -> list[ChecklistItem]: ...

    def get_item(self, key: str) -> ChecklistItem | None: ...

    def items_by_key(self, keys: Iterable[str]) -> dict[str, ChecklistItem]: ...

    def apply(
        self,
        *,
        launch: Launch | None = None,
        items: Sequence[ChecklistItem] = (),
        changes: Sequence[Change] = (),
    ) -> None:
        """Saves a launch, upserts items and appends changes in one transaction."""
        ...

    def changes(
        self, *, entity_id_prefix: str | None = None, limit: int | None = None
    ) -> list[Change]: ...

    def get_cursor(self, name: str) -> str | None: ...

    def set_cursor(self, name: str, value: str) -> None: ...


@dataclass(frozen=True, kw_only=True)
class RemoteItemState:
    """An item as the board shows it after people edited it."""

    key: str
    remote_id: str
    fields: dict[str, str]
    edited_by: str
    edited_at: datetime


@dataclass(frozen=True, kw_only=True)
class PullResult:
    items: list[RemoteItemState]
    cursor: str | None
    unknown: list[str]
    requests: int = 0


@dataclass(frozen=True, kw_only=True)
class PublishResult:
    ids: dict[str, str]
    problems: list[str]
    requests: int = 0


class ChecklistBoard(Protocol):
    """Where departments see and tick their items (Notion, or nothing on the embedded default)."""

    name: str

    def publish(
        self,
        launch: Launch,
        items: Sequence[ChecklistItem],
        progress: Progress,
        *,
        maybe_exist: bool,
    ) -> PublishResult:
        """Creates or updates one page per item; returns item key → remote id.

        `maybe_exist` says an earlier run may have created pages for items that
        have no remote id yet: the board must find those instead of duplicating.
        """
        ...

    def pull(self, cursor: str | None, *, settled_before: datetime) -> PullResult:
        """Items edited since the cursor (inclusive, overlapping), and the next cursor.

        Edits made before `settled_before` are taken to be visible to a query by now,
        so the next cursor may move up to it even when nothing was edited.
        """
        ...


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

    def unsettled(self) -> list[ClaimedMessage]:
        """Messages claimed, being posted, or with an unknown outcome."""
        ...

    def release(self, message_key: str) -> None:
        """Forgets a message's claims (it was provably never posted)."""
        ...

    def reminder_states(self, business_date: date) -> dict[str, str]:
        """Reminder key → state, for one business day."""
        ...


@dataclass(frozen=True, kw_only=True)
class SlackUser:
    email: str
    user_id: str | None
    dm_channel: str | None
    checked_at: datetime


class SlackDirectoryCache(Protocol):
    def cached_user(self, email: str) -> SlackUser | None: ...

    def cache_user(self, user: SlackUser) -> None: ...


@dataclass(frozen=True, kw_only=True)
class PendingAlert:
    """A message recorded with the change that caused it, sent exactly once afterwards."""

    key: str
    created_at: datetime
    text: str
    blocks: list[dict[str, object]]
    preview: str


class PromotionStore(Protocol):
    def promotions(self) -> dict[str, Promotion]: ...

    def promotion_ids(self) -> dict[str, str]: ...

    def save_promotions(
        self,
        promotions: Sequence[Promotion],
        changes: Sequence[Change],
        alert: PendingAlert | None,
    ) -> None:
        """Upserts promotions, appends their changes and queues the alert, atomically."""
        ...

    def set_promotion_ids(self, ids: dict[str, str]) -> None: ...

    def pending_alerts(self) -> list[PendingAlert]: ...

    def queue_alert(self, alert: PendingAlert) -> None: ...

    def alert_delivered(self, key: str, now: datetime) -> None: ...


@dataclass(frozen=True, kw_only=True)
class SourceRead:
    rows: list[list[object]]
    revision: str


class PromotionSource(Protocol):
    """Where sales/marketing keep the calendar: a Google Sheet, or a local CSV/XLSX file."""

    name: str

    def fingerprint(self) -> str | None:
        """A cheap token that changes when the source changes (None: always read)."""
        ...

    def read(self) -> SourceRead:
        """Every row of the worksheet as raw cell values (dates as serial numbers)."""
        ...


class PromotionBoard(Protocol):
    """Where everyone sees the calendar (Notion, or nothing beyond the store)."""

    name: str

    def upsert(
        self, promotions: Sequence[Promotion], ids: dict[str, str], progress: Progress
    ) -> PublishResult: ...


@dataclass(frozen=True, kw_only=True)
class JobRun:
    job: str
    tick: datetime
    worker: str
    outcome: str  # running, ok, failed, abandoned
    started_at: datetime
    finished_at: datetime | None = None
    summary: dict[str, object] | None = None
    error: str | None = None


class JobRuns(Protocol):
    """The record of every job run; a (job, tick) is run by one worker only."""

    def claim_run(
        self, job: str, tick: datetime, *, worker: str, now: datetime, stale_before: datetime
    ) -> bool:
        """Starts the tick's run; False when another worker has it (or it is done).

        A run still 'running' since before `stale_before`, 'abandoned' or 'failed' is
        taken over (a failed tick is retried).
        """
        ...

    def finish_run(
        self,
        job: str,
        tick: datetime,
        *,
        outcome: str,
        now: datetime,
        summary: dict[str, object] | None = None,
        error: str | None = None,
    ) -> None: ...

    def runs_of(self, job: str, *, limit: int = 20) -> list[JobRun]:
        """Newest first."""
        ...

    def last_tick(self, job: str) -> datetime | None: ...


class DecisionStore(Protocol):
    def decisions(self, project: str | None = None) -> list[Decision]: ...

    def get_decision(self, key: str) -> Decision | None: ...

    def save_decisions(self, decisions: Sequence[Decision], changes: Sequence[Change]) -> None:
        """Upserts decisions and appends their changes, atomically."""
        ...


class DecisionBoard(Protocol):
    """Where decisions are shown (a Notion data source); the store stays the record."""

    name: str

    def mirror(self, decisions: Sequence[Decision]) -> PublishResult: ...
