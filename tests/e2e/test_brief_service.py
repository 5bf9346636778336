"""Two `cxbot run` processes on one PostgreSQL store: the centre's brief goes out once."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

from cxbot.adapters.store.sql_store import open_store
from tests.e2e.test_service import _env, start_runs


def test_two_run_processes_on_postgresql_send_one_brief(pg_url: str, tmp_path: Path) -> None:
    env = _env(tmp_path)
    (tmp_path / "schedule.yaml").write_text(
        "jobs:\n  centre-brief: {cron: '* * * * *', catch_up: once}\n", encoding="utf-8"
    )
    (tmp_path / "centres.yaml").write_text(
        "centres:\n  - key: bpo\n    name: 고객센터\n    slack_channel: C0CENTRE\n"
        "    managers: [{name: 최민수, email: minsu.choi@bpo.example.com}]\n",
        encoding="utf-8",
    )
    env.update(CXBOT_DATABASE_URL=pg_url, CXBOT_CENTRES_FILE=str(tmp_path / "centres.yaml"))
    logs = [tmp_path / f"run{n}.log" for n in range(2)]
    runs = start_runs(env, logs)
    outbox = tmp_path / "outbox.jsonl"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        started = all("cxbot is running" in log.read_text() for log in logs)
        if started and outbox.exists() and "centre-brief|" in outbox.read_text():
            time.sleep(2)  # the other process had its chance to send it too
            break
        time.sleep(0.2)
    for run in runs:
        run.send_signal(signal.SIGTERM)
    codes = [run.wait(timeout=30) for run in runs]
    assert codes == [0, 0], [log.read_text() for log in logs]
    sent = [json.loads(line) for line in outbox.read_text().splitlines()]
    briefs = [m["key"] for m in sent if m["key"].startswith("centre-brief|")]
    assert len(briefs) == 1, sent
    store = open_store(pg_url)
    told = [c for c in store.history.changes() if c.entity == "centre_brief" and c.field == "sent"]
    store.close()
    assert len(told) == 1
