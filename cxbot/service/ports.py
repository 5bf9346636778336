"""The small interfaces the use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cxbot.domain.changes import Change
from cxbot.domain.checklist import ChecklistItem, Launch

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
