"""`cxbot run` as users run it: two processes on one store, then SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from cxbot.adapters.store.sql_store import open_store
from cxbot.settings import PROJECT_ROOT


def _env(tmp_path: Path) -> dict[str, str]:
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Seoul")).date()
    (tmp_path / "schedule.yaml").write_text(
        "jobs:\n  reminders: {cron: '* * * * *', catch_up: once}\n", encoding="utf-8"
    )
    (tmp_path / "reminders.yaml").write_text(
        "send_at: '00:00'\nquiet_hours: {start: '00:00', end: '00:00'}\n", encoding="utf-8"
    )
    # Today is a working day whatever the calendar says, so the run sends something.
    (tmp_path / "company.yaml").write_text(
        f"extra_workdays: [{today.isoformat()}]\n", encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTION_", "SLACK_"))}
    env.update(
        {
            "CXBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'cxbot.db'}",
            "CXBOT_OUTBOX": str(tmp_path / "outbox.jsonl"),
            "CXBOT_SCHEDULE_FILE": str(tmp_path / "schedule.yaml"),
            "CXBOT_REMINDERS_FILE": str(tmp_path / "reminders.yaml"),
            "CXBOT_COMPANY_CALENDAR": str(tmp_path / "company.yaml"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def start_runs(env: dict[str, str], logs: list[Path]) -> list[subprocess.Popen[bytes]]:
    """`cxbot run` processes, one per log file (their stderr)."""
    return [
        subprocess.Popen(
            [sys.executable, "-m", "cxbot", "run"],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        for log in logs
    ]


def _cxbot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxbot", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=PROJECT_ROOT,
    )


def test_two_processes_send_once_and_stop_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = _env(tmp_path)
    opening = (datetime.now(UTC) + timedelta(days=12)).date().isoformat()
    created = _cxbot(
        env,
        "launch",
        "create",
        "-t",
        "partner-mall",
        "-n",
        "서비스 테스트",
        "-d",
        opening,
        "--owners",
        str(PROJECT_ROOT / "examples" / "owners.yaml"),
        "--yes",  # twelve days from today may be a weekend or a holiday: not what is tested
    )
    assert created.returncode == 0, created.stderr
    logs = [tmp_path / f"worker{n}.log" for n in range(2)]
    workers = start_runs(env, logs)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if all("cxbot is running" in log.read_text() for log in logs):
            break
        time.sleep(0.2)
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    codes = [worker.wait(timeout=30) for worker in workers]
    texts = [log.read_text() for log in logs]
    assert codes == [0, 0], texts
    assert all("stopped" in text for text in texts)
    outbox = [json.loads(line) for line in (tmp_path / "outbox.jsonl").read_text().splitlines()]
    keys = [message["key"] for message in outbox]
    assert keys and len(keys) == len(set(keys))  # sent, and nothing twice
    store = open_store(env["CXBOT_DATABASE_URL"])
    runs = store.job_runs.runs_of("reminders")
    store.close()
    assert runs and all(run.outcome == "ok" for run in runs)
    assert len({run.tick for run in runs}) == len(runs)  # each tick run by one worker only
