"""The weekly report's charts, drawn by matplotlib.

matplotlib, not Vega-Lite: it draws PNG and SVG in-process with no browser or JavaScript
runtime, is one wheel on every platform, and takes the machine's CJK fonts with per-glyph
fallback (Korean department names need them). SVG keeps its text as text, so a browser
draws it with the page's fonts; PNG needs a CJK font here (fonts-noto-cjk on Debian).
"""

from __future__ import annotations

import contextlib
import io
import logging
import multiprocessing
import os
import re
import threading
import warnings
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cxbot.domain.weekly_report import LaunchPicture, WeeklyPicture

log = logging.getLogger(__name__)

CJK_FONTS = (
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "NanumGothic",
    "Malgun Gothic",
    "AppleGothic",
    "Source Han Sans KR",
)
COLORS = {
    "planned": "#9aa5b1",
    "done": "#1b7f3b",
    "in_progress": "#2f6fde",
    "blocked": "#8e44ad",
    "overdue": "#d64545",
    "to_do": "#cbd2d9",
    "today": "#f0b429",
    "opening": "#243b53",
}
SUMMARY_LAUNCHES = 6
PARALLEL_FROM = 8  # launches: fewer are drawn here, more by one process per core
_LOCK = threading.Lock()  # rc_context changes matplotlib's global settings
_WORKER: MatplotlibCharts | None = None


def _start_worker(labels: dict[str, str], dpi: int) -> None:
    global _WORKER
    _WORKER = MatplotlibCharts(labels, dpi=dpi, quiet=True)


def _draw_pair(launch: LaunchPicture, fmt: str) -> tuple[bytes, bytes]:
    assert _WORKER is not None
    return _WORKER.burn_up(launch, fmt), _WORKER.departments(launch, fmt)


# Font files that hold one of CJK_FONTS (Noto's .ttc collections, Nanum's .ttf).
_CJK_FILE = re.compile(r"noto\w*cjk|notosanskr|nanum|malgun|applegothic|sourcehan", re.I)


def _adopt_new_fonts() -> None:
    """Adds CJK fonts installed after matplotlib cached its font list (apt-get install
    fonts-noto-cjk while cxbot was already set up): its cache would not see them."""
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known and _CJK_FILE.search(os.path.basename(path)):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue


def cjk_fonts() -> list[str]:
    """The CJK fonts installed here, best first (also those installed since the cache)."""
    _adopt_new_fonts()
    found = []
    for name in CJK_FONTS:
        try:
            font_manager.findfont(
                font_manager.FontProperties(family=name), fallback_to_default=False
            )
        except ValueError:
            continue
        found.append(name)
    return found


