"""Shaping service results for the templates in `templates/`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.dday import days_label

WEEKDAYS = {"ko": "월화수목금토일", "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}
STATUS_LABELS = {
    "ko": {"not_started": "시작 전", "in_progress": "진행 중", "done": "완료", "blocked": "막힘"},
    "en": {
        "not_started": "not started",
        "in_progress": "in progress",
        "done": "done",
        "blocked": "blocked",
    },
}


def helpers(locale: str, today: date | None = None) -> dict[str, Any]:
    names = WEEKDAYS[locale]

    def weekday(day: date) -> str:
        return names[day.weekday()]

    def status(value: ItemStatus | str) -> str:
        return STATUS_LABELS[locale][ItemStatus(value).value]

    def days(due: date) -> str:
        return days_label(today, due) if today else ""

    return {"weekday": weekday, "status": status, "days": days}


def launch_status_rows(
    launches: Sequence[Launch],
    items_of: Any,
    *,
    today: date,
    calendar: BusinessCalendar,
    horizon: int,
) -> list[dict[str, Any]]:
    """Per launch: counts, overdue open items, open items due within `horizon` business days."""
    limit = calendar.shift_business_days(today, horizon)
    rows = []
    for launch in launches:
        items: list[ChecklistItem] = items_of(launch.key)
        counts = {status.value: 0 for status in ItemStatus}
        for item in items:
            counts[item.status.value] += 1
        open_items = [i for i in items if i.status.is_open]
        rows.append(
            {
                "launch": launch,
                "dday": days_label(today, launch.open_date),
                "counts": counts,
                "overdue": [i for i in open_items if i.due < today],
                "due_soon": [i for i in open_items if today <= i.due <= limit],
            }
        )
    return rows
