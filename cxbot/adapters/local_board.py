"""The embedded default: no outside board; the local store is where items are ticked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.service.ports import Progress, PublishResult, PullResult


class LocalBoard:
    """Publishing is recording (the store does that); there is nothing to pull."""

    name = "local"

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
