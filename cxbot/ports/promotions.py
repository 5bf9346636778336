"""The promotion calendar: its source, the mirror, the store and the CX alert outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from cxbot.domain.changes import Change
from cxbot.domain.promotions import CalendarDiff, Promotion, RowProblem
from cxbot.ports.common import Progress, PublishResult
from cxbot.ports.messages import Message


@dataclass(frozen=True, kw_only=True)
class PendingAlert:
    """A message recorded with the change that caused it, sent exactly once afterwards."""

    key: str
    created_at: datetime
    text: str
    blocks: list[dict[str, object]]
    preview: str


class AlertOutbox(Protocol):
    """CX alerts waiting to be sent (a transactional outbox)."""

    def pending_alerts(self) -> list[PendingAlert]: ...

    def queue_alert(self, alert: PendingAlert) -> None: ...

    def alert_delivered(self, key: str, now: datetime) -> None: ...


class PromotionRepository(AlertOutbox, Protocol):
    """The mirrored promotions; saving them queues their alert in the same transaction."""

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


@dataclass(frozen=True, kw_only=True)
class SourceRead:
    rows: list[list[object]]
    revision: str
    struck: frozenset[tuple[int, int]] = frozenset()
    """(row index, column position) of cells drawn with strike-through, where the source
    exposes formatting (XLSX files, Google Sheets' grid data, read with the values in one
    request); empty where it does not (CSV)."""


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


class CalendarComposer(Protocol):
    def changes(
        self, diff: CalendarDiff, *, source: str, problems: Sequence[RowProblem], lead_required: int
    ) -> Message: ...

    def guard(
        self,
        diff: CalendarDiff,
        *,
        source: str,
        known: int,
        threshold: float,
        layout_error: str | None,
    ) -> Message: ...

    def brief(self, promotions: Sequence[Promotion], *, days: int, today: date) -> Message: ...
