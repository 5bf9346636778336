"""matplotlib is imported when the first chart is drawn, not on every command's start."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from cxbot.domain.weekly_report import LaunchPicture, WeeklyPicture

if TYPE_CHECKING:
    from cxbot.adapters.reports.charts import MatplotlibCharts


CHART_LABELS = {  # the Korean defaults, for a templates folder whose labels.yaml has none
    "planned": "계획 (마감 도래)",
    "done": "완료",
    "today": "오늘",
    "opening": "오픈",
    "items": "항목 수",
    "in_progress": "진행 중",
    "blocked": "막힘",
    "overdue": "지연",
    "to_do": "시작 전",
    "burn_up": "번업: {name}",
    "departments": "부서별 현황",
    "week": "주간 런칭 리포트 {week}",
    "more": "외 {n}개 런칭은 보고서에",
}


class LazyCharts:
    def __init__(self, labels: Mapping[str, str] | None) -> None:
        self.labels = {**CHART_LABELS, **(labels or {})}
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
