"""Launch checklists written to and read back from Notion through the real SDK.

The SDK talks HTTP to the project's Notion emulator; assertions are on what the
emulator received and holds.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cxbot.adapters.notion import schema as S
from cxbot.adapters.yaml_files import load_template
from cxbot.domain.checklist import ItemStatus
from cxbot.domain.owners import OwnerDirectory, Person
from cxbot.emulators.http import Fault
from cxbot.ports.errors import RemoteError
from cxbot.settings import PROJECT_ROOT

TEMPLATE = load_template(PROJECT_ROOT / "checklists" / "partner-mall.yaml")
N = len(TEMPLATE.items)
OWNERS = OwnerDirectory(
    owners={
        "cx": Person(name="김지현", email="jihyun.kim@example.com"),
        "sales": Person(name="박준호", email="Junho.Park@example.com"),
        "ux": Person(name="이서연", email="seoyeon.lee@example.com"),
        "bpo": Person(name="정하은", email="haeun.jung@example.com"),  # not in Notion
    },
    planner=Person(name="김지현", email="jihyun.kim@example.com"),
)


def _create(setup: Any, board: Any = None, **kw: Any) -> Any:
    args = {
        "template": TEMPLATE,
        "name": "11번가 입점",
        "open_date": date(2027, 2, 15),
        "owners": OWNERS,
        **kw,
    }
    return setup.cases(board).launches.create(**args)


def _pages(setup: Any) -> list[Any]:
    return [p for p in setup.ws.pages.values() if p.parent.get("type") == "data_source_id"]


def _props(setup: Any, page: Any) -> dict[str, Any]:
    properties: dict[str, Any] = setup.ws.page_response(page)["properties"]
    return properties


def test_first_launch_creates_the_database_and_one_page_per_item(notion_setup: Any) -> None:
    result = _create(notion_setup)
    emulator = notion_setup.emulator
    assert result.published == N and result.unpublished == 0
    assert len(emulator.requests("POST", r"^/v1/databases$")) == 1
    assert len(emulator.requests("POST", r"^/v1/pages$")) == N
    # a search for an existing database (none), the database, its data source (the property
    # ids lists ask for), users list, one create per item
    assert len(emulator.requests("POST", r"^/v1/search$")) == 1
    assert len(emulator.requests("GET", r"^/v1/data_sources/")) == 1
    assert len(emulator.requests()) == N + 4
    (source,) = notion_setup.ws.data_sources.values()
    assert S.schema_problems(source.schema) == []
    assert source.schema[S.STATUS]["type"] == "select"  # the API cannot create status properties
    pages = _pages(notion_setup)
    assert len(pages) == N
    by_key = {S.item_key_of(notion_setup.ws.page_response(p)): p for p in pages}
    launch_key = result.plan.launch.key
    training = _props(notion_setup, by_key[f"{launch_key}/agent-training"])
    assert training[S.DUE]["date"]["start"] == "2027-02-04"
    assert training[S.LABEL]["rich_text"][0]["plain_text"] == "D-5"
    assert training[S.STATUS]["select"]["name"] == "시작 전"
    assert training[S.LAUNCH]["select"]["name"] == "11번가 입점"
    # Owners are resolved to Notion people by email (case-insensitively); others stay text.
    sales = _props(notion_setup, by_key[f"{launch_key}/agent-channel"])
    assert [p["id"] for p in sales[S.OWNER]["people"]] == [
        notion_setup.people["junho.park@example.com"]
    ]
    assert training[S.OWNER]["people"] == []
    assert "haeun.jung@example.com" in training[S.OWNER_TEXT]["rich_text"][0]["plain_text"]
    assert any("haeun.jung@example.com is not a member" in p for p in result.problems)
    stored = notion_setup.store.launches.items_of(launch_key)
    assert {item.remote_id for item in stored} == {p.id for p in pages}


def test_rerunning_creates_nothing_even_from_a_new_process(notion_setup: Any) -> None:
    _create(notion_setup)
    before = len(notion_setup.emulator.requests())
    _create(notion_setup)
    # Nothing changed: no write; one query, the sweep for duplicate pages every re-run does.
    (sweep,) = notion_setup.emulator.requests()[before:]
    assert sweep.path.endswith("/query") and sweep.body["filter"]["property"] == S.LAUNCH
    fresh = notion_setup.make_board()  # a new process: the data source id comes from the store
    result = _create(notion_setup, board=fresh)
    assert result.published == 0
    assert len(notion_setup.emulator.requests("POST", r"^/v1/(pages|databases)$")) == N + 1
    assert len(_pages(notion_setup)) == N


def test_a_create_whose_response_is_lost_is_not_duplicated(notion_setup: Any) -> None:
    notion_setup.emulator.inject(Fault("drop_after_commit", "POST", r"^/v1/pages$", times=2))
    result = _create(notion_setup)
    assert result.unpublished == 0
    assert len(_pages(notion_setup)) == N  # the two lost creates were found, not re-created
    queries = notion_setup.emulator.requests("POST", r"/query$")
    lookups = [r for r in queries if r.body["filter"]["property"] == S.KEY]
    assert len(lookups) == 2
    assert [r.body["filter"]["property"] for r in queries if r not in lookups] == [S.LAUNCH]


@pytest.mark.parametrize("status", [500, 502, 503, 529])
def test_server_errors_on_writes_are_retried_without_duplicates(
    notion_setup: Any, status: int
) -> None:
    notion_setup.emulator.inject(Fault("status", "POST", r"^/v1/pages$", times=2, status=status))
    result = _create(notion_setup)
    assert result.unpublished == 0 and len(_pages(notion_setup)) == N
    assert notion_setup.sleep.calls  # it backed off before retrying


def test_validation_errors_are_not_retried_and_the_rest_goes_on(notion_setup: Any) -> None:
    notion_setup.emulator.inject(Fault("status", "POST", r"^/v1/pages$", times=1, status=400))
    result = _create(notion_setup)
    assert result.unpublished == 1 and len(_pages(notion_setup)) == N - 1
    assert len(notion_setup.emulator.requests("POST", r"^/v1/pages$")) == N  # one try each
    assert any("validation_error" in p for p in result.problems)
    # Nothing is lost: the item is recorded, and the next run publishes it.
    again = _create(notion_setup)
    assert again.published == 1 and len(_pages(notion_setup)) == N


def test_an_interrupted_run_is_finished_without_duplicates(notion_setup: Any) -> None:
    result = _create(notion_setup)
    launch_key = result.plan.launch.key
    # Simulate a crash after some pages were created but before their ids were recorded.
    from dataclasses import replace

    items = notion_setup.store.launches.items_of(launch_key)
    notion_setup.store.launches.apply(items=[replace(i, remote_id=None) for i in items[:5]])
    again = _create(notion_setup, board=notion_setup.make_board())
    assert again.published == 5
    assert len(_pages(notion_setup)) == N
    assert len(notion_setup.emulator.requests("POST", r"^/v1/pages$")) == N


def test_a_revoked_token_stops_with_a_clear_message(notion_setup: Any) -> None:
    bad = notion_setup.make_board(token="secret_revoked")
    with pytest.raises(RemoteError, match="NOTION_TOKEN") as caught:
        _create(notion_setup, board=bad)
    assert "secret_revoked" not in str(caught.value)
    # Checked before anything is recorded: no half launch at 0/N in status and reports;
    # the same command works once the token is fixed.
    assert notion_setup.store.launches.list_launches() == []
    _create(notion_setup)
    assert len(notion_setup.store.launches.list_launches()) == 1


def test_an_unshared_parent_page_says_how_to_share_it(notion_setup: Any) -> None:
    board = notion_board_with_parent(notion_setup, "9c1b1a8e-7c36-4a53-9d7c-000000000000")
    with pytest.raises(RemoteError, match="Connections"):
        _create(notion_setup, board=board)
    assert notion_setup.store.launches.list_launches() == []


def notion_board_with_parent(setup: Any, parent: str) -> Any:
    from tests.conftest import notion_board

    return notion_board(setup.emulator, setup.store, parent)


def test_missing_properties_are_added_wrong_types_refused(notion_setup: Any) -> None:
    _create(notion_setup)
    (source,) = notion_setup.ws.data_sources.values()
    del source.schema[S.LABEL]
    _create(notion_setup, board=notion_setup.make_board(), name="G마켓 입점")
    assert S.LABEL in source.schema
    assert len(notion_setup.emulator.requests("PATCH", r"^/v1/data_sources/")) == 1
    source.schema[S.DUE] = {"id": "x1", "name": S.DUE, "type": "rich_text", "rich_text": {}}
    with pytest.raises(RemoteError, match="wrong type"):
        _create(notion_setup, board=notion_setup.make_board(), name="쿠팡 입점")


def test_reschedule_updates_pages_in_place(notion_setup: Any) -> None:
    created = _create(notion_setup)
    notion_setup.cases().launches.reschedule(
        key=created.plan.launch.key,
        open_date=date(2027, 3, 2),
        template=TEMPLATE,
        owners=OWNERS,
    )
    assert len(_pages(notion_setup)) == N
    patches = notion_setup.emulator.requests("PATCH", r"^/v1/pages/")
    assert 0 < len(patches) <= N
    dues = {
        S.item_key_of(notion_setup.ws.page_response(p)): _props(notion_setup, p)[S.DUE]["date"][
            "start"
        ]
        for p in _pages(notion_setup)
    }
    assert dues[f"{created.plan.launch.key}/agent-training"] == "2027-02-22"


def test_status_sync_reads_back_edits_with_who_and_when(notion_setup: Any) -> None:
    created = _create(notion_setup)
    launch_key = created.plan.launch.key
    setup = notion_setup
    first = setup.cases().status_sync.run()  # reads cxbot's own writes once: nothing changed
    assert first.changes == () and first.seen == N
    setup.clock.advance(minutes=3)
    junho = setup.people["junho.park@example.com"]
    page = next(
        i.remote_id
        for i in setup.store.launches.items_of(launch_key)
        if i.key.endswith("/agent-channel")
    )
    setup.clock.advance(seconds=17)
    setup.ws.edit_as(
        junho,
        page,
        {S.STATUS: {"select": {"name": "완료"}}, S.DUE: {"date": {"start": "2027-01-22"}}},
    )
    report = setup.cases().status_sync.run()
    assert report.changed_items == 1
    by_field = {c.field: c for c in report.changes}
    assert (by_field["status"].old, by_field["status"].new) == ("not_started", "done")
    assert (by_field["due"].old, by_field["due"].new) == ("2027-01-21", "2027-01-22")
    assert by_field["status"].actor == "박준호 <junho.park@example.com>"
    assert by_field["status"].at == setup.clock().replace(
        second=0, microsecond=0
    )  # Notion's minute
    item = setup.store.launches.get_item(f"{launch_key}/agent-channel")
    assert item.status is ItemStatus.DONE and item.due == date(2027, 1, 22)
    # Same minute, nothing new: the overlapping read records nothing twice, in one request.
    before = len(setup.emulator.requests())
    again = setup.cases().status_sync.run()
    assert again.changes == () and len(setup.emulator.requests()) == before + 1
    # A later edit in the same minute as the cursor is still picked up.
    setup.clock.advance(seconds=20)
    setup.ws.edit_as(junho, page, {S.STATUS: {"select": {"name": "Blocked"}}})
    third = setup.cases().status_sync.run()
    assert [(c.field, c.new) for c in third.changes] == [("status", "blocked")]
    assert [
        c.field
        for c in setup.store.history.changes(entity_id_prefix=f"{launch_key}/agent-channel")
        if c.source.value == "notion"
    ] == ["due", "status", "status"]


def test_status_sync_pages_through_many_edits(notion_setup: Any) -> None:
    for n in range(6):
        _create(notion_setup, name=f"입점 {n}")
    total = 6 * N
    report = notion_setup.cases().status_sync.run()
    assert report.seen == total
    queries = notion_setup.emulator.requests("POST", r"/query$")
    assert len(queries) == -(-total // 100)
    assert all(q.body.get("page_size") == 100 for q in queries)


def test_unknown_status_names_are_reported_not_recorded(notion_setup: Any) -> None:
    created = _create(notion_setup)
    setup = notion_setup
    setup.cases().status_sync.run()
    setup.clock.advance(minutes=2)
    item = setup.store.launches.items_of(created.plan.launch.key)[0]
    setup.ws.edit_as(
        setup.people["jihyun.kim@example.com"],
        item.remote_id,
        {S.STATUS: {"select": {"name": "대기"}}},
    )
    report = setup.cases().status_sync.run()
    assert report.changes == ()
    assert any("대기" in p for p in report.problems)


def test_ticking_from_cxbot_updates_the_page(notion_setup: Any) -> None:
    created = _create(notion_setup)
    key = f"{created.plan.launch.key}/kms-registration"
    item, changes = notion_setup.cases().launches.set_item_status(
        key=key, status=ItemStatus.IN_PROGRESS
    )
    assert [c.new for c in changes] == ["in_progress"]
    page = notion_setup.ws.pages[item.remote_id]
    assert _props(notion_setup, page)[S.STATUS]["select"]["name"] == "진행 중"


def test_rate_limit_is_honoured_without_duplicates(notion_setup: Any, clock: Any) -> None:
    emulator = notion_setup.emulator
    emulator.rate_limit = True
    emulator.bucket.burst = emulator.bucket.tokens = 2
    emulator.bucket.rate = 20.0  # keep the test short: 20/s, a pacer that ignores it
    template = TEMPLATE.model_copy(update={"items": TEMPLATE.items[:8]})
    result = notion_setup.cases(notion_setup.make_board(rate=1000)).launches.create(
        template=template,
        name="속도 제한",
        open_date=date(2027, 2, 15),
        owners=OWNERS,
    )
    assert result.unpublished == 0
    assert emulator.rate_limited > 0
    assert len(_pages(notion_setup)) == 8
    assert all(r.status in (200, 429) for r in emulator.requests())


def test_quiet_pages_are_not_read_again_once_settled(notion_setup: Any) -> None:
    _create(notion_setup)
    setup = notion_setup
    assert setup.cases().status_sync.run().seen == N
    setup.clock.advance(minutes=5)
    # Pages edited within two minutes of the last sync are read once more (Notion's
    # minute-rounded times and indexing lag); after that they are settled.
    assert setup.cases().status_sync.run().changes == ()
    setup.clock.advance(minutes=5)
    quiet = setup.cases().status_sync.run()
    assert quiet.seen == 0 and quiet.requests == 1


def test_a_storm_hands_the_rest_to_the_next_sync_and_says_so(notion_setup: Any) -> None:
    """Notion answers 503 to every attempt at three pages: the run ends with those items
    recorded and marked for the outbox; the next status sync writes them, once."""
    from cxbot.service.board_outbox import BoardOutbox

    _create(notion_setup, name="워밍업")  # the database exists; the storm hits page creates
    notion_setup.emulator.inject(Fault("status", "POST", r"^/v1/pages$", times=3 * 5, status=503))
    result = _create(notion_setup)
    assert len(result.handed_over) == 3 and result.stuck == 0
    assert result.published == N - 3
    assert {i.key for i in notion_setup.store.launches.board_behind()} == set(result.handed_over)
    report = BoardOutbox(store=notion_setup.store.launches, board=notion_setup.board).drain()
    assert (report.behind, report.landed) == (3, 3)
    launch_items = notion_setup.store.launches.items_of(result.plan.launch.key)
    assert all(i.remote_id for i in launch_items)
    keys = [S.item_key_of(notion_setup.ws.page_response(p)) for p in _pages(notion_setup)]
    assert len(keys) == len(set(keys)) == 2 * N  # no page twice


def test_a_lost_database_create_answer_makes_no_second_database(notion_setup: Any) -> None:
    notion_setup.emulator.inject(Fault("drop_after_commit", "POST", r"^/v1/databases$"))
    result = _create(notion_setup)
    assert result.unpublished == 0
    assert len(notion_setup.ws.databases) == 1 and len(notion_setup.ws.data_sources) == 1
    assert len(_pages(notion_setup)) == N


def test_a_forgotten_data_source_is_found_under_the_parent_not_made_again(
    notion_setup: Any,
) -> None:
    _create(notion_setup)
    notion_setup.store.cursors.set_cursor(S.CHECKLIST.cursor, "")  # the remembered id is lost
    again = _create(notion_setup, board=notion_setup.make_board(), name="G마켓 입점")
    assert again.unpublished == 0
    assert len(notion_setup.ws.databases) == 1  # found by its title under the parent page


SETTLE = 3.0


def test_a_create_that_commits_after_its_timeout_is_found_not_made_twice(
    notion_setup: Any,
) -> None:
    """The client gives up at 1 s; Notion commits the page at 2.5 s. Looking it up at
    once would miss it and create it again: cxbot waits for it to settle first."""
    import time as _time

    from tests.conftest import notion_board

    emulator = notion_setup.emulator
    _create(notion_setup, name="워밍업")
    board = notion_board(
        emulator,
        notion_setup.store,
        notion_setup.parent,
        sleep=_time.sleep,
        timeout_seconds=1,
        settle=SETTLE,
    )
    emulator.inject(Fault("slow", "POST", r"^/v1/pages$", delay=2.5))
    result = _create(notion_setup, board=board)
    assert result.unpublished == 0
    _time.sleep(2.6)  # whatever was still committing has committed
    pages = _pages(notion_setup)
    assert not any(p.in_trash for p in pages)  # found, not made twice and then swept
    keys = [S.item_key_of(notion_setup.ws.page_response(p)) for p in pages]
    assert len(keys) == len(set(keys)) == 2 * N


def test_duplicate_pages_are_moved_to_the_trash_on_the_next_run(notion_setup: Any) -> None:
    result = _create(notion_setup)
    item = result.items[0]
    page = notion_setup.ws.pages[item.remote_id]
    copy = notion_setup.ws.create_page(  # what a late-committing create leaves behind
        {
            "parent": {"data_source_id": page.parent["data_source_id"]},
            "properties": notion_setup.ws.page_response(page)["properties"]
            | {S.TITLE: {"title": [{"text": {"content": item.title}}]}},
        }
    )
    again = _create(notion_setup)
    assert any("duplicate page" in p and copy["id"] in p for p in again.problems)
    assert notion_setup.ws.pages[copy["id"]].in_trash
    assert not notion_setup.ws.pages[item.remote_id].in_trash  # the recorded one is kept


def test_each_notion_version_is_sent_and_lists_ask_for_what_cxbot_reads(
    notion_setup: Any,
) -> None:
    """On 2026-12-01 a list without `filter_properties` returns the title alone: cxbot names
    the properties it reads on every list, so status sync reads the same on every version;
    and it never sends `archived`, which 2026-03-11 and later refuse."""
    setup = notion_setup
    created = _create(setup)
    setup.cases().status_sync.run()
    page = setup.store.launches.items_of(created.plan.launch.key)[0]
    setup.clock.advance(minutes=3)
    junho = setup.people["junho.park@example.com"]
    setup.ws.edit_as(junho, page.remote_id, {S.STATUS: {"select": {"name": "완료"}}})
    report = setup.cases().status_sync.run()
    assert [(c.field, c.new) for c in report.changes] == [("status", "done")]
    requests = setup.emulator.requests()
    assert {r.headers.get("notion-version") for r in requests} == {setup.version}
    assert not [r for r in requests if isinstance(r.body, dict) and "archived" in r.body]
    queries = setup.emulator.requests("POST", r"/query$")
    assert queries and all(q.query.get("filter_properties") for q in queries)
    assert all("title" in q.query["filter_properties"] for q in queries)


def test_a_person_notion_has_no_name_for_is_recorded_by_their_email(notion_setup: Any) -> None:
    setup = notion_setup
    created = _create(setup)
    setup.cases().status_sync.run()
    nameless = setup.ws.add_person(None, "guest@example.com")
    page = setup.store.launches.items_of(created.plan.launch.key)[0]
    setup.clock.advance(minutes=3)
    setup.ws.edit_as(nameless, page.remote_id, {S.STATUS: {"select": {"name": "진행 중"}}})
    (change,) = setup.cases().status_sync.run().changes
    assert change.actor == "guest@example.com"  # not "None <…>", not " <…>"


def test_an_excluded_item_goes_to_notions_trash_and_a_restored_one_comes_back(
    notion_setup: Any,
) -> None:
    setup = notion_setup
    created = _create(setup)
    key = f"{created.plan.launch.key}/agent-channel"
    page = setup.store.launches.get_item(key).remote_id
    result = setup.cases().launches.exclude(item=key, reason="제휴몰 상담원 없음")
    assert [i.key for i in result.removed] == [key] and result.problems == ()
    assert setup.ws.pages[page].in_trash
    assert setup.store.launches.get_item(key) is None
    assert len([p for p in _pages(setup) if not p.in_trash]) == N - 1
    back = setup.cases().launches.restore(item=key)
    restored = setup.store.launches.get_item(key)
    assert restored is not None and restored.remote_id not in (None, page)
    assert back.problems == () and len([p for p in _pages(setup) if not p.in_trash]) == N
