"""`cxbot report weekly` on the embedded default, as a manager would run it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_weekly_report import png_size


@pytest.fixture
def demo(run: Any) -> Any:
    """The embedded default after `cxbot demo`: a launch, ticks, a synced calendar."""
    assert run("demo").exit_code == 0
    return run


def test_the_demo_writes_the_weekly_report_and_says_where(demo: Any, tmp_path: Path) -> None:
    reports = list((tmp_path / ".cxbot" / "reports").glob("weekly-*.html"))
    assert len(reports) == 1
    html = reports[0].read_text(encoding="utf-8")
    assert "데모 제휴몰 입점" in html and html.count("<svg") == 2


def test_every_format_and_a_chosen_week(demo: Any, tmp_path: Path) -> None:
    """The week the demo's launch was made in (this week: the demo plans around today)."""
    year, number, _day = date.today().isocalendar()
    week = f"{year}-W{number:02d}"
    out = tmp_path / "out"
    for fmt in ("html", "md", "png"):
        result = demo("report", "weekly", "--week", week, "-f", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert f"wrote {out / f'weekly-{week}.{fmt}'} — {week}" in result.output
    markdown = (out / f"weekly-{week}.md").read_text(encoding="utf-8")
    assert f"](weekly-{week}/01-burn-up.png)" in markdown
    width, height = png_size((out / f"weekly-{week}" / "01-burn-up.png").read_bytes())
    assert width > 600 and height > 250
    png_size((out / f"weekly-{week}.png").read_bytes())


def test_post_goes_out_once_and_dry_run_shows_it(demo: Any, tmp_path: Path) -> None:
    preview = demo("report", "weekly", "--post", "--dry-run")
    assert preview.exit_code == 0 and "would post to the CX channel" in preview.output
    assert "주간 런칭 리포트" in preview.output
    first = demo("report", "weekly", "--post")
    assert first.exit_code == 0 and "post sent: weekly-report|" in first.output
    again = demo("report", "weekly", "--post")
    assert "post already sent" in again.output
    records = [
        json.loads(line)
        for line in (tmp_path / ".cxbot" / "outbox.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    posted = [r for r in records if r["key"].startswith("weekly-report|")]
    assert len(posted) == 1
    png_size(Path(posted[0]["attachment"]).read_bytes())


def test_mistakes_are_named(demo: Any) -> None:
    bad_week = demo("report", "weekly", "--week", "49")
    assert bad_week.exit_code != 0 and "2026-W49" in bad_week.output
    no_launch = demo("report", "weekly", "--launch", "nope")
    assert no_launch.exit_code != 0 and "no launch 'nope'" in no_launch.output
    assert "Examples:" in demo("report", "weekly", "--help").output
