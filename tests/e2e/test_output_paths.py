"""Reports are written exactly where the user asked, and never through a link planted in
cxbot's own folder."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from cxbot.adapters.private_files import ReportFiles
from cxbot.ports.errors import InputError


def test_a_link_planted_in_the_reports_folder_is_replaced_not_followed(
    run: Any, tmp_path: Path
) -> None:
    assert run("demo").exit_code == 0
    (report,) = (tmp_path / ".cxbot" / "reports").glob("weekly-*.html")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    report.unlink()
    report.symlink_to(victim)  # someone who can write .cxbot/ points the report elsewhere
    assert run("report", "weekly").exit_code == 0
    assert victim.read_text() == "keep me\n"
    assert not report.is_symlink() and "<html" in report.read_text(encoding="utf-8")
    assert stat.S_IMODE(report.stat().st_mode) == 0o600  # inside .cxbot: private


def test_a_folder_outside_the_working_folder_is_written_where_asked(
    run: Any, tmp_path: Path
) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-shared" / "reports"
    result = run("report", "weekly", "-f", "md", "-o", str(outside))
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(outside).as_posix() for p in outside.rglob("*") if p.is_file())
    assert written and all(not name.startswith("..") for name in written)
    assert not (tmp_path / ".cxbot" / "reports").exists()  # nothing went elsewhere


def test_an_audit_report_goes_to_the_file_named(run: Any, tmp_path: Path) -> None:
    run("decision", "add", "-p", "감사", "-t", "결정", "-d", "내용")
    target = tmp_path / "out" / "audit.html"
    result = run("audit", "report", "-p", "감사", "-f", "html", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "감사" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["../escaped.html", "/tmp/absolute.html", "a/../../b.png"])
def test_a_file_name_that_leaves_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError, match="outside"):
        ReportFiles().write_into(tmp_path / "reports", {name: b"x"})
    assert not (tmp_path / "escaped.html").exists()


def test_a_linked_reports_folder_in_cxbots_own_folder_is_refused(run: Any, tmp_path: Path) -> None:
    assert run("decision", "add", "-p", "감사", "-t", "결정", "-d", "내용").exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / ".cxbot" / "reports").symlink_to(elsewhere, target_is_directory=True)
    result = run("report", "weekly")
    assert result.exit_code != 0 and "symbolic link" in result.output
    assert list(elsewhere.iterdir()) == []
