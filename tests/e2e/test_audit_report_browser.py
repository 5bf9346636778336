"""The HTML audit report in a real headless Chromium: it renders, Korean shows, print keeps all.

Needs Debian's chromium, fonts-noto-cjk and poppler-utils (.ci/run installs them); skipped
elsewhere unless CI is set, where their absence is a failure.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cxbot.entrypoints.cli import cli
from tests.browser import ARTIFACTS, CHROMIUM, FLAGS, chromium, require_browser

require_browser()


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NOTION_TOKEN", raising=False)
    monkeypatch.setenv("CXBOT_ACTOR", "cli:김지현")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, list(args), obj={}, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    project = "자동취소 실패 주문 어드민"
    run(
        "decision",
        "add",
        "-p",
        project,
        "-t",
        "실패 주문 조회 화면",
        "-d",
        "상담 어드민에 자동취소 실패 주문 탭을 추가한다 " + "길게 쓴 결정 내용 " * 30,
        "--context",
        "상담사가 PG 어드민을 볼 수 없어 고객에게 답하지 못함",
        "--participant",
        "개발팀 최민수: 2021년에 만든 화면으로 충분하다",
        "--participant",
        "CX 김지현: 상담 어드민 안에 있어야 한다",
        "--link",
        "https://cx.slack.com/archives/C01/p1700000000000100",
    )
    for n in range(2, 13):  # enough history to run over several printed pages
        run(
            "decision",
            "supersede",
            f"D-자동취소-실패-주문-어드민-{n - 1}",
            "-p",
            project,
            "-t",
            f"실패 주문 조회 화면 ({n}차)",
            "-d",
            f"{n}차 결정: 조회 범위를 조정한다",
            "--participant",
            f"참여자{n}: 의견 {n}",
        )
    html = tmp_path / "report.html"
    run("audit", "report", "-p", project, "-f", "html", "-o", str(html))
    return html


def test_the_report_renders_shows_korean_and_prints_everything(
    report: Path, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "audit-report.png"
    screenshot.unlink(missing_ok=True)
    chromium(tmp_path, f"--screenshot={screenshot}", "--window-size=1280,1800", report.as_uri())
    assert screenshot.exists() and screenshot.stat().st_size > 20_000

    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri())
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    squeezed = "".join(text.split())
    assert pages >= 2
    # Nothing cut when printed: the first and the last entries and every decision are there.
    for needed in (
        "감사보고서",
        "D-자동취소-실패-주문-어드민-1",
        "D-자동취소-실패-주문-어드민-12",
        "12차결정:조회범위를조정한다",
        "해시체인",
    ):
        assert needed in squeezed, needed
    assert "overflow" not in text.lower()


def test_korean_glyphs_are_drawn_not_empty_boxes(tmp_path: Path) -> None:
    """Korean text must render differently from characters no font has (which are boxes)."""
    style = (
        '<meta charset="utf-8"><body style="margin:0;font:48px \'Noto Sans CJK KR\',sans-serif">'
    )
    korean = tmp_path / "korean.html"
    korean.write_text(style + "감사 보고서 결정 이력", encoding="utf-8")
    boxes = tmp_path / "boxes.html"
    boxes.write_text(
        style + "\ue000\ue001 \ue002\ue003\ue004 \ue005\ue006 \ue007\ue008", encoding="utf-8"
    )
    shots = []
    for page in (korean, boxes):
        shot = tmp_path / f"{page.stem}.png"
        chromium(tmp_path, f"--screenshot={shot}", "--window-size=600,80", page.as_uri())
        shots.append(shot.read_bytes())
    assert shots[0] != shots[1], "Korean text renders as empty boxes: install fonts-noto-cjk"
    fonts = subprocess.run(
        ["fc-match", "-f", "%{family}", "sans-serif:lang=ko"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert "CJK" in fonts or "Nanum" in fonts, fonts


def test_injected_script_and_links_do_not_run_in_the_auditors_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NOTION_TOKEN", raising=False)
    runner = CliRunner()
    evil_title = "<script>document.title='PWNED'</script>"
    evil_text = "<img src=x onerror=\"document.title='PWNED2'\"> 결정"
    result = runner.invoke(
        cli,
        [
            "decision",
            "add",
            "-p",
            "XSS",
            "-t",
            evil_title,
            "-d",
            evil_text,
            "--link",
            "javascript:document.title='PWNED3'",
            "--link",
            "https://example.com/ok",
        ],
        obj={},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    html = tmp_path / "xss.html"
    runner.invoke(
        cli,
        ["audit", "report", "-p", "XSS", "-f", "html", "-o", str(html)],
        obj={},
        catch_exceptions=False,
    )
    source = html.read_text(encoding="utf-8")
    assert "<script>" not in source and "&lt;script&gt;" in source
    assert 'href="javascript:' not in source and 'href="https://example.com/ok"' in source
    assert "Content-Security-Policy" in source
    profile = tmp_path / "profile-dom"
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", html.as_uri()],  # type: ignore[list-item]
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "PWNED" not in dom.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<script" not in dom and "<img" not in dom
    assert "document.title='PWNED'" in dom  # shown as text, as written
