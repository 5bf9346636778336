"""The weekly report's HTML in a real headless Chromium: it renders, Korean is drawn, the
charts are there and not empty, and an A4 print cuts nothing. The screenshot is kept in
test-artifacts/ (CI keeps it).

Needs Debian's chromium, fonts-noto-cjk and poppler-utils (.ci/run installs them); skipped
elsewhere unless CI is set, where their absence is a failure.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cxbot.bootstrap import build
from cxbot.domain.checklist import ItemStatus
from cxbot.settings import PROJECT_ROOT, Settings
from tests.browser import ARTIFACTS, chromium, require_browser
from tests.conftest import ManualClock

require_browser()
OWNERS = PROJECT_ROOT / "examples" / "owners.yaml"
EVIL = "<script>document.title='PWNED'</script>제휴몰"
A4 = (595.0, 842.0)


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


@pytest.fixture
def report(tmp_path: Path) -> Iterator[Any]:
    clock = ManualClock(datetime(2026, 11, 2, 1, 0, tzinfo=UTC))
    settings = Settings(
        cxbot_database_url=f"sqlite:///{tmp_path / 'cxbot.db'}",
        cxbot_outbox=tmp_path / "outbox.jsonl",
        cxbot_audit_anchor=tmp_path / "audit-anchor.json",
        cxbot_actor="cli:김지현",
        cxbot_calendar_file=PROJECT_ROOT / "examples" / "promotions.csv",
    )
    cases = build(settings, clock=clock, embedded=True)
    launches = []
    for name, opening in (("11번가 입점", date(2026, 12, 21)), (EVIL, date(2027, 1, 11))):
        result = cases.launches.create(
            template="partner-mall", name=name, open_date=opening, owners=str(OWNERS)
        )
        launches.append(list(result.items))
    # Ticks over four weeks, some late, one reopened: a burn-up with a shape.
    for week in range(4):
        clock.now = datetime(2026, 11, 9, 2, 0, tzinfo=UTC) + timedelta(weeks=week)
        for item in launches[0][week * 3 : week * 3 + 3]:
            cases.launches.set_item_status(key=item.key, status=ItemStatus.DONE)
        cases.launches.set_item_status(key=launches[1][week].key, status=ItemStatus.IN_PROGRESS)
    cases.launches.set_item_status(key=launches[0][0].key, status=ItemStatus.IN_PROGRESS)
    cases.launches.set_item_status(key=launches[1][5].key, status=ItemStatus.BLOCKED)
    cases.calendar.run(now=clock.now)
    picture = cases.weekly.picture(today=date(2026, 12, 2))
    rendered = cases.weekly.render(picture, "html")
    html = tmp_path / rendered.main
    html.write_bytes(rendered.files[rendered.main])
    yield type("Report", (), {"html": html, "picture": picture, "cases": cases})
    cases.close()


def test_the_report_renders_and_prints_on_a4_with_nothing_cut(report: Any, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "weekly-report.png"
    screenshot.unlink(missing_ok=True)
    chromium(tmp_path, f"--screenshot={screenshot}", "--window-size=900,2600", report.html.as_uri())
    assert screenshot.stat().st_size > 50_000

    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.html.as_uri())
    info = _run("pdfinfo", str(pdf))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and abs(float(size[1]) - A4[0]) < 2 and abs(float(size[2]) - A4[1]) < 2, info
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]
    assert pages >= 3  # the overview, then each launch on its own page

    # Each launch starts on a page of its own: its heading opens the page, never stranded
    # at the foot of the one before.
    by_page = _run("pdftotext", "-layout", str(pdf), "-").split("\f")
    for launch in report.picture.launches:
        name = "".join(launch.launch.name.split())
        heads = ["".join(p.split())[: len(name) + 3] for p in by_page]
        assert f"{name}·오픈" in heads, heads
    text = "".join(_run("pdftotext", "-layout", str(pdf), "-").split())
    picture = report.picture
    for needed in (
        "주간런칭리포트2026-W49",
        "11번가입점",
        "<script>document.title='PWNED'</script>제휴몰",  # shown as text, never run
        "다가오는프로모션",
        "부서별지연항목",
        *("".join(late.item.title.split()) for p in picture.launches for late in p.overdue),
        "D-day",  # the chart's axis: SVG text, drawn by the browser
        "오늘",
    ):
        assert needed in text, needed
    # Every word lies inside the page: nothing runs off the right edge.
    boxes = _run("pdftotext", "-bbox", str(pdf), "-")
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes))
    assert right <= A4[0] - 20, right  # within the 12 mm margin
    # The page's first font choice is installed, so Korean is drawn with glyphs, not boxes
    # (test_audit_report_browser.py compares Korean against missing glyphs pixel by pixel).
    family = _run("fc-match", "-f", "%{family}", "Noto Sans CJK KR")
    assert "CJK" in family or "Nanum" in family, family


def test_the_charts_are_drawn_and_not_empty(report: Any, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.html.as_uri())
    # The first launch's page (page 2) holds its two charts: rasterise it and count ink.
    prefix = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "40", "-f", "2", "-l", "2", str(pdf), str(prefix)], check=True
    )
    (page,) = tmp_path.glob("page*.pgm")
    data = page.read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert header is not None
    pixels = data[header.end() :]
    inked = sum(1 for value in pixels if value < 200) / len(pixels)
    assert inked > 0.03, inked  # lines, bars and labels, not a blank page
    html = report.html.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 * len(report.picture.launches)
    assert (
        "&lt;script&gt;" in html
        and "<script>" not in html.replace("&lt;script&gt;", "").split("</style>", 1)[1]
    )
