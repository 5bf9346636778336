"""DecisionCapture's view of Slack (threads, names, permalinks, DMs) on the real WebClient."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from cxbot.adapters.rendering import Renderer
from cxbot.domain.decisions import Decision
from cxbot.ports.decisions import CONFIRM, DISCARD

log = logging.getLogger(__name__)


class SlackWorkspace:
    """DecisionCapture's view of Slack, through the real WebClient."""

    def __init__(self, client: WebClient, renderer: Renderer) -> None:
        self.client = client
        self.m: Any = renderer.slack("slack/decision.j2")
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
        text = str(self.m.draft(decision)).strip()
        self.client.chat_postMessage(
            channel=dm,
            text=str(self.m.fallback(decision)),
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
                            "text": {"type": "plain_text", "text": str(self.m.confirm())},
                        },
                        {
                            "type": "button",
                            "action_id": DISCARD,
                            "value": decision.key,
                            "text": {"type": "plain_text", "text": str(self.m.discard())},
                        },
                    ],
                },
            ],
        )

    def acknowledge(self, response_url: str | None, text: str) -> None:
        if response_url:
            WebhookClient(response_url).send(text=text, response_type="ephemeral")
