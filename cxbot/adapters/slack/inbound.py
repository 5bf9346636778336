"""Requests from Slack, on slack-bolt: the App with the app's credentials; Socket Mode."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

from cxbot.ports.errors import InputError
from cxbot.ports.slack import HttpAnswer

TIMESTAMP = re.compile(r"[0-9]{1,12}")
"""Unix seconds as Slack sends them (10 digits until the year 2286)."""


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
        self._replays = ReplayWindow()

    def require_signing_secret(self) -> None:
        if not self._secret:
            raise InputError(
                "SLACK_SIGNING_SECRET is not set (Basic Information → App "
                "Credentials → Signing Secret)"
            )

    def app(self, *, socket_mode: bool = False) -> Any:
        """The bolt app. Over HTTP every request is signature-checked (the signing secret);
        Socket Mode's connection is authenticated by the app token, so it needs no secret."""
        if not socket_mode:
            self.require_signing_secret()
        elif not self._app_token:
            raise InputError(
                "SLACK_APP_TOKEN is not set: create an app-level token with connections:write"
            )
        if not self._bot_token:
            raise InputError("SLACK_BOT_TOKEN is not set: serving Slack needs the app's bot token")
        from slack_bolt import App

        return App(
            signing_secret=self._secret or "",
            client=self._web_client(),  # carries the bot token
            token_verification_enabled=False,  # checked on the first request, not at start
            # Acknowledge on the request's own thread: acks never wait behind slow work,
            # which runs in the lazy listeners on bolt's pool.
            process_before_response=True,
            listener_executor=ThreadPoolExecutor(16, thread_name_prefix="cxbot-slack"),
            logger=logging.getLogger("cxbot.slack_bolt"),
        )

    def dispatch(self, app: Any, body: bytes, headers: Mapping[str, str]) -> HttpAnswer:
        lowered = {k.lower(): v for k, v in headers.items()}
        # ASCII digits only, of a sane length: `²` passes str.isdigit() and 5,000 digits
        # overflow int() — both crashed bolt's own check with a traceback (a 500).
        if not TIMESTAMP.fullmatch(lowered.get("x-slack-request-timestamp", "")):
            return _answer(401, "missing or malformed X-Slack-Request-Timestamp")
        problem = _malformed(body, lowered.get("content-type", ""))
        if problem:
            return _answer(400, problem)
        signature = lowered.get("x-slack-signature", "")
        if self._replays.seen(signature):
            # The same signed bytes again inside the 5-minute window: handled already.
            return HttpAnswer(200, b"")
        answer = self._dispatch(app, body, headers)
        if 200 <= answer.status < 300:
            self._replays.remember(signature)
        return answer

    def _dispatch(self, app: Any, body: bytes, headers: Mapping[str, str]) -> HttpAnswer:
        from slack_bolt.request import BoltRequest

        request = BoltRequest(
            body=body.decode("utf-8", "replace"),
            headers={k.lower(): [v] for k, v in headers.items()},
        )
        answer = app.dispatch(request)
        flat = {k: v[0] if isinstance(v, list) else str(v) for k, v in answer.headers.items()}
        return HttpAnswer(status=answer.status, body=answer.body.encode("utf-8"), headers=flat)

    def serve_socket(self, app: Any) -> None:
        self.socket_handler(app).start()

    def socket_handler(self, app: Any) -> Any:
        """slack-bolt's Socket Mode handler for `app`: `start()` blocks (what `cxbot slack
        socket` runs), `connect()` returns once connected, `close()` ends it. It asks
        apps.connections.open for the WebSocket URL with the app-level token, through the
        app's own Web API client (so SLACK_BASE_URL points both at the same Slack)."""
        if not self._app_token:
            raise InputError(
                "SLACK_APP_TOKEN is not set: create an app-level token with connections:write"
            )
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(app, app_token=self._app_token, web_client=app.client)
        return handler


REPLAY_WINDOW = 5 * 60.0
"""Slack's: a request older than five minutes is refused by its timestamp anyway."""


class ReplayWindow:
    """Signatures of requests handled in the last five minutes (this process)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def seen(self, signature: str) -> bool:
        with self._lock:
            expires = self._seen.get(signature)
            return expires is not None and expires > self.clock()

    def remember(self, signature: str) -> None:
        if not signature:
            return
        now = self.clock()
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen = {k: v for k, v in self._seen.items() if v > now}
            self._seen[signature] = now + REPLAY_WINDOW


def _malformed(body: bytes, content_type: str) -> str | None:
    """What is wrong with a body no Slack request has; None when it may be one."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if content_type.startswith("application/json"):
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            return "the body is not JSON"
        return None if isinstance(parsed, dict) else "the JSON body is not an object"
    form = parse_qs(text)
    if "payload" in form:
        try:
            payload = json.loads(form["payload"][0])
        except ValueError:
            return "payload is not JSON"
        if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
            return "payload is not an interaction (an object with a type)"
        return None
    if "command" in form or "ssl_check" in form:
        return None
    return "neither an interaction payload, a slash command nor an event"


def _answer(status: int, error: str) -> HttpAnswer:
    return HttpAnswer(status, json.dumps({"error": error}).encode())
