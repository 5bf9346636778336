"""What the Notion benchmarks share: an emulator with its rate limit on, a store, a board."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.notion.api import NotionApi
from cxbot.adapters.notion.board import NotionChecklistBoard
from cxbot.adapters.notion.client import NOTION_VERSION, notion_client
from cxbot.adapters.notion.pacing import Pacer
from cxbot.adapters.store.sql_store import SqlStore, open_store
from cxbot.domain.changes import Change, ChangeSource
from cxbot.domain.promotions import Promotion
from cxbot.emulators.notion import NotionEmulator
from cxbot.ports.checklists import ChecklistBoard, LaunchRepository, TemplateCatalog
from cxbot.ports.common import Clock, Cursors
from cxbot.service.board_outbox import BoardOutbox
from cxbot.service.item_ticks import ItemTicks
from cxbot.service.launches import Launches
from cxbot.service.status_sync import StatusSync

NOTION_RATE = 3.0  # Notion's documented average
CALENDAR = korean_calendar(range(2026, 2029))


@dataclass(frozen=True)
class LaunchCases:
    """The launch use cases over one store and board, as the root wires them, for the
    benches and tests that drive them without the whole root."""

    launches: Launches
    status_sync: StatusSync
    ticks: ItemTicks


def launch_cases(
    store: LaunchRepository,
    cursors: Cursors,
    board: ChecklistBoard,
    *,
    actor: str,
    clock: Clock,
    templates: TemplateCatalog | None = None,
) -> LaunchCases:
    from cxbot.adapters.yaml_files import YamlTemplates
    from cxbot.settings import PROJECT_ROOT

    outbox = BoardOutbox(store=store, board=board)
    ticks = ItemTicks(store=store, outbox=outbox)
    launches = Launches(
        store=store,
        board=board,
        calendar=CALENDAR,
        templates=templates or YamlTemplates(PROJECT_ROOT / "checklists"),
        ticks=ticks,
        actor=actor,
        clock=clock,
    )
    sync = StatusSync(
        board=board, store=store, cursors=cursors, ticks=ticks, clock=clock, outbox=outbox
    )
    return LaunchCases(launches=launches, status_sync=sync, ticks=ticks)


@dataclass
class Rig:
    emulator: NotionEmulator
    store: SqlStore
    parent: str

    def board(self, version: str = NOTION_VERSION) -> NotionChecklistBoard:
        pacer = Pacer(NOTION_RATE)
        client = notion_client(
            token="secret_bench",
            base_url=self.emulator.base_url,
            timeout_seconds=30,
            pacer=pacer,
            version=version,
        )
        api = NotionApi(client, pacer=pacer, parent_page_id=self.parent, cursors=self.store.cursors)
        return NotionChecklistBoard(api)

    def cases(self, board: NotionChecklistBoard, now: datetime | None = None) -> LaunchCases:
        return launch_cases(
            self.store.launches,
            self.store.cursors,
            board,
            actor="bench",
            clock=(lambda: now) if now else (lambda: datetime.now(UTC)),
        )

    def requests_by_kind(self, since: int = 0) -> Counter[str]:
        kinds: Counter[str] = Counter()
        for entry in self.emulator.requests()[since:]:
            path = entry.path
            kind = (
                "page create"
                if path == "/v1/pages"
                else "page update"
                if path.startswith("/v1/pages/")
                else "query"
                if path.endswith("/query")
                else "database create"
                if path == "/v1/databases"
                else "data source"
                if path.startswith("/v1/data_sources/")
                else "users"
                if path.startswith("/v1/users")
                else path
            )
            kinds[f"{entry.method} {kind}"] += 1
        return kinds


@contextmanager
def rig(clock: object | None = None) -> Iterator[Rig]:
    emulator = NotionEmulator(tokens={"secret_bench"}, rate=NOTION_RATE, burst=6.0, clock=clock)  # type: ignore[arg-type]
    emulator.start()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            ws = emulator.workspace
            parent = ws.add_page("CX 운영")
            for n in range(60):
                ws.add_person(f"담당자{n}", f"owner{n}@example.com")
            yield Rig(emulator=emulator, store=store, parent=parent)
        finally:
            store.close()
            emulator.stop()


@contextmanager
def setup_cases(
    database_url: str, notion_url: str, token: str, parent: str, now: datetime
) -> Iterator[Launches]:
    """The launch use cases on the real Notion board without cxbot's pacing: for setting
    up what is measured (or tested) afterwards, not for measuring."""
    store = open_store(database_url)
    pacer = Pacer(1000)
    client = notion_client(token=token, base_url=notion_url, timeout_seconds=30, pacer=pacer)
    api = NotionApi(client, pacer=pacer, parent_page_id=parent, cursors=store.cursors)
    try:
        board = NotionChecklistBoard(api)
        yield launch_cases(
            store.launches, store.cursors, board, actor="setup", clock=lambda: now
        ).launches
    finally:
        client.close()
        store.close()


def reminders_with_cx(folder: Path, cx_channel: str) -> Path:
    """jobs/reminders.yaml with the CX channel set, written into `folder` (benches, tests)."""
    from cxbot.settings import PROJECT_ROOT

    path = folder / "reminders.yaml"
    path.write_text(
        (PROJECT_ROOT / "jobs" / "reminders.yaml")
        .read_text(encoding="utf-8")
        .replace('cx: ""', f'cx: "{cx_channel}"'),
        encoding="utf-8",
    )
    return path


def table(rows: list[tuple[str, Any]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")


def serve_in_background(routes: dict[str, Any], stop: Any) -> str:
    """`cxbot serve`'s HTTP server on a free loopback port until `stop` is set; its URL."""
    import threading

    from cxbot.entrypoints.service import serve_requests

    ready, port = threading.Event(), []

    def on_ready(bound: int) -> None:
        port.append(bound)
        ready.set()

    threading.Thread(
        target=serve_requests,
        args=(routes, lambda: (True, {})),
        kwargs={"host": "127.0.0.1", "port": 0, "stop": stop, "on_ready": on_ready},
        daemon=True,
    ).start()
    if not ready.wait(10):
        raise RuntimeError("the HTTP server did not start")
    return f"http://127.0.0.1:{port[0]}"


