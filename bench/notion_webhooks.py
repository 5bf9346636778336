"""500 checklist items, 200 edits by 20 people in Notion over a simulated hour: recorded by
webhooks (duplicates and reordering on, the emulator's delay 0), then the same edits with
webhooks off and status sync polling every 5 minutes, for comparison. Then a burst: 500
signed events for 200 edited pages sent within a second by 50 connections at once, while
people open their Slack App Home — how fast each is answered, and what reaches the store.

Notion's 3 requests/s is enforced by the emulator; the edits themselves are people
working in the Notion app (no API budget). Each edit changes a different item.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.harness import (
    NOTION_RATE,
    bench_settings,
    serve_in_background,
    setup_cases,
    table,
    webhook_answer,
)
from cxbot.adapters.yaml_files import YamlTemplates
from cxbot.bootstrap import build
from cxbot.domain.owners import OwnerDirectory, Person
from cxbot.emulators.notion import NotionEmulator
from cxbot.entrypoints.service import process_notion_events
from cxbot.settings import Settings

ITEMS, EDITS, PEOPLE = 500, 200, 20
SIMULATED = timedelta(hours=1)
POLL_EVERY = timedelta(minutes=5)
SEOUL = ZoneInfo("Asia/Seoul")
START = datetime(2027, 1, 4, 10, 0, tzinfo=SEOUL)
STATUSES = ["시작 전", "진행 중", "완료", "막힘"]


class SimClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


BURST_EVENTS, BURST_PAGES, BURST_CONNECTIONS, SLACK_DURING = 500, 200, 50, 40
SLACK_SECRET = "bench-signing-secret"


def run() -> dict[str, Any]:
    webhooks = _one_run(webhooks=True)
    polling = _one_run(webhooks=False)
    burst = _burst()
    figures = (
        {f"webhooks_{k}": v for k, v in webhooks.items()}
        | {f"polling_{k}": v for k, v in polling.items()}
        | {f"burst_{k}": v for k, v in burst.items()}
    )
    table(list(figures.items()))
    return figures


def _burst() -> dict[str, Any]:
    from cxbot.emulators.slack import SlackEmulator

    notion = NotionEmulator(tokens={"secret_bench"}, rate=NOTION_RATE, burst=6.0)
    notion.start()
    slack = SlackEmulator(tokens={"xoxb-bench"}, rate_limit=False).start()
    slack.app.signing_secret = SLACK_SECRET
    try:
        with tempfile.TemporaryDirectory() as folder:
            return _measure_burst(notion, slack, Path(folder))
    finally:
        slack.stop()
        notion.stop()


def _measure_burst(notion: NotionEmulator, slack: Any, folder: Path) -> dict[str, Any]:
    from concurrent.futures import ThreadPoolExecutor

    from cxbot.entrypoints.cli.serving import _slack_app

    rng = random.Random(7)
    ws = notion.workspace
    parent = ws.add_page("CX 운영")
    people = [ws.add_person(f"담당자{n:02d}", f"owner{n:02d}@example.com") for n in range(PEOPLE)]
    users = [slack.add_user(f"담당자{n:02d}", f"owner{n:02d}@example.com") for n in range(PEOPLE)]
    settings = bench_settings(folder, notion, parent, slack=slack, signing_secret=SLACK_SECRET)
    notion.rate_limit = False  # setting up 500 pages is not what is measured
    _create_items(settings, notion, parent)
    cases = build(settings)
    notion.rate_limit = True
    receiver = cases.notion_webhooks(announce=lambda _text: None)
    app = _slack_app(cases)
    stop = threading.Event()
    routes = {
        "/notion/webhook": webhook_answer(receiver),
        "/slack/events": lambda b, h: cases.slack_inbound.dispatch(app, b, h),
    }
    url = serve_in_background(routes, stop)
    slack.app.request_url = f"{url}/slack/events"
    threading.Thread(target=process_notion_events, args=(receiver, stop), daemon=True).start()
    sender = notion.webhooks
    sender.subscribe(f"{url}/notion/webhook")
    assert sender.subscription is not None and sender.verify(sender.subscription.token)
    token = sender.subscription.token
    sender.drop_next = BURST_PAGES  # the emulator sends none: the burst below is by hand
    items = [i for launch in cases.launches.all() for i in cases.launches.items(launch.key)]
    edited = rng.sample(items, BURST_PAGES)
    for item in edited:  # people's edits in the Notion app (no API budget)
        ws.edit_as(rng.choice(people), str(item.remote_id), {"상태": {"select": {"name": "완료"}}})
    events = [
        _signed_event(edited[n % BURST_PAGES], people, n, token, rng) for n in range(BURST_EVENTS)
    ]
    rng.shuffle(events)
    before = len(notion.requests())
    slack_seconds: list[float] = []

    def open_homes() -> None:
        for n in range(SLACK_DURING):
            slack_seconds.append(slack.app.open_home(users[n % len(users)]).seconds)

    started = time.perf_counter()
    opener = threading.Thread(target=open_homes)
    opener.start()
    with ThreadPoolExecutor(BURST_CONNECTIONS) as pool:
        answers = list(pool.map(lambda e: _post_timed(f"{url}/notion/webhook", *e), events))
    sent_in = time.perf_counter() - started
    opener.join()
    deadline = time.monotonic() + 300
    store = cases.launches.store
    while time.monotonic() < deadline and any(_status(store, i.key) != "done" for i in edited):
        time.sleep(0.1)
    settled = time.perf_counter() - started
    stop.set()
    page_reads = [
        r
        for r in notion.requests()[before:]
        if r.method == "GET" and r.path.startswith("/v1/pages/")
    ]
    history = [
        c
        for c in cases.audit.history.changes()
        if c.source.value == "notion" and c.field == "status"
    ]
    seconds = sorted(s for s, _ in answers)
    figures: dict[str, Any] = {
        "events": len(events),
        "pages_edited": BURST_PAGES,
        "sent_within_seconds": round(sent_in, 2),
        "answer_p50_seconds": round(statistics.median(seconds), 3),
        "answer_p99_seconds": round(seconds[int(len(seconds) * 0.99) - 1], 3),
        "answer_max_seconds": round(seconds[-1], 3),
        "non_2xx": sum(1 for _, status in answers if not 200 <= status < 300),
        "edits_recorded": sum(1 for i in edited if _status(store, i.key) == "done"),
        "edits_recorded_twice": len(history) - len({c.entity_id for c in history}),
        "notion_page_reads": len(page_reads),
        "notion_429": notion.rate_limited,
        "seconds_until_all_recorded": round(settled, 1),
        "slack_home_p50_seconds": round(statistics.median(slack_seconds), 3),
        "slack_home_max_seconds": round(max(slack_seconds), 3),
    }
    cases.close()
    return figures


def _signed_event(
    item: Any, people: list[str], n: int, token: str, rng: random.Random
) -> tuple[bytes, str]:
    import hashlib
    import hmac
    import json

    body = json.dumps(
        {
            "id": f"00000000-0000-4000-8000-{n:012d}",
            "timestamp": datetime.now(ZoneInfo("UTC")).isoformat(),
            "workspace_id": "00000000-0000-4000-8000-000000000001",
            "type": "page.properties_updated",
            "entity": {"id": str(item.remote_id), "type": "page"},
            "authors": [{"id": rng.choice(people), "type": "person"}],
            "attempt_number": 1,
            "data": {"updated_properties": ["status"]},
        }
    ).encode()
    return body, "sha256=" + hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


def _post_timed(url: str, body: bytes, signature: str) -> tuple[float, int]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/json", "X-Notion-Signature": signature},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            status = int(answer.status)
    except urllib.error.HTTPError as error:
        status = int(error.code)
    except OSError:
        status = 0  # reset or timed out: what Notion would count as a failed delivery
    return time.perf_counter() - started, status


def _one_run(*, webhooks: bool) -> dict[str, Any]:
    rng = random.Random(5)
    clock = SimClock()
    notion = NotionEmulator(tokens={"secret_bench"}, rate=NOTION_RATE, burst=6.0, clock=clock)
    notion.start()
    sender = notion.webhooks
    sender.duplicates, sender.reorder, sender.delay = 0.10, 0.30, 0.0
    try:
        with tempfile.TemporaryDirectory() as folder:
            return _measure(rng, clock, notion, Path(folder), webhooks=webhooks)
    finally:
        notion.stop()


def _measure(
    rng: random.Random, clock: SimClock, notion: NotionEmulator, folder: Path, *, webhooks: bool
) -> dict[str, Any]:
    ws, sender = notion.workspace, notion.webhooks
    parent = ws.add_page("CX 운영")
    people = [ws.add_person(f"담당자{n:02d}", f"owner{n:02d}@example.com") for n in range(PEOPLE)]
    settings = bench_settings(folder, notion, parent)
    notion.rate_limit = False  # setting up 500 pages is not what is measured
    _create_items(settings, notion, parent)
    cases = build(settings, clock=clock)
    cases.status_sync.run(now=clock())  # the first sync reads every page once
    notion.rate_limit = True
    store = cases.launches.store
    items = [i for launch in cases.launches.all() for i in cases.launches.items(launch.key)][:ITEMS]
    stop = threading.Event()
    if webhooks:
        receiver = cases.notion_webhooks(announce=lambda _text: None)
        url = serve_in_background({"/notion/webhook": webhook_answer(receiver)}, stop)
        threading.Thread(target=process_notion_events, args=(receiver, stop), daemon=True).start()
        sender.subscribe(f"{url}/notion/webhook")
        assert sender.subscription is not None and sender.verify(sender.subscription.token)
    before = len(notion.requests())
    targets = rng.sample(items, EDITS)
    edited: dict[str, tuple[str, float, datetime]] = {}  # key → (status, real, simulated)
    step = SIMULATED / EDITS
    next_poll = clock.now + POLL_EVERY
    recorded_at: dict[str, float] = {}
    recorded_sim: dict[str, datetime] = {}
    watching = threading.Lock()

    def check() -> None:
        with watching:
            for key, (status, _, _) in list(edited.items()):
                if key not in recorded_at and _status(store, key) == status:
                    recorded_at[key] = time.perf_counter()
                    recorded_sim[key] = clock.now

    def watch() -> None:
        while not stop.is_set():
            check()
            time.sleep(0.02)

    if webhooks:
        threading.Thread(target=watch, daemon=True).start()
    started = time.perf_counter()
    for n, item in enumerate(targets):
        clock.now = START + step * (n + 1)
        current = item.status.value
        choices = [s for s in STATUSES if _value(s) != current]
        status = rng.choice(choices)
        page = str(item.remote_id)
        ws.edit_as(rng.choice(people), page, {"상태": {"select": {"name": status}}})
        edited[item.key] = (_value(status), time.perf_counter(), clock.now)
        if not webhooks and clock.now >= next_poll:
            cases.status_sync.run(now=clock.now)
            check()
            next_poll += POLL_EVERY
        if webhooks:
            time.sleep(1.0 / NOTION_RATE)  # people edit no faster than cxbot may read
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(recorded_at) < len(edited):
        if not webhooks:
            clock.now = next_poll
            cases.status_sync.run(now=clock.now)
            next_poll += POLL_EVERY
        check()
        time.sleep(0.05 if webhooks else 0)
    elapsed = time.perf_counter() - started
    stop.set()
    requests = len(notion.requests()[before:])
    history = [
        c
        for c in cases.audit.history.changes()
        if c.source.value == "notion" and c.field == "status" and c.entity_id in edited
    ]
    per_item: dict[str, int] = {}
    for change in history:
        per_item[change.entity_id] = per_item.get(change.entity_id, 0) + 1
    figures: dict[str, Any] = {
        "edits": len(edited),
        "recorded": len(recorded_at),
        "duplicates": sum(n - 1 for n in per_item.values() if n > 1),
        "notion_requests": requests,
        "notion_requests_per_edit": round(requests / len(edited), 3),
        "notion_429": notion.rate_limited,
        "seconds": round(elapsed, 1),
    }
    if webhooks:
        lags = [recorded_at[k] - edited[k][1] for k in recorded_at]
        figures["median_seconds_edit_to_recorded"] = round(statistics.median(lags), 3)
        figures["max_seconds_edit_to_recorded"] = round(max(lags), 3)
        figures["events_delivered"] = len(sender.delivered)
    else:
        lags_sim = [(recorded_sim[k] - edited[k][2]).total_seconds() for k in recorded_sim]
        figures["median_simulated_seconds_edit_to_recorded"] = round(statistics.median(lags_sim))
        figures["max_simulated_seconds_edit_to_recorded"] = round(max(lags_sim))
    cases.close()
    return figures


def _value(status: str) -> str:
    return {"시작 전": "not_started", "진행 중": "in_progress", "완료": "done", "막힘": "blocked"}[
        status
    ]


def _status(store: Any, key: str) -> str:
    item = store.get_item(key)
    return "" if item is None else str(item.status.value)


def _create_items(settings: Settings, notion: NotionEmulator, parent: str) -> None:
    template = YamlTemplates(settings.cxbot_checklists_dir).find("partner-mall")
    owners = OwnerDirectory(
        owners={
            d: Person(name="담당자00", email="owner00@example.com") for d in template.departments
        }
    )
    url = settings.cxbot_database_url
    with setup_cases(url, notion.base_url, "secret_bench", parent, START) as context:
        made, n = 0, 0
        while made < ITEMS:
            result = context.create(
                template=template,
                name=f"제휴몰 {n} 입점",
                open_date=date(2027, 2, 1) + timedelta(days=n),
                owners=owners,
            )
            made += len(result.items)
            n += 1
