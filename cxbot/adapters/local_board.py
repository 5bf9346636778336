"""The embedded default: no outside boards; the local store is the record and the view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.domain.decisions import Decision
from cxbot.domain.promotions import Promotion
from cxbot.ports.checklists import HandAddedRow, PullResult, RemoteItemState
from cxbot.ports.common import Progress, PublishResult


class LocalBoard:
    """Publishing is recording (the store does that); there is nothing to pull."""

    name = "local"

    def ready(self) -> None:
        """The store is always there."""

    def publish(
        self,
        launch: Launch,
        items: Sequence[ChecklistItem],
        progress: Progress,
        *,
        maybe_exist: bool,
    ) -> PublishResult:
        ids = {item.key: item.remote_id or f"local:{item.key}" for item in items}
        for done, item in enumerate(items, start=1):
            progress(done, len(items), item.title)
        return PublishResult(ids=ids, problems=[])

    def pull(self, cursor: str | None, *, settled_before: datetime) -> PullResult:
        return PullResult(items=[], cursor=cursor, unknown=[])

    def read(
        self, remote_id: str, *, authors: Sequence[str] = (), include_trashed: bool = False
    ) -> RemoteItemState | None:
        return None

    def hand_added(self, remote_id: str) -> HandAddedRow | None:
        return None  # nobody adds rows to the local store by hand

    def check(self) -> list[str]:
        return []

    def trash(self, items: Sequence[ChecklistItem]) -> list[str]:
        return []

    def sweep(self, launch: Launch, keep: Mapping[str, str]) -> list[str]:
        return []


class LocalPromotionBoard:
    """The embedded default: the store is the calendar; nothing to write elsewhere."""

    name = "local"

    def upsert(
        self, promotions: Sequence[Promotion], ids: dict[str, str], progress: Progress
    ) -> PublishResult:
        for done, promotion in enumerate(promotions, start=1):
            progress(done, len(promotions), promotion.name)
        return PublishResult(
            ids={p.key: ids.get(p.key) or f"local:{p.key}" for p in promotions}, problems=[]
        )


class LocalDecisionBoard:
    name = "local"

    def mirror(self, decisions: Sequence[Decision]) -> PublishResult:
        return PublishResult(ids={}, problems=[])
