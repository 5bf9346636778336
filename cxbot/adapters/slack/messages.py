"""Reminder digests as Block Kit, from the jinja2 macros in templates/<locale>/slack/."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.item_blocks import ItemBlocks, notion_link
from cxbot.domain.checklist import ChecklistItem, ItemStatus
from cxbot.domain.notices import Notice
from cxbot.domain.reminders import Digest, Reminder
from cxbot.ports.messages import Message

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
TEXT_LIMIT = 4000  # Slack truncates longer fallback text; keep it readable


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class DigestComposer:
    """Builds one message (≤ 50 blocks, sections ≤ 3000 characters) per digest."""

    def __init__(self, renderer: Renderer) -> None:
        self.macros: Any = renderer.slack("slack/digest.j2")
        self.items = ItemBlocks(renderer)

    def __call__(
        self,
        digest: Digest,
        *,
        late: bool,
        notes: Sequence[Notice],
        launch_items: dict[str, list[ChecklistItem]],
    ) -> Message:
        m = self.macros
        blocks: list[Any] = [
            HeaderBlock(text=_cut(str(m.header(digest)).strip(), HEADER_LIMIT)),
            ContextBlock(
                elements=[MarkdownTextObject(text=_cut(str(m.intro(digest, late, notes)), 2000))]
            ),
        ]
        detail, rest = digest.detail_and_rest()
        current_launch = None
        for reminder in detail:
            if reminder.launch.key != current_launch:
                current_launch = reminder.launch.key
                blocks.append(DividerBlock())
                heading = _cut(str(m.launch_heading(reminder.launch)), 2000)
                blocks.append(ContextBlock(elements=[MarkdownTextObject(text=heading)]))
            body = _cut(self._body(reminder, launch_items), SECTION_LIMIT)
            if reminder.item is None:
                blocks.append(SectionBlock(text=MarkdownTextObject(text=body)))
                continue
            blocks.append(
                SectionBlock(
                    block_id=f"item:{reminder.item.key}", text=MarkdownTextObject(text=body)
                )
            )
            blocks.extend(
                Block.parse(line) for line in self.items.item_lines(reminder.item, reminder.launch)
            )
        if rest:
            summary = _summary_lines(
                str(m.rest_heading(rest)), [str(m.rest_line(r)) for r in rest], m.rest_more
            )
            blocks.append(SectionBlock(text=MarkdownTextObject(text=summary)))
        dicts = [block.to_dict() for block in blocks]  # validates Block Kit limits
        return Message(
            key=digest.key,
            text=_cut(str(m.fallback(digest)), TEXT_LIMIT),
            blocks=dicts,
            preview=plain_text(dicts),
        )

    def _body(self, reminder: Reminder, launch_items: dict[str, list[ChecklistItem]]) -> str:
        if reminder.item is not None:
            return str(self.macros.item(reminder, notion_link(reminder.item))).strip()
        items = launch_items.get(reminder.launch.key, [])
        counts = {"done": sum(1 for i in items if i.status is ItemStatus.DONE), "total": len(items)}
        open_items = [i for i in items if i.status.is_open]
        blocked = [i for i in items if i.status is ItemStatus.BLOCKED]
        return str(self.macros.summary(reminder, counts, open_items, blocked)).strip()


def _summary_lines(heading: str, lines: list[str], more: Any) -> str:
    """As many one-line entries as fit in one section, then "and N more"."""
    text = heading
    for index, line in enumerate(lines):
        tail = str(more(len(lines) - index))
        if len(text) + 1 + len(line) + 1 + len(tail) > SECTION_LIMIT:
            return f"{text}\n{tail}"
        text = f"{text}\n{line}"
    return text


def plain_text(blocks: list[dict[str, Any]]) -> str:
    """Blocks as terminal text."""
    lines = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(f"■ {block['text']['text']}")
        elif kind == "section":
            lines.append(str(block["text"]["text"]))
        elif kind == "context":
            lines.extend(str(element["text"]) for element in block["elements"])
        elif kind == "divider":
            lines.append("────")
    return "\n".join(lines)


class SchemaAlertComposer:
    """The CX alert when the Notion checklist's columns were renamed or deleted."""

    def __init__(self, renderer: Renderer) -> None:
        self.macros: Any = renderer.slack("slack/board.j2")

    def __call__(self, problems: Sequence[str]) -> Message:
        text = _cut(str(self.macros.schema_broken(list(problems))).strip(), SECTION_LIMIT)
        block = SectionBlock(text=MarkdownTextObject(text=text)).to_dict()
        key = "notion-schema"
        return Message(key=key, text=_cut(text, TEXT_LIMIT), blocks=[block], preview=text)