class MatplotlibCharts:
    """Burn-up and department charts per launch, and one PNG of the week for Slack."""

    def __init__(self, labels: Mapping[str, str], *, dpi: int = 110, quiet: bool = False) -> None:
        self.labels, self.dpi = labels, dpi
        self.fonts = cjk_fonts()
        if not self.fonts and not quiet:
            log.warning(
                "no CJK font found (%s): Korean text in PNG charts will show as boxes; "
                "install fonts-noto-cjk",
                ", ".join(CJK_FONTS[:2]),
            )

    # one launch --------------------------------------------------------------------------
    def burn_up(self, launch: LaunchPicture, fmt: str) -> bytes:
        with self._style():
            figure = Figure(figsize=(7.2, 3.0))
            figure.subplots_adjust(left=0.08, right=0.985, top=0.9, bottom=0.1)
            self._draw_burn_up(figure.add_subplot(), launch)
            return self._save(figure, fmt)

    def departments(self, launch: LaunchPicture, fmt: str) -> bytes:
        with self._style():
            rows = max(1, len(launch.departments))
            height = 1.0 + 0.26 * rows
            figure = Figure(figsize=(7.2, height))
            figure.subplots_adjust(
                left=0.2, right=0.985, top=1 - 0.62 / height, bottom=0.35 / height
            )
            self._draw_departments(figure.add_subplot(), launch)
            return self._save(figure, fmt)

    def pairs(self, launches: Sequence[LaunchPicture], fmt: str) -> list[tuple[bytes, bytes]]:
        """Both charts of every launch. matplotlib draws on one core, so a report of many
        launches is drawn by one process per core (spawned clean, never forked from a
        process with threads); should that fail, here, one after another."""
        workers = min(os.cpu_count() or 1, 4)
        if len(launches) >= PARALLEL_FROM and workers > 1:
            try:
                with ProcessPoolExecutor(
                    max_workers=workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker,
                    initargs=(dict(self.labels), self.dpi),
                ) as pool:
                    return list(pool.map(_draw_pair, launches, [fmt] * len(launches)))
            except (OSError, BrokenProcessPool) as error:
                log.warning("drawing charts in one process (%s)", error)
        return [(self.burn_up(launch, fmt), self.departments(launch, fmt)) for launch in launches]

    # the week, for Slack ----------------------------------------------------------------
    def summary(self, picture: WeeklyPicture) -> bytes:
        with self._style():
            return self._summary(picture)

    def _summary(self, picture: WeeklyPicture) -> bytes:
        shown = sorted(
            picture.launches, key=lambda p: (not p.at_risk, p.launch.open_date, p.launch.key)
        )[:SUMMARY_LAUNCHES]
        rows = max(1, len(shown))
        figure = Figure(figsize=(13.0, 0.7 + 3.0 * rows), layout="constrained")
        title = self.labels["week"].format(week=picture.week.label)
        if len(picture.launches) > len(shown):
            title += " · " + self.labels["more"].format(n=len(picture.launches) - len(shown))
        figure.suptitle(title, fontsize=14, fontweight="bold")
        if not shown:
            figure.add_subplot().axis("off")
        grid = figure.add_gridspec(rows, 2, width_ratios=(1.45, 1))
        for row, launch in enumerate(shown):
            self._draw_burn_up(figure.add_subplot(grid[row, 0]), launch)
            self._draw_departments(figure.add_subplot(grid[row, 1]), launch)
        return self._save(figure, "png")

    # drawing ----------------------------------------------------------------------------
    def _draw_burn_up(self, axes: Axes, launch: LaunchPicture) -> None:
        points = launch.burn_up
        x = list(range(len(points)))
        axes.step(
            x,
            [p.planned for p in points],
            where="post",
            color=COLORS["planned"],
            linewidth=2,
            label=self.labels["planned"],
        )
        done = [(i, p.done) for i, p in enumerate(points) if p.done is not None]
        if done:
            axes.plot(
                [i for i, _ in done],
                [d for _, d in done],
                color=COLORS["done"],
                linewidth=2.2,
                marker="o",
                markersize=2.5,
                label=self.labels["done"],
            )
        today = launch.today_index
        if today is not None and today < len(points) - 1:
            axes.axvline(today, color=COLORS["today"], linestyle="--", linewidth=1.4)
            axes.annotate(
                self.labels["today"],
                (today, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, -12),
                textcoords="offset points",
                color="#8d6708",
                fontsize=8,
            )
        opening = launch.opening_position
        if opening is not None:
            axes.axvline(opening, color=COLORS["opening"], linewidth=1.0, alpha=0.6)
            axes.annotate(
                self.labels["opening"],
                (opening, 0.02),
                xycoords=("data", "axes fraction"),
                xytext=(3, 2),
                textcoords="offset points",
                color=COLORS["opening"],
                fontsize=8,
            )
        step = max(1, len(points) // 9)
        marks = {float(i): points[i].label for i in range(0, len(points), step)}
        if opening is not None:  # opening day always labelled (D-day), its neighbours make room
            marks = {t: label for t, label in marks.items() if abs(t - opening) > step // 2}
            marks[opening] = self.labels.get("d_day", "D-day")
        ticks = sorted(marks)
        axes.set_xticks(ticks, [marks[t] for t in ticks], fontsize=7)
        axes.set_xlim(-0.5, max(0.5, len(points) - 0.5))
        axes.set_ylim(0, max(1, launch.total) * 1.08)
        axes.set_ylabel(self.labels["items"], fontsize=8)
        axes.tick_params(axis="y", labelsize=7)
        axes.grid(axis="y", alpha=0.25)
        axes.set_title(
            self.labels["burn_up"].format(name=launch.launch.name)
            + f" · {launch.d_label} · {launch.percent_done}%",
            fontsize=10,
            loc="left",
        )
        axes.legend(loc="lower right", fontsize=7, frameon=False)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)

    def _draw_departments(self, axes: Axes, launch: LaunchPicture) -> None:
        kinds = ("done", "in_progress", "blocked", "overdue", "to_do")
        departments = list(reversed(launch.departments))
        names = [d.department for d in departments]
        left = [0] * len(departments)
        for kind in kinds:
            values = [getattr(d, kind) for d in departments]
            bars = axes.barh(
                names, values, left=left, color=COLORS[kind], label=self.labels[kind], height=0.6
            )
            for bar, value in zip(bars, values, strict=True):
                if value:
                    axes.text(
                        bar.get_x() + bar.get_width() / 2,
                        bar.get_y() + bar.get_height() / 2,
                        str(value),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if kind != "to_do" else "#323f4b",
                    )
            left = [a + b for a, b in zip(left, values, strict=True)]
        axes.set_title(self.labels["departments"], fontsize=10, loc="left")
        axes.tick_params(labelsize=8)
        axes.set_xlim(0, max([1, *left]) * 1.02)
        axes.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 1.08),
            ncols=5,
            fontsize=7,
            frameon=False,
            handlelength=1,
        )
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)

    @contextlib.contextmanager
    def _style(self) -> Iterator[None]:
        """matplotlib's settings are global: one chart at a time, with ours."""
        settings: Any = {
            "font.family": [*self.fonts, "DejaVu Sans"],
            "svg.fonttype": "none",  # text stays text: the browser draws it with its fonts
            "svg.hashsalt": "cxbot",  # the same chart gives the same SVG
            "axes.unicode_minus": False,
            "text.parse_math": False,  # a department named "$5 특가" is text, not TeX
        }
        with _LOCK, rc_context(settings):
            yield

    def _save(self, figure: Figure, fmt: str) -> bytes:
        if fmt not in ("svg", "png"):
            raise ValueError(f"{fmt!r}: charts are svg or png")
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            # Without a CJK font every Hangul glyph warns; one line at start-up said so.
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
            figure.savefig(
                buffer, format=fmt, dpi=self.dpi, metadata={"Date": None} if fmt == "svg" else None
            )
        return buffer.getvalue()
