"""Requests from Slack, on slack-bolt: the App with the app's credentials; Socket Mode."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cxbot.ports.slack import HttpAnswer
from cxbot.service.errors import InputError


class SlackInboundAdapter:
    """The SlackInbound port on slack-bolt. Missing credentials fail when used, not when
    built, so commands that do not serve Slack never need them."""

    def __init__(
        self,
        *,
        signing_secret: str | None,
        app_token: str | None,
        bot_token: str | None,
        web_client: Callable[[], Any],
    ) -> None:
        self._secret = signing_secret
        self._app_token = app_token
        self._bot_token = bot_token
        self._web_client = web_client

    def require_signing_secret(self) -> None:
        if not self._secret:
            raise InputError(
                "SLACK_SIGNING_SECRET is not set (Basic Information → App "
                "Credentials → Signing Secret)"
            )

    def app(self) -> Any:
        self.require_signing_secret()
        if not self._bot_token:
            raise InputError("SLACK_BOT_TOKEN is not set: serving Slack needs the app's bot token")
        from slack_bolt import App

        return App(
            signing_secret=self._secret,
            client=self._web_client(),  # carries the bot token
            token_verification_enabled=False,  # checked on the first request, not at start
            # Acknowledge on the request's own thread: acks never wait behind slow work,
            # which runs in the lazy listeners on bolt's pool.
            process_before_response=True,
            listener_executor=ThreadPoolExecutor(16, thread_name_prefix="cxbot-slack"),
            logger=logging.getLogger("cxbot.slack_bolt"),
        )

    def dispatch(self, app: Any, body: bytes, headers: Mapping[str, str]) -> HttpAnswer:
        from slack_bolt.request import BoltRequest

        request = BoltRequest(
            body=body.decode("utf-8", "replace"),
            headers={k.lower(): [v] for k, v in headers.items()},
        )
        answer = app.dispatch(request)
        flat = {k: v[0] if isinstance(v, list) else str(v) for k, v in answer.headers.items()}
        return HttpAnswer(status=answer.status, body=answer.body.encode("utf-8"), headers=flat)

    def serve_socket(self, app: Any) -> None:
        if not self._app_token:
            raise InputError(
                "SLACK_APP_TOKEN is not set: create an app-level token with connections:write"
            )
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        SocketModeHandler(app, app_token=self._app_token).start()  # type: ignore[no-untyped-call]
