"""Departments act from Slack, over the wire: the real slack-bolt app served on loopback,
the Slack emulator posting signed requests as Slack does, the real notion-client against
the Notion emulator, the real root on a SQLite file."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from cxbot.domain.checklist import ItemStatus
from cxbot.emulators.http import Fault
from cxbot.emulators.notion import NotionEmulator
from tests.conftest import ManualClock
from tests.slack_app_rig import (
    block,
    channel_digest_with,
    digest_with,
    eventually,
    found_block,
    page_status,
    reminders_posted,
    slack_app_rig,
)

JUNHO, SORA, KIM, SEOYEON, OUTSIDER = (
    "junho.park@example.com",
    "sora.lee@example.com",
    "jihyun.kim@example.com",
    "seoyeon.lee@example.com",
    "outsider@example.com",
)


@pytest.fixture(params=["http", "socket"])
def rig(
    request: pytest.FixtureRequest, tmp_path: Path, notion: NotionEmulator, clock: ManualClock
) -> Iterator[Any]:
    """The app as `cxbot slack serve` (HTTP) and as `cxbot slack socket` (Socket Mode) run
    it: the same listeners, the same presses. Tests of HTTP itself (signatures, bodies)
    take `http` alone."""
    yield from slack_app_rig(tmp_path, notion, clock, transport=request.param)


@pytest.fixture
def posted(rig: Any, clock: ManualClock) -> Any:
    """Monday's reminders are out; 박준호 has a digest with two overdue sales items."""
    reminders_posted(rig, clock())
    items = rig.cases.launches.items(rig.launch.plan.launch.key)
    rig.item = next(i for i in items if i.key.endswith("/agent-channel"))
    rig.other = next(i for i in items if i.key.endswith("/partner-admin-accounts"))
    rig.channel, rig.ts = digest_with(rig, JUNHO, rig.item.key)
    return rig


def _press(rig: Any, email: str, action: str, *, item: Any = None, **kw: Any) -> Any:
    key = (item or rig.item).key
    return rig.slack.app.click(
        rig.users[email],
        rig.channel,
        rig.ts,
        block_id=f"act:{key}",
        action_id=f"cxbot_item_{action}",
        **kw,
    )


def _status(rig: Any, item: Any = None) -> ItemStatus:
    status: ItemStatus = rig.cases.launches.store.get_item((item or rig.item).key).status
    return status


def _status_changes(rig: Any, item: Any = None) -> list[Any]:
    return [
        c
        for c in rig.cases.audit.history.changes(entity_id_prefix=(item or rig.item).key)
        if c.field == "status" and c.source.value == "slack"
    ]


def _state_text(rig: Any, item: Any = None) -> str:
    found = block(rig, rig.channel, rig.ts, f"state:{(item or rig.item).key}")
    assert found is not None
    return str(found["elements"][0]["text"])


def test_done_updates_store_notion_history_and_the_digest_in_place(posted: Any) -> None:
    rig = posted
    delivery = _press(rig, JUNHO, "done")
    assert delivery.status == 200 and delivery.seconds < 3.0  # acknowledged at once
    eventually(lambda: _status(rig) is ItemStatus.DONE)
    eventually(lambda: page_status(rig, rig.item.key) == "완료")
    (change,) = _status_changes(rig)
    assert (change.old, change.new, change.actor, change.source.value) == (
        "not_started",
        "done",
        JUNHO,
        "slack",
    )
    text = eventually(lambda: "완료" in _state_text(rig) and _state_text(rig))
    assert f"<@{rig.users[JUNHO]}>" in text and "반영 대기" not in text
    assert block(rig, rig.channel, rig.ts, f"act:{rig.item.key}") is None  # no buttons left
    assert block(rig, rig.channel, rig.ts, f"act:{rig.other.key}") is not None  # others kept
    # Reminders stop at once: the next business day's plan leaves the item out.
    plan = rig.cases.reminders.run(now=rig.cases.clock(), today=date(2027, 1, 5), dry_run=True)
    assert all(rig.item.title not in o.text for o in plan.outcomes)
    assert any(rig.other.title in o.text for o in plan.outcomes)


def test_in_progress_keeps_the_buttons_and_a_department_member_may_act(posted: Any) -> None:
    rig = posted
    assert _press(rig, SORA, "in_progress").status == 200  # sora is a member of sales
    eventually(lambda: _status(rig) is ItemStatus.IN_PROGRESS)
    eventually(lambda: "진행 중" in _state_text(rig))
    assert f"<@{rig.users[SORA]}>" in _state_text(rig)
    assert block(rig, rig.channel, rig.ts, f"act:{rig.item.key}") is not None
    assert _status_changes(rig)[-1].actor == SORA


