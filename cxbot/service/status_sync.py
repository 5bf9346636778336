"""Reading back what departments ticked on the board since the last sync."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from cxbot.domain.changes import Change, ChangeSource, diff_fields
from cxbot.domain.checklist import ChecklistItem, ItemStatus
from cxbot.ports.checklists import RemoteItemState
from cxbot.service.board_outbox import BoardOutbox
from cxbot.service.launches import Context, Launches

CURSOR = "status_sync"
SYNCED_FIELDS = ("title", "status", "due", "scenario")
SETTLE = timedelta(minutes=2)
"""How long an edit may take to show in query results (indexing lag, clock skew)."""


@dataclass(frozen=True, kw_only=True)
class SyncReport:
    board: str
    seen: int
    changed_items: int
    changes: tuple[Change, ...]
    unknown: tuple[str, ...]
    problems: tuple[str, ...]
    cursor: str | None
    requests: int


def sync_status(ctx: Context, *, dry_run: bool = False) -> SyncReport:
    """Pulls edits made on the board and records each as a change.

    The board returns an overlapping window (Notion rounds edit times down to
    the minute), so an edit already mirrored compares equal and is not recorded
    twice.
    """
    cursor = ctx.cursors.get_cursor(CURSOR)
    pulled = ctx.board.pull(cursor, settled_before=ctx.now - SETTLE)
    known = ctx.store.items_by_key(state.key for state in pulled.items)
    changes: list[Change] = []
    updated: list[ChecklistItem] = []
    problems: list[str] = []
    for state in pulled.items:
        item = known.get(state.key)
        if item is None:
            problems.append(f"page {state.remote_id} has item key {state.key!r}, unknown here")
            continue
        if item.board_behind_since is not None:
            continue  # changed in cxbot after this board copy; the outbox pushes ours
        try:
            new_item, item_changes = mirror(item, state)
        except ValueError as error:
            problems.append(f"item {item.key} (page {state.remote_id}): {error}")
            continue
        if item_changes or new_item.remote_id != item.remote_id:
            updated.append(new_item)
            changes.extend(item_changes)
    if not dry_run:
        ctx.store.apply(items=updated, changes=changes)
        if pulled.cursor is not None:
            ctx.cursors.set_cursor(CURSOR, pulled.cursor)
    return SyncReport(
        board=ctx.board.name,
        seen=len(pulled.items),
        changed_items=len({c.entity_id for c in changes}),
        changes=tuple(changes),
        unknown=tuple(pulled.unknown),
        problems=tuple(problems),
        cursor=pulled.cursor,
        requests=pulled.requests,
    )


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
    if remote.get("title"):
        updated = replace(updated, title=remote["title"])
    if "status" in remote:
        updated = replace(updated, status=ItemStatus(remote["status"]))
    if remote.get("due"):
        updated = replace(updated, due=date.fromisoformat(remote["due"]))
    if "scenario" in remote:
        updated = replace(updated, scenario=remote["scenario"])
    return updated


@dataclass(frozen=True, kw_only=True)
class StatusSync:
    """Reading back what departments ticked, as a ready use case."""

    launches: Launches
    outbox: BoardOutbox | None = None
    on_caught: Callable[[int], None] | None = None
    """Told how many items this poll changed: with webhooks on, what they missed."""

    def run(self, *, now: datetime | None = None, dry_run: bool = False) -> SyncReport:
        """Pushes what the board is behind on (Slack clicks), then reads the board back."""
        if self.outbox is not None and not dry_run:
            self.outbox.drain()
        report = sync_status(self.launches.context(now), dry_run=dry_run)
        if self.on_caught is not None and not dry_run:
            self.on_caught(report.changed_items)
        return report
