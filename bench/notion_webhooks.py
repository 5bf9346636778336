"""500 checklist items, 200 edits by 20 people in Notion over a simulated hour: recorded by
webhooks (duplicates and reordering on, the emulator's delay 0), then the same edits with
webhooks off and status sync polling every 5 minutes, for comparison.

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

from pydantic import SecretStr

from bench.harness import NOTION_RATE, setup_cases, table
from cxbot.adapters.yaml_files import YamlTemplates
from cxbot.bootstrap import build
from cxbot.domain.owners import OwnerDirectory, Person
from cxbot.emulators.notion import NotionEmulator
from cxbot.entrypoints.service import serve_requests
from cxbot.ports.slack import HttpAnswer
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


def run() -> dict[str, Any]:
    webhooks = _one_run(webhooks=True)
    polling = _one_run(webhooks=False)
    figures = {f"webhooks_{k}": v for k, v in webhooks.items()} | {
        f"polling_{k}": v for k, v in polling.items()
    }
    table(list(figures.items()))
    return figures


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
    settings = Settings(
        cxbot_database_url=f"sqlite:///{folder / 'bench.db'}",
        cxbot_outbox=folder / "outbox.jsonl",
        cxbot_audit_anchor=folder / "audit-anchor.json",
        cxbot_actor="bench",
        notion_token=SecretStr("secret_bench"),
        notion_base_url=notion.base_url,
        notion_parent_page_id=parent,
    )
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
        ready, port = threading.Event(), []

        def on_ready(bound: int) -> None:
            port.append(bound)
            ready.set()

        def answer(body: bytes, headers: dict[str, str]) -> HttpAnswer:
            got = receiver.receive(body, headers)
            return HttpAnswer(got.status, b"{}")

        threading.Thread(
            target=serve_requests,
            args=({"/notion/webhook": answer}, lambda: (True, {})),
            kwargs={"host": "127.0.0.1", "port": 0, "stop": stop, "on_ready": on_ready},
            daemon=True,
        ).start()
        ready.wait(10)
        sender.subscribe(f"http://127.0.0.1:{port[0]}/notion/webhook")
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
