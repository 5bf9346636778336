"""Requests from Slack to cxbot (interactivity, slash commands), over HTTP or Socket Mode."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

SocketHandler = Callable[[str, dict[str, Any]], "dict[str, Any] | None"]
"""Called as handle(request type, payload); returns the response payload."""


class SlackInbound(Protocol):
    def require_signing_secret(self) -> None:
        """Raises InputError, saying where to find it, when no signing secret is set."""
        ...

    def verify(self, body: bytes, headers: Mapping[str, str]) -> bool:
        """True for a request signed with the app's signing secret within five minutes."""
        ...

    def serve_socket(self, handle: SocketHandler) -> None:
        """Connects over Socket Mode and hands every request to `handle`, until stopped."""
        ...