def test_blocked_asks_why_records_it_and_tells_the_planner(posted: Any) -> None:
    rig = posted
    _press(rig, JUNHO, "blocked")
    view_id = eventually(lambda: next(iter(rig.slack.views), None))
    assert _status(rig) is ItemStatus.NOT_STARTED  # nothing changes until the reason comes
    modal = rig.slack.views[view_id]
    assert (
        modal["user"] == rig.users[JUNHO] and modal["view"]["callback_id"] == "cxbot_item_blocked"
    )
    empty = rig.slack.app.submit(rig.users[JUNHO], view_id, {"reason": {"reason": "   "}})
    assert empty.status == 200 and empty.json["response_action"] == "errors"
    assert _status(rig) is ItemStatus.NOT_STARTED
    answer = rig.slack.app.submit(
        rig.users[JUNHO], view_id, {"reason": {"reason": "제휴몰 담당자 회신 대기 중"}}
    )
    assert answer.status == 200 and not answer.body
    eventually(lambda: _status(rig) is ItemStatus.BLOCKED)
    (change,) = _status_changes(rig)
    assert change.new == "blocked" and "제휴몰 담당자 회신 대기 중" in (change.note or "")
    eventually(lambda: "막힘" in _state_text(rig))
    planner_dm = eventually(
        lambda: [
            m
            for ch in rig.slack.channels.values()
            if ch.is_im and rig.users[KIM] in ch.members
            for m in ch.messages
            if "제휴몰 담당자 회신 대기 중" in m["text"]
        ]
    )
    assert rig.item.title in planner_dm[0]["text"]


def test_a_hand_made_reason_is_held_to_the_limits_on_the_server(posted: Any) -> None:
    """The modal's max_length is the client's promise only: a submission made by hand
    with 5,000 characters is refused in the modal; control and bidi characters never
    reach the history or the planner's DM."""
    rig = posted
    _press(rig, JUNHO, "blocked")
    view_id = eventually(lambda: next(iter(rig.slack.views), None))
    only_controls = rig.slack.app.submit(
        rig.users[JUNHO], view_id, {"reason": {"reason": "\x00\u202e\x1b"}}
    )
    assert only_controls.json["response_action"] == "errors"  # no reason at all
    hostile = "\x00\x1b[31m" + "가" * 5000 + "\u202e"
    refused = rig.slack.app.submit(rig.users[JUNHO], view_id, {"reason": {"reason": hostile}})
    assert refused.status == 200 and refused.json["response_action"] == "errors"
    assert "2000" in json.dumps(refused.json["errors"], ensure_ascii=False)
    answer = rig.slack.app.submit(
        rig.users[JUNHO], view_id, {"reason": {"reason": "회신\x00 대기\x1b[2J \u202egnp.exe"}}
    )
    assert answer.status == 200 and not answer.body
    eventually(lambda: _status(rig) is ItemStatus.BLOCKED)
    (change,) = _status_changes(rig)
    assert change.note == "blocked: 회신 대기[2J gnp.exe"
    dms = [m["text"] for ch in rig.slack.channels.values() if ch.is_im for m in ch.messages]
    assert not any(bad in text for text in dms for bad in ("\x00", "\x1b", "\u202e"))


def test_someone_else_is_told_no_and_nothing_changes(posted: Any) -> None:
    rig = posted
    # The overdue item was escalated to the CX channel, where anyone can press its buttons.
    rig.channel, rig.ts = channel_digest_with(rig, rig.item.key)
    assert _press(rig, OUTSIDER, "done").status == 200
    told = eventually(lambda: [e for e in rig.slack.ephemerals if e["user"] == rig.users[OUTSIDER]])
    assert "이 항목의 담당자가 아닙니다" in told[0]["text"]
    assert _status(rig) is ItemStatus.NOT_STARTED and _status_changes(rig) == []
    assert page_status(rig, rig.item.key) == "시작 전"
    _press(rig, SEOYEON, "done")  # owns ux items, not this one
    eventually(lambda: len(rig.slack.ephemerals) == 2)
    assert _status(rig) is ItemStatus.NOT_STARTED


