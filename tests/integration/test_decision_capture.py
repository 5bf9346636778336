"""Decisions from Slack: signed shortcut and slash-command requests, confirmation, rejection."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient

from cxbot.adapters.local_board import LocalDecisionBoard
from cxbot.adapters.slack.inbound import SlackInboundAdapter, socket_listener
from cxbot.adapters.slack.workspace import SlackWorkspace
from cxbot.adapters.store.sql_store import SqlStore
from cxbot.domain.audit import verify_chain
from cxbot.domain.decisions import DecisionStatus
from cxbot.emulators.slack import SlackEmulator
from cxbot.entrypoints.slack_requests import SignedRequests, socket_requests
from cxbot.service.decision_capture import CONFIRM, DISCARD, DecisionCapture
from cxbot.service.decision_log import DecisionLog

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1_795_400_000.0


def _signed(body: str, *, secret: str = SECRET, at: float = NOW) -> tuple[bytes, dict[str, str]]:
    timestamp = str(int(at))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return body.encode(), {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest.hexdigest()}",
    }


@pytest.fixture
def rig(sqlite_store: SqlStore) -> Any:
    slack = SlackEmulator(tokens={"xoxb-test"}, rate_limit=False).start()
    kim = slack.add_user("김지현", "jihyun.kim@example.com")
    choi = slack.add_user("최민수", "minsu.choi@example.com")
    channel = slack.add_channel("자동취소-어드민")
    root = slack.add_message(
        channel, kim, "자동취소 실패 주문을 상담 어드민에서 볼 수 있어야 합니다"
    )
    slack.add_message(channel, choi, "2021년에 만든 PG 화면으로 충분하다고 봅니다", thread_ts=root)
    decided = slack.add_message(
        channel, kim, "상담 어드민에 실패 주문 탭을 추가하기로 합니다", thread_ts=root
    )
    log = DecisionLog(store=sqlite_store.decisions, board=LocalDecisionBoard())
    capture = DecisionCapture(
        log=log,
        slack=SlackWorkspace(WebClient(token="xoxb-test", base_url=slack.api_url)),
        clock=lambda: datetime(2026, 11, 23, 1, 0, tzinfo=UTC),
    )
    handler = SignedRequests(capture, _inbound(clock=lambda: NOW + 30))

    class Rig:
        pass

    r = Rig()
    r.slack, r.store, r.handler, r.capture = slack, sqlite_store, handler, capture
    r.kim, r.choi, r.channel, r.root, r.decided = kim, choi, channel, root, decided
    yield r
    slack.stop()


def _shortcut(r: Any) -> str:
    payload = {
        "type": "message_action",
        "callback_id": "cxbot_decision",
        "trigger_id": "t1",
        "user": {"id": r.kim},
        "channel": {"id": r.channel, "name": "자동취소-어드민"},
        "message": {
            "type": "message",
            "user": r.kim,
            "ts": r.decided,
            "thread_ts": r.root,
            "text": "상담 어드민에 실패 주문 탭을 추가하기로 합니다",
        },
        "response_url": r.slack.base_url + "/response/1",
    }
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)})


def test_a_signed_shortcut_makes_a_draft_then_confirmation_records_it(rig: Any) -> None:
    status, _ = rig.handler(*_signed(_shortcut(rig)))
    assert status == 200
    (draft,) = rig.store.decisions.decisions()
    assert draft.status is DecisionStatus.PROPOSED and draft.project == "자동취소-어드민"
    assert [p.who for p in draft.participants] == ["김지현", "최민수"]  # the thread's speakers
    assert draft.links[0].startswith("https://cx-emulator.slack.com/archives/")
    assert "최민수: 2021년에 만든 PG 화면으로 충분하다고 봅니다" in draft.context
    dm = [m for m in rig.slack.posted() if m.get("blocks") and m["blocks"][-1]["type"] == "actions"]
    assert len(dm) == 1 and draft.key in dm[0]["text"]
    assert rig.slack.responses and "DM에서 확인" in rig.slack.responses[0]["text"]
    confirm = {
        "type": "block_actions",
        "user": {"id": rig.kim},
        "actions": [{"action_id": CONFIRM, "value": draft.key}],
        "response_url": rig.slack.base_url + "/response/2",
    }
    status, _ = rig.handler(*_signed(urlencode({"payload": json.dumps(confirm)})))
    assert status == 200
    recorded = rig.store.decisions.get_decision(draft.key)
    assert recorded.status is DecisionStatus.DECIDED
    history = [
        c for c in rig.store.history.changes(entity_id_prefix=draft.key) if c.field == "status"
    ]
    assert [(c.old, c.new, c.actor, c.source.value) for c in history] == [
        (None, "proposed", f"slack:{rig.kim}", "slack"),
        ("proposed", "decided", f"slack:{rig.kim}", "slack"),
    ]
    assert verify_chain(rig.store.history.chain()).ok


def test_discarding_a_draft_keeps_it_as_reverted(rig: Any) -> None:
    rig.handler(*_signed(_shortcut(rig)))
    (draft,) = rig.store.decisions.decisions()
    discard = {
        "type": "block_actions",
        "user": {"id": rig.kim},
        "actions": [{"action_id": DISCARD, "value": draft.key}],
    }
    rig.handler(*_signed(urlencode({"payload": json.dumps(discard)})))
    assert rig.store.decisions.get_decision(draft.key).status is DecisionStatus.REVERTED


@pytest.mark.parametrize("tamper", ["wrong secret", "edited body", "replayed", "unsigned"])
def test_bad_or_stale_signatures_are_refused(rig: Any, tamper: str) -> None:
    body = _shortcut(rig)
    if tamper == "wrong secret":
        raw, headers = _signed(body, secret="not-the-secret")
    elif tamper == "edited body":
        raw, headers = _signed(body)
        raw = raw.replace(b"cxbot_decision", b"cxbot_decisioN")
    elif tamper == "replayed":
        raw, headers = _signed(body, at=NOW - 6 * 60)  # older than Slack's 5 minutes
    else:
        raw, headers = body.encode(), {}
    status, answer = rig.handler(raw, headers)
    assert status == 401 and answer == {"error": "invalid signature"}
    assert rig.store.decisions.decisions() == []


def test_the_slash_command(rig: Any) -> None:
    form = urlencode(
        {
            "command": "/cxbot-decision",
            "user_id": rig.choi,
            "channel_id": rig.channel,
            "text": "자동취소 실패 주문 어드민 | PG 화면 링크를 상담 어드민에 넣는다",
        }
    )
    status, answer = rig.handler(*_signed(form))
    assert status == 200 and answer["response_type"] == "ephemeral"
    (draft,) = rig.store.decisions.decisions()
    assert draft.project == "자동취소 실패 주문 어드민" and draft.decided_by == "최민수"
    usage = urlencode({"command": "/cxbot-decision", "user_id": rig.choi, "text": ""})
    assert "사용법" in rig.handler(*_signed(usage))[1]["text"]


def test_socket_mode_uses_the_same_capture(rig: Any) -> None:
    from slack_sdk.socket_mode.request import SocketModeRequest

    acks: list[Any] = []

    class FakeSocketClient:
        def send_socket_mode_response(self, response: Any) -> None:
            acks.append(response)

    message_action = {
        "type": "message_action",
        "callback_id": "cxbot_decision",
        "user": {"id": rig.kim},
        "channel": {"id": rig.channel},
        "message": {"user": rig.kim, "ts": rig.root, "text": "소켓 모드에서 만든 결정"},
    }
    request = SocketModeRequest(type="interactive", envelope_id="env-1", payload=message_action)
    socket_listener(socket_requests(rig.capture))(FakeSocketClient(), request)
    assert [a.envelope_id for a in acks] == ["env-1"]
    assert [d.title for d in rig.store.decisions.decisions()] == ["소켓 모드에서 만든 결정"]


def test_signature_clock_is_real_time_by_default(rig: Any) -> None:
    handler = SignedRequests(rig.capture, _inbound())
    status, _ = handler(*_signed(_shortcut(rig), at=time.time()))
    assert status == 200


def _inbound(**clock: Any) -> SlackInboundAdapter:
    return SlackInboundAdapter(
        signing_secret=SECRET, app_token=None, web_client=lambda: None, **clock
    )
