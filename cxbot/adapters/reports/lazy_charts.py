"""matplotlib is imported when the first chart is drawn, not on every command's start."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from cxbot.domain.weekly_report import LaunchPicture, WeeklyPicture

if TYPE_CHECKING:
    from cxbot.adapters.reports.charts import MatplotlibCharts


class LazyCharts:
    def __init__(self, labels: Mapping[str, str]) -> None:
        self.labels = labels
        self._charts: MatplotlibCharts | None = None

    def _made(self) -> MatplotlibCharts:
        if self._charts is None:
            from cxbot.adapters.reports.charts import MatplotlibCharts

            self._charts = MatplotlibCharts(self.labels)
        return self._charts

    def burn_up(self, launch: LaunchPicture, fmt: str) -> bytes:
        return self._made().burn_up(launch, fmt)

    def departments(self, launch: LaunchPicture, fmt: str) -> bytes:
        return self._made().departments(launch, fmt)

    def pairs(self, launches: Sequence[LaunchPicture], fmt: str) -> list[tuple[bytes, bytes]]:
        return self._made().pairs(launches, fmt)

    def summary(self, picture: WeeklyPicture) -> bytes:
        return self._made().summary(picture)
