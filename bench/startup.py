"""How long `cxbot --help` (and a sub-command's --help) take, as a new process each time.

Nothing is built at import: the composition root and every SDK load only when a command
runs. Goal: well under 0.3 s for --help on this machine.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from typing import Any

RUNS = 7
COMMANDS = (["--help"], ["launch", "create", "--help"], ["calendar", "sync", "--help"])


def _once(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cxbot", *args], check=True, capture_output=True, timeout=60
    )
    return time.perf_counter() - started


def _bare() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=60)
    return time.perf_counter() - started


def run() -> dict[str, Any]:
    figures: dict[str, Any] = {"runs": RUNS}
    figures["python_alone_s"] = round(min(_bare() for _ in range(RUNS)), 3)
    for args in COMMANDS:
        times = [_once(args) for _ in range(RUNS)]
        name = "cxbot " + " ".join(args)
        figures[name] = {
            "min_s": round(min(times), 3),
            "median_s": round(statistics.median(times), 3),
        }
    modules = subprocess.run(
        [sys.executable, "-c", "import sys, cxbot.entrypoints.cli; print(' '.join(sys.modules))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    heavy = ("sqlalchemy", "alembic", "notion_client", "slack_sdk", "gspread", "holidays")
    figures["sdks_loaded_by_help"] = sorted({m.split(".")[0] for m in modules} & set(heavy))
    return figures
