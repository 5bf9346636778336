"""Notion's webhooks over the wire: the Notion emulator subscribes `cxbot serve`'s
/notion/webhook, verifies with the token cxbot showed, and POSTs signed events as Notion
does; cxbot fetches the page with the real notion-client and records the change."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cxbot.adapters.private_files import SecretFile
from cxbot.domain.checklist import ItemStatus
from cxbot.emulators.http import Fault
from cxbot.emulators.notion import NotionEmulator
from cxbot.ports.checklists import RecordedEvent
from tests.conftest import ManualClock
from tests.slack_app_rig import eventually, slack_app_rig

JUNHO = "junho.park@example.com"


@pytest.fixture
def rig(tmp_path: Path, notion: NotionEmulator, clock: ManualClock, caplog: Any) -> Iterator[Any]:
    caplog.set_level(logging.INFO)
    for r in slack_app_rig(tmp_path, notion, clock):
        sender = notion.webhooks
        assert sender.subscribe(r.notion_url) == 200
        (shown,) = r.announced
        token = shown.splitlines()[-1]
        assert sender.verify(token)
        r.sender, r.token, r.ws = sender, token, notion.workspace
        items = r.cases.launches.items(r.launch.plan.launch.key)
        r.item = next(i for i in items if i.key.endswith("/agent-channel"))
        r.person = next(
            uid
            for uid, user in r.ws.users.items()
            if (user.get("person") or {}).get("email") == JUNHO
        )
        yield r


def _tick(rig: Any, status: str, item: Any = None) -> None:
    """박준호 ticks the item in the Notion app."""
    page = rig.cases.launches.store.get_item((item or rig.item).key).remote_id
    rig.ws.edit_as(rig.person, page, {"상태": {"select": {"name": status}}})


def _status(rig: Any) -> ItemStatus:
    status: ItemStatus = rig.cases.launches.store.get_item(rig.item.key).status
    return status


def _notion_changes(rig: Any) -> list[Any]:
    return [
        c
        for c in rig.cases.audit.history.changes(entity_id_prefix=rig.item.key)
        if c.source.value == "notion"
    ]


def _post(rig: Any, body: bytes, signature: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Notion-Signature"] = signature
    request = urllib.request.Request(rig.notion_url, data=body, headers=headers)
    try:
        return int(urllib.request.urlopen(request, timeout=5).status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _event(rig: Any, **overrides: Any) -> dict[str, Any]:
    page = rig.cases.launches.store.get_item(rig.item.key).remote_id
    event = {
        "id": "9d7c1a52-0000-4000-8000-000000000001",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "workspace_id": "00000000-0000-4000-8000-000000000001",
        "subscription_id": "00000000-0000-4000-8000-000000000003",
        "integration_id": "00000000-0000-4000-8000-000000000002",
        "authors": [{"id": rig.person, "type": "person"}],
        "attempt_number": 1,
        "api_version": "2025-09-03",
        "type": "page.properties_updated",
        "entity": {"id": page, "type": "page"},
        "data": {"updated_properties": ["status"]},
    }
    event.update(overrides)
    return event


def _sign(token: str, body: bytes) -> str:
    return "sha256=" + hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


def test_verification_token_is_shown_once_and_never_logged(rig: Any, caplog: Any) -> None:
    assert len(rig.announced) == 1 and rig.token.startswith("secret_")
    assert rig.token not in caplog.text
    # A second verification (someone posting a token of their own) is refused.
    forged = json.dumps({"verification_token": "secret_forged"}).encode()
    assert _post(rig, forged, None) == 409
    assert rig.webhooks.status().verified and len(rig.announced) == 1


def test_the_token_is_kept_outside_the_store_readable_by_its_owner_only(
    rig: Any, tmp_path: Path
) -> None:
    database = b"".join(p.read_bytes() for p in tmp_path.glob("cxbot.db*"))
    assert rig.token.encode() not in database  # whoever reads the store cannot sign events
    kept = tmp_path / "notion-webhook-token"
    assert kept.read_text() == rig.token and kept.stat().st_mode & 0o077 == 0


def test_a_token_an_earlier_version_kept_in_the_store_is_moved_out(
    rig: Any, tmp_path: Path
) -> None:
    (tmp_path / "notion-webhook-token").unlink()
    cursors = rig.webhooks.cursors
    cursors.set_cursor("notion_webhook.verification_token", rig.token)
    # The next process after the upgrade: no token file yet, the token in the store.
    upgraded = dataclasses.replace(
        rig.webhooks, token=SecretFile(tmp_path / "notion-webhook-token")
    )
    body = json.dumps(_event(rig)).encode()
    answer = upgraded.receive(body, {"X-Notion-Signature": _sign(rig.token, body)})
    assert answer.status == 200
    assert cursors.get_cursor("notion_webhook.verification_token") == ""
    assert (tmp_path / "notion-webhook-token").read_text() == rig.token


def test_a_resent_verification_shows_the_token_no_second_time(rig: Any) -> None:
    again = json.dumps({"verification_token": rig.token}).encode()
    assert _post(rig, again, None) == 200
    assert len(rig.announced) == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"timestamp": "2027-01-04T09:30:00"},  # no time zone
        {"authors": "not-a-list"},
        {"authors": ["a string, not an object"]},
        {"entity": "page"},
        {"id": 42},
    ],
)
def test_a_signed_but_malformed_event_is_a_400(rig: Any, overrides: dict[str, Any]) -> None:
    body = json.dumps(_event(rig, **overrides)).encode()
    assert _post(rig, body, _sign(rig.token, body)) == 400
    assert _notion_changes(rig) == []


def test_a_tick_in_notion_is_recorded_by_its_author(rig: Any) -> None:
    before = len(rig.notion.requests())
    _tick(rig, "완료")
    rig.sender.flush()
    eventually(lambda: _status(rig) is ItemStatus.DONE)
    (change,) = _notion_changes(rig)
    assert (change.field, change.old, change.new) == ("status", "not_started", "done")
    assert change.actor == f"박준호 <{JUNHO}>"
    reads = [r.path for r in rig.notion.requests()[before:] if r.method == "GET"]
    page_reads = [p for p in reads if p.startswith("/v1/pages/")]
    assert len(page_reads) == 1  # one page read per event
    assert [p for p in reads if p not in page_reads] in ([], ["/v1/users"])  # once a process


@pytest.mark.parametrize("tamper", ["wrong token", "body edited", "missing"])
def test_bad_signatures_are_refused_and_record_nothing(rig: Any, tamper: str) -> None:
    body = json.dumps(_event(rig)).encode()
    signature: str | None = _sign(rig.token, body)
    if tamper == "wrong token":
        signature = _sign("secret_other", body)
    elif tamper == "body edited":
        body = body.replace(b"properties_updated", b"properties_updateD")
    else:
        signature = None
    _tick_without_webhook(rig)
    assert _post(rig, body, signature) == 401
    assert _status(rig) is ItemStatus.NOT_STARTED and _notion_changes(rig) == []
    good = json.dumps(_event(rig)).encode()
    assert _post(rig, good, _sign(rig.token, good)) == 200
    eventually(lambda: _status(rig) is ItemStatus.DONE)  # handled in the background


def _tick_without_webhook(rig: Any) -> None:
    rig.sender.drop_next = 1
    _tick(rig, "완료")
    rig.sender.flush()


def test_duplicates_record_once(rig: Any) -> None:
    rig.sender.duplicates = 1.0
    _tick(rig, "완료")
    rig.sender.flush()
    eventually(lambda: len(rig.sender.delivered) >= 2)
    assert len({e["id"] for e, _ in rig.sender.delivered}) == 1
    eventually(lambda: _status(rig) is ItemStatus.DONE)
    eventually(lambda: all(e.outcome != "pending" for e in _events(rig)))
    assert len(_notion_changes(rig)) == 1


def test_out_of_order_events_never_undo_a_newer_change(rig: Any, clock: ManualClock) -> None:
    rig.sender.delay = 60  # held back so both are queued
    _tick(rig, "진행 중")
    clock.advance(seconds=5)
    _tick(rig, "완료")
    with rig.sender.lock:
        rig.sender.queue.reverse()  # the newer event arrives first
    rig.sender.flush()
    eventually(lambda: len(rig.sender.delivered) == 2)
    eventually(lambda: _status(rig) is ItemStatus.DONE)
    eventually(lambda: all(e.outcome != "pending" for e in _events(rig)))
    outcomes = [e.outcome for e in _events(rig)]
    # The older event was either skipped as older, or folded into the newer one's read.
    assert any("older than the newest" in o or o.startswith("with ") for o in outcomes)
    assert [c.new for c in _notion_changes(rig)] == ["done"]


def _events(rig: Any) -> list[Any]:
    from sqlalchemy import select

    from cxbot.adapters.store.tables import notion_events

    engine = rig.cases.launches.store.engine
    with engine.connect() as conn:
        return list(conn.execute(select(notion_events).order_by(notion_events.c.received_at)))


def test_a_failed_handling_is_retried_by_cxbot_and_handled_once(rig: Any) -> None:
    # The first page read fails (a validation-style 400, not retried by the client): the
    # event was recorded and answered 200 already, so cxbot itself tries it again.
    rig.notion.inject(Fault(kind="status", status=400, method="GET", path=r"/v1/pages/"))
    _tick(rig, "완료")
    rig.sender.flush()
    eventually(lambda: _status(rig) is ItemStatus.DONE)
    eventually(lambda: rig.sender.delivered)  # the sender logs after the answer
    attempts = [(e["attempt_number"], status) for e, status in rig.sender.delivered]
    assert attempts == [(1, 200)]
    assert len(_notion_changes(rig)) == 1


def test_an_event_recorded_before_a_crash_is_handled_after_it(rig: Any) -> None:
    """Recorded and answered, then the process died before handling it: the next process
    finds it recorded and handles it; nothing is lost."""
    _tick_without_webhook(rig)
    page = rig.cases.launches.store.get_item(rig.item.key).remote_id
    now = datetime.now(UTC)
    lost = RecordedEvent(
        event_id="9d7c1a52-0000-4000-8000-00000000dead",
        kind="page.properties_updated",
        entity_id=page,
        event_at=now,
        authors=(rig.person,),
    )
    assert rig.webhooks.events.record_events([lost], now) == {lost.event_id}
    after_restart = rig.cases.notion_webhooks()
    after_restart.process_pending()
    assert _status(rig) is ItemStatus.DONE
    (change,) = _notion_changes(rig)
    assert "박준호" in change.actor


def test_a_burst_of_edits_to_one_page_is_one_read(rig: Any) -> None:
    page = rig.cases.launches.store.get_item(rig.item.key).remote_id
    rig.ws.edit_as(rig.person, page, {"상태": {"select": {"name": "완료"}}})
    before = len([r for r in rig.notion.requests() if r.path.startswith("/v1/pages/")])
    now = datetime.now(UTC)
    recorder = rig.cases.notion_webhooks()  # not woken: this test handles the batch itself
    for n in range(20):
        body = json.dumps(
            _event(rig, id=f"9d7c1a52-0000-4000-8000-{n:012d}", timestamp=now.isoformat())
        ).encode()
        assert recorder.receive(body, {"X-Notion-Signature": _sign(rig.token, body)}).status == 200
    report = recorder.process_pending()
    assert report.failed == 0 and report.handlings <= 1  # 20 (or 21) events, one read
    reads = [r for r in rig.notion.requests() if r.path.startswith("/v1/pages/")]
    assert len(reads) - before <= 2  # one read (the rig's own processor may race for it)
    eventually(lambda: _status(rig) is ItemStatus.DONE)
    assert len(_notion_changes(rig)) == 1


def test_aggregated_edits_arrive_as_one_event(rig: Any) -> None:
    rig.sender.aggregate = 30
    _tick(rig, "진행 중")
    _tick(rig, "완료")
    rig.sender.flush()
    eventually(lambda: _status(rig) is ItemStatus.DONE)
    eventually(lambda: rig.sender.delivered)
    rig.sender.flush()  # nothing else is queued: the two edits went as one event
    assert len(rig.sender.delivered) == 1 and not rig.sender.queue


def test_a_page_trashed_in_notion_takes_its_item_out_and_restoring_it_brings_it_back(
    rig: Any,
) -> None:
    key = rig.item.key
    page = rig.cases.launches.store.get_item(key).remote_id
    ws = rig.ws
    with ws.lock:
        previous, ws.acting_user = ws.acting_user, rig.person
        ws.update_page(page, {"in_trash": True})
        ws.acting_user = previous
    rig.sender.flush()
    eventually(lambda: rig.cases.launches.store.get_item(key) is None)  # out of the launch
    removed = [c for c in _notion_changes(rig) if c.field == "removed"]
    assert [(c.new, c.actor) for c in removed] == [("yes", f"박준호 <{JUNHO}>")]
    assert "moved to the trash in Notion" in str(removed[0].note)
    with ws.lock:
        previous, ws.acting_user = ws.acting_user, rig.person
        ws.update_page(page, {"in_trash": False})
        ws.acting_user = previous
    rig.sender.flush()
    back = eventually(lambda: rig.cases.launches.store.get_item(key))
    assert back.remote_id == page  # on its own page again, not a second one
    assert [c.new for c in _notion_changes(rig) if c.field == "removed"] == ["yes", "no"]
    assert rig.cases.audit.verify().ok, rig.cases.audit.verify().summary


def _add_row_by_hand(rig: Any, title: str, **properties: Any) -> str:
    source = next(iter(rig.ws.data_sources))
    with rig.ws.lock:
        previous, rig.ws.acting_user = rig.ws.acting_user, rig.person
        page = rig.ws.create_page(
            {
                "parent": {"data_source_id": source},
                "properties": {"항목": {"title": [{"text": {"content": title}}]}, **properties},
            }
        )
        rig.ws.acting_user = previous
    return str(page["id"])


def test_a_row_added_by_hand_to_a_launchs_checklist_becomes_one_of_its_items(rig: Any) -> None:
    launch = rig.launch.plan.launch
    page = _add_row_by_hand(
        rig,
        "11번가 전용 반품 안내 문구 점검",
        **{
            "런칭": {"select": {"name": launch.name}},
            "부서": {"select": {"name": "CX기획"}},
            "마감일": {"date": {"start": "2027-01-08"}},
            "상태": {"select": {"name": "진행 중"}},
        },
    )
    rig.sender.flush()
    item = eventually(
        lambda: next((i for i in rig.cases.launches.items(launch.key) if i.remote_id == page), None)
    )
    assert item.title == "11번가 전용 반품 안내 문구 점검" and item.due.isoformat() == "2027-01-08"
    assert item.status is ItemStatus.IN_PROGRESS and item.key.split("/")[1].startswith("notion-")
    written = rig.cases.launches.board.read(page)  # the page as notion-client reads it
    assert written is not None and written.key == item.key  # cxbot wrote the key on the row
    history = rig.cases.audit.history.changes(entity_id_prefix=item.key)
    created = [c for c in history if c.field == "title" and c.source.value == "notion"]
    assert [(c.actor, c.note) for c in created] == [(f"박준호 <{JUNHO}>", "added in Notion")]
    assert rig.cases.launches.get(launch.key).tailoring.add  # kept with the launch


def test_a_row_added_by_hand_while_webhooks_are_silent_is_adopted_by_polling(
    rig: Any, clock: ManualClock
) -> None:
    launch = rig.launch.plan.launch
    rig.sender.drop_next = 1
    page = _add_row_by_hand(
        rig,
        "오픈 당일 라이브 방송 모니터링",
        **{
            "런칭": {"select": {"name": launch.name}},
            "부서": {"select": {"name": "CX기획"}},
            "마감일": {"date": {"start": "2027-01-13"}},
        },
    )
    rig.sender.flush()
    clock.advance(minutes=10)
    report = rig.cases.status_sync.run(now=clock())
    assert not report.problems, report.problems
    (item,) = [i for i in rig.cases.launches.items(launch.key) if i.remote_id == page]
    assert item.label == "D-day" and item.status is ItemStatus.NOT_STARTED


def test_a_renamed_column_is_reported_to_cx(rig: Any) -> None:
    source = next(iter(rig.ws.data_sources))
    rig.ws.rename_property_as(rig.person, source, "상태", "진행상태")
    rig.sender.flush()
    posted = eventually(
        lambda: [m for m in rig.slack.posted(rig.cx) if "열이 바뀌었습니다" in m["text"]]
    )
    assert "'상태'" in posted[0]["text"]


def test_webhook_silence_is_caught_by_polling_and_counted(rig: Any, clock: ManualClock) -> None:
    _tick_without_webhook(rig)
    assert _status(rig) is ItemStatus.NOT_STARTED
    clock.advance(minutes=10)
    rig.cases.status_sync.run(now=clock())
    assert _status(rig) is ItemStatus.DONE
    assert rig.webhooks.status().caught_by_polling == 1


def test_an_item_ticked_a_minute_before_the_reminders_is_not_nagged(rig: Any) -> None:
    _tick(rig, "완료")
    rig.sender.flush()
    eventually(lambda: _status(rig) is ItemStatus.DONE)
    report = rig.cases.reminders.run(now=rig.cases.clock())
    assert report.sent
    texts = [m["text"] for m in rig.slack.posted()]
    other = next(
        i
        for i in rig.cases.launches.items(rig.launch.plan.launch.key)
        if i.key.endswith("/partner-admin-accounts")
    )
    assert any(other.title in t for t in texts)  # the digest went out, without the ticked one
    assert not any(rig.item.title in t for t in texts)


def test_a_row_someone_adds_in_notion_and_deprecated_events_are_answered(rig: Any) -> None:
    source = next(iter(rig.ws.data_sources))
    with rig.ws.lock:
        previous, rig.ws.acting_user = rig.ws.acting_user, rig.person
        rig.ws.create_page(
            {
                "parent": {"data_source_id": source},
                "properties": {"항목": {"title": [{"text": {"content": "누가 직접 만든 행"}}]}},
            }
        )
        rig.ws.acting_user = previous
    rig.sender.flush()
    eventually(lambda: rig.sender.delivered)
    (event, status) = rig.sender.delivered[0]
    assert event["type"] == "page.created" and status == 200
    # Handled in the background, after the answer:
    eventually(lambda: [e.outcome for e in _events(rig)] == [
        f"page {event['entity']['id']} ('누가 직접 만든 행'): choose its launch in the 런칭 column"
    ])  # fmt: skip
    old_style = json.dumps(
        _event(rig, id="9d7c1a52-0000-4000-8000-00000000000d", type="database.content_updated")
    ).encode()
    assert _post(rig, old_style, _sign(rig.token, old_style)) == 200
    unknown = json.dumps(
        _event(rig, id="9d7c1a52-0000-4000-8000-00000000000e", type="comment.created")
    ).encode()
    assert _post(rig, unknown, _sign(rig.token, unknown)) == 200
    assert _status(rig) is ItemStatus.NOT_STARTED
