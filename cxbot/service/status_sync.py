"""Reading back what departments ticked on the board since the last sync."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cxbot.domain.changes import Change
from cxbot.domain.checklist import ChecklistItem
from cxbot.ports.checklists import ChecklistBoard, LaunchRepository, RemoteItemState
from cxbot.ports.common import Clock, Cursors
from cxbot.service.board_outbox import BoardOutbox
from cxbot.service.board_rows import BoardRows
from cxbot.service.item_ticks import ItemTicks, mirror

CURSOR = "status_sync"
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


@dataclass(frozen=True, kw_only=True)
class StatusSync:
    """Reading back what departments ticked on the board, as a ready use case."""

    board: ChecklistBoard
    store: LaunchRepository
    cursors: Cursors
    ticks: ItemTicks
    clock: Clock
    outbox: BoardOutbox | None = None
    on_caught: Callable[[int], None] | None = None
    """Told how many items this poll changed: with webhooks on, what they missed."""
    rows: BoardRows | None = None
    """Adopts rows people added to a launch's checklist by hand."""

    def run(self, *, now: datetime | None = None, dry_run: bool = False) -> SyncReport:
        """Pushes what the board is behind on (Slack clicks), then reads the board back.

        The board returns an overlapping window (Notion rounds edit times down to the
        minute), so an edit already mirrored compares equal and is not recorded twice.
        """
        if self.outbox is not None and not dry_run:
            self.outbox.drain()
        now = now or self.clock()
        cursor = self.cursors.get_cursor(CURSOR)
        pulled = self.board.pull(cursor, settled_before=now - SETTLE)
        known = self.store.items_by_key(state.key for state in pulled.items)
        changes: list[Change] = []
        problems: list[str] = []
        for state in pulled.items:
            item = known.get(state.key)
            if item is None:
                problems.append(f"page {state.remote_id} has item key {state.key!r}, unknown here")
                continue
            try:
                changes += self._take(item, state, dry_run=dry_run)
            except ValueError as error:
                problems.append(f"item {item.key} (page {state.remote_id}): {error}")
        adopted = self._adopt(pulled.unkeyed, dry_run=dry_run)
        problems += [told for told in adopted if not told.startswith("added ")]
        if not dry_run and pulled.cursor is not None:
            self.cursors.set_cursor(CURSOR, pulled.cursor)
        report = SyncReport(
            board=self.board.name,
            seen=len(pulled.items),
            changed_items=len({c.entity_id for c in changes}),
            changes=tuple(changes),
            unknown=tuple(pulled.unknown),
            problems=tuple(problems),
            cursor=pulled.cursor,
            requests=pulled.requests,
        )
        if self.on_caught is not None and not dry_run:
            self.on_caught(report.changed_items)
        return report

    def _adopt(self, pages: list[str], *, dry_run: bool) -> list[str]:
        """Rows without an item key: added by hand, adopted as items of their launch (or
        said what they need)."""
        if self.rows is None or dry_run:
            return [f"page {page} has no item key" for page in pages]
        told = []
        for page in pages:
            row = self.board.hand_added(page)
            if row is not None:
                told.append(self.rows.adopt(row))
        return told

    def _take(self, item: ChecklistItem, state: RemoteItemState, *, dry_run: bool) -> list[Change]:
        if item.board_behind_since is not None:
            return []  # changed in cxbot after this board copy; the outbox pushes ours
        if dry_run:
            return mirror(item, state)[1]
        taken = self.ticks.take_from_board(item, state)
        # None: the item changed in cxbot meanwhile; the next poll reads the board again.
        return list(taken.changes) if taken is not None else []
