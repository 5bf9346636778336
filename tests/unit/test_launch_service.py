"""Launch use cases over the in-memory fakes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from bench.harness import launch_cases
from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.store.memory import MemoryLaunches
from cxbot.adapters.yaml_files import load_template
from cxbot.domain.checklist import ItemStatus
from cxbot.domain.owners import OwnerDirectory, Person
from cxbot.ports.checklists import RemoteItemState
from cxbot.ports.errors import ConflictError, NotFound
from cxbot.service.launches import Launches
from cxbot.service.status_sync import StatusSync
from cxbot.settings import PROJECT_ROOT
from tests.fakes import FakeBoard, InMemoryStore

TEMPLATE = load_template(PROJECT_ROOT / "checklists" / "partner-mall.yaml")
CAL = korean_calendar(range(2026, 2029))
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
OWNERS = OwnerDirectory(
    owners={
        dept: Person(name=f"{dept}-owner", email=f"{dept}@example.com")
        for dept in TEMPLATE.departments
        if dept != "marketing"
    },
    planner=Person(name="김지현", email="jihyun@example.com"),
)


@dataclass(frozen=True)
class Rig:
    launches: Launches
    status_sync: StatusSync
    store: MemoryLaunches
    board: FakeBoard


@pytest.fixture
def ctx() -> Rig:
    memory = InMemoryStore()
    board = FakeBoard()
    cases = launch_cases(
        memory.launches, memory.cursors, board, actor="cli:tester", clock=lambda: NOW
    )
    return Rig(cases.launches, cases.status_sync, memory.launches, board)


def test_create_plans_every_item_and_publishes_each_once(ctx: Rig) -> None:
    result = ctx.launches.create(
        template=TEMPLATE, name="11번가 입점", open_date=date(2027, 2, 15), owners=OWNERS
    )
    board = ctx.board
    assert isinstance(board, FakeBoard)
    assert result.created and result.added == len(TEMPLATE.items) == result.published
    assert sorted(board.published) == sorted(item.key for item in result.items)
    assert all(item.remote_id for item in ctx.store.items_of(result.plan.launch.key))
    by_key = {item.key.split("/")[1]: item for item in result.items}
    assert by_key["agent-training"].due == date(2027, 2, 4)  # D-5 across Seollal
    assert by_key["open-day-monitoring"].due == date(2027, 2, 15)
    assert by_key["crm-notice"].owner_name is None
    assert any("marketing" in str(warning) for warning in result.plan.warnings)


def test_running_it_again_creates_nothing_twice(ctx: Rig) -> None:
    first = ctx.launches.create(
        template=TEMPLATE, name="11번가 입점", open_date=date(2027, 2, 15), owners=OWNERS
    )
    history = len(ctx.store.history.changes())
    again = ctx.launches.create(
        template=TEMPLATE, name="11번가 입점 ", open_date=date(2027, 2, 15), owners=OWNERS
    )
    assert again.plan.launch.key == first.plan.launch.key
    assert not again.created and again.added == 0 and again.published == 0
    assert len(ctx.board.published) == len(TEMPLATE.items)
    assert len(ctx.store.history.changes()) == history


def test_a_different_open_date_points_to_reschedule(ctx: Rig) -> None:
    ctx.launches.create(
        template=TEMPLATE, name="11번가 입점", open_date=date(2027, 2, 15), owners=OWNERS
    )
    with pytest.raises(ConflictError, match="cxbot launch reschedule"):
        ctx.launches.create(
            template=TEMPLATE, name="11번가 입점", open_date=date(2027, 3, 2), owners=OWNERS
        )


def test_dry_run_records_and_publishes_nothing(ctx: Rig) -> None:
    result = ctx.launches.create(
        template=TEMPLATE,
        name="11번가 입점",
        open_date=date(2027, 2, 15),
        owners=OWNERS,
        dry_run=True,
    )
    assert result.dry_run and len(result.items) == len(TEMPLATE.items)
    assert ctx.store.list_launches() == [] and ctx.store.history.changes() == []
    assert ctx.board.published == []


def test_reschedule_moves_due_dates_keeps_status_and_records_changes(ctx: Rig) -> None:
    created = ctx.launches.create(
        template=TEMPLATE, name="11번가 입점", open_date=date(2027, 2, 15), owners=OWNERS
    )
    key = created.plan.launch.key
    training = f"{key}/agent-training"
    ctx.launches.set_item_status(key=training, status=ItemStatus.DONE)
    before = len(ctx.store.history.changes())
    moved = ctx.launches.reschedule(
        key=key, open_date=date(2027, 3, 2), template=TEMPLATE, owners=OWNERS
    )
    item = ctx.store.get_item(training)
    assert item is not None and item.status is ItemStatus.DONE
    assert item.due == date(2027, 2, 22)  # D-5 from Tue 3/2 skips the 3/1 holiday
    assert ctx.store.get_launch(key).open_date == date(2027, 3, 2)  # type: ignore[union-attr]
    new = ctx.store.history.changes()[before:]
    assert any(
        c.entity == "launch"
        and c.field == "open_date"
        and c.old == "2027-02-15"
        and c.new == "2027-03-02"
        for c in new
    )
    due_changes = [c for c in new if c.field == "due"]
    assert len(due_changes) == moved.updated
    assert all(c.actor == "cli:tester" for c in new)
    # Pages are updated in place, not created again.
    assert len(set(ctx.board.pages)) == len(TEMPLATE.items)


def test_unknown_launch_names_the_known_ones(ctx: Rig) -> None:
    ctx.launches.create(
        template=TEMPLATE, name="11번가 입점", open_date=date(2027, 2, 15), owners=OWNERS
    )
    with pytest.raises(NotFound, match="11번가 입점"):
        ctx.launches.reschedule(
            key="nope", open_date=date(2027, 3, 2), template=TEMPLATE, owners=OWNERS
        )


def test_an_item_the_board_refuses_is_reported_and_the_rest_go_on(ctx: Rig) -> None:
    board = ctx.board
    assert isinstance(board, FakeBoard)
    key = ctx.launches.create(
        template=TEMPLATE, name="x", open_date=date(2027, 2, 15), owners=OWNERS, dry_run=True
    ).plan.launch.key
    board.fail_keys = {f"{key}/kms-registration"}
    result = ctx.launches.create(
        template=TEMPLATE, name="x", open_date=date(2027, 2, 15), owners=OWNERS
    )
    assert result.unpublished == 1
    assert any("kms-registration" in p for p in result.problems)
    assert len(ctx.store.items_of(key)) == len(TEMPLATE.items)  # nothing lost
    board.fail_keys = set()
    again = ctx.launches.create(
        template=TEMPLATE, name="x", open_date=date(2027, 2, 15), owners=OWNERS
    )
    assert again.published == 1 and again.unpublished == 0


def test_status_sync_records_who_changed_what(ctx: Rig) -> None:
    created = ctx.launches.create(
        template=TEMPLATE, name="11번가 입점", open_date=date(2027, 2, 15), owners=OWNERS
    )
    item = created.items[0]
    board = ctx.board
    assert isinstance(board, FakeBoard)
    edit = RemoteItemState(
        key=item.key,
        remote_id=item.remote_id or "",
        edited_by="박준호 <junho@example.com>",
        edited_at=datetime(2026, 11, 24, 2, 0, tzinfo=UTC),
        fields={
            "title": item.title,
            "status": "done",
            "due": item.due.isoformat(),
            "scenario": item.scenario,
        },
    )
    board.edits.append(edit)
    report = ctx.status_sync.run()
    assert report.changed_items == 1
    (change,) = report.changes
    assert (change.field, change.old, change.new) == ("status", "not_started", "done")
    assert change.actor == "박준호 <junho@example.com>" and change.source.value == "notion"
    assert change.at == edit.edited_at
    assert ctx.store.get_item(item.key).status is ItemStatus.DONE  # type: ignore[union-attr]
    # The same edit read again in the overlapping window is not recorded twice.
    again = ctx.status_sync.run()
    assert again.seen == 1 and again.changes == ()


def test_a_cli_tick_while_the_board_refuses_is_kept_and_pushed_by_the_outbox(ctx: Rig) -> None:
    """The CLI ticks the way Slack does: recorded first, the board copy marked behind, the
    outbox pushes it later — never lost because the board said no."""
    created = ctx.launches.create(
        template=TEMPLATE, name="11번가 입점", open_date=date(2027, 2, 15), owners=OWNERS
    )
    key = created.items[0].key
    ctx.board.fail_keys = {key}
    item, changes = ctx.launches.set_item_status(key=key, status=ItemStatus.DONE, note="완료")
    assert [(c.field, c.new, c.source.value) for c in changes] == [("status", "done", "cli")]
    assert item.status is ItemStatus.DONE and item.board_behind_since == NOW
    assert [i.key for i in ctx.store.board_behind()] == [key]
    ctx.board.fail_keys = set()
    ctx.status_sync.run()  # drains the outbox first
    assert ctx.store.board_behind() == []
    assert ctx.board.pages[item.remote_id or ""].status is ItemStatus.DONE


def test_a_board_copy_read_before_a_click_does_not_undo_it(ctx: Rig) -> None:
    """Status sync reads the board, a click lands, then the read is recorded: the click
    wins (the compare-and-set on the read-back refuses), and history says only the click."""
    created = ctx.launches.create(
        template=TEMPLATE, name="11번가 입점", open_date=date(2027, 2, 15), owners=OWNERS
    )
    item = created.items[0]
    stale = RemoteItemState(
        key=item.key,
        remote_id=item.remote_id or "",
        edited_by="박준호 <junho@example.com>",
        edited_at=datetime(2026, 11, 24, 2, 0, tzinfo=UTC),
        fields={"title": "다른 제목", "status": "in_progress"},
    )
    ctx.launches.set_item_status(key=item.key, status=ItemStatus.DONE)  # the click
    taken = ctx.status_sync.ticks.take_from_board(item, stale)  # `item` as read before it
    assert taken is None
    now = ctx.store.get_item(item.key)
    assert now is not None and now.status is ItemStatus.DONE and now.title == item.title
    history = ctx.store.history.changes(entity_id_prefix=item.key)
    assert [c.source.value for c in history if c.field == "status"] == ["template", "cli"]
    assert all(c.source.value != "notion" for c in history)
