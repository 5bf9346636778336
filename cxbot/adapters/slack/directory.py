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
