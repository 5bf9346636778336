"""The demo's sample promotion calendar, its dates written the ways real sheets hold them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from cxbot.domain.sheet_dates import SHEETS_EPOCH


def write_demo_calendar(
    source: Path, today: date, target: Path = Path(".cxbot/demo-promotions.csv")
) -> Path:
    """Renders `source` (examples/promotions-demo.csv.j2) around `today` into `target`."""
    env = Environment(
        loader=FileSystemLoader(str(source.parent)),
        undefined=StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        {
            "iso": lambda d: d.isoformat(),
            "dots": lambda d: f"{d:%Y.%m.%d}",
            "spaced": lambda d: f"{d.year}. {d.month}. {d.day}.",
            "slash": lambda d: f"{d.month}/{d.day}",
            "korean": lambda d: f"{d.month}월 {d.day}일",
            "weekday": lambda d: f"{d.month}/{d.day}({'월화수목금토일'[d.weekday()]})",
            "serial": lambda d: str((d - SHEETS_EPOCH).days),
        }
    )
    text = env.get_template(source.name).render(
        today=today, day=lambda n: today + timedelta(days=n)
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