def test_the_planner_may_act_on_any_item_of_the_launch(posted: Any) -> None:
    rig = posted
    _press(rig, KIM, "done")
    eventually(lambda: _status(rig) is ItemStatus.DONE)
    assert _status_changes(rig)[-1].actor == KIM


def test_retried_deliveries_change_once(posted: Any) -> None:
    rig = posted
    assert _press(rig, JUNHO, "done", retries=2).attempts == 3  # X-Slack-Retry-Num 1, 2
    assert _press(rig, JUNHO, "in_progress", item=rig.other, drop_first=True).attempts == 2
    eventually(lambda: _status(rig) is ItemStatus.DONE)
    eventually(lambda: _status(rig, rig.other) is ItemStatus.IN_PROGRESS)
    eventually(lambda: page_status(rig, rig.item.key) == "완료")
    eventually(lambda: page_status(rig, rig.other.key) == "진행 중")
    eventually(lambda: "완료" in _state_text(rig) and "진행 중" in _state_text(rig, rig.other))
    assert len(_status_changes(rig)) == 1 and len(_status_changes(rig, rig.other)) == 1
    assert not [e for e in rig.slack.ephemerals if e["user"] == rig.users[JUNHO]]


def test_a_double_click_changes_once(posted: Any) -> None:
    rig = posted
    assert _press(rig, JUNHO, "done", presses=3).status == 200
    eventually(lambda: _status(rig) is ItemStatus.DONE)
    eventually(lambda: page_status(rig, rig.item.key) == "완료")
    eventually(lambda: "완료" in _state_text(rig))
    assert len(_status_changes(rig)) == 1


def test_stale_buttons_explain_and_refresh(posted: Any) -> None:
    rig = posted
    old_value = found_block(rig, rig.channel, rig.ts, f"act:{rig.item.key}")["elements"][0]["value"]
    rig.cases.launches.reschedule(key=rig.launch.plan.launch.key, open_date=date(2027, 1, 20))
    _press(rig, JUNHO, "done")
    told = eventually(lambda: rig.slack.ephemerals)
    assert "런칭 일정이 바뀌었습니다" in told[0]["text"]
    assert _status(rig) is ItemStatus.NOT_STARTED
    new_value = eventually(
        lambda: (
            found_block(rig, rig.channel, rig.ts, f"act:{rig.item.key}")["elements"][0]["value"]
            != old_value
            and found_block(rig, rig.channel, rig.ts, f"act:{rig.item.key}")["elements"][0]["value"]
        )
    )
    assert json.loads(new_value)["o"] == "2027-01-20"
    moved_due = rig.cases.launches.store.get_item(rig.item.key).due
    assert str(moved_due) in _state_text(rig)
    _press(rig, JUNHO, "done")  # the redrawn button works
    eventually(lambda: _status(rig) is ItemStatus.DONE)


def test_a_button_on_an_item_already_done_elsewhere(posted: Any) -> None:
    rig = posted
    rig.cases.launches.set_item_status(key=rig.item.key, status=ItemStatus.DONE)
    _press(rig, JUNHO, "in_progress")
    told = eventually(lambda: rig.slack.ephemerals)
    assert "이미 완료된 항목" in told[0]["text"]
    assert _status(rig) is ItemStatus.DONE
    eventually(lambda: block(rig, rig.channel, rig.ts, f"act:{rig.item.key}") is None)


def test_notion_down_the_click_is_kept_and_the_outbox_pushes_it(posted: Any) -> None:
    rig = posted
    # Every attempt of the click's push fails (the API retries 5 times).
    rig.notion.inject(Fault(kind="status", status=503, method="PATCH", path=r"/v1/pages/", times=5))
    delivery = _press(rig, JUNHO, "done")
    assert delivery.status == 200 and delivery.seconds < 3.0
    assert eventually(lambda: _status(rig) is ItemStatus.DONE, timeout=3)  # recorded at once
    eventually(lambda: "Notion에 반영 대기 중" in _state_text(rig), timeout=6)
    assert page_status(rig, rig.item.key) == "시작 전"
    eventually(lambda: rig.cases.launches.store.board_behind(), timeout=3)
    health = json.loads(urllib.request.urlopen(rig.health_url, timeout=5).read())
    assert health["notion_behind"] == 1
    eventually(lambda: all(f.times == 0 for f in rig.notion.faults), timeout=20)
    eventually(lambda: rig.cases.outbox.in_flight() == 0)  # the click's push gave up
    report = rig.cases.outbox.drain()
    assert (report.behind, report.landed) == (1, 1)
    assert page_status(rig, rig.item.key) == "완료"
    assert rig.cases.outbox.behind() == 0
    text = eventually(lambda: "반영 대기" not in _state_text(rig) and _state_text(rig))
    assert "완료" in text and f"<@{rig.users[JUNHO]}>" in text
    assert len(_status_changes(rig)) == 1


