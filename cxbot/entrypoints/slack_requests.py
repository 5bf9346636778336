"""Slack's interactivity and slash-command requests, dispatched to DecisionCapture."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from cxbot.ports.slack import SlackInbound
from cxbot.service.decision_capture import DecisionCapture

log = logging.getLogger(__name__)


class SignedRequests:
    """Checks X-Slack-Signature (with the 5-minute replay window) and dispatches the body."""

    def __init__(self, capture: DecisionCapture, inbound: SlackInbound) -> None:
        self.capture = capture
        self.inbound = inbound

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        if not self.inbound.verify(body, headers):
            log.warning("refused a Slack request with a missing, wrong or stale signature")
            return 401, {"error": "invalid signature"}
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        if "payload" in form:
            answer = self.capture.handle(json.loads(form["payload"]))
            return 200, answer or {}
        if "command" in form:
            return 200, self.capture.slash_command(form)
        return 400, {"error": "not an interactivity payload or a slash command"}


def socket_requests(capture: DecisionCapture) -> Any:
    """The Socket Mode handler: the same capture, for workspaces without a public URL."""

    def handle(kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        if kind == "interactive":
            return capture.handle(payload)
        if kind == "slash_commands":
            return capture.slash_command(payload)
        return None

    return handle
