"""Launch checklists: the launch and item repository, the change history, the board."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from cxbot.domain.audit import Anchor, ChainedEntry
from cxbot.domain.changes import Change
from cxbot.domain.checklist import (
    ChecklistItem,
    ChecklistTemplate,
    ItemStatus,
    Launch,
    TemplateItem,
)
from cxbot.domain.owners import OwnerDirectory
from cxbot.ports.common import Progress, PublishResult


class LaunchRepository(Protocol):
    """cxbot's own record of launches and their items."""

    def get_launch(self, key: str) -> Launch | None: ...

    def list_launches(self) -> list[Launch]: ...

    def items_of(self, launch_key: str) -> list[ChecklistItem]: ...

    def items_of_launches(self, launch_keys: Iterable[str]) -> dict[str, list[ChecklistItem]]:
        """Each launch's items (ordered as `items_of`), in one read however many."""
        ...

    def get_item(self, key: str) -> ChecklistItem | None: ...

    def items_by_key(self, keys: Iterable[str]) -> dict[str, ChecklistItem]: ...

    def apply(
        self,
        *,
        launch: Launch | None = None,
        items: Sequence[ChecklistItem] = (),
        changes: Sequence[Change] = (),
        removed: Sequence[str] = (),
    ) -> None:
        """Saves a launch, upserts items, deletes the `removed` items' rows and appends
        changes in one transaction.

        Never touches whether an item's board copy is behind (the outbox below does)."""
        ...

    def change_status(
        self,
        key: str,
        *,
        expected: ItemStatus,
        status: ItemStatus,
        changes: Sequence[Change],
        at: datetime,
    ) -> bool:
        """Compare-and-set: sets the status only if it is still `expected`, appends the
        changes and marks the item's board copy behind, in one transaction. False when
        someone else changed it first (nothing is written)."""
        ...

    def mark_board_behind(self, keys: Sequence[str], at: datetime) -> None:
        """The board could not take these items now: the outbox pushes them later."""
        ...

    def take_board_copy(
        self, item: ChecklistItem, *, expected: ChecklistItem, changes: Sequence[Change]
    ) -> bool:
        """Compare-and-set for an edit read back from the board: saves `item`'s synced
        fields (title, status, due, scenario, remote id) and appends the changes, in one
        transaction, only if the stored item still has `expected`'s synced fields and no
        newer change of cxbot's is waiting to reach the board. False otherwise (nothing is
        written)."""
        ...

    def board_behind(self) -> list[ChecklistItem]:
        """Items whose board copy is behind, oldest first (the outbox)."""
        ...

    def board_caught_up(self, key: str, *, status: ItemStatus, remote_id: str) -> bool:
        """The board now shows `status`: clears the mark unless the item changed since."""
        ...

    def board_push_failed(self, key: str, error: str) -> int:
        """Records a failed push; returns how many attempts have failed."""
        ...


class ChangeHistory(Protocol):
    """Every change cxbot recorded, oldest first, hash-chained."""

    def changes(
        self,
        *,
        entity_id_prefix: str | None = None,
        limit: int | None = None,
        entity: str | None = None,
        since: datetime | None = None,
        entity_ids: Collection[str] | None = None,
    ) -> list[Change]:
        """Oldest first; only ids starting with the prefix (or among `entity_ids`), of one
        kind of entity (checklist_item, launch, promotion, decision), recorded at or after
        `since`."""
        ...

    def last_changed(self, entity: str, fields: Collection[str]) -> dict[str, datetime]:
        """Entity id → when one of these fields of it last changed (its creation counts)."""
        ...

    def chain(self) -> Iterator[ChainedEntry]:
        """The whole history with its hashes, oldest first."""
        ...


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
    unkeyed: list[str] = field(default_factory=list)
    """Pages without an item key: rows people added by hand (`ChecklistBoard.hand_added`)."""


@dataclass(frozen=True, kw_only=True)
class HandAddedRow:
    """A checklist row someone added in the board by hand, to be adopted as an item."""

    remote_id: str
    title: str
    launch_name: str
    department_name: str
    due: date | None
    status: str
    scenario: str
    added_by: str
    added_at: datetime


