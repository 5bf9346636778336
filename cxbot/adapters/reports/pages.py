"""The weekly report as a printable HTML page, as Markdown, and as a short Slack message."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.messages import HEADER_LIMIT, SECTION_LIMIT, plain_text
from cxbot.domain.weekly_report import WeeklyPicture, belongs_to
from cxbot.ports.messages import Message


class JinjaReportPages:
    """templates/<locale>/reports/weekly.{html,md}.j2 and slack/report.j2."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer

    def _context(self, picture: WeeklyPicture) -> dict[str, Any]:
        own = {
            p.launch.key: [d for d in picture.decisions if belongs_to(d.decision, p.launch)]
            for p in picture.launches
        }
        others = [
            d
            for d in picture.decisions
            if not any(belongs_to(d.decision, p.launch) for p in picture.launches)
        ]
        return {
            "picture": picture,
            "decisions_of": own,
            "other_decisions": others,
            "chart_labels": self.renderer.labels["chart"],
        }

    def html(self, picture: WeeklyPicture, charts: dict[str, str]) -> str:
        # The SVG is matplotlib's output for our own figures: its text is escaped by it.
        safe = {name: Markup(svg) for name, svg in charts.items()}
        return self.renderer.render("reports/weekly.html.j2", charts=safe, **self._context(picture))

    def markdown(self, picture: WeeklyPicture, charts: dict[str, str]) -> str:
        return self.renderer.render("reports/weekly.md.j2", charts=charts, **self._context(picture))

    def summary(self, picture: WeeklyPicture, *, key: str) -> Message:
        module: Any = self.renderer.slack("slack/report.j2")
        header = str(module.header(picture)).strip()
        intro = str(module.intro(picture)).strip()
        lines = [str(module.launch_line(p)).strip() for p in picture.launches]
        body = "\n".join(lines) or str(module.no_launches()).strip()
        if len(body) > SECTION_LIMIT:
            body = body[: SECTION_LIMIT - 1] + "…"
        blocks = [
            HeaderBlock(text=header[:HEADER_LIMIT]),
            ContextBlock(elements=[MarkdownTextObject(text=intro[:2000])]),
            SectionBlock(text=MarkdownTextObject(text=body)),
        ]
        dicts = [block.to_dict() for block in blocks]
        text = f"{header}\n{intro}\n{body}"
        return Message(key=key, text=text[:3900], blocks=dicts, preview=plain_text(dicts))
