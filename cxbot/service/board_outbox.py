"""Changes made in cxbot (a Slack click) that the board (Notion) has not got yet.

The store marks such an item "behind" in the same transaction as the change; `push`
sends the item's current state and clears the mark; `drain` retries every item still
behind. Status sync drains first and never reads a behind item back from the board, so
an old board copy cannot undo a newer click.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.ports.checklists import ChecklistBoard, LaunchRepository
from cxbot.ports.common import no_progress

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class DrainReport:
    behind: int
    landed: int
    failed: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class BoardOutbox:
    store: LaunchRepository
    board: ChecklistBoard
    on_landed: Callable[[ChecklistItem, Launch], None] | None = None
    """Told when a drained item reached the board (Slack redraws "waiting for Notion")."""
    _pushing: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reserve(self, key: str) -> None:
        """A push of the item is queued: drains leave it alone until it has run."""
        with self._lock:
            self._pushing.add(key)

    def push(self, key: str) -> bool:
        """Pushes the item's current state to the board; False while it must wait."""
        self.reserve(key)
        try:
            return self._push(key)
        finally:
            with self._lock:
                self._pushing.discard(key)

    def _push(self, key: str) -> bool:
        item = self.store.get_item(key)
        launch = self.store.get_launch(item.launch_key) if item is not None else None
        if item is None or launch is None:
            return True
        try:
            # An item never published may have a page from a create whose answer was lost:
            # the board looks it up by key first.
            result = self.board.publish(
                launch, [item], no_progress, maybe_exist=item.remote_id is None
            )
        except Exception as error:  # any board failure: keep it behind, retry later
            problem = f"{type(error).__name__}: {error}"
        else:
            if key in result.ids:
                # False when the item changed again meanwhile: the next push takes that.
                return self.store.board_caught_up(
                    key, status=item.status, remote_id=result.ids[key]
                )
            problem = "; ".join(result.problems) or "not published"
        attempts = self.store.board_push_failed(key, problem)
        log.warning(
            "%s is waiting for the %s board (attempt %d): %s",
            key,
            self.board.name,
            attempts,
            problem,
        )
        return False

    def in_flight(self) -> int:
        """Pushes queued or running in this process."""
        with self._lock:
            return len(self._pushing)

    def behind(self) -> int:
        """How many items the board has not got yet."""
        return len(self.store.board_behind())

    def drain(self) -> DrainReport:
        """Pushes every item the board is behind on. Stops at the first failure: the
        board is then down or throttling, and the next drain comes soon."""
        behind = self.store.board_behind()
        landed = 0
        failed: list[str] = []
        for item in behind:
            with self._lock:
                in_flight = item.key in self._pushing
            if in_flight:
                continue  # a click's own push is still on its way
            still = self.store.get_item(item.key)
            if still is None or still.board_behind_since is None:
                continue  # it landed while this drain went down the list
            if not self.push(item.key):
                failed.append(item.key)
                break
            landed += 1
            launch = self.store.get_launch(item.launch_key)
            current = self.store.get_item(item.key)
            if self.on_landed is not None and launch is not None and current is not None:
                self.on_landed(current, launch)
        if behind:
            log.info("board outbox: %d of %d behind pushed", landed, len(behind))
        return DrainReport(behind=len(behind), landed=landed, failed=tuple(failed))
