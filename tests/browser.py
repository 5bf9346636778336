"""Headless Chromium and poppler for the tests that look at HTML pages as a person would.

Debian's chromium, fonts-noto-cjk and poppler-utils (.ci/run installs them): a module that
needs them calls `require_browser()` — skipped elsewhere, a failure in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cxbot.settings import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def require_browser() -> None:
    tools = CHROMIUM and shutil.which("pdftotext") and shutil.which("pdfinfo")
    if tools:
        return
    if os.environ.get("CI"):
        pytest.fail(
            "chromium and poppler-utils are required in CI (.ci/run installs them)", pytrace=False
        )
    pytest.skip(
        "needs chromium and poppler-utils (apt-get install chromium fonts-noto-cjk poppler-utils)",
        allow_module_level=True,
    )


def chromium(tmp_path: Path, *args: str) -> None:
    """One headless Chromium run with its own profile folder."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],  # type: ignore[list-item]
        check=True,
        capture_output=True,
        timeout=120,
    )
