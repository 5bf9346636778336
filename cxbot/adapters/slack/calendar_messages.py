"""Promotion calendar alerts as Block Kit, from templates/<locale>/slack/calendar.j2."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from cxbot.adapters.rendering import Renderer, slack_escape
from cxbot.adapters.slack.messages import HEADER_LIMIT, SECTION_LIMIT, plain_text
from cxbot.domain.promotions import CalendarDiff, Promotion, RowProblem
from cxbot.ports.messages import Message

MAX_SECTIONS = 40


class CalendarComposer:
    def __init__(self, renderer: Renderer) -> None:
        self.m: Any = renderer.slack("slack/calendar.j2")

    def changes(
        self, diff: CalendarDiff, *, source: str, problems: Sequence[RowProblem], lead_required: int
    ) -> Message:
        m = self.m
        told = [c for c in diff.changes if c.alerting]
        late = [c for c in told if c.late_notice]
        groups = [
            [str(m.late_line(c, lead_required)) for c in late],
            [str(m.new_line(c)) for c in told if c.kind == "new" and not c.late_notice],
            [str(m.changed_line(c)) for c in told if c.kind == "changed" and not c.late_notice],
            [str(m.restored_line(c)) for c in told if c.kind == "restored" and not c.late_notice],
            [str(m.cancelled_line(c)) for c in told if c.kind == "cancelled"],
        ]
        sections = [self._section(lines) for lines in groups if lines]
        past = len(diff.changes) - len(told)
        if past:
            sections.append(str(m.past_line(past)))
        kept = [str(m.where(p)) for p in problems if p.kept]
        skipped = [str(m.where(p)) for p in problems if not p.kept]
        if kept:
            sections.append(self._section(kept, heading=str(m.kept_heading(len(kept)))))
        if skipped:
            sections.append(self._section(skipped, heading=str(m.problems_heading(len(skipped)))))
        return self._message(
            str(m.changes_header(diff)),
            str(m.changes_intro(source, lead_required, len(late))),
            sections,
        )

    def guard(
        self,
        diff: CalendarDiff,
        *,
        source: str,
        known: int,
        threshold: float,
        layout_error: str | None,
    ) -> Message:
        m = self.m
        affected = sum(1 for c in diff.changes if c.kind in ("cancelled", "changed"))
        body = str(m.guard_body(source, known, affected, threshold, layout_error))
        lines = [str(m.cancelled_line(c)) for c in diff.of("cancelled")]
        lines += [str(m.changed_line(c)) for c in diff.of("changed")]
        return self._message(
            str(m.guard_header()),
            slack_escape(source),
            [_cut(body)] + ([self._section(lines)] if lines else []),
        )

    def brief(self, promotions: Sequence[Promotion], *, days: int, today: date) -> Message:
        m = self.m
        lines = [
            str(m.brief_line(p))
            for p in sorted(promotions, key=lambda p: (p.start or date.max, p.name))
        ]
        return self._message(str(m.brief_header(days)), today.isoformat(), [self._section(lines)])

    def _section(self, lines: list[str], heading: str | None = None) -> str:
        """As many lines as fit in one section (3,000 characters), then "and N more"."""
        text = heading or ""
        for index, line in enumerate(lines):
            tail = str(self.m.more(len(lines) - index))
            candidate = f"{text}\n{line}" if text else line
            if len(candidate) + len(tail) + 1 > SECTION_LIMIT:
                return f"{text}\n{tail}"
            text = candidate
        return text

    def _message(self, header: str, intro: str, sections: list[str]) -> Message:
        blocks: list[Any] = [
            HeaderBlock(text=_cut(header.strip(), HEADER_LIMIT)),
            ContextBlock(elements=[MarkdownTextObject(text=_cut(intro, 2000))]),
        ]
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=_cut(s))) for s in sections[:MAX_SECTIONS]
        ]
        dicts = [block.to_dict() for block in blocks]
        return Message(key="", text=_cut(header, 3000), blocks=dicts, preview=plain_text(dicts))


def _cut(text: str, limit: int = SECTION_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
