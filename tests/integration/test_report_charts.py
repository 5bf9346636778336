"""The report's charts as matplotlib draws them: valid images, text kept as escaped text."""

from __future__ import annotations

import os
from dataclasses import replace
from xml.etree import ElementTree

import pytest

from cxbot.adapters.rendering import Renderer
from cxbot.adapters.reports.charts import PARALLEL_FROM, MatplotlibCharts, cjk_fonts
from cxbot.domain.weekly_report import WeeklyPicture, launch_picture
from cxbot.settings import PROJECT_ROOT
from tests.integration.test_weekly_report import png_size
from tests.unit.test_weekly_report import AS_OF, CAL, HISTORY, ITEMS, LAUNCH, SEOUL, WEEK

LABELS = Renderer(PROJECT_ROOT / "templates", "ko", SEOUL).labels["chart"]


def _picture(name: str = "11번가 입점") -> object:
    return launch_picture(
        replace(LAUNCH, name=name), ITEMS, HISTORY, calendar=CAL, tz=SEOUL, week=WEEK, as_of=AS_OF
    )


def test_svg_keeps_korean_as_escaped_text() -> None:
    charts = MatplotlibCharts(LABELS)
    evil = _picture('<script>alert("x")</script> 제휴몰')
    for svg in (charts.burn_up(evil, "svg"), charts.departments(evil, "svg")):  # type: ignore[arg-type]
        root = ElementTree.fromstring(svg)  # well-formed XML
        texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert "<script" not in svg.decode().replace("&lt;script", "")
        assert texts  # text stays text: the page's fonts draw it
    burn_up = charts.burn_up(evil, "svg").decode()  # type: ignore[arg-type]
    assert "&lt;script&gt;" in burn_up and "제휴몰" in burn_up and "D-day" in burn_up
    assert "오늘" in burn_up and "계획" in burn_up


def test_png_charts_are_valid_images_of_a_sensible_size() -> None:
    charts = MatplotlibCharts(LABELS)
    picture = _picture()
    assert png_size(charts.burn_up(picture, "png")) == (792, 330)  # type: ignore[arg-type]
    width, height = png_size(charts.departments(picture, "png"))  # type: ignore[arg-type]
    assert width == 792 and 150 <= height <= 300
    week = WeeklyPicture(
        week=WEEK, as_of=AS_OF, launches=[picture] * 8, promotions=[], decisions=[],  # type: ignore[list-item]
        lead_required=5,
    )  # fmt: skip
    width, height = png_size(charts.summary(week))
    assert width == 1430 and height > 1800  # six launches shown, two rows of charts each


def test_a_korean_font_is_there_for_png_charts() -> None:
    if not cjk_fonts():
        if os.environ.get("CI"):
            pytest.fail("no Korean font for PNG charts (.ci/run installs fonts-noto-cjk)")
        pytest.skip(
            "no CJK font here: PNG charts would show boxes (apt-get install fonts-noto-cjk)"
        )


def test_many_launches_are_drawn_in_parallel_with_the_same_result() -> None:
    charts = MatplotlibCharts(LABELS)
    launches = [_picture(f"런칭 {n}") for n in range(PARALLEL_FROM)]
    parallel = charts.pairs(launches, "svg")  # type: ignore[arg-type]
    serial = [(charts.burn_up(p, "svg"), charts.departments(p, "svg")) for p in launches]  # type: ignore[arg-type]
    assert parallel == serial


def test_without_a_korean_font_charts_draw_without_a_warning_per_glyph() -> None:
    import warnings

    charts = MatplotlibCharts(LABELS, quiet=True)
    charts.fonts = []  # as on a machine with no CJK font: DejaVu Sans alone
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.burn_up(_picture(), "png")  # type: ignore[arg-type]
        charts.departments(_picture(), "png")  # type: ignore[arg-type]
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []


def test_a_font_installed_after_matplotlib_cached_its_list_is_used() -> None:
    from matplotlib import font_manager

    manager = font_manager.fontManager
    cjk = [entry for entry in manager.ttflist if "CJK" in entry.name or "KR" in entry.name]
    if not cjk and not cjk_fonts():
        if os.environ.get("CI"):
            pytest.fail("no Korean font to test with (.ci/run installs fonts-noto-cjk)")
        pytest.skip("no CJK font here (apt-get install fonts-noto-cjk)")
    saved = list(manager.ttflist)
    try:
        manager.ttflist = [e for e in saved if "CJK" not in e.name and "KR" not in e.name]
        manager._findfont_cached.cache_clear()  # type: ignore[attr-defined]
        assert cjk_fonts()  # the stale cache no longer hides it
    finally:
        manager.ttflist = saved
        manager._findfont_cached.cache_clear()  # type: ignore[attr-defined]
