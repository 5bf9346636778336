"""Requests from Slack to cxbot (actions, views, events, shortcuts, slash commands)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class SlackInbound(Protocol):
    def require_signing_secret(self) -> None:
        """Raises InputError, saying where to find it, when no signing secret is set."""
        ...

    def app(self, *, socket_mode: bool = False) -> Any:
        """A slack_bolt App holding the app's credentials (over HTTP its signing secret
        checks every request; Socket Mode needs the app token instead); the caller adds the
        listeners."""
        ...

    def dispatch(self, app: Any, body: bytes, headers: Mapping[str, str]) -> HttpAnswer:
        """One HTTP request from Slack through `app` (signature checked there)."""
        ...

    def serve_socket(self, app: Any) -> None:
        """Connects `app` over Socket Mode and serves it until stopped."""
        ...

    def socket_handler(self, app: Any) -> Any:
        """The Socket Mode handler `serve_socket` runs (`connect()`, `close()`)."""
        ...


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


class CommandTexts(Protocol):
    """What `/cxbot` answers, in the locale (templates/<locale>/slack/command.j2)."""

    def usage(self) -> str: ...

    def unknown(self, word: str) -> str: ...

    def status(self, rows: Sequence[Any], *, today: date, horizon: int) -> str:
        """The launches' progress (`LaunchProgress` rows) as Slack text."""
        ...
