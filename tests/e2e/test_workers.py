"""Scale-out: two `cxbot worker` processes on one PostgreSQL; one is killed mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cxbot.adapters.store.sql_store import open_store
from cxbot.emulators.http import Fault
from cxbot.emulators.slack import SlackEmulator
from cxbot.settings import PROJECT_ROOT
from tests.reminder_rig import SLACK_PEOPLE

pytest.importorskip("procrastinate")


def _wait(condition: Any, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def test_each_tick_once_and_a_killed_workers_run_is_finished(pg_url: str, tmp_path: Path) -> None:
    slack = SlackEmulator(tokens={"xoxb-test"}, rate_limit=False).start()
    try:
        for name, email in SLACK_PEOPLE:
            slack.add_user(name, email)
        cx = slack.add_channel("cx-ops")
        today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Seoul")).date()
        (tmp_path / "schedule.yaml").write_text(
            "jobs:\n  reminders: {cron: '* * * * *', catch_up: once}\n", encoding="utf-8"
        )
        (tmp_path / "reminders.yaml").write_text(
            "send_at: '00:00'\nquiet_hours: {start: '00:00', end: '00:00'}\n"
            f"channels: {{cx: {cx}}}\n",
            encoding="utf-8",
        )
        (tmp_path / "company.yaml").write_text(
            f"extra_workdays: [{today.isoformat()}]\n", encoding="utf-8"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTION_", "SLACK_"))}
        env.update(
            {
                "CXBOT_DATABASE_URL": pg_url,
                "SLACK_BOT_TOKEN": "xoxb-test",
                "SLACK_BASE_URL": slack.api_url,
                "CXBOT_SCHEDULE_FILE": str(tmp_path / "schedule.yaml"),
                "CXBOT_REMINDERS_FILE": str(tmp_path / "reminders.yaml"),
                "CXBOT_COMPANY_CALENDAR": str(tmp_path / "company.yaml"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        opening = (today + timedelta(days=12)).isoformat()
        seeded = subprocess.run(
            [
                sys.executable,
                "-m",
                "cxbot",
                "launch",
                "create",
                "-t",
                "partner-mall",
                "-n",
                "워커 테스트",
                "-d",
                opening,
                "--owners",
                str(PROJECT_ROOT / "examples" / "owners.yaml"),
                "--yes",  # twelve days from today may be a weekend or a holiday: not tested here
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=PROJECT_ROOT,
            check=False,
        )
        assert seeded.returncode == 0, seeded.stderr
        planned = subprocess.run(
            [sys.executable, "-m", "cxbot", "remind", "--dry-run"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=PROJECT_ROOT,
            check=False,
        )
        expected = sum(1 for line in planned.stdout.splitlines() if line.startswith("보낼 예정 · "))
        assert expected > 1, planned.stdout + planned.stderr
        # The first post hangs for 4 s: the worker running the tick is killed meanwhile.
        slack.inject(Fault("slow", "POST", r"chat\.postMessage", times=1, delay=4))
        logs = [tmp_path / f"worker{n}.log" for n in range(2)]
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cxbot",
                    "worker",
                    "--name",
                    f"w{n}",
                    "--heartbeat",
                    "1",
                    "--stalled-after",
                    "3",
                    "--stalled-check",
                    "* * * * * */2",
                ],
                env=env,
                cwd=PROJECT_ROOT,
                stdout=subprocess.DEVNULL,
                stderr=log.open("w"),
            )
            for n, log in enumerate(logs)
        ]
        store = open_store(pg_url)
        try:
            running = _wait(
                lambda: [r for r in store.job_runs.runs_of("reminders") if r.outcome == "running"],
                90,
                "a worker to start the reminder run",
            )[0]
            pid = int(running.worker.rsplit(":", 1)[1])
            victim = next(w for w in workers if w.pid == pid)
            time.sleep(1.0)
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            finished = _wait(
                lambda: [
                    r
                    for r in store.job_runs.runs_of("reminders")
                    if r.tick == running.tick and r.outcome == "ok"
                ],
                90,
                "the other worker to finish the run",
            )[0]
            assert finished.worker != running.worker
            time.sleep(4)  # the killed worker's hanging post lands on Slack's side
            keys = [m["metadata"]["event_payload"]["message_key"] for m in slack.posted()]
            assert len(keys) == len(set(keys)) == expected, [
                log.read_text()[-2000:] for log in logs
            ]
            ticks = [r.tick for r in store.job_runs.runs_of("reminders")]
            assert len(ticks) == len(set(ticks))
        finally:
            store.close()
            for process in workers:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    process.wait(timeout=30)
    finally:
        slack.stop()
