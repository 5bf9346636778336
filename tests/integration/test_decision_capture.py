"""Decisions from Slack, over the wire: the shortcut and /cxbot-decision posted signed by
the Slack emulator to the real slack-bolt app, confirmation and rejection from the DM."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cxbot.domain.decisions import DecisionStatus
from cxbot.emulators.notion import NotionEmulator
from cxbot.ports.decisions import CONFIRM, DISCARD
from tests.conftest import ManualClock
from tests.slack_app_rig import eventually, slack_app_rig

KIM, JUNHO = "jihyun.kim@example.com", "junho.park@example.com"


@pytest.fixture(params=["http", "socket"])
def rig(
    request: pytest.FixtureRequest, tmp_path: Path, notion: NotionEmulator, clock: ManualClock
) -> Iterator[Any]:
    """The decision shortcut and /cxbot-decision over HTTP and over Socket Mode."""
    for r in slack_app_rig(tmp_path, notion, clock, transport=request.param):
        slack = r.slack
        r.kim, r.junho = r.users[KIM], r.users[JUNHO]
        r.channel = slack.add_channel("자동취소-어드민")
        r.root = slack.add_message(
            r.channel, r.kim, "자동취소 실패 주문을 상담 어드민에서 볼 수 있어야 합니다"
        )
        slack.add_message(
            r.channel, r.junho, "2021년에 만든 PG 화면으로 충분하다고 봅니다", thread_ts=r.root
        )
        r.decided = slack.add_message(
            r.channel, r.kim, "상담 어드민에 실패 주문 탭을 추가하기로 합니다", thread_ts=r.root
        )
        yield r


def _decisions(rig: Any) -> list[Any]:
    found: list[Any] = rig.cases.decisions.find()
    return found


def _dm_with_buttons(rig: Any, user: str) -> dict[str, Any]:
    for channel in rig.slack.channels.values():
        if channel.is_im and user in channel.members:
            for message in channel.messages:
                if any(b["type"] == "actions" for b in message.get("blocks") or []):
                    return {"channel": channel.id, **message}
    raise LookupError(user)


def _press_in_dm(rig: Any, dm: dict[str, Any], action_id: str) -> None:
    actions = next(b for b in dm["blocks"] if b["type"] == "actions")
    delivery = rig.slack.app.click(
        rig.kim, dm["channel"], dm["ts"], block_id=actions["block_id"], action_id=action_id
    )
    assert delivery.status == 200


def test_the_shortcut_makes_a_draft_and_the_dm_button_records_it(rig: Any) -> None:
    delivery = rig.slack.app.shortcut(
        rig.kim, rig.channel, rig.decided, callback_id="cxbot_decision"
    )
    assert delivery.status == 200 and delivery.seconds < 3.0
    (draft,) = eventually(lambda: _decisions(rig))
    assert draft.status is DecisionStatus.PROPOSED and draft.project == "자동취소-어드민"
    assert [p.who for p in draft.participants] == ["김지현", "박준호"]  # the thread's speakers
    assert draft.links[0].startswith("https://cx-emulator.slack.com/archives/")
    assert "박준호: 2021년에 만든 PG 화면으로 충분하다고 봅니다" in draft.context
    dm = eventually(lambda: _dm_with_buttons(rig, rig.kim))
    assert draft.key in dm["text"]
    eventually(lambda: any("DM에서 확인" in r.get("text", "") for r in rig.slack.responses))
    _press_in_dm(rig, dm, CONFIRM)
    eventually(lambda: rig.cases.decisions.get(draft.key).status is DecisionStatus.DECIDED)
    history = [c for c in rig.cases.decisions.changes_of(draft.key) if c.field == "status"]
    assert [(c.old, c.new, c.actor, c.source.value) for c in history] == [
        (None, "proposed", f"slack:{rig.kim}", "slack"),
        ("proposed", "decided", f"slack:{rig.kim}", "slack"),
    ]
    assert rig.cases.audit.verify().ok


def test_discarding_a_draft_keeps_it_as_reverted(rig: Any) -> None:
    rig.slack.app.shortcut(rig.kim, rig.channel, rig.decided, callback_id="cxbot_decision")
    (draft,) = eventually(lambda: _decisions(rig))
    _press_in_dm(rig, eventually(lambda: _dm_with_buttons(rig, rig.kim)), DISCARD)
    eventually(lambda: rig.cases.decisions.get(draft.key).status is DecisionStatus.REVERTED)


def test_the_slash_command(rig: Any) -> None:
    text = "자동취소 실패 주문 어드민 | PG 화면 링크를 상담 어드민에 넣는다"
    delivery = rig.slack.app.command(rig.junho, rig.channel, "/cxbot-decision", text)
    assert delivery.status == 200
    (draft,) = eventually(lambda: _decisions(rig))
    assert draft.project == "자동취소 실패 주문 어드민" and draft.decided_by == "박준호"
    eventually(lambda: any("결정 초안" in r.get("text", "") for r in rig.slack.responses))
    rig.slack.app.command(rig.junho, rig.channel, "/cxbot-decision", "")
    eventually(lambda: any("사용법" in r.get("text", "") for r in rig.slack.responses))
    assert len(_decisions(rig)) == 1


@pytest.mark.parametrize("tamper", ["wrong secret", "stale", "unsigned"])
def test_bad_signatures_make_no_draft(rig: Any, tamper: str) -> None:
    import json
    import urllib.error
    import urllib.request
    from urllib.parse import urlencode

    payload = {
        "type": "message_action",
        "callback_id": "cxbot_decision",
        "user": {"id": rig.kim},
        "channel": {"id": rig.channel},
        "message": {"user": rig.kim, "ts": rig.decided, "text": "위조된 결정"},
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    app = rig.slack.app
    headers = {
        "wrong secret": app.signed_headers(body, secret="not-the-secret"),
        "stale": app.signed_headers(body, timestamp=app.clock() - 6 * 60),
        "unsigned": {},
    }[tamper]
    request = urllib.request.Request(
        rig.url, data=body, headers={**headers, "Content-Type": "application/x-www-form-urlencoded"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 401
    assert _decisions(rig) == []


def test_socket_mode_envelopes_reach_the_same_listeners(rig: Any) -> None:
    """What bolt's SocketModeHandler does with each envelope (no signature: the socket
    itself is authenticated by the app-level token)."""
    from slack_bolt.adapter.socket_mode.internals import run_bolt_app
    from slack_sdk.socket_mode.request import SocketModeRequest

    from cxbot.entrypoints.cli.serving import _slack_app

    payload = {
        "type": "message_action",
        "callback_id": "cxbot_decision",
        "trigger_id": "1.2.socket",
        "user": {"id": rig.kim, "name": "김지현"},
        "channel": {"id": rig.channel, "name": "자동취소-어드민"},
        "message": {"user": rig.kim, "ts": rig.root, "text": "소켓 모드에서 만든 결정"},
        "response_url": rig.slack.base_url + "/response/socket",
    }
    request = SocketModeRequest(type="interactive", envelope_id="env-1", payload=payload)
    answer = run_bolt_app(_slack_app(rig.cases), request)
    assert answer.status == 200
    (draft,) = eventually(lambda: _decisions(rig))
    assert draft.title == "소켓 모드에서 만든 결정"


def test_one_cxbot_command_with_sub_commands(rig: Any) -> None:
    def answer(text: str) -> str:
        before = len(rig.slack.responses)
        assert rig.slack.app.command(rig.kim, rig.channel, "/cxbot", text).status == 200
        found = eventually(lambda: rig.slack.responses[before:])
        assert found[0].get("response_type") == "ephemeral"
        return str(found[0].get("text", ""))

    status = answer("status")
    assert "런칭 현황" in status and "11번가 입점" in status and "오픈 2027-01-13" in status
    assert "*cxbot* 명령" in answer("") and "/cxbot status" in answer("help")
    assert "‘&lt;b&gt;’은(는) cxbot 명령이 아닙니다" in answer("<b>")  # escaped, and named
    assert rig.slack.app.command(rig.kim, rig.channel, "/cxbot", "launch").status == 200
    _view_id, view = eventually(lambda: rig.slack.app.open_view(rig.kim))
    assert view["callback_id"] == "cxbot_kickoff"  # the kick-off modal, not a text
    assert "결정 초안" in answer("decision 자동취소 실패 주문 어드민 | PG 화면 링크를 넣는다")
    (draft,) = eventually(lambda: _decisions(rig))
    assert draft.project == "자동취소 실패 주문 어드민" and draft.decided_by == "김지현"
