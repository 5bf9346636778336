"""The contact centre's brief as Block Kit, from templates/<locale>/slack/brief.j2: one
message per centre within Slack's limits (50 blocks, 3,000 characters a section)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.messages import HEADER_LIMIT, SECTION_LIMIT, TEXT_LIMIT, plain_text
from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.centre_brief import Brief, BriefAck, BriefWindow, FactChange
from cxbot.domain.centres import Centre
from cxbot.ports.briefs import ACK_ACTION, ACK_BLOCK, BriefVersion
from cxbot.ports.messages import Message

MAX_BLOCKS = 50
CONFIRMED_BLOCK = "centre-brief-confirmed"


class SlackBriefMessages:
    def __init__(self, renderer: Renderer, calendar: BusinessCalendar) -> None:
        self.m: Any = renderer.slack("slack/brief.j2")
        self.record: Any = renderer.macros("brief/record.txt.j2")
        self.calendar = calendar

    # the brief ----------------------------------------------------------------------------
    def slack(self, brief: Brief) -> Message:
        m = self.m
        blocks: list[dict[str, Any]] = [
            _header(str(m.header(brief))),
            _context(str(m.intro(brief))),
        ]
        room = MAX_BLOCKS - len(blocks) - 3  # since-last, the button, its hint
        days = brief.by_day()
        for day, happening in days[:room]:
            lines = [
                _with_guidance(str(m.line(what, told)), told.guidance, m)
                for what, told in happening
            ]
            holiday = self.calendar.holidays.get(day) or self.calendar.closures.get(day)
            blocks.append(_section(self._fit(str(m.day_heading(day, holiday)), lines)))
        if not days:
            blocks.append(_section(str(m.nothing())))
        if brief.since_last:
            lines = [str(m.change_line(c)) for c in brief.since_last]
            blocks.append(_section(self._fit(str(m.since_heading()), lines)))
        blocks += self._ack(brief.key, 1, brief.centre)
        return _message(brief.key + "|v1", str(m.header(brief)), blocks)

    def correction(
        self,
        centre: Centre,
        *,
        key: str,
        version: int,
        window: BriefWindow,
        changes: Sequence[FactChange],
    ) -> Message:
        m = self.m
        header = str(m.correction_header(version, window))
        blocks = [_header(header), _context(str(m.correction_intro(centre, window)))]
        lines = [str(m.change_line(c)) for c in changes]
        blocks.append(_section(self._fit("", lines)))
        blocks += self._ack(key, version, centre)
        return _message(f"{key}|v{version}", header, blocks)

    def escalation(self, centre: Centre, version: BriefVersion, *, deadline: datetime) -> Message:
        m = self.m
        header = str(m.escalation_header())
        body = str(m.escalation_body(centre, version, deadline))
        blocks = [_header(header), _section(_cut(body, SECTION_LIMIT))]
        return _message(f"{version.key}|escalation", header, blocks)

    def confirmed(self, message: Message, acks: Sequence[BriefAck]) -> Message:
        """The same message with a line of who confirmed it (replacing an earlier one)."""
        blocks = [b for b in message.blocks if b.get("block_id") != CONFIRMED_BLOCK]
        if acks:
            line = _context(str(self.m.confirmed_line(acks)))
            blocks.append({**line, "block_id": CONFIRMED_BLOCK})
        return replace(message, blocks=blocks, preview=plain_text(blocks))

    # the record ---------------------------------------------------------------------------
    def lines(self, brief: Brief) -> list[tuple[str, str]]:
        return [(told.ref, str(self.record.line(told))) for told in brief.told]

    def change_lines(self, changes: Sequence[FactChange]) -> list[tuple[str, str]]:
        return [(change.ref, str(self.record.change(change))) for change in changes]

    # pieces -------------------------------------------------------------------------------
    def _ack(self, key: str, version: int, centre: Centre) -> list[dict[str, Any]]:
        return [
            {
                "type": "actions",
                "block_id": ACK_BLOCK,
                "elements": [
                    {
                        "type": "button",
                        "action_id": ACK_ACTION,
                        "style": "primary",
                        "text": {"type": "plain_text", "text": str(self.m.ack_button())},
                        "value": f"{key}|{version}",
                    }
                ],
            },
            _context(str(self.m.ack_hint(centre))),
        ]

    def _fit(self, heading: str, lines: list[str]) -> str:
        """As many lines as fit in one section, then "… and N more"."""
        text = heading
        for index, line in enumerate(lines):
            candidate = f"{text}\n{line}" if text else line
            tail = str(self.m.more(len(lines) - index))
            if len(candidate) + len(tail) + 1 > SECTION_LIMIT:
                return f"{text}\n{tail}"
            text = candidate
        return text


def _with_guidance(line: str, guidance: str, m: Any) -> str:
    if not guidance:
        return line
    quoted = str(m.guidance(guidance)).rstrip()
    return f"{line}\n{_cut(quoted, 1200)}"


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": _cut(text, HEADER_LIMIT)}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, 2000)}]}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, SECTION_LIMIT)}}


def _message(key: str, text: str, blocks: list[dict[str, Any]]) -> Message:
    return Message(key=key, text=_cut(text, TEXT_LIMIT), blocks=blocks, preview=plain_text(blocks))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
