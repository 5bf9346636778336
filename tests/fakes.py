"""Fakes of the outside world for unit tests (a board, a sleep): they record what they
were asked; tests assert on it. The store in memory is the real `MemoryStore`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from cxbot.adapters.store.memory import MemoryStore
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.ports.checklists import HandAddedRow, PullResult, RemoteItemState
from cxbot.ports.common import Progress, PublishResult
from cxbot.ports.errors import RemoteError

InMemoryStore = MemoryStore
"""Every repository in memory: the supported in-memory store (cxbot.adapters.store.memory)."""


class NoSleep:
    """Records the back-off delays the code under test asked for, without waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class FakeBoard:
    """A board that keeps pages in a dict and lets tests play the people editing them."""

    name = "fake"

    def __init__(self) -> None:
        self.pages: dict[str, ChecklistItem] = {}
        self.published: list[str] = []
        self.edits: list[RemoteItemState] = []
        self.fail_keys: set[str] = set()
        self.refuse: str | None = None  # ready() raises this, as a wrong token would
        self.trashed: list[str] = []

    def ready(self) -> None:
        if self.refuse is not None:
            raise RemoteError(self.refuse)

    def publish(
        self,
        launch: Launch,
        items: Sequence[ChecklistItem],
        progress: Progress,
        *,
        maybe_exist: bool,
    ) -> PublishResult:
        ids: dict[str, str] = {}
        problems = []
        for done, item in enumerate(items, start=1):
            if item.key in self.fail_keys:
                problems.append(f"item {item.key}: refused")
                continue
            page_id = item.remote_id or f"page-{len(self.pages) + 1}"
            self.pages[page_id] = replace(item, remote_id=page_id)
            self.published.append(item.key)
            ids[item.key] = page_id
            progress(done, len(items), item.title)
        return PublishResult(ids=ids, problems=problems)

    def read(
        self, remote_id: str, *, authors: Sequence[str] = (), include_trashed: bool = False
    ) -> RemoteItemState | None:
        return next((e for e in reversed(self.edits) if e.remote_id == remote_id), None)

    def check(self) -> list[str]:
        return []

    def hand_added(self, remote_id: str) -> HandAddedRow | None:
        return None  # the fake board's rows are all cxbot's

    def sweep(self, launch: Launch, keep: Mapping[str, str]) -> list[str]:
        return []

    def trash(self, items: Sequence[ChecklistItem]) -> list[str]:
        for item in items:
            self.pages.pop(item.remote_id or "", None)
            self.trashed.append(item.key)
        return []

    def pull(self, cursor: str | None, *, settled_before: datetime) -> PullResult:
        fresh = [e for e in self.edits if cursor is None or e.edited_at.isoformat() >= cursor]
        newest = max((e.edited_at.isoformat() for e in fresh), default=cursor)
        return PullResult(items=fresh, cursor=newest, unknown=[])