def webhook_answer(receiver: Any) -> Any:
    """/notion/webhook's handler over a NotionWebhooks."""
    from cxbot.ports.slack import HttpAnswer

    def answer(body: bytes, headers: dict[str, str]) -> HttpAnswer:
        got = receiver.receive(body, headers)
        return HttpAnswer(got.status, b"{}")

    return answer


def bench_settings(
    folder: Path,
    notion: NotionEmulator,
    parent: str,
    *,
    slack: Any = None,
    signing_secret: str = "",
    **more: Any,
) -> Any:
    """cxbot's settings for a bench: its own store in `folder`, the Notion emulator, and
    the Slack emulator when one is given."""
    from pydantic import SecretStr

    from cxbot.settings import Settings

    values: dict[str, Any] = {
        "cxbot_database_url": f"sqlite:///{folder / 'bench.db'}",
        "cxbot_outbox": folder / "outbox.jsonl",
        "cxbot_audit_anchor": folder / "audit-anchor.json",
        "cxbot_actor": "bench",
        "notion_token": SecretStr("secret_bench"),
        "notion_base_url": notion.base_url,
        "notion_parent_page_id": parent,
    }
    if slack is not None:
        values |= {
            "slack_bot_token": SecretStr("xoxb-bench"),
            "slack_base_url": slack.api_url,
            "slack_signing_secret": SecretStr(signing_secret),
        }
    return Settings(**(values | more))


def promotion_seen(promotion: Promotion, at: datetime) -> list[Change]:
    """The history a sheet sync records when it first reads `promotion` at `at`."""
    return [
        Change(
            entity="promotion",
            entity_id=promotion.key,
            field=field,
            old=None,
            new=value,
            actor="sheet-sync",
            source=ChangeSource.SHEET,
            at=at,
        )
        for field, value in promotion.tracked().items()
    ]
