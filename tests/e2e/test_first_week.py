"""What a new user hit in the first week: a half-configured sheet, no calendar at all, files
saved by Korean Excel, settings and files with mistakes — each said plainly, nothing synced
that was not asked for."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from cxbot.adapters.calendar_sources import MissingSource
from cxbot.service.errors import InputError
from cxbot.service.scheduled_jobs import job_functions

SHEET_URL = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOp/edit#gid=0"


def test_a_sheet_without_a_service_account_syncs_nothing_and_says_what_is_missing(
    run: Any,
) -> None:
    env = {"CXBOT_CALENDAR_SHEET": SHEET_URL, "GOOGLE_SERVICE_ACCOUNT_FILE": ""}
    result = run("calendar", "sync", env=env)
    assert result.exit_code != 0
    assert "GOOGLE_SERVICE_ACCOUNT_FILE" in result.output and "share the sheet" in result.output
    assert "Traceback" not in result.output
    assert run("calendar", "list", "--all", env=env).stdout.strip() == ""  # not the sample
    doctor = run("doctor", env=env)
    assert "✗ CXBOT_CALENDAR_SHEET is set but GOOGLE_SERVICE_ACCOUNT_FILE is not" in doctor.output


def test_a_service_account_without_a_sheet_says_which_setting_is_missing(
    run: Any, tmp_path: Path
) -> None:
    key = tmp_path / "key.json"
    key.write_text("{}", encoding="utf-8")
    env = {"GOOGLE_SERVICE_ACCOUNT_FILE": str(key), "CXBOT_CALENDAR_SHEET": ""}
    result = run("calendar", "sync", env=env)
    assert result.exit_code != 0 and "CXBOT_CALENDAR_SHEET is not" in result.output


def test_no_calendar_configured_syncs_no_sample(run: Any) -> None:
    result = run("calendar", "sync", env={"CXBOT_CALENDAR_SHEET": "", "CXBOT_CALENDAR_FILE": ""})
    assert result.exit_code != 0
    assert "no promotion calendar configured" in result.output
    assert "`cxbot demo`" in result.output
    assert run("calendar", "list", "--all").stdout.strip() == ""


class _Sync:
    def __init__(self, source: MissingSource) -> None:
        self.source = source

    def run(self, *, now: datetime) -> Any:
        self.source.fingerprint()


def test_the_scheduled_calendar_job_skips_without_a_calendar_and_fails_on_half_of_one() -> None:
    tick = datetime(2026, 12, 3, 9, tzinfo=UTC)

    def job(source: MissingSource) -> Any:
        unused: Any = None
        jobs = job_functions(
            status_sync=unused, calendar=cast(Any, _Sync(source)), reminders=unused, weekly=unused
        )
        return jobs["calendar-sync"](tick)

    skipped = job(MissingSource("no promotion calendar configured", configured=False))
    assert skipped == {"changes": 0, "skipped": "no promotion calendar configured"}
    half = MissingSource("GOOGLE_SERVICE_ACCOUNT_FILE is not set", configured=True)
    try:
        job(half)
    except InputError as error:
        assert "GOOGLE_SERVICE_ACCOUNT_FILE" in str(error)
    else:
        raise AssertionError("a half-configured calendar must fail the job, not skip it")
