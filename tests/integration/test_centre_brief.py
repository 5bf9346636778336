"""The contact centre's brief over the wire: the real root, the Slack emulator, a centre
channel managed by 최민수 — sent once, confirmed on the record, corrected, escalated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cxbot.emulators.http import Fault
from cxbot.emulators.notion import NotionEmulator
from cxbot.ports.briefs import ACK_ACTION, ACK_BLOCK
from tests.conftest import ManualClock
from tests.slack_app_rig import CENTRE_MANAGER, eventually, slack_app_rig

SEOUL = ZoneInfo("Asia/Seoul")
HEADER = "프로모션명,시작일,종료일,채널,혜택,SMS 발송일,유의사항,FAQ\n"


@pytest.fixture
def rig(tmp_path: Path, notion: NotionEmulator, clock: ManualClock) -> Iterator[Any]:
    yield from slack_app_rig(tmp_path, notion, clock, centre=True)


# Promotions far from the briefs' days: one moved row stays under the mass-change guard.
LATER = [f"봄 기획전 {n},2027-04-0{n},,웹,,,," for n in range(1, 6)]


def _sheet(rig: Any, tmp_path: Path, at: datetime, rows: list[str]) -> None:
    path = tmp_path / "promotions.csv"
    path.write_text(HEADER + "\n".join(rows + LATER) + "\n", encoding="utf-8")
    report = rig.cases.calendar_from_file(str(path)).run(now=at)
    assert report.diff is not None


def _at(clock: ManualClock, day: str, hour: int, minute: int = 0) -> datetime:
    moment = datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SEOUL)
    clock.now = moment
    return moment


def _texts(message: dict[str, Any]) -> str:
    return "\n".join(
        str(b.get("text", {}).get("text", ""))
        + "".join(str(e.get("text", "")) for e in b.get("elements") or [] if "text" in e)
        for b in message.get("blocks") or []
    )


def test_the_brief_is_sent_once_confirmed_on_the_record_and_corrected(
    rig: Any, tmp_path: Path, clock: ManualClock
) -> None:
    winter = "겨울 세일,2027-01-14,2027-01-20,앱,전 상품 10%,,쿠폰은 1인 1회,"
    _sheet(rig, tmp_path, _at(clock, "2027-01-04", 10), [winter])
    coupon = "신년 앱 쿠폰,2027-01-12,2027-01-20,앱,5천원 쿠폰,2027-01-12,,쿠폰 재발급 불가"
    _sheet(rig, tmp_path, _at(clock, "2027-01-11", 15), [winter, coupon])

    notion_before = len(rig.notion.requests())
    sent = rig.cases.briefs.run(now=_at(clock, "2027-01-11", 16))
    assert [(s.centre, s.state, s.version) for s in sent] == [("bpo-seoul", "sent", 1)]
    assert len(rig.notion.requests()) == notion_before  # the Notion board is not touched
    again = rig.cases.briefs.run(now=_at(clock, "2027-01-11", 16, 5))
    assert [s.state for s in again] == ["already sent"]
    (message,) = rig.slack.posted(rig.centre_channel)
    text = _texts(message)
    assert "1월 12일" in text and "1월 14일" in text  # Tue … Thu: three business days
    assert "11번가 입점" in text and "오픈" in text  # the launch opens on the 13th
    assert "늦은 공유" in text and "신년 앱 쿠폰" in text  # heard of the day before
    assert "쿠폰은 1인 1회" in text and "쿠폰 재발급 불가" in text  # guidance columns
    assert text.count("늦은 공유") == 3  # the coupon's send and start (and the intro's count)

    # Someone who is not a manager presses: told why, nothing recorded.
    outsider = rig.users["junho.park@example.com"]
    rig.slack.app.click(
        outsider, rig.centre_channel, message["ts"], block_id=ACK_BLOCK, action_id=ACK_ACTION
    )
    refusal = eventually(lambda: [e for e in rig.slack.ephemerals if e["user"] == outsider])
    assert "센터 관리자" in refusal[0]["text"]
    manager = rig.users[CENTRE_MANAGER[1]]
    rig.slack.app.click(
        manager, rig.centre_channel, message["ts"], block_id=ACK_BLOCK, action_id=ACK_ACTION
    )
    eventually(lambda: "확인: 최민수" in _texts(rig.slack.posted(rig.centre_channel)[0]))
    acks = [
        c
        for c in rig.cases.audit.entries()
        if c.entity == "centre_brief" and c.field == "acknowledged"
    ]
    assert [(c.actor, c.note) for c in acks] == [(CENTRE_MANAGER[1], "v1")]

    # The audit report of the launch shows what the centre was told, and who confirmed it.
    report = rig.cases.audit.report(project=None, launch=rig.launch.plan.launch.key)
    (notice,) = report.briefs
    assert "오픈" in notice.line and notice.version == "v1"
    assert [c.actor for c in notice.confirmations] == [CENTRE_MANAGER[1]]
    assert report.chain.ok

    # The sheet moves the winter sale out of the window: a correction, once.
    moved = winter.replace("2027-01-14,2027-01-20", "2027-01-21,2027-01-27")
    _sheet(rig, tmp_path, _at(clock, "2027-01-11", 17), [moved, coupon])
    follow = rig.cases.briefs.follow_up(now=_at(clock, "2027-01-11", 17, 10))
    assert follow["corrections"] == 1 and follow["sent"] == 1
    assert rig.cases.briefs.follow_up(now=_at(clock, "2027-01-11", 17, 20))["corrections"] == 0
    messages = rig.slack.posted(rig.centre_channel)
    assert len(messages) == 2
    correction = _texts(messages[1])
    assert "정정" in correction and "겨울 세일" in correction and "2027-01-21" in correction

    # The next day's brief recaps it, for the agents who read only the newest brief.
    (next_day,) = rig.cases.briefs.run(now=_at(clock, "2027-01-12", 16))
    assert next_day.state == "sent"
    recap = _texts(rig.slack.posted(rig.centre_channel)[-1])
    assert "지난 브리핑 이후 변경" in recap and "겨울 세일" in recap


def test_an_unconfirmed_brief_is_escalated_to_cx_once_before_the_centre_opens(
    rig: Any, tmp_path: Path, clock: ManualClock
) -> None:
    _sheet(rig, tmp_path, _at(clock, "2027-01-04", 10), ["겨울 세일,2027-01-14,,앱,,,,"])
    rig.cases.briefs.run(now=_at(clock, "2027-01-11", 16))
    assert rig.cases.briefs.follow_up(now=_at(clock, "2027-01-12", 7, 50))["escalated"] == 0
    before = len(rig.slack.posted(rig.cx))
    assert rig.cases.briefs.follow_up(now=_at(clock, "2027-01-12", 8, 0))["escalated"] == 1
    assert rig.cases.briefs.follow_up(now=_at(clock, "2027-01-12", 8, 10))["escalated"] == 0
    escalations = rig.slack.posted(rig.cx)[before:]
    assert len(escalations) == 1
    assert "서울 고객센터" in _texts(escalations[0]) and "확인하지 않았습니다" in _texts(
        escalations[0]
    )
    escalated = [c for c in rig.cases.audit.entries() if c.field == "escalated"]
    assert len(escalated) == 1


def test_the_brief_before_seollal_covers_the_holiday_and_the_days_after(
    rig: Any, tmp_path: Path, clock: ManualClock
) -> None:
    """2027-02-05 (Fri) is the business day before Seollal (2/6 … 2/9): its brief covers
    through the third business day after it, 2/12; none is sent on the holiday."""
    rows = [
        "설 당일 특가,2027-02-07,,앱,,,,",
        "연휴 뒤 세일,2027-02-12,,앱,,,,",
        "다음 주 세일,2027-02-15,,앱,,,,",
    ]
    _sheet(rig, tmp_path, _at(clock, "2027-01-20", 10), rows)
    (sent,) = rig.cases.briefs.run(now=_at(clock, "2027-02-05", 16))
    assert sent.state == "sent"
    text = _texts(rig.slack.posted(rig.centre_channel)[-1])
    assert "설 당일 특가" in text and "설날" in text and "연휴 뒤 세일" in text
    assert "다음 주 세일" not in text
    (holiday,) = rig.cases.briefs.run(now=_at(clock, "2027-02-08", 16))
    assert holiday.state == "not a business day"
    assert len(rig.slack.posted(rig.centre_channel)) == 1


def test_a_manager_confirms_from_the_home_tab_and_the_brief_leaves_it(
    rig: Any, tmp_path: Path, clock: ManualClock
) -> None:
    _sheet(rig, tmp_path, _at(clock, "2027-01-04", 10), ["겨울 세일,2027-01-14,,앱,,,,"])
    (sent,) = rig.cases.briefs.run(now=_at(clock, "2027-01-11", 16))
    manager = rig.users[CENTRE_MANAGER[1]]
    rig.slack.app.open_home(manager)
    block = f"home-brief:{sent.key}|1"
    home = eventually(lambda: rig.slack.homes.get(manager))
    assert any(b.get("block_id") == block for b in home["blocks"])
    rig.slack.app.click_home(manager, block_id=block, action_id=ACK_ACTION)
    eventually(
        lambda: not any(b.get("block_id") == block for b in rig.slack.homes[manager]["blocks"])
    )
    acks = [c for c in rig.cases.audit.entries() if c.field == "acknowledged"]
    assert [(c.entity_id, c.actor) for c in acks] == [(sent.key, CENTRE_MANAGER[1])]
    # Someone who manages no centre sees no briefs in their Home.
    planner = rig.users["jihyun.kim@example.com"]
    rig.slack.app.open_home(planner)
    other = eventually(lambda: rig.slack.homes.get(planner))
    assert not any(str(b.get("block_id", "")).startswith("home-brief:") for b in other["blocks"])


def test_a_brief_whose_answer_was_lost_is_found_in_the_channel_not_posted_again(
    rig: Any, tmp_path: Path, clock: ManualClock
) -> None:
    rig.slack.clock = lambda: clock().timestamp()  # messages' ts on the test's clock
    _sheet(rig, tmp_path, _at(clock, "2027-01-04", 10), ["겨울 세일,2027-01-14,,앱,,,,"])
    rig.slack.inject(Fault("drop_after_commit", "POST", r"chat\.postMessage", times=1))
    (first,) = rig.cases.briefs.run(now=_at(clock, "2027-01-11", 16))
    assert first.state == "sent"  # posted, the answer lost, found in the channel's history
    rig.slack.inject(Fault("drop_after_commit", "POST", r"chat\.postMessage", times=1))
    rig.slack.inject(Fault("status", "POST", r"conversations\.history", times=1000, status=500))
    assert rig.cases.briefs.run(now=_at(clock, "2027-01-11", 16, 5))[0].state == "already sent"
    assert len(rig.slack.posted(rig.centre_channel)) == 1
    sent = [
        c for c in rig.cases.audit.entries() if c.entity == "centre_brief" and c.field == "sent"
    ]
    assert len(sent) == 1
