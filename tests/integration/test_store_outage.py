"""PostgreSQL stopped under a running cxbot, then started again: on a cluster of the
test's own (another port, never the shared server). No traceback per tick, health red
while it is down, the jobs resume, nothing is sent twice."""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cxbot.bootstrap import build
from cxbot.settings import PROJECT_ROOT, Settings
from tests.conftest import ManualClock

NOW = datetime(2027, 1, 4, 0, 30, tzinfo=UTC)  # Monday 09:30 in Seoul


def _as_postgres(*args: str) -> subprocess.CompletedProcess[str]:
    command = list(args) if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


class Cluster:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.data = folder / "data"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        started = _as_postgres(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )
        assert started.returncode == 0, started.stderr

    def stop(self) -> None:
        _as_postgres("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if shutil.which("initdb") is None or shutil.which("pg_ctl") is None:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: initdb refuses to run as root")
    folder = Path(tempfile.mkdtemp(prefix="cxbot-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    made = _as_postgres("initdb", "-D", str(folder / "data"), "--auth=trust", "-U", "postgres")
    if made.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"initdb failed: {made.stderr.strip()[:200]}")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = Cluster(folder, port)
    running.start()
    try:
        yield running
    finally:
        running.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_stopped_postgres_is_one_line_a_tick_a_red_health_and_a_clean_resume(
    cluster: Cluster, tmp_path: Path, caplog: Any
) -> None:
    (tmp_path / "schedule.yaml").write_text(
        "jobs:\n  reminders: {cron: '* * * * *', catch_up: once}\n", encoding="utf-8"
    )
    (tmp_path / "reminders.yaml").write_text(
        "send_at: '00:00'\nquiet_hours: {start: '00:00', end: '00:00'}\n", encoding="utf-8"
    )
    clock = ManualClock(NOW)
    settings = Settings(
        cxbot_database_url=cluster.url,
        cxbot_outbox=tmp_path / "outbox.jsonl",
        cxbot_audit_anchor=tmp_path / "audit-anchor.json",
        cxbot_schedule_file=tmp_path / "schedule.yaml",
        cxbot_reminders_file=tmp_path / "reminders.yaml",
        cxbot_owners_file=PROJECT_ROOT / "examples" / "owners.yaml",
        cxbot_actor="cli:tester",
    )
    cases = build(settings, clock=clock, embedded=True)
    try:
        cases.launches.create(
            template="partner-mall",
            name="중단 테스트",
            open_date=(NOW + timedelta(days=10)).date(),
            owners=str(PROJECT_ROOT / "examples" / "owners.yaml"),
        )
        first = cases.jobs.due("reminders")
        assert first is not None and first.outcome == "ok", first
        sent = _sent(tmp_path)
        assert sent

        cluster.stop()
        caplog.clear()
        with caplog.at_level(logging.INFO):
            for _ in range(3):  # three ticks while it is down
                clock.advance(minutes=1)
                down = cases.jobs.due("reminders")
                assert down is not None and down.outcome == "failed"
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 3 and all(r.exc_info is None for r in errors)  # no tracebacks
        assert "unreachable" in errors[0].getMessage()
        ok, lines = cases.jobs.health()
        assert not ok and "store" in lines[0]

        cluster.start()
        time.sleep(0.5)
        clock.advance(minutes=1)
        again = cases.jobs.due("reminders")
        assert again is not None and again.outcome == "ok", again
        assert cases.jobs.health()[0]
        keys = [m["key"] for m in _messages(tmp_path)]
        assert len(keys) == len(set(keys))  # nothing sent twice
    finally:
        cases.close()


def _messages(folder: Path) -> list[dict[str, Any]]:
    outbox = folder / "outbox.jsonl"
    return [json.loads(line) for line in outbox.read_text().splitlines()] if outbox.exists() else []


def _sent(folder: Path) -> list[str]:
    return [m["key"] for m in _messages(folder)]
