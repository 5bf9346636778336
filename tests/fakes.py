"""In-memory fakes of the ports, for unit tests. They record state; tests assert on it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from cxbot.domain.changes import Change
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.service.ports import Progress, PublishResult, PullResult, RemoteItemState


class InMemoryStore:
    def __init__(self) -> None:
        self.launches: dict[str, Launch] = {}
        self.items: dict[str, ChecklistItem] = {}
        self.history: list[Change] = []
        self.cursors: dict[str, str] = {}

    def get_launch(self, key: str) -> Launch | None:
        return self.launches.get(key)

    def list_launches(self) -> list[Launch]:
        return sorted(self.launches.values(), key=lambda launch: (launch.open_date, launch.key))

    def items_of(self, launch_key: str) -> list[ChecklistItem]:
        found = [item for item in self.items.values() if item.launch_key == launch_key]
        return sorted(found, key=lambda item: (item.due, item.key))

    def get_item(self, key: str) -> ChecklistItem | None:
        return self.items.get(key)

    def items_by_key(self, keys: Iterable[str]) -> dict[str, ChecklistItem]:
        return {key: self.items[key] for key in keys if key in self.items}

    def apply(
        self,
        *,
        launch: Launch | None = None,
        items: Sequence[ChecklistItem] = (),
        changes: Sequence[Change] = (),
    ) -> None:
        if launch is not None:
            self.launches[launch.key] = launch
        for item in items:
            if item.launch_key not in self.launches:
                raise KeyError(f"item {item.key} of unknown launch {item.launch_key}")
            self.items[item.key] = item
        self.history.extend(changes)

    def changes(
        self, *, entity_id_prefix: str | None = None, limit: int | None = None
    ) -> list[Change]:
        found = [
            c
            for c in self.history
            if entity_id_prefix is None or c.entity_id.startswith(entity_id_prefix)
        ]
        return found[:limit] if limit is not None else found

    def get_cursor(self, name: str) -> str | None:
        return self.cursors.get(name)

    def set_cursor(self, name: str, value: str) -> None:
        self.cursors[name] = value


class FakeBoard:
    """A board that keeps pages in a dict and lets tests play the people editing them."""

    name = "fake"

    def __init__(self) -> None:
        self.pages: dict[str, ChecklistItem] = {}
        self.published: list[str] = []
        self.edits: list[RemoteItemState] = []
        self.fail_keys: set[str] = set()

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

    def pull(self, cursor: str | None, *, settled_before: datetime) -> PullResult:
        fresh = [e for e in self.edits if cursor is None or e.edited_at.isoformat() >= cursor]
        newest = max((e.edited_at.isoformat() for e in fresh), default=cursor)
        return PullResult(items=fresh, cursor=newest, unknown=[])