def test_status_sync_never_reads_an_old_notion_copy_over_a_click(posted: Any) -> None:
    rig = posted
    rig.notion.inject(
        Fault(kind="status", status=503, method="PATCH", path=r"/v1/pages/", times=1000)
    )
    _press(rig, JUNHO, "done")
    eventually(lambda: rig.cases.launches.store.board_behind(), timeout=15)
    # Notion still says 시작 전 (its writes are down, its reads are not): the pull sees that
    # old copy and must leave the item alone.
    report = rig.cases.status_sync.run(now=rig.cases.clock() + timedelta(hours=1))
    assert report.seen >= 1
    assert _status(rig) is ItemStatus.DONE and len(_status_changes(rig)) == 1
    rig.notion.clear_faults()


def test_app_home_lists_my_open_items_and_refreshes_after_an_action(posted: Any) -> None:
    rig = posted
    junho = rig.users[JUNHO]
    assert rig.slack.app.open_home(junho).status == 200
    home = eventually(lambda: rig.slack.homes.get(junho))
    sections = [b for b in home["blocks"] if str(b.get("block_id", "")).startswith("home:")]
    keys = [b["block_id"].removeprefix("home:") for b in sections]
    mine = [
        i.key
        for i in rig.cases.launches.items(rig.launch.plan.launch.key)
        if i.owner_email == JUNHO or i.department == "sales"
    ]
    assert sorted(keys) == sorted(mine) and keys
    overdue_first = [rig.cases.launches.store.get_item(k).due for k in keys]
    assert overdue_first == sorted(overdue_first)
    assert "지남" in sections[0]["text"]["text"]
    rig.slack.app.click_home(junho, block_id=f"act:{keys[0]}", action_id="cxbot_item_done")
    eventually(lambda: _status(rig, rig.cases.launches.store.get_item(keys[0])) is ItemStatus.DONE)
    refreshed = eventually(
        lambda: (
            f"home:{keys[0]}" not in json.dumps(rig.slack.homes[junho]) and rig.slack.homes[junho]
        )
    )
    assert "완료" in json.dumps(refreshed, ensure_ascii=False)  # the notice on top
    assert len(refreshed["blocks"]) <= 100


def test_app_home_empty_state(rig: Any) -> None:
    outsider = rig.users[OUTSIDER]
    rig.slack.app.open_home(outsider)
    home = eventually(lambda: rig.slack.homes.get(outsider))
    assert "처리할 항목이 없습니다" in json.dumps(home, ensure_ascii=False)


