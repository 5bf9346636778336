"""The weekly report: its charts and its pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from cxbot.domain.weekly_report import LaunchPicture, WeeklyPicture
from cxbot.ports.messages import Message


class ReportCharts(Protocol):
    """Charts drawn by a plotting library, as SVG (for pages) or PNG (for Slack, files)."""

    def burn_up(self, launch: LaunchPicture, fmt: str) -> bytes: ...

    def departments(self, launch: LaunchPicture, fmt: str) -> bytes: ...

    def pairs(self, launches: Sequence[LaunchPicture], fmt: str) -> list[tuple[bytes, bytes]]:
        """(burn-up, departments) of each launch, in order: many at once, as fast as the
        machine allows."""
        ...

    def summary(self, picture: WeeklyPicture) -> bytes:
        """One PNG of the whole week, for the Slack post."""
        ...


class ReportPages(Protocol):
    def html(self, picture: WeeklyPicture, charts: dict[str, str]) -> str:
        """A printable page; `charts` maps chart names to inline SVG."""
        ...

    def markdown(self, picture: WeeklyPicture, charts: dict[str, str]) -> str:
        """Markdown; `charts` maps chart names to the PNG files written beside it."""
        ...


class ReportSummary(Protocol):
    def summary(self, picture: WeeklyPicture, *, key: str) -> Message:
        """The short message posted with the chart."""
        ...
