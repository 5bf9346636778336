"""The contact centre's brief over 200 launches (40 items each) and 2,000 promotions.

Figures: the time to build one centre's brief from the store and the store reads it takes
(a constant few plus one per recent launch, never one per item or promotion); then a real
run for two centres — one on Slack (the outbox), one by e-mail to a local SMTP server —
with the Slack message's size against Block Kit's limits and the e-mails sent (one per
manager).
"""

from __future__ import annotations

import json
import random
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.harness import promotion_seen, table
from bench.weekly_report import _counting, _launch
from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.slack.brief_messages import MAX_BLOCKS
from cxbot.adapters.store.sql_store import open_store
from cxbot.bootstrap import build
from cxbot.domain.promotions import Promotion
from cxbot.settings import Settings

LAUNCHES, PROMOTIONS, MANAGERS = 200, 2000, 3
SEOUL = ZoneInfo("Asia/Seoul")
TODAY = date(2027, 3, 10)  # a Wednesday


def run() -> dict[str, Any]:
    calendar = korean_calendar(range(2025, 2029))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        store = open_store(url)
        rng = random.Random(23)
        for n in range(LAUNCHES):
            opening = TODAY + timedelta(days=rng.randint(-120, 60))
            created = opening - timedelta(days=60)
            launch, items, changes = _launch(n, opening, created, calendar, rng)
            store.launches.apply(launch=launch, items=items, changes=changes)
        promotions, history = [], []
        for n in range(PROMOTIONS):
            start = TODAY + timedelta(days=rng.randint(-200, 90))
            promotion = Promotion(
                key=f"name:promo{n}", name=f"프로모션 {n}", start=start,
                end=start + timedelta(days=rng.randint(0, 10)),
                send_date=start - timedelta(days=1) if n % 3 == 0 else None,
                channel="앱" if n % 2 else "웹", guidance="유의사항: 1인 1회",
            )  # fmt: skip
            promotions.append(promotion)
            seen = datetime.combine(
                start - timedelta(days=rng.randint(1, 20)), datetime.min.time(), SEOUL
            )
            history += promotion_seen(promotion, seen)
        store.promotions.save_promotions(promotions, history, None)
        now = datetime(2027, 3, 10, 16, tzinfo=SEOUL)
        with _mail_server() as (accepted, port):
            settings = Settings(
                cxbot_database_url=url,
                cxbot_outbox=Path(folder) / "outbox.jsonl",
                cxbot_audit_anchor=Path(folder) / "anchor.json",
                cxbot_centres_file=_centres(Path(folder)),
                cxbot_smtp_host="127.0.0.1",
                cxbot_smtp_port=port,
                cxbot_smtp_starttls=False,
            )
            cases = build(settings, store=store, clock=lambda: now)
            briefs = cases.briefs
            slack_centre = briefs.centres[0]
            with _counting(store) as statements:
                started = time.perf_counter()
                brief = briefs.build(slack_centre, TODAY)
                build_seconds = time.perf_counter() - started
            started = time.perf_counter()
            sent = briefs.run(now=now)
            run_seconds = time.perf_counter() - started
            mails = len(accepted)
            cases.close()
        posted = [
            json.loads(line)
            for line in (Path(folder) / "outbox.jsonl").read_text(encoding="utf-8").splitlines()
        ]
    message = next(m for m in posted if m["key"].startswith("centre-brief|bench-slack"))
    sections = [b for b in message["blocks"] if b["type"] == "section"]
    figures = {
        "launches": LAUNCHES,
        "items": LAUNCHES * 40,
        "promotions": PROMOTIONS,
        "told": len(brief.told),
        "build_seconds": round(build_seconds, 3),
        "store_reads": len(statements),
        "run_seconds_two_centres": round(run_seconds, 3),
        "states": [s.state for s in sent],
        "slack_messages": sum(m["key"].startswith("centre-brief|bench-slack") for m in posted),
        "slack_blocks": len(message["blocks"]),
        "slack_block_limit": MAX_BLOCKS,
        "longest_section_chars": max(len(b["text"]["text"]) for b in sections),
        "emails": mails,
        "managers": MANAGERS,
    }
    table(list(figures.items()))
    return figures


def _centres(folder: Path) -> Path:
    managers = "".join(
        f"      - {{name: 관리자{n}, email: m{n}@bpo.example.com}}\n" for n in range(MANAGERS)
    )
    path = folder / "centres.yaml"
    path.write_text(
        "centres:\n"
        f"  - key: bench-slack\n    name: 슬랙 센터\n    slack_channel: C0BENCH\n"
        f"    managers:\n{managers}"
        f"  - key: bench-mail\n    name: 메일 센터\n    managers:\n{managers}"
        "    audience: {launches: [], promotions: [앱]}\n",
        encoding="utf-8",
    )
    return path


@contextmanager
def _mail_server() -> Iterator[tuple[list[bytes], int]]:
    """A real SMTP server on loopback (aiosmtpd, a dev dependency) that keeps what it got."""
    from aiosmtpd.controller import Controller

    accepted: list[bytes] = []

    class Keep:
        async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
            accepted.append(envelope.content)
            return "250 2.0.0 Ok"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield accepted, port
    finally:
        controller.stop()
