"""The contact centre's brief as e-mail: subject, plain text, HTML body and a printable
A4 page with the same content, from templates/<locale>/brief/."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cxbot.adapters.rendering import Renderer
from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.centre_brief import Brief, BriefWindow, FactChange
from cxbot.domain.centres import Centre
from cxbot.ports.briefs import BriefPage


class MailBriefPages:
    def __init__(self, renderer: Renderer, calendar: BusinessCalendar) -> None:
        self.renderer = renderer
        self.record: Any = renderer.macros("brief/record.txt.j2")
        self.holidays = {**calendar.holidays, **calendar.closures}

    def page(
        self,
        centre: Centre,
        brief: Brief | None,
        *,
        version: int,
        window: BriefWindow,
        changes: Sequence[FactChange] = (),
    ) -> BriefPage:
        context: dict[str, Any] = {
            "centre": centre,
            "brief": brief,
            "version": version,
            "window": window,
            "changes": list(changes),
            "change_lines": [str(self.record.change(c)) for c in changes],
            "holidays": self.holidays,
        }
        subject = self.renderer.render("brief/subject.txt.j2", **context).strip()
        context["subject"] = subject
        return BriefPage(
            subject=subject,
            text=self.renderer.render("brief/brief.txt.j2", **context).strip() + "\n",
            html=self.renderer.render("brief/brief.html.j2", page=False, **context),
            page=self.renderer.render("brief/brief.html.j2", page=True, **context),
        )
