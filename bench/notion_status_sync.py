"""`sync status` over 500 items, on each Notion-Version cxbot speaks: requests, response
bytes and time per sync when nothing, or some, changed. On 2026-12-01 and on older
versions cxbot asks each list for the properties it reads (`filter_properties`); the
figures also show what an unfiltered list of the same pages would cost on the old
version (every property of every page), which is what cxbot sent before 2026-12-01."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from bench.harness import NOTION_RATE, rig, table
from cxbot.adapters.notion import schema as S
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.domain.dday import DayUnit

ITEMS = 500
CHANGED = 150
SYNC_INTERVAL = timedelta(minutes=5)  # the default schedule of the status sync


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2027, 1, 4, 0, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


VERSIONS = ("2026-12-01", "2025-09-03")


def run() -> dict[str, Any]:
    results = {version: _run(version) for version in VERSIONS}
    print(f"sync status over {ITEMS} items (emulator, {NOTION_RATE:g} requests/s, 100 per page)")
    rows: list[tuple[str, Any]] = []
    for version, (phases, limited, unfiltered) in results.items():
        for p in phases:
            rows.append(
                (
                    f"{version}: {p['phase']}",
                    f"{p['requests']} request(s), {p['response_kb']} KB, {p['pages_read']} "
                    f"pages read, {p['items_changed']} changed, {p['wall_seconds']} s",
                )
            )
        rows.append((f"{version}: 429 responses", limited))
        rows.append((f"{version}: one unfiltered list of all pages", f"{unfiltered} KB"))
    table(rows)
    return {
        "benchmark": "status-sync",
        "items": ITEMS,
        "versions": {
            version: {"phases": phases, "rate_limited_429": limited, "unfiltered_list_kb": raw}
            for version, (phases, limited, raw) in results.items()
        },
    }


def _run(version: str) -> tuple[list[dict[str, Any]], int, float]:
    clock = Clock()
    with rig(clock) as r:
        board = r.board(version)
        source = board.data_source_id()  # creates the data source (not measured below)
        launch = Launch(
            key="bench-500", name="벤치마크", template_key="bench", open_date=date(2027, 2, 15)
        )
        items = [
            ChecklistItem(
                key=f"bench-500/item-{n}",
                launch_key=launch.key,
                title=f"항목 {n}",
                department="cx",
                department_name="CX기획",
                owner_name=None,
                owner_email=None,
                due=date(2027, 1, 4) + timedelta(days=n % 40),
                label="D-5",
                unit=DayUnit.BUSINESS,
                scenario="확인한다",
            )
            for n in range(ITEMS)
        ]
        # Seed pages straight into the emulator: seeding is not what is measured.
        ws = r.emulator.workspace
        seeded = []
        for item in items:
            page = ws.create_page(
                {
                    "parent": {"data_source_id": source},
                    "properties": S.page_properties(launch, item, None),
                }
            )
            seeded.append(item.__class__(**{**item.__dict__, "remote_id": page["id"]}))
        r.store.launches.apply(launch=launch, items=seeded)
        phases: list[dict[str, Any]] = []

        def measure(name: str) -> None:
            before = len(r.emulator.requests())
            started = time.perf_counter()
            report = r.cases(board, clock.now).status_sync.run()
            wall = time.perf_counter() - started
            made = r.emulator.requests()[before:]
            phases.append(
                {
                    "phase": name,
                    "requests": len(made),
                    "response_kb": round(sum(m.response_bytes for m in made) / 1024, 1),
                    "pages_read": report.seen,
                    "items_changed": report.changed_items,
                    "wall_seconds": round(wall, 3),
                }
            )

        measure("first sync (all 500 pages are new to the cursor)")
        clock.now += SYNC_INTERVAL
        measure("next sync (re-reads pages edited within the settle window)")
        clock.now += SYNC_INTERVAL
        measure("no change (steady state)")
        clock.now += SYNC_INTERVAL - timedelta(seconds=30)
        person = ws.add_person("박준호", "junho.park@example.com")
        for item in seeded[:CHANGED]:
            ws.edit_as(person, item.remote_id or "", {S.STATUS: {"select": {"name": "완료"}}})
        clock.now += timedelta(seconds=30)
        measure(f"{CHANGED} items ticked in Notion")
        limited = r.emulator.rate_limited
        unfiltered = _unfiltered_kb(r.emulator, source, version)
    return phases, limited, unfiltered


def _unfiltered_kb(emulator: Any, source: str, version: str) -> float:
    """What listing every page with every property costs on this version (no
    `filter_properties`): the size a list was before cxbot named what it reads."""
    headers = {"Authorization": "Bearer secret_bench", "Notion-Version": version}
    total, cursor = 0, None
    while True:
        body: dict[str, Any] = {"page_size": 100, **({"start_cursor": cursor} if cursor else {})}
        answer = httpx.post(
            f"{emulator.base_url}/v1/data_sources/{source}/query", json=body, headers=headers
        )
        total += len(answer.content)
        data = answer.json()
        if not data.get("has_more"):
            return round(total / 1024, 1)
        cursor = data["next_cursor"]
