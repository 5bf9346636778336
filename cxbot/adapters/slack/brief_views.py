"""The brief's message redrawn after a confirmation, and the short answers to a press."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from cxbot.adapters.rendering import Renderer
from cxbot.ports.messages import Message

log = logging.getLogger(__name__)


class SlackBriefViews:
    def __init__(self, client: WebClient, renderer: Renderer) -> None:
        self.client = client
        self.m: Any = renderer.slack("slack/brief.j2")

    def redraw(self, channel: str, ts: str, message: Message) -> None:
        try:
            self.client.chat_update(
                channel=channel, ts=ts, blocks=message.blocks, text=message.text
            )
        except (SlackApiError, SlackClientError) as error:
            log.warning("could not redraw the brief %s/%s: %s", channel, ts, error)

    def tell(self, channel: str, user_id: str, state: str) -> None:
        try:
            self.client.chat_postEphemeral(
                channel=channel, user=user_id, text=str(self.m.ack_answer(state))
            )
        except (SlackApiError, SlackClientError) as error:
            log.warning("could not answer %s in %s: %s", user_id, channel, error)
