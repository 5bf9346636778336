"""200 button presses from 50 people on their reminder digests, against the Slack and
Notion emulators with Notion's rate limit on and 10% of deliveries sent again by Slack.

The real root serves the real slack-bolt app on loopback, as `cxbot slack serve` does.
Slack's own method limits are off in this run: chat.update's Tier 3 (50 a minute) would
only stretch the redraws; what is measured is the answer to Slack, the Notion writes and
that nothing is doubled or lost.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.harness import (
    NOTION_RATE,
    bench_settings,
    reminders_with_cx,
    serve_in_background,
    setup_cases,
    table,
)
from cxbot.adapters.yaml_files import YamlTemplates
from cxbot.bootstrap import build
from cxbot.domain.checklist import ItemStatus
from cxbot.domain.owners import OwnerDirectory, Person
from cxbot.emulators.notion import NotionEmulator
from cxbot.emulators.slack import SlackEmulator
from cxbot.entrypoints.cli.serving import _slack_app
from cxbot.settings import Settings

PEOPLE, CLICKS, LAUNCHES, RETRIED = 50, 200, 12, 0.10
SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2027, 1, 4, 9, 30, tzinfo=SEOUL)  # a Monday
SECRET = "bench-signing-secret"


def run() -> dict[str, Any]:
    rng = random.Random(11)
    notion = NotionEmulator(tokens={"secret_bench"}, rate=NOTION_RATE, burst=6.0)
    notion.start()
    slack = SlackEmulator(tokens={"xoxb-bench"}, rate_limit=False).start()
    slack.app.signing_secret = SECRET
    with tempfile.TemporaryDirectory() as folder:
        try:
            return _run(rng, notion, slack, Path(folder))
        finally:
            slack.stop()
            notion.stop()


def _run(
    rng: random.Random, notion: NotionEmulator, slack: SlackEmulator, folder: Path
) -> dict[str, Any]:
    people = [(f"담당자{n:02d}", f"owner{n:02d}@example.com") for n in range(PEOPLE)]
    users = {email: slack.add_user(name, email) for name, email in people}
    cx = slack.add_channel("cx-ops")
    parent = notion.workspace.add_page("CX 운영")
    for name, email in people:
        notion.workspace.add_person(name, email)
    reminders_file = reminders_with_cx(folder, cx)
    settings = bench_settings(
        folder,
        notion,
        parent,
        slack=slack,
        signing_secret=SECRET,
        cxbot_reminders_file=reminders_file,
    )
    notion.rate_limit = False  # setting up 240 pages is not what is measured
    _create_launches(settings, notion, parent, people)
    clock = lambda: NOW  # noqa: E731 - the tick every use case plans with
    cases = build(settings, clock=clock)
    report = cases.reminders.run(now=NOW)
    notion.rate_limit = True
    app = _slack_app(cases)
    stop = threading.Event()
    routes = {"/slack/events": lambda b, h: cases.slack_inbound.dispatch(app, b, h)}
    slack.app.request_url = serve_in_background(routes, stop) + "/slack/events"

    presses = _presses(rng, slack, users)
    before = len(notion.requests())
    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        deliveries = list(
            pool.map(
                lambda p: slack.app.click(
                    p["user"],
                    p["channel"],
                    p["ts"],
                    block_id=f"act:{p['item']}",
                    action_id=f"cxbot_item_{p['action']}",
                    retries=1 if p["retried"] else 0,
                ),
                presses,
            )
        )
    expected = {p["item"]: p["action"] for p in presses}  # one press per item
    store = cases.launches.store
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        settled = all(_status(store, key) == value for key, value in expected.items())
        if settled and not store.board_behind():
            break
        if settled:
            cases.outbox.drain()
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    stop.set()
    writes = [
        r
        for r in notion.requests()[before:]
        if r.method == "PATCH" and r.path.startswith("/v1/pages/") and r.status == 200
    ]
    history = Counter(
        c.entity_id
        for c in cases.audit.history.changes()
        if c.field == "status" and c.source.value == "slack"
    )
    lost = sum(1 for key, value in expected.items() if _status(store, key) != value)
    latencies = sorted(d.seconds for d in deliveries)
    figures = {
        "clicks": len(presses),
        "people": len({p["user"] for p in presses}),
        "retried_deliveries": sum(1 for p in presses if p["retried"]),
        "ack_p50_s": round(statistics.median(latencies), 4),
        "ack_p99_s": round(latencies[int(len(latencies) * 0.99) - 1], 4),
        "ack_max_s": round(latencies[-1], 4),
        "non_200": sum(1 for d in deliveries if d.status != 200),
        "notion_writes": len(writes),
        "notion_writes_per_click": round(len(writes) / len(presses), 3),
        "pages_written": len({r.path for r in writes}),
        "notion_429": notion.rate_limited,
        "duplicates": sum(n - 1 for n in history.values() if n > 1),
        "lost": lost,
        "seconds_until_all_in_notion": round(elapsed, 1),
        "floor_seconds_at_3_per_s": round(len(presses) / NOTION_RATE, 1),
        "digests_sent": report.sent,
    }
    table(list(figures.items()))
    cases.close()
    return figures


def _create_launches(
    settings: Settings, notion: NotionEmulator, parent: str, people: list[tuple[str, str]]
) -> None:
    template = YamlTemplates(settings.cxbot_checklists_dir).find("partner-mall")
    departments = sorted(template.departments)
    planner = Person(name=people[0][0], email=people[0][1])
    url = settings.cxbot_database_url
    with setup_cases(url, notion.base_url, "secret_bench", parent, NOW) as context:
        seat = 0
        for n in range(LAUNCHES):
            owners = {}
            for department in departments:
                name, email = people[seat % len(people)]
                owners[department] = Person(name=name, email=email)
                seat += 1
            context.create(
                template=template,
                name=f"제휴몰 {n} 입점",
                open_date=date(2027, 1, 5 + n % 3),
                owners=OwnerDirectory(owners=owners, planner=planner),
            )


def _presses(
    rng: random.Random, slack: SlackEmulator, users: dict[str, str]
) -> list[dict[str, Any]]:
    """Up to CLICKS presses, one per item, spread over the people's digests."""
    by_user: dict[str, list[dict[str, Any]]] = {}
    for channel in slack.channels.values():
        if not channel.is_im:
            continue
        user = next(u for u in channel.members if u != slack.bot_user)
        for message in channel.messages:
            for block in message.get("blocks") or []:
                block_id = str(block.get("block_id", ""))
                if block_id.startswith("act:"):
                    by_user.setdefault(user, []).append(
                        {
                            "user": user,
                            "channel": channel.id,
                            "ts": message["ts"],
                            "item": block_id.removeprefix("act:"),
                        }
                    )
    presses: list[dict[str, Any]] = []
    seen: set[str] = set()
    while len(presses) < CLICKS and any(by_user.values()):
        for entries in by_user.values():
            while entries and entries[-1]["item"] in seen:
                entries.pop()
            if not entries or len(presses) >= CLICKS:
                continue
            press = entries.pop()
            seen.add(press["item"])
            press["action"] = rng.choice(
                [ItemStatus.DONE.value, ItemStatus.DONE.value, ItemStatus.IN_PROGRESS.value]
            )
            press["retried"] = rng.random() < RETRIED
            presses.append(press)
    rng.shuffle(presses)
    return presses


def _status(store: Any, key: str) -> str:
    item = store.get_item(key)
    return "" if item is None else str(item.status.value)
