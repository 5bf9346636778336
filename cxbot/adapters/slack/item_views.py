"""ItemViews and SlackPeople on the real WebClient: redrawing digests (chat.update),
ephemeral answers (chat.postEphemeral), the reason modal (views.open), the App Home tab
(views.publish) and the CX planner's note."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from cxbot.adapters.slack.item_blocks import ItemBlocks
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.domain.item_actions import ButtonRef
from cxbot.domain.reminders import person
from cxbot.ports.checklists import LaunchRepository
from cxbot.ports.item_actions import ActionOutcome, HomeView, MessageRef, Verdict
from cxbot.ports.messages import DeliveryFailed, Message, Notifier
from cxbot.ports.slack import SlackItemMessages

log = logging.getLogger(__name__)

_SLACK_ERRORS = (SlackApiError, SlackClientError, OSError)


class SlackPeopleDirectory:
    """Slack user id → email through users.info, remembered for the process's life."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._emails: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def email_of(self, user_id: str) -> str | None:
        with self._lock:
            if user_id in self._emails:
                return self._emails[user_id]
        try:
            user = self.client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            if error.response.get("error") in ("user_not_found", "users_not_found"):
                return None
            raise
        email = (user.get("profile") or {}).get("email") or None
        with self._lock:
            self._emails[user_id] = email
        return email


class SlackItemViews:
    def __init__(
        self,
        client: WebClient,
        blocks: ItemBlocks,
        messages: SlackItemMessages,
        notifier: Notifier,
        *,
        clock: Callable[[], datetime],
        items: LaunchRepository,
    ) -> None:
        self.client, self.blocks, self.messages = client, blocks, messages
        self.notifier, self.clock = notifier, clock
        self.items = items
        # Striped: one lock per message would grow without end.
        self._locks = [threading.Lock() for _ in range(64)]

    def _lock(self, message: MessageRef) -> threading.Lock:
        return self._locks[hash((message.channel, message.ts)) % len(self._locks)]

    def show(self, message: MessageRef, outcome: ActionOutcome) -> None:
        """Redraws every item line of the message from the store, one redraw of a message
        at a time, so two people pressing in one message never undo each other's line."""
        with self._lock(message):
            blocks = list(message.blocks) if message.blocks is not None else self._blocks(message)
            if blocks is None:
                return
            redrawn = self.blocks.restamp(blocks, outcome, current=self._current)
            if redrawn is None:
                return
            try:
                self.client.chat_update(
                    channel=message.channel, ts=message.ts, blocks=redrawn, text=_fallback(blocks)
                )
            except _SLACK_ERRORS as error:
                log.warning("could not redraw %s/%s: %s", message.channel, message.ts, error)
                return
        if outcome.item is not None and outcome.verdict is Verdict.CHANGED and not outcome.landed:
            self.messages.remember(
                outcome.item.key,
                message.channel,
                message.ts,
                outcome.user_id,
                outcome.at or self.clock(),
            )

    def tell(self, channel: str, user_id: str, outcome: ActionOutcome) -> None:
        text = self.blocks.answer(outcome)
        try:
            self.client.chat_postEphemeral(channel=channel, user=user_id, text=text)
        except _SLACK_ERRORS as error:
            log.warning("could not answer %s in %s: %s", user_id, channel, error)

    def ask_reason(self, trigger_id: str, ref: ButtonRef, message: MessageRef | None) -> None:
        view = self.blocks.reason_modal(self.items.get_item(ref.item_key), ref, message)
        self.client.views_open(trigger_id=trigger_id, view=view)

    def tell_planner(self, outcome: ActionOutcome) -> None:
        launch = outcome.launch
        if launch is None or not launch.planner_email or outcome.item is None:
            log.warning("blocked item %s has no CX planner to tell", outcome.item)
            return
        recipient = person(launch.planner_name or launch.planner_email, launch.planner_email)
        text = self.blocks.planner_note(outcome)
        when = outcome.at.isoformat() if outcome.at else ""
        try:
            destination = self.notifier.resolve(recipient)
            if destination is None:
                log.warning("CX planner %s is not in Slack", launch.planner_email)
                return
            self.notifier.post(
                destination,
                Message(
                    key=f"blocked|{outcome.item.key}|{when}",
                    text=text,
                    blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
                ),
            )
        except (DeliveryFailed, *_SLACK_ERRORS) as error:
            log.error("could not tell the CX planner about %s: %s", outcome.item.key, error)

    def publish_home(self, view: HomeView) -> None:
        self.client.views_publish(user_id=view.user_id, view=self.blocks.home(view))

    def landed(self, item: ChecklistItem, launch: Launch) -> None:
        for channel, ts, set_by, at in self.messages.messages_of(item.key):
            outcome = ActionOutcome(
                verdict=Verdict.CHANGED, item=item, launch=launch, user_id=set_by, at=at
            )
            self.show(MessageRef(channel=channel, ts=ts), outcome)
        self.messages.forget(item.key)

    def _current(self, key: str) -> tuple[ChecklistItem, Launch] | None:
        item = self.items.get_item(key)
        launch = self.items.get_launch(item.launch_key) if item is not None else None
        return (item, launch) if item is not None and launch is not None else None

    def _blocks(self, message: MessageRef) -> list[dict[str, Any]] | None:
        """The message as it is now (a modal's submission does not carry it)."""
        try:
            page = self.client.conversations_history(
                channel=message.channel, latest=message.ts, inclusive=True, limit=1
            )
        except _SLACK_ERRORS as error:
            log.warning("could not read %s/%s: %s", message.channel, message.ts, error)
            return None
        for found in page.get("messages") or []:
            if found.get("ts") == message.ts:
                return list(found.get("blocks") or [])
        return None


def _fallback(blocks: list[dict[str, Any]]) -> str:
    for block in blocks:
        if block.get("type") == "header":
            return str(block["text"]["text"])
    return "cxbot"
