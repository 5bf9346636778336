"""Slack interactivity: signed requests over HTTP, or Socket Mode, into DecisionCapture."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from slack_sdk import WebClient
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.webhook import WebhookClient

from cxbot.domain.decisions import Decision
from cxbot.service.decision_capture import CONFIRM, DISCARD, DecisionCapture

log = logging.getLogger(__name__)


class SlackWorkspace:
    """DecisionCapture's view of Slack, through the real WebClient."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._names: dict[str, str] = {}

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        return list(self.client.conversations_replies(channel=channel, ts=ts)["messages"])

    def user_name(self, user_id: str) -> str:
        if user_id not in self._names:
            user = self.client.users_info(user=user_id)["user"]
            self._names[user_id] = str(user.get("real_name") or user.get("name") or user_id)
        return self._names[user_id]

    def permalink(self, channel: str, ts: str) -> str:
        return str(self.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])

    def channel_name(self, channel: str) -> str:
        return str(
            self.client.conversations_info(channel=channel)["channel"].get("name") or channel
        )

    def ask_to_confirm(self, user_id: str, decision: Decision) -> None:
        dm = self.client.conversations_open(users=user_id)["channel"]["id"]
        parties = ", ".join(p.who for p in decision.participants) or "-"
        text = (
            f"*결정 초안 {decision.key}*\n*{decision.title}*\n{decision.decision}\n"
            f"참여자: {parties}\n" + " ".join(decision.links)
        )
        self.client.chat_postMessage(
            channel=dm,
            text=f"결정 초안 {decision.key}: {decision.title}",
            blocks=[
                {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}},
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": CONFIRM,
                            "style": "primary",
                            "value": decision.key,
                            "text": {"type": "plain_text", "text": "결정으로 기록"},
                        },
                        {
                            "type": "button",
                            "action_id": DISCARD,
                            "value": decision.key,
                            "text": {"type": "plain_text", "text": "버리기"},
                        },
                    ],
                },
            ],
        )

    def acknowledge(self, response_url: str | None, text: str) -> None:
        if response_url:
            WebhookClient(response_url).send(text=text, response_type="ephemeral")


class SignedRequests:
    """Checks X-Slack-Signature (with the 5-minute replay window) and dispatches the body."""

    def __init__(
        self, capture: DecisionCapture, signing_secret: str, clock: Callable[[], float] = time.time
    ) -> None:
        class _Clock(Clock):
            def now(self) -> float:
                return clock()

        self.capture = capture
        self.verifier = SignatureVerifier(signing_secret, clock=_Clock())

    def __call__(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        lowered = {k.lower(): v for k, v in headers.items()}
        if not self.verifier.is_valid_request(body, lowered):
            log.warning("refused a Slack request with a missing, wrong or stale signature")
            return 401, {"error": "invalid signature"}
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        if "payload" in form:
            answer = self.capture.handle(json.loads(form["payload"]))
            return 200, answer or {}
        if "command" in form:
            return 200, self.capture.slash_command(form)
        return 400, {"error": "not an interactivity payload or a slash command"}


def socket_mode_listener(capture: DecisionCapture) -> Callable[[Any, Any], None]:
    """A SocketModeClient listener: the same capture, for workspaces without a public URL."""
    from slack_sdk.socket_mode.response import SocketModeResponse

    def listener(client: Any, request: Any) -> None:
        answer: dict[str, Any] | None = None
        if request.type == "interactive":
            answer = capture.handle(request.payload)
        elif request.type == "slash_commands":
            answer = capture.slash_command(request.payload)
        client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload=answer or None)
        )

    return listener
