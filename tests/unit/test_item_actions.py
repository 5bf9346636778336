"""Who may press an item's buttons, when a button is stale, and what Slack is sent."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.item_blocks import ItemBlocks
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.dday import DayUnit
from cxbot.domain.item_actions import ButtonRef, ItemAction, Stale, may_act, stale_reason
from cxbot.domain.owners import OwnerDirectory, Person
from cxbot.ports.item_actions import ActionOutcome, HomeEntry, HomeView, Verdict
from cxbot.settings import PROJECT_ROOT

LAUNCH = Launch(
    key="partner-mall-1",
    name="11번가 입점",
    template_key="partner-mall",
    open_date=date(2027, 1, 13),
    planner_name="김지현",
    planner_email="Jihyun.Kim@example.com",
)
ITEM = ChecklistItem(
    key="partner-mall-1/agent-channel",
    launch_key=LAUNCH.key,
    title="상담 채널 확정",
    department="sales",
    department_name="영업/제휴",
    owner_name="박준호",
    owner_email="junho.park@example.com",
    due=date(2026, 12, 21),
    label="D-15",
    unit=DayUnit.BUSINESS,
    scenario="채널을 확인한다",
)
OWNERS = OwnerDirectory(
    owners={"sales": Person(name="박준호", email="junho.park@example.com")},
    members={"sales": ("sora.lee@example.com",)},
)
REF = ButtonRef(item_key=ITEM.key, open_date=LAUNCH.open_date)


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("junho.park@example.com", True),  # the owner
        ("SORA.LEE@example.com ", True),  # a member of the department, any case
        ("jihyun.kim@example.com", True),  # the launch's CX planner
        ("seoyeon.lee@example.com", False),
        (None, False),  # Slack gave no email
        ("", False),
    ],
)
def test_who_may_act(email: str | None, allowed: bool) -> None:
    assert may_act(email, ITEM, LAUNCH, OWNERS) is allowed


def test_an_item_without_owner_or_planner_lets_no_stranger_in() -> None:
    lonely = replace(ITEM, owner_email=None)
    launch = replace(LAUNCH, planner_email=None)
    assert not may_act("someone@example.com", lonely, launch, OwnerDirectory())


def test_stale_reasons() -> None:
    done = replace(ITEM, status=ItemStatus.DONE)
    moved = replace(LAUNCH, open_date=date(2027, 1, 20))
    assert stale_reason(REF, LAUNCH, ITEM, ItemAction.DONE) is None
    assert stale_reason(REF, None, None, ItemAction.DONE) is Stale.LAUNCH_GONE
    assert stale_reason(REF, LAUNCH, None, ItemAction.DONE) is Stale.ITEM_GONE
    assert stale_reason(REF, moved, ITEM, ItemAction.DONE) is Stale.RESCHEDULED
    assert stale_reason(REF, LAUNCH, done, ItemAction.IN_PROGRESS) is Stale.ALREADY_DONE
    assert stale_reason(REF, LAUNCH, done, ItemAction.DONE) is None  # a double click


@pytest.mark.parametrize("value", ["", "not json", '{"i": "x"}', '{"i": "x", "o": "someday"}'])
def test_a_button_cxbot_did_not_draw_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        ButtonRef.decode(value)
    assert ButtonRef.decode(REF.encode()) == REF


@pytest.fixture
def blocks() -> ItemBlocks:
    return ItemBlocks(Renderer(PROJECT_ROOT / "templates", "ko"))


def test_a_done_item_loses_its_buttons_and_others_are_redrawn_from_now(
    blocks: ItemBlocks,
) -> None:
    other = replace(ITEM, key="partner-mall-1/admin", title="어드민 계정")
    message = [
        {
            "type": "section",
            "block_id": f"item:{ITEM.key}",
            "text": {"type": "mrkdwn", "text": "x"},
        },
        *blocks.item_lines(ITEM, LAUNCH),
        {
            "type": "section",
            "block_id": f"item:{other.key}",
            "text": {"type": "mrkdwn", "text": "y"},
        },
        *blocks.item_lines(other, LAUNCH),
    ]
    done = replace(ITEM, status=ItemStatus.DONE)
    outcome = ActionOutcome(
        verdict=Verdict.CHANGED, item=done, launch=LAUNCH, user_id="U1", landed=False
    )
    now_other = replace(other, status=ItemStatus.IN_PROGRESS)
    redrawn = blocks.restamp(message, outcome, current=lambda key: (now_other, LAUNCH))
    assert redrawn is not None
    ids = [b.get("block_id") for b in redrawn]
    assert f"act:{ITEM.key}" not in ids and f"act:{other.key}" in ids
    state = next(b for b in redrawn if b.get("block_id") == f"state:{ITEM.key}")
    text = state["elements"][0]["text"]
    assert "완료" in text and "<@U1>" in text and "Notion에 반영 대기 중" in text
    other_state = next(b for b in redrawn if b.get("block_id") == f"state:{other.key}")
    assert "진행 중" in other_state["elements"][0]["text"]
    assert len(redrawn) == len(message) - 1


def test_the_home_tab_stays_within_100_blocks_and_summarises_the_rest(
    blocks: ItemBlocks,
) -> None:
    entries = tuple(
        HomeEntry(
            launch=LAUNCH,
            item=replace(ITEM, key=f"{LAUNCH.key}/i{n}", due=ITEM.due + timedelta(days=n)),
            days_late=max(0, 10 - n),
        )
        for n in range(130)
    )
    notice = ActionOutcome(verdict=Verdict.CHANGED, item=ITEM, launch=LAUNCH, user_id="U1")
    view = blocks.home(
        HomeView(
            user_id="U1",
            email="a@example.com",
            today=date(2027, 1, 4),
            entries=entries,
            notice=notice,
        )
    )
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    shown = [b for b in view["blocks"] if str(b.get("block_id", "")).startswith("home:")]
    assert 0 < len(shown) < 130
    assert f"그 밖에 {130 - len(shown)}건" in view["blocks"][-1]["text"]["text"]
    assert all(len(b["text"]["text"]) <= 3000 for b in view["blocks"] if b["type"] == "section")


def test_the_reason_modal_is_within_slacks_limits(blocks: ItemBlocks) -> None:
    from cxbot.ports.item_actions import MessageRef

    modal = blocks.reason_modal(ITEM, REF, MessageRef(channel="D1", ts="1.2"))
    assert len(modal["title"]["text"]) <= 24 and modal["submit"]
    assert len(modal["private_metadata"]) <= 3000
    assert modal["blocks"][-1]["type"] == "input"
