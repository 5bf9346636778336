"""Block Kit for checklist items people act on: buttons, state lines, the reason modal and
the App Home tab, from the macros in templates/<locale>/slack/items.j2."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.desk_views import desk_buttons
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.inbound_text import REASON_LIMIT
from cxbot.domain.item_actions import ButtonRef, ItemAction, Stale
from cxbot.ports.briefs import ACK_ACTION
from cxbot.ports.item_actions import (
    ACTION_IDS,
    REASON_BLOCK,
    REASON_INPUT,
    REASON_VIEW,
    ActionOutcome,
    HomeView,
    MessageRef,
    Verdict,
)

HOME_BRIEFS = 5  # briefs shown in a manager's Home (the oldest still to confirm first)
MAX_HOME_BLOCKS = 100
HOME_DESKS = 5  # a planner's launches with their desk buttons, soonest first
SECTION_LIMIT = 3000
CONTEXT_LIMIT = 2000


def _cut(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def notion_link(item: ChecklistItem) -> str | None:
    if item.remote_id and not item.remote_id.startswith("local:"):
        return f"https://www.notion.so/{item.remote_id.replace('-', '')}"
    return None


class ItemBlocks:
    def __init__(self, renderer: Renderer) -> None:
        self.m: Any = renderer.slack("slack/items.j2")
        self.desk: Any = renderer.slack("slack/kickoff.j2")

    # digest lines ---------------------------------------------------------------
    def state(
        self,
        item: ChecklistItem,
        *,
        set_by: str | None = None,
        at: datetime | None = None,
        pending: bool | None = None,
    ) -> dict[str, Any]:
        behind = item.board_behind_since is not None if pending is None else pending
        text = str(self.m.state_line(item, set_by, at, behind))
        return {
            "type": "context",
            "block_id": f"state:{item.key}",
            "elements": [{"type": "mrkdwn", "text": _cut(text, CONTEXT_LIMIT)}],
        }

    def buttons(self, item: ChecklistItem, launch: Launch) -> dict[str, Any]:
        value = ButtonRef(item_key=item.key, open_date=launch.open_date).encode()
        elements = []
        for action in ItemAction:
            button: dict[str, Any] = {
                "type": "button",
                "action_id": ACTION_IDS[action],
                "text": {"type": "plain_text", "text": str(self.m.button_label(action.value))},
                "value": value,
            }
            if action is ItemAction.DONE:
                button["style"] = "primary"
            elif action is ItemAction.BLOCKED:
                button["style"] = "danger"
            elements.append(button)
        return {"type": "actions", "block_id": f"act:{item.key}", "elements": elements}

    def item_lines(self, item: ChecklistItem, launch: Launch) -> list[dict[str, Any]]:
        """The state line and, while the item is not done, its buttons."""
        lines = [self.state(item)]
        if item.status is not ItemStatus.DONE:
            lines.append(self.buttons(item, launch))
        return lines

    def restamp(
        self,
        blocks: Sequence[dict[str, Any]],
        outcome: ActionOutcome,
        *,
        current: Callable[[str], tuple[ChecklistItem, Launch] | None] | None = None,
    ) -> list[dict[str, Any]] | None:
        """The message's blocks with the acted-on item's lines redrawn from `outcome`,
        and (given `current`) every other item's lines from its current state; None when
        the message shows no line of the item."""
        key = outcome.item.key if outcome.item else None
        if key is None:
            return None
        if not any(b.get("block_id") in (f"state:{key}", f"act:{key}") for b in blocks):
            return None
        out: list[dict[str, Any]] = []
        placed: set[str] = set()
        for block in blocks:
            block_id = str(block.get("block_id", ""))
            kind, _, item_key = block_id.partition(":")
            if kind not in ("state", "act") or not item_key:
                out.append(block)
                continue
            if item_key in placed:
                continue
            placed.add(item_key)
            if item_key == key:
                out.extend(self._lines_for(outcome))
                continue
            found = current(item_key) if current is not None else None
            if found is None:
                out.append(block)
                placed.discard(item_key)  # keep its other line as it was, too
                continue
            out.extend(self.item_lines(*found))
        return out

    def _lines_for(self, outcome: ActionOutcome) -> list[dict[str, Any]]:
        item, launch = outcome.item, outcome.launch
        assert item is not None
        if launch is None or outcome.stale in (Stale.LAUNCH_GONE, Stale.ITEM_GONE):
            text = str(self.m.gone_line(outcome.stale or Stale.LAUNCH_GONE))
            return [
                {
                    "type": "context",
                    "block_id": f"state:{item.key}",
                    "elements": [{"type": "mrkdwn", "text": text}],
                }
            ]
        changed = outcome.verdict is Verdict.CHANGED
        state = self.state(
            item,
            set_by=outcome.user_id if changed else None,
            at=outcome.at if changed else None,
            pending=not outcome.landed if changed else None,
        )
        if item.status is ItemStatus.DONE:
            return [state]
        return [state, self.buttons(item, launch)]

    # answers ----------------------------------------------------------------------
    def answer(self, outcome: ActionOutcome) -> str:
        return _cut(str(self.m.answer(outcome)), SECTION_LIMIT)

    def planner_note(self, outcome: ActionOutcome) -> str:
        return _cut(str(self.m.planner_note(outcome)), SECTION_LIMIT)

    # the reason modal ---------------------------------------------------------------
    def reason_modal(
        self, item: ChecklistItem | None, ref: ButtonRef, message: MessageRef | None
    ) -> dict[str, Any]:
        metadata = {"v": ref.encode()}
        if message is not None:
            metadata.update(c=message.channel, t=message.ts)
        blocks: list[dict[str, Any]] = []
        if item is not None:
            blocks.append(
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": _cut(str(self.m.modal_intro(item)), 3000)},
                }
            )
        blocks.append(
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "label": {"type": "plain_text", "text": str(self.m.modal_label())},
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_INPUT,
                    "multiline": True,
                    "max_length": REASON_LIMIT,
                },
            }
        )
        return {
            "type": "modal",
            "callback_id": REASON_VIEW,
            "title": {"type": "plain_text", "text": str(self.m.modal_title())},
            "submit": {"type": "plain_text", "text": str(self.m.modal_submit())},
            "close": {"type": "plain_text", "text": str(self.m.modal_close())},
            "private_metadata": json.dumps(metadata),
            "blocks": blocks,
        }

    # the Home tab -------------------------------------------------------------------
    def _desks(self, view: HomeView) -> list[dict[str, Any]]:
        """A planner's running launches, each with 일정 변경 · 항목 추가 · 항목 제외."""
        blocks: list[dict[str, Any]] = []
        for launch in view.planned[:HOME_DESKS]:
            text = str(self.desk.home_desk(launch))
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
            blocks.append({**desk_buttons(self.desk, launch), "block_id": f"desk:{launch.key}"})
        return blocks

    def _briefs(self, view: HomeView) -> list[dict[str, Any]]:
        """A centre manager's briefs still to confirm, each with its button."""
        blocks: list[dict[str, Any]] = []
        for brief in view.briefs[:HOME_BRIEFS]:
            value = f"{brief.key}|{brief.version}"
            text = str(self.m.home_brief(brief))
            blocks.append(
                {
                    "type": "section",
                    "block_id": f"home-brief:{value}",
                    "text": {"type": "mrkdwn", "text": _cut(text, SECTION_LIMIT)},
                    "accessory": {
                        "type": "button",
                        "action_id": ACK_ACTION,
                        "style": "primary",
                        "text": {"type": "plain_text", "text": str(self.m.home_brief_button())},
                        "value": value,
                    },
                }
            )
        return blocks

    def home(self, view: HomeView) -> dict[str, Any]:
        m = self.m
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": str(m.home_header())}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": str(m.home_intro(view))}]},
        ]
        if view.notice is not None:
            blocks.append(
                {"type": "section", "text": {"type": "mrkdwn", "text": self.answer(view.notice)}}
            )
        blocks += self._briefs(view)
        blocks += self._desks(view)
        blocks.append({"type": "divider"})
        if not view.entries:
            blocks.append(
                {"type": "section", "text": {"type": "mrkdwn", "text": str(m.home_empty(view))}}
            )
            return {"type": "home", "blocks": blocks}
        room = (MAX_HOME_BLOCKS - len(blocks) - 1) // 2
        shown = view.entries[:room]
        for entry in shown:
            text = str(m.home_entry(entry, notion_link(entry.item)))
            blocks.append(
                {
                    "type": "section",
                    "block_id": f"home:{entry.item.key}",
                    "text": {"type": "mrkdwn", "text": _cut(text, SECTION_LIMIT)},
                }
            )
            blocks.append(self.buttons(entry.item, entry.launch))
        rest = view.entries[len(shown) :]
        if rest:
            text = str(m.home_rest_heading(len(rest)))
            for index, entry in enumerate(rest):
                line = str(m.home_rest_line(entry, notion_link(entry.item)))
                more = f"… +{len(rest) - index}"
                if len(text) + len(line) + len(more) + 2 > SECTION_LIMIT:
                    text = f"{text}\n{more}"
                    break
                text = f"{text}\n{line}"
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
        return {"type": "home", "blocks": blocks}
