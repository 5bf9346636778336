"""The one way an item's status changes, wherever the change comes from.

From cxbot (CLI, Slack): a compare-and-set on the status that appends the history and
marks the board copy behind in one transaction; the outbox pushes it to the board (at
once when the caller waits, later when the board is down). From the board (status sync,
webhooks): a compare-and-set on the synced fields that refuses while cxbot's own newer
change is on its way. So the history, the store and the board cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from cxbot.domain.changes import Change, ChangeSource, diff_fields
from cxbot.domain.checklist import ChecklistItem, ItemStatus
from cxbot.domain.inbound_text import TEXT_LIMIT, TITLE_LIMIT, clean_text
from cxbot.ports.checklists import LaunchRepository, RemoteItemState
from cxbot.ports.errors import NotFound
from cxbot.service.board_outbox import BoardOutbox

SYNCED_FIELDS = ("title", "status", "due", "scenario")
ATTEMPTS = 3
"""Tries of a compare-and-set when someone else changes the item in between."""


@dataclass(frozen=True, kw_only=True)
class Ticked:
    """An item after a change was asked for: `changes` is empty when nothing changed."""

    item: ChecklistItem
    changes: tuple[Change, ...]


class KeptChanging(RuntimeError):
    """The item changed under every attempt (a storm of edits): nothing was recorded."""


@dataclass(frozen=True, kw_only=True)
class ItemTicks:
    store: LaunchRepository
    outbox: BoardOutbox

    def try_set(
        self,
        item: ChecklistItem,
        status: ItemStatus,
        *,
        actor: str,
        source: ChangeSource,
        at: datetime,
        note: str | None = None,
    ) -> Ticked | None:
        """One compare-and-set from `item` as read; None when it changed since the read.
        A status it already has changes nothing."""
        changes = diff_fields(
            entity="checklist_item",
            entity_id=item.key,
            old={"status": item.status.value},
            new={"status": status.value},
            actor=actor,
            source=source,
            at=at,
            note=note,
        )
        if not changes:
            return Ticked(item=item, changes=())
        if not self.store.change_status(
            item.key, expected=item.status, status=status, changes=changes, at=at
        ):
            return None
        self.outbox.reserve(item.key)
        return Ticked(item=self.store.get_item(item.key) or item, changes=tuple(changes))

    def set(
        self,
        key: str,
        status: ItemStatus,
        *,
        actor: str,
        source: ChangeSource,
        at: datetime,
        note: str | None = None,
    ) -> Ticked:
        """Sets the status, re-reading when someone else changed it in between."""
        for _ in range(ATTEMPTS):
            item = self.store.get_item(key)
            if item is None:
                raise NotFound(
                    f"no checklist item {key!r}; `cxbot launch show LAUNCH` lists the keys"
                )
            done = self.try_set(item, status, actor=actor, source=source, at=at, note=note)
            if done is not None:
                return done
        raise KeptChanging(f"{key} kept changing while its status was being set")

    def push(self, key: str) -> bool:
        """Pushes the item's state to the board now; False when the board is behind (the
        outbox retries)."""
        return self.outbox.push(key)

    def take_from_board(
        self, item: ChecklistItem, state: RemoteItemState, *, at: datetime | None = None
    ) -> Ticked | None:
        """Records the board's copy of `item` (an edit read back); None when the item
        changed in cxbot since it was read, or cxbot's newer change is on its way.
        ValueError for a value cxbot cannot take (a bad status)."""
        new_item, changes = mirror(item, state, at=at)
        if not changes and new_item.remote_id == item.remote_id:
            return Ticked(item=item, changes=())
        if not self.store.take_board_copy(new_item, expected=item, changes=changes):
            return None
        return Ticked(item=new_item, changes=tuple(changes))


def mirror(
    item: ChecklistItem, state: RemoteItemState, *, at: datetime | None = None
) -> tuple[ChecklistItem, list[Change]]:
    """The item as the board shows it, and the changes that makes (by the board's editor,
    at `at` or the edit time). ValueError for a value cxbot cannot take (a bad status)."""
    remote = {name: state.fields[name] for name in SYNCED_FIELDS if name in state.fields}
    new_item = _apply(item, remote, state.remote_id)
    changes = diff_fields(
        entity="checklist_item",
        entity_id=item.key,
        old=item.tracked_fields(),
        new=new_item.tracked_fields(),
        actor=state.edited_by,
        source=ChangeSource.NOTION,
        at=at or state.edited_at,
    )
    return new_item, changes


def _apply(item: ChecklistItem, remote: dict[str, str], remote_id: str) -> ChecklistItem:
    updated = replace(item, remote_id=remote_id)
    title = clean_text(remote.get("title") or "", limit=TITLE_LIMIT).strip()
    if title:  # a title of nothing but control characters keeps the one cxbot has
        updated = replace(updated, title=title)
    if "status" in remote:
        updated = replace(updated, status=ItemStatus(remote["status"]))
    if remote.get("due"):
        updated = replace(updated, due=date.fromisoformat(remote["due"]))
    if "scenario" in remote:
        updated = replace(updated, scenario=clean_text(remote["scenario"], limit=TEXT_LIMIT))
    return updated
