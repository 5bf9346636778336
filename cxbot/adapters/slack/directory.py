"""The Slack directory cache: owners' user ids and DM channels, kept between runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, kw_only=True)
class SlackUser:
    email: str
    user_id: str | None
    dm_channel: str | None
    checked_at: datetime


class SlackDirectoryCache(Protocol):
    def cached_user(self, email: str) -> SlackUser | None: ...

    def cache_user(self, user: SlackUser) -> None: ...


class SlackItemMessages(Protocol):
    """Messages that show an item as "waiting for Notion", to refresh when it lands."""

    def remember(self, item_key: str, channel: str, ts: str, set_by: str, at: datetime) -> None:
        """`set_by` (a Slack user id) made the change at `at`."""
        ...

    def messages_of(self, item_key: str) -> list[tuple[str, str, str, datetime]]:
        """(channel, ts, set_by, at) of each message remembered for the item."""
        ...

    def forget(self, item_key: str) -> None: ...