@pytest.mark.parametrize("rig", ["http"], indirect=True)  # HTTP itself
@pytest.mark.parametrize("tamper", ["wrong secret", "edited body", "stale", "unsigned"])
def test_bad_signatures_are_refused_and_change_nothing(posted: Any, tamper: str) -> None:
    rig = posted
    from urllib.parse import urlencode

    payload = {
        "type": "block_actions",
        "user": {"id": rig.users[OUTSIDER]},
        "container": {"type": "message", "channel_id": rig.channel, "message_ts": rig.ts},
        "actions": [
            {
                "action_id": "cxbot_item_done",
                "block_id": f"act:{rig.item.key}",
                "value": json.dumps({"i": rig.item.key, "o": "2027-01-13"}),
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    app = rig.slack.app
    if tamper == "wrong secret":
        headers = app.signed_headers(body, secret="not-the-secret")
    elif tamper == "edited body":
        headers = app.signed_headers(body)
        body = body.replace(b"done", b"blocked")
    elif tamper == "stale":
        headers = app.signed_headers(body, timestamp=app.clock() - 6 * 60)
    else:
        headers = {}
    request = urllib.request.Request(
        rig.url,
        data=body,
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 401
    assert _status(rig) is ItemStatus.NOT_STARTED and _status_changes(rig) == []


@pytest.mark.parametrize("rig", ["http"], indirect=True)  # HTTP itself
def test_an_oversized_body_is_refused_unread(rig: Any) -> None:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(rig.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.putrequest("POST", parts.path)
    connection.putheader("Content-Length", str(1_500_000_000))
    connection.endheaders()
    assert connection.getresponse().status == 413
    connection.close()


def _raw_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded", **headers}
    )
    try:
        return int(urllib.request.urlopen(request, timeout=5).status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.parametrize("rig", ["http"], indirect=True)  # HTTP itself
def test_an_exact_replay_inside_the_window_is_not_handled_twice(posted: Any) -> None:
    rig = posted
    from urllib.parse import urlencode

    app = rig.slack.app
    ts = rig.slack.add_message(rig.cx, rig.users[KIM], "재전송된 결정")
    payload = {
        "type": "message_action",
        "callback_id": "cxbot_decision",
        "trigger_id": "1.2.replayed",
        "user": {"id": rig.users[KIM], "name": "김지현"},
        "channel": {"id": rig.cx, "name": "cx-ops"},
        "message": {"user": rig.users[KIM], "ts": ts, "text": "재전송된 결정"},
        "response_url": rig.slack.base_url + "/response/replay",
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    headers = app.signed_headers(body)
    assert _raw_post(rig.url, body, headers) == 200
    assert _raw_post(rig.url, body, headers) == 200  # the same bytes, the same signature
    eventually(lambda: rig.cases.decisions.find())
    import time as _time

    _time.sleep(0.5)  # give a second (wrong) draft time to appear
    assert len(rig.cases.decisions.find()) == 1


@pytest.mark.parametrize("rig", ["http"], indirect=True)  # HTTP itself
@pytest.mark.parametrize(
    ("body", "timestamp", "expected"),
    [
        (b"payload=%7Bnot+json", None, 400),
        (b"payload=%5B1%2C2%5D", None, 400),  # JSON, but not an object
        (b"nonsense=1", None, 400),
        (b"payload=%7B%7D", "not-a-number", 401),
        (b"payload=%7B%7D", "\u00b2", 401),  # passes str.isdigit()
        (b"payload=%7B%7D", "9" * 5010, 401),  # overflows int()
    ],
)
def test_malformed_requests_get_a_4xx_not_a_traceback(
    rig: Any, body: bytes, timestamp: str | None, expected: int
) -> None:
    headers = rig.slack.app.signed_headers(body)
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    assert _raw_post(rig.url, body, headers) == expected


@pytest.mark.parametrize("rig", ["http"], indirect=True)  # HTTP itself
def test_a_slow_body_is_cut_off(rig: Any) -> None:
    import http.client
    import time as _time
    from urllib.parse import urlsplit

    parts = urlsplit(rig.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.putrequest("POST", parts.path)
    connection.putheader("Content-Length", "1000")
    connection.endheaders()
    connection.send(b"payload=")  # and then nothing: the server must not wait forever
    started = _time.monotonic()
    try:
        status = connection.getresponse().status
    except (ConnectionError, http.client.RemoteDisconnected):
        status = None
    assert _time.monotonic() - started < 10 and status in (None, 408)  # the rig cuts at 2 s
    connection.close()


@pytest.mark.parametrize("rig", ["socket"], indirect=True)  # Socket Mode itself
def test_socket_mode_reconnects_when_slack_refreshes_and_acks_every_envelope(
    posted: Any,
) -> None:
    """Slack refreshes Socket Mode connections: the app asks apps.connections.open for a new
    URL, reconnects, and the next press is acknowledged by its envelope_id and handled."""
    rig = posted
    socket_mode = rig.slack.socket_mode
    opened = len(rig.slack.requests("POST", r"apps\.connections\.open"))
    socket_mode.disconnect("refresh_requested")
    eventually(
        lambda: (
            len(rig.slack.requests("POST", r"apps\.connections\.open")) > opened
            and any(c.open and not c.retiring for c in socket_mode.connections)
            # the app has let go of the old one (slack_sdk's client closes it once its
            # read times out, up to 3 s): Slack would retry an envelope sent meanwhile
            and not any(c.open and c.retiring for c in socket_mode.connections)
        )
    )
    delivery = _press(rig, JUNHO, "done")
    assert delivery.status == 200 and delivery.seconds < 3.0
    eventually(lambda: _status(rig) is ItemStatus.DONE)
    sent = [e for e in socket_mode.envelopes if e["type"] == "interactive"]
    assert sent[-1]["payload"]["type"] == "block_actions" and sent[-1]["envelope_id"]
    assert not socket_mode.acks  # every envelope sent was acknowledged
