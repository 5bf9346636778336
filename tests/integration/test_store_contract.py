"""One contract for every store: the in-memory store, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from cxbot.domain.changes import Change, ChangeSource
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.dday import DayUnit
from cxbot.ports.checklists import RecordedEvent

LAUNCH = Launch(
    key="partner-mall-0001",
    name="11번가 입점",
    template_key="partner-mall",
    open_date=date(2027, 2, 15),
    planner_name="김지현",
    planner_email="kim@example.com",
)


def _item(n: int, **changes: Any) -> ChecklistItem:
    item = ChecklistItem(
        key=f"{LAUNCH.key}/item-{n}",
        launch_key=LAUNCH.key,
        title=f"항목 {n}",
        department="cx",
        department_name="CX기획",
        owner_name="김지현",
        owner_email="kim@example.com",
        due=date(2027, 2, 1) + timedelta(days=n),
        label=f"D-{n}",
        unit=DayUnit.BUSINESS,
        scenario="확인한다 " * 300,
        moved_because=None,
    )
    return replace(item, **changes)


def test_launch_and_items_round_trip(any_store: Any) -> None:
    items = [_item(n) for n in range(3)]
    any_store.launches.apply(launch=LAUNCH, items=items)
    assert any_store.launches.get_launch(LAUNCH.key) == LAUNCH
    assert any_store.launches.list_launches() == [LAUNCH]
    assert any_store.launches.items_of(LAUNCH.key) == items
    assert any_store.launches.get_item(items[1].key) == items[1]
    assert (
        any_store.launches.get_launch("missing") is None
        and any_store.launches.get_item("missing") is None
    )


def test_upsert_replaces_items_by_key(any_store: Any) -> None:
    any_store.launches.apply(launch=LAUNCH, items=[_item(1), _item(2)])
    done = _item(1, status=ItemStatus.DONE, remote_id="page-1")
    any_store.launches.apply(items=[done])
    assert any_store.launches.get_item(done.key) == done
    assert len(any_store.launches.items_of(LAUNCH.key)) == 2
    moved = replace(LAUNCH, open_date=date(2027, 3, 2))
    any_store.launches.apply(launch=moved)
    assert any_store.launches.get_launch(LAUNCH.key) == moved


def test_items_by_key_finds_many(any_store: Any) -> None:
    items = [_item(n) for n in range(12)]
    any_store.launches.apply(launch=LAUNCH, items=items)
    found = any_store.launches.items_by_key([i.key for i in items[::2]] + ["nope"])
    assert set(found) == {i.key for i in items[::2]}


def test_changes_keep_order_timezone_and_filter_by_prefix(any_store: Any) -> None:
    seoul = timezone(timedelta(hours=9))
    at = datetime(2026, 11, 23, 9, 30, tzinfo=seoul)
    any_store.launches.apply(launch=LAUNCH, items=[_item(1)])
    entries = [
        Change(
            entity="checklist_item",
            entity_id=f"{LAUNCH.key}/item-1",
            field="status",
            old="not_started",
            new="done",
            actor="박준호",
            source=ChangeSource.NOTION,
            at=at,
        ),
        Change(
            entity="launch",
            entity_id="other-launch",
            field="open_date",
            old=None,
            new="2027-01-01",
            actor="cli:kim",
            source=ChangeSource.CLI,
            at=at + timedelta(minutes=1),
            note="처음 생성",
        ),
    ]
    any_store.launches.apply(changes=entries)
    stored = any_store.history.changes()
    assert [c.field for c in stored] == ["status", "open_date"]
    assert stored[0].at == at and stored[0].at.utcoffset() is not None
    assert stored[1].note == "처음 생성" and stored[1].old is None
    assert [c.entity_id for c in any_store.history.changes(entity_id_prefix=LAUNCH.key)] == [
        entries[0].entity_id
    ]
    assert len(any_store.history.changes(limit=1)) == 1


def test_changes_with_like_characters_in_the_prefix(any_store: Any) -> None:
    any_store.launches.apply(
        changes=[
            Change(
                entity="x",
                entity_id="a_b/1",
                field="f",
                old=None,
                new="1",
                actor="t",
                source=ChangeSource.CLI,
                at=datetime(2026, 1, 1, tzinfo=UTC),
            ),
            Change(
                entity="x",
                entity_id="axb/1",
                field="f",
                old=None,
                new="1",
                actor="t",
                source=ChangeSource.CLI,
                at=datetime(2026, 1, 1, tzinfo=UTC),
            ),
        ]
    )
    assert [c.entity_id for c in any_store.history.changes(entity_id_prefix="a_b")] == ["a_b/1"]


def test_cursors(any_store: Any) -> None:
    assert any_store.cursors.get_cursor("status_sync") is None
    any_store.cursors.set_cursor("status_sync", "2026-11-23T00:00:00.000Z")
    any_store.cursors.set_cursor("status_sync", "2026-11-23T00:05:00.000Z")
    assert any_store.cursors.get_cursor("status_sync") == "2026-11-23T00:05:00.000Z"


def test_items_need_their_launch(any_store: Any) -> None:
    with pytest.raises(Exception):  # noqa: B017 - each backend raises its own integrity error
        any_store.launches.apply(items=[_item(1)])
    assert any_store.launches.items_of(LAUNCH.key) == []


def _status_change(key: str, old: str, new: str, at: datetime) -> Change:
    return Change(
        entity="checklist_item",
        entity_id=key,
        field="status",
        old=old,
        new=new,
        actor="junho.park@example.com",
        source=ChangeSource.SLACK,
        at=at,
    )


def test_change_status_is_a_compare_and_set_that_marks_the_board_behind(any_store: Any) -> None:
    repo = any_store.launches
    repo.apply(launch=LAUNCH, items=[_item(1), _item(2)])
    key = _item(1).key
    at = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)
    change = _status_change(key, "not_started", "done", at)
    assert repo.change_status(
        key, expected=ItemStatus.NOT_STARTED, status=ItemStatus.DONE, changes=[change], at=at
    )
    # A second writer that read the old status changes nothing and records nothing.
    assert not repo.change_status(
        key, expected=ItemStatus.NOT_STARTED, status=ItemStatus.DONE, changes=[change], at=at
    )
    assert not repo.change_status(
        "missing/item", expected=ItemStatus.NOT_STARTED, status=ItemStatus.DONE, changes=[], at=at
    )
    item = repo.get_item(key)
    assert item.status is ItemStatus.DONE and item.board_behind_since == at
    assert [c.new for c in any_store.history.changes(entity_id_prefix=key)] == ["done"]
    assert [i.key for i in repo.board_behind()] == [key]
    # Upserts (a status sync, a re-plan) never clear or set the mark.
    repo.apply(items=[replace(_item(1), status=ItemStatus.DONE)])
    assert repo.get_item(key).board_behind_since == at
    assert repo.board_push_failed(key, "503") == 1 and repo.board_push_failed(key, "503") == 2
    # Caught up with an older status (changed again meanwhile): still behind.
    assert not repo.board_caught_up(key, status=ItemStatus.IN_PROGRESS, remote_id="page-1")
    assert repo.board_behind() and repo.get_item(key).remote_id == "page-1"
    assert repo.board_caught_up(key, status=ItemStatus.DONE, remote_id="page-1")
    assert repo.board_behind() == [] and repo.get_item(key).board_behind_since is None


def test_a_board_copy_is_taken_only_over_what_was_read_and_never_over_a_pending_click(
    any_store: Any,
) -> None:
    repo = any_store.launches
    repo.apply(launch=LAUNCH, items=[_item(1)])
    read = _item(1)
    edited = replace(read, title="새 제목", status=ItemStatus.IN_PROGRESS, remote_id="page-1")
    change = _status_change(
        read.key, "not_started", "in_progress", datetime(2027, 1, 4, tzinfo=UTC)
    )
    assert repo.take_board_copy(edited, expected=read, changes=[change])
    got = repo.get_item(read.key)
    assert (got.title, got.status, got.remote_id) == ("새 제목", ItemStatus.IN_PROGRESS, "page-1")
    # The same read again is now stale: nothing written, nothing appended.
    assert not repo.take_board_copy(edited, expected=read, changes=[change])
    assert len(any_store.history.changes(entity_id_prefix=read.key)) == 1
    # A click of cxbot's waiting for the board wins over any board copy.
    at = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)
    assert repo.change_status(
        read.key, expected=ItemStatus.IN_PROGRESS, status=ItemStatus.DONE, changes=[], at=at
    )
    clicked = repo.get_item(read.key)
    assert not repo.take_board_copy(
        replace(clicked, status=ItemStatus.BLOCKED), expected=clicked, changes=[]
    )
    assert repo.get_item(read.key).status is ItemStatus.DONE


def test_slack_item_messages_are_remembered_once_and_forgotten(any_store: Any) -> None:
    refs = any_store.slack_messages
    at = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)
    refs.remember("l/i", "D1", "1.000001", "U1", at)
    refs.remember("l/i", "D1", "1.000001", "U1", at)
    refs.remember("l/i", "C2", "2.000001", "U2", at)
    assert sorted(refs.messages_of("l/i")) == [
        ("C2", "2.000001", "U2", at),
        ("D1", "1.000001", "U1", at),
    ]
    refs.forget("l/i")
    assert refs.messages_of("l/i") == []


def test_webhook_events_are_recorded_once_pending_in_order_and_marks_only_move_forward(
    any_store: Any,
) -> None:
    events = any_store.webhook_events
    at = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)
    later = at + timedelta(seconds=5)
    assert events.last_received() is None
    first = RecordedEvent(
        event_id="e1", kind="page.created", entity_id="p1", event_at=at, authors=("u1", "u2")
    )
    second = RecordedEvent(
        event_id="e2", kind="page.properties_updated", entity_id="p1", event_at=later, authors=()
    )
    assert events.record_events([first], at) == {"e1"}
    assert events.record_events([first], at) == set()  # a duplicate
    assert events.record_events([first, second, second], later) == {"e2"}  # one batch
    pending = events.pending_events(10)
    assert [(e.event_id, e.authors) for e in pending] == [("e1", ("u1", "u2")), ("e2", ())]
    assert [e.event_id for e in events.pending_events(1)] == ["e1"]
    events.settle_event("e1", "no change")
    assert [e.event_id for e in events.pending_events(10)] == ["e2"]
    assert events.last_received() == later
    assert events.page_mark("p1") is None
    assert events.set_page_mark("p1", later)
    assert not events.set_page_mark("p1", at)  # an older event never moves it back
    assert not events.set_page_mark("p1", later)
    assert events.page_mark("p1") == later
