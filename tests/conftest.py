"""Shared fixtures: stores on every backend, the Notion emulator, a fixed clock."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from cxbot.adapters.store.sql_store import SqlStore, open_store
from cxbot.emulators.notion import NotionEmulator
from tests.fakes import InMemoryStore, NoSleep

NotionJson = Any
"""notion-client's Client as the tests use it: one class serves sync and async, so every
endpoint is typed `Any | Awaitable[Any]`; on the sync client each answer is Notion's JSON."""


@pytest.fixture(scope="session", autouse=True)
def utc_process_timezone() -> Iterator[None]:
    """Tests run with TZ=UTC whatever the host says, so naive local times show up as bugs."""
    import time

    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if previous is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = previous
    time.tzset()


PG_ADMIN_URL = os.environ.get(
    "CXBOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _pg_running() -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _start_pg() -> None:
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    if not versions or shutil.which("pg_ctlcluster") is None:
        return
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "start"],
        check=False,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The admin URL of a running PostgreSQL; started when stopped; skips without one."""
    if not _pg_running():
        _start_pg()
    if not _pg_running():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable at " + PG_ADMIN_URL)
        pytest.skip("PostgreSQL is not reachable at " + PG_ADMIN_URL)
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg

    name = f"cxbot_test_{uuid.uuid4().hex[:10]}"
    admin = pg_server.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_server.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """The same store contract, on the fake and on both real backends."""
    if request.param == "memory":
        yield InMemoryStore()
        return
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    store = open_store(url)
    yield store
    store.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqlStore]:
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield store
    store.close()


class ManualClock:
    """A clock tests move by hand; the emulator and cxbot read it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2027, 1, 4, 0, 30, tzinfo=UTC))  # 09:30 in Seoul, a Monday


@pytest.fixture
def notion(clock: ManualClock) -> Iterator[NotionEmulator]:
    """A Notion emulator without the rate limit (tests of the limit turn it on)."""
    emulator = NotionEmulator(tokens={"secret_test"}, rate_limit=False, clock=clock)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture(params=["2026-12-01", "2025-09-03"])
def notion_version(request: pytest.FixtureRequest) -> str:
    """The Notion-Version cxbot speaks: the newest (its default) and the oldest it supports;
    the emulator answers each as Notion does."""
    return str(request.param)


@pytest.fixture
def notion_setup(
    notion: NotionEmulator, sqlite_store: SqlStore, clock: ManualClock, notion_version: str
) -> Any:
    """Launch use cases on a Notion board: parent page, people, the real SDK client over
    loopback, on each Notion-Version cxbot supports."""
    from bench.harness import LaunchCases, launch_cases

    ws = notion.workspace
    parent = ws.add_page("CX 운영")
    people = {
        email: ws.add_person(name, email)
        for name, email in [
            ("김지현", "jihyun.kim@example.com"),
            ("박준호", "junho.park@example.com"),
            ("이서연", "seoyeon.lee@example.com"),
        ]
    }
    sleep = NoSleep()

    def make_board(**overrides: Any) -> Any:
        return notion_board(
            notion, sqlite_store, parent, sleep=sleep, version=notion_version, **overrides
        )

    board = make_board()

    def cases(board_: Any = None) -> LaunchCases:
        return launch_cases(
            sqlite_store.launches,
            sqlite_store.cursors,
            board_ or board,
            actor="cli:tester",
            clock=clock,
        )

    return SimpleNamespace(
        emulator=notion,
        ws=ws,
        parent=parent,
        people=people,
        store=sqlite_store,
        board=board,
        make_board=make_board,
        cases=cases,
        sleep=sleep,
        clock=clock,
        version=notion_version,
    )


def notion_board(
    emulator: NotionEmulator,
    store: SqlStore,
    parent: str | None,
    *,
    sleep: Any = None,
    rate: float = 1000.0,
    token: str = "secret_test",
    timeout_seconds: float = 5,
    settle: float = 3.0,
    version: str | None = None,
) -> Any:
    """The production board and SDK client, pointed at the emulator."""
    from cxbot.adapters.notion.api import NotionApi
    from cxbot.adapters.notion.board import NotionChecklistBoard
    from cxbot.adapters.notion.client import notion_client
    from cxbot.adapters.notion.pacing import Pacer

    pacer = Pacer(rate)
    client = notion_client(
        token=token,
        base_url=emulator.base_url,
        timeout_seconds=timeout_seconds,
        pacer=pacer,
        **({"version": version} if version else {}),
    )
    api = NotionApi(
        client,
        pacer=pacer,
        parent_page_id=parent,
        cursors=store.cursors,
        sleep=sleep or NoSleep(),
        settle=settle,
    )
    return NotionChecklistBoard(api)
