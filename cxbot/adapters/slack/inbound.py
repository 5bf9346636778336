"""Requests from Slack: signatures checked with slack-sdk's verifier; Socket Mode sessions."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from cxbot.ports.slack import SocketHandler
from cxbot.service.errors import InputError


class SlackInboundAdapter:
    """The SlackInbound port on slack-sdk. Missing credentials fail when used, not when
    built, so commands that do not serve Slack never need them."""

    def __init__(
        self,
        *,
        signing_secret: str | None,
        app_token: str | None,
        web_client: Callable[[], Any],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = signing_secret
        self._app_token = app_token
        self._web_client = web_client
        self._clock = clock
        self._verifier: Any = None

    def require_signing_secret(self) -> None:
        if not self._secret:
            raise InputError(
                "SLACK_SIGNING_SECRET is not set (Basic Information → App "
                "Credentials → Signing Secret)"
            )

    def verify(self, body: bytes, headers: Mapping[str, str]) -> bool:
        if self._verifier is None:
            self.require_signing_secret()
            assert self._secret is not None
            from slack_sdk.signature import Clock, SignatureVerifier

            clock = self._clock

            class _Clock(Clock):
                def now(self) -> float:
                    return clock()

            self._verifier = SignatureVerifier(self._secret, clock=_Clock())
        lowered = {k.lower(): v for k, v in headers.items()}
        return bool(self._verifier.is_valid_request(body, lowered))

    def serve_socket(self, handle: SocketHandler) -> None:
        if not self._app_token:
            raise InputError(
                "SLACK_APP_TOKEN is not set: create an app-level token with connections:write"
            )
        from slack_sdk.socket_mode import SocketModeClient

        client = SocketModeClient(app_token=self._app_token, web_client=self._web_client())
        client.socket_mode_request_listeners.append(socket_listener(handle))
        client.connect()
        threading.Event().wait()


def socket_listener(handle: SocketHandler) -> Callable[[Any, Any], None]:
    """A SocketModeClient listener that acknowledges every envelope with handle's answer."""
    from slack_sdk.socket_mode.response import SocketModeResponse

    def listener(client: Any, request: Any) -> None:
        answer = handle(request.type, request.payload)
        client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload=answer or None)
        )

    return listener
