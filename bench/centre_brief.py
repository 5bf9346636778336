"""The contact centre's brief over 200 launches (40 items each) and 2,000 promotions.

Figures: the time to build one centre's brief from the store, the store reads it takes
(a constant few plus one per recent launch, never one per item or promotion), the Slack
message's size against Block Kit's limits, and the e-mail pages rendered (one per manager).
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.harness import promotion_seen
from bench.weekly_report import _counting, _launch
from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.mail.brief_pages import MailBriefPages
from cxbot.adapters.outbox import OutboxNotifier
from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.brief_messages import MAX_BLOCKS, SlackBriefMessages
from cxbot.adapters.store.sql_store import open_store
from cxbot.adapters.yaml_files import YamlTemplates
from cxbot.domain.centre_brief import BriefWindow
from cxbot.domain.centres import Centre, Manager
from cxbot.domain.promotions import Promotion
from cxbot.domain.reminders import Recipient
from cxbot.service.centre_briefs import CentreBriefs
from cxbot.service.delivery import ExactlyOnce
from cxbot.settings import PROJECT_ROOT

LAUNCHES, PROMOTIONS, MANAGERS = 200, 2000, 3
SEOUL = ZoneInfo("Asia/Seoul")
TODAY = date(2027, 3, 10)  # a Wednesday


def run() -> dict[str, Any]:
    calendar = korean_calendar(range(2025, 2029))
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
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
        renderer = Renderer(PROJECT_ROOT / "templates", "ko", SEOUL)
        centre = Centre(
            key="bench", name="벤치 고객센터", slack_channel="C0BENCH",
            managers=tuple(
                Manager(name=f"관리자{n}", email=f"m{n}@bpo.example.com") for n in range(MANAGERS)
            ),
        )  # fmt: skip
        now = datetime(2027, 3, 10, 16, tzinfo=SEOUL)
        briefs = CentreBriefs(
            centres=(centre,), launches=store.launches,
            templates=YamlTemplates(PROJECT_ROOT / "checklists"), promotions=store.promotions,
            history=store.history, records=store.briefs,
            delivery=ExactlyOnce(
                ledger=store.ledger, notifier=OutboxNotifier(Path(folder) / "o.jsonl")
            ),
            mailer=None, compose=SlackBriefMessages(renderer, calendar),
            pages=MailBriefPages(renderer, calendar), calendar=calendar, tz=SEOUL,
            lead_required=5, cx=Recipient(key="channel:cx", name="CX"), clock=lambda: now,
        )  # fmt: skip
        with _counting(store) as statements:
            started = time.perf_counter()
            brief = briefs.build(centre, TODAY)
            message = briefs.compose.slack(brief)
            build_seconds = time.perf_counter() - started
        started = time.perf_counter()
        window = BriefWindow.of(TODAY, centre.business_days, calendar)
        pages = [
            briefs.pages.page(centre, brief, version=1, window=window) for _ in centre.managers
        ]
        mail_seconds = time.perf_counter() - started
        store.close()
    sections = [b for b in message.blocks if b["type"] == "section"]
    return {
        "launches": LAUNCHES,
        "items": LAUNCHES * 40,
        "promotions": PROMOTIONS,
        "told": len(brief.told),
        "build_and_compose_seconds": round(build_seconds, 3),
        "store_reads": len(statements),
        "slack_messages": 1,
        "slack_blocks": len(message.blocks),
        "slack_block_limit": MAX_BLOCKS,
        "longest_section_chars": max(len(b["text"]["text"]) for b in sections),
        "emails": len(pages),
        "email_render_seconds": round(mail_seconds, 3),
    }