class ChecklistBoard(Protocol):
    """Where departments see and tick their items (Notion, or nothing on the embedded default)."""

    name: str

    def ready(self) -> None:
        """Checks, before anything is recorded, what would make every write fail (a wrong
        token, no parent page): raises a RemoteError that says what to fix. A passing
        outage is not such a failure: the items are recorded and handed to the outbox."""
        ...

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

    def read(
        self, remote_id: str, *, authors: Sequence[str] = (), include_trashed: bool = False
    ) -> RemoteItemState | None:
        """One item's page as it is now, `authors` (board user ids) named as its editors;
        None when the page is gone, not a cxbot item, or (unless asked) in the trash."""
        ...

    def check(self) -> list[str]:
        """What is wrong with the board's schema (renamed or deleted columns)."""
        ...

    def trash(self, items: Sequence[ChecklistItem]) -> list[str]:
        """Moves the pages of items a launch no longer has to the trash (they can be
        restored there); says what could not be moved."""
        ...

    def sweep(self, launch: Launch, keep: Mapping[str, str]) -> list[str]:
        """Moves a launch's duplicate pages (one item, several pages: a create that
        committed after its answer was lost) to the trash, keeping `keep[item key]`;
        says what it moved."""
        ...

    def pull(self, cursor: str | None, *, settled_before: datetime) -> PullResult:
        """Items edited since the cursor (inclusive, overlapping), and the next cursor.

        Edits made before `settled_before` are taken to be visible to a query by now,
        so the next cursor may move up to it even when nothing was edited.
        """
        ...

    def hand_added(self, remote_id: str) -> HandAddedRow | None:
        """A row someone added to the checklist by hand (no item key), as they filled it
        in; None when the page is gone, in the trash, or a cxbot item."""
        ...


@dataclass(frozen=True, kw_only=True)
class TemplateCheck:
    """One template file as read: the template, or what is wrong with it."""

    path: str
    template: ChecklistTemplate | None
    error: str | None
    warnings: tuple[str, ...] = ()  # valid, but probably not meant (an offset past D+14)


class TemplateCatalog(Protocol):
    """The checklist templates (checklists/) and owners files."""

    def find(self, name: str) -> ChecklistTemplate:
        """A template by key or by path; InputError naming what is wrong."""
        ...

    def check_all(self, paths: Sequence[str] = ()) -> list[TemplateCheck]:
        """Every template (or these files), each read and validated."""
        ...

    def owners(self, path: str | None) -> OwnerDirectory:
        """The departments' owners from a YAML file (an empty directory for None)."""
        ...

    def added_items(self, path: str) -> tuple[TemplateItem, ...]:
        """A launch's own items from a YAML file (`launch create --add`), validated."""
        ...


PENDING = "pending"
"""The outcome of an event recorded but not handled yet."""


@dataclass(frozen=True, kw_only=True)
class RecordedEvent:
    event_id: str
    kind: str
    entity_id: str
    event_at: datetime
    authors: tuple[str, ...]
    received_at: datetime | None = None
    """When cxbot recorded it: the order events are handled in when their own times tie."""


class WebhookEvents(Protocol):
    """Notion webhook events received: recorded first (durably, answered at once), handled
    in the background, each once; per page the newest applied."""

    def record_events(self, events: Sequence[RecordedEvent], now: datetime) -> set[str]:
        """Records the events as pending, in one transaction; returns the ids this call
        recorded (an id recorded already is a duplicate, left as it is)."""
        ...

    def pending_events(self, limit: int) -> list[RecordedEvent]:
        """Events recorded and not handled yet, in the order they arrived."""
        ...

    def settle_event(self, event_id: str, outcome: str) -> None: ...

    def page_mark(self, page_id: str) -> datetime | None:
        """The timestamp of the newest event applied to the page."""
        ...

    def set_page_mark(self, page_id: str, event_at: datetime) -> bool:
        """Moves the page's mark forward to `event_at`; False (nothing written) when an
        event at least as new was applied already."""
        ...

    def last_received(self) -> datetime | None: ...


class ChainAnchor(Protocol):
    """Where the history's head is kept outside the database."""

    def record(self, head_id: int, head_hash: str, count: int) -> None: ...

    def read(self) -> Anchor | None: ...
