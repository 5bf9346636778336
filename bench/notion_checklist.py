"""Creating a 40-item checklist in Notion against the emulator's 3 requests/second limit."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from bench.harness import NOTION_RATE, rig, table
from cxbot.adapters.yaml_files import load_template
from cxbot.domain.checklist import ChecklistTemplate
from cxbot.domain.owners import OwnerDirectory, Person
from cxbot.settings import PROJECT_ROOT

ITEMS = 40


def forty_item_template() -> ChecklistTemplate:
    """Both shipped templates merged into one 40-item checklist."""
    mall = load_template(PROJECT_ROOT / "checklists" / "partner-mall.yaml")
    pay = load_template(PROJECT_ROOT / "checklists" / "payment-method.yaml")
    items = list(mall.items) + [i.model_copy(update={"key": f"pay-{i.key}"}) for i in pay.items]
    while len(items) < ITEMS:
        extra = mall.items[len(items) % len(mall.items)]
        items.append(extra.model_copy(update={"key": f"extra-{len(items)}-{extra.key}"}))
    return ChecklistTemplate(
        key="bench-40",
        name="40개 항목",
        departments={**mall.departments, **pay.departments},
        items=items[:ITEMS],
    )


def run() -> dict[str, Any]:
    template = forty_item_template()
    owners = OwnerDirectory(
        owners={
            d: Person(name=f"담당자{n}", email=f"owner{n}@example.com")
            for n, d in enumerate(template.departments)
        }
    )
    with rig() as r:
        board = r.board()
        started = time.perf_counter()
        result = r.cases(board).launches.create(
            template=template,
            name="벤치마크 입점",
            open_date=date(2027, 2, 15),
            owners=owners,
        )
        wall = time.perf_counter() - started
        kinds = r.requests_by_kind()
        requests = sum(kinds.values())
        limited = r.emulator.rate_limited
        pages = sum(
            1
            for p in r.emulator.workspace.pages.values()
            if p.parent.get("type") == "data_source_id"
        )
        before = len(r.emulator.requests())
        again = r.cases(r.board()).launches.create(
            template=template,
            name="벤치마크 입점",
            open_date=date(2027, 2, 15),
            owners=owners,
        )
        rerun_requests = len(r.emulator.requests()) - before
    floor = requests / NOTION_RATE
    print(f"Creating a {ITEMS}-item checklist in Notion (emulator, {NOTION_RATE:g} requests/s)")
    table(
        [
            *((f"requests: {kind}", count) for kind, count in sorted(kinds.items())),
            ("requests in all", requests),
            ("429 responses", limited),
            ("pages in Notion (duplicates)", f"{pages} ({pages - ITEMS})"),
            ("wall seconds", f"{wall:.2f}"),
            ("floor seconds (requests / rate)", f"{floor:.2f}"),
            ("ratio to floor", f"{wall / floor:.3f}"),
            ("re-run: requests / pages published", f"{rerun_requests} / {again.published}"),
        ]
    )
    return {
        "benchmark": "checklist",
        "items": ITEMS,
        "requests": requests,
        "setup_requests": requests - kinds.get("POST page create", 0),
        "page_creates": kinds.get("POST page create", 0),
        "rate_limited_429": limited,
        "duplicates": pages - ITEMS,
        "wall_seconds": round(wall, 3),
        "floor_seconds": round(floor, 3),
        "ratio": round(wall / floor, 3),
        "rerun_requests": rerun_requests,
        "published": result.published,
    }
