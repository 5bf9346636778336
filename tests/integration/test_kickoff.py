"""The CX planner kicks off a launch from Slack, over the wire: `/cxbot launch` or the
"런칭 시작" shortcut opens the modal, step 1 is checked inside it (a holiday opening is
refused by name), step 2 lists the items by department, the checklist is written to the
Notion emulator with progress in the planner's DM, and the announcement appears once in
the chosen channel, every owner mentioned, pinned. A non-planner is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from cxbot.domain.checklist import ItemStatus
from cxbot.emulators.notion import NotionEmulator
from cxbot.ports.kickoff import ADD_ITEM, CHANGE_ITEM, EXCLUDE, REPLAN, RESTORE, SHORTCUT
from tests.conftest import ManualClock
from tests.slack_app_rig import eventually, slack_app_rig

KIM, JUNHO, OUTSIDER = "jihyun.kim@example.com", "junho.park@example.com", "outsider@example.com"
SEOYEON = "seoyeon.lee@example.com"
OPENING = "2027-02-22"  # a Monday after Seollal
SKIPPED = ("cs-phone-number", "ars-setup")


@pytest.fixture(params=["http", "socket"])
def rig(
    request: pytest.FixtureRequest, tmp_path: Path, notion: NotionEmulator, clock: ManualClock
) -> Iterator[Any]:
    for r in slack_app_rig(tmp_path, notion, clock, transport=request.param):
        r.kim = r.users[KIM]
        r.launch_channel = r.slack.add_channel("launch-11st")
        yield r


def _first_step(
    rig: Any, user: str, opening: str, name: str = "지마켓 입점", planner: str | None = None
) -> Any:
    """Step 1 submitted; `planner`: someone else picked as the launch's planner."""
    view_id, _view = rig.slack.app.open_view(user)
    values = {
        "k_template": {
            "v": {"type": "static_select", "selected_option": {"value": "partner-mall"}}
        },
        "k_name": {"v": name},
        "k_date": {"v": {"type": "datepicker", "selected_date": opening}},
        "k_channel": {
            "v": {"type": "conversations_select", "selected_conversation": rig.launch_channel}
        },
    }
    if planner is not None:
        values["k_planner"] = {"v": {"type": "users_select", "selected_user": planner}}
    return view_id, rig.slack.app.submit(user, view_id, values)


def _kept_all_but(
    view: dict[str, Any], skipped: tuple[str, ...], owner: str | None = None
) -> dict[str, Any]:
    """Step 2 as submitted: every department's items as offered, less the skipped ones;
    `owner` for each department the owners file left without one."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        if block["block_id"].startswith("k_dept:"):
            kept = [o for o in block["element"]["initial_options"] if o["value"] not in skipped]
            values[block["block_id"]] = {
                "v": {"type": "multi_static_select", "selected_options": kept}
            }
        owned = "initial_user" in block["element"]
        if block["block_id"].startswith("k_owner:") and owner is not None and not owned:
            values[block["block_id"]] = {"v": {"type": "users_select", "selected_user": owner}}
    return values


def test_a_planner_kicks_off_a_tailored_launch_announced_once(rig: Any) -> None:
    slack = rig.slack
    opened = slack.app.command(rig.kim, rig.cx, "/cxbot", "launch")
    assert opened.status == 200
    view_id, view = eventually(lambda: slack.app.open_view(rig.kim))
    assert view["callback_id"] == "cxbot_kickoff"
    picker = next(b for b in view["blocks"] if b.get("block_id") == "k_planner")
    assert picker["element"]["initial_user"] == rig.kim  # whoever opened it, by default

    # a holiday opening is refused inside the modal, by name
    _same, refused = _first_step(rig, rig.kim, "2027-03-01")
    answer = json.loads(refused.body)
    assert answer["response_action"] == "errors"
    assert "삼일절" in answer["errors"]["k_date"]

    # step 2: every item of the template listed by department with its due date
    _same, accepted = _first_step(rig, rig.kim, OPENING)
    assert json.loads(accepted.body)["response_action"] == "update"
    view_id, items_view = slack.app.open_view(rig.kim)
    assert items_view["callback_id"] == "cxbot_kickoff_items"
    offered = [
        o["value"]
        for b in items_view["blocks"]
        if b.get("block_id", "").startswith("k_dept:")
        for o in b["element"]["options"]
    ]
    assert len(offered) == 21 and set(SKIPPED) <= set(offered)
    options = [o for b in items_view["blocks"] if b.get("block_id", "").startswith("k_dept:cx@")
               for o in b["element"]["options"]]  # fmt: skip
    assert options[0]["text"]["text"].startswith("D-30 · 01/")  # the due date it gets

    unowned = slack.app.submit(rig.kim, view_id, _kept_all_but(items_view, SKIPPED))
    errors = json.loads(unowned.body)["errors"]  # no owner in the file, or not found in Slack
    assert set(errors) == {f"k_owner:{d}" for d in ("marketing", "bpo", "legal", "logistics")}
    assert errors["k_owner:marketing"] == "마케팅의 담당자를 골라 주세요"
    values = _kept_all_but(items_view, SKIPPED, owner=rig.users[JUNHO])
    values.update(
        k_add_title={"v": "제휴몰 전용 쿠폰 CS 가이드"},
        k_add_department={"v": {"type": "static_select", "selected_option": {"value": "cx"}}},
        k_add_due={"v": "d-3"},
        k_add_scenario={"v": "쿠폰 문의 스크립트가 매뉴얼에 있는지 확인한다."},
    )
    created = slack.app.submit(rig.kim, view_id, values)
    assert created.status == 200 and created.seconds < 3.0
    with pytest.raises(LookupError):
        slack.app.open_view(rig.kim)  # the modal closed

    launch = eventually(
        lambda: next((x for x in rig.cases.launches.all() if x.name == "지마켓 입점"), None)
    )
    items = eventually(lambda: len(rig.cases.launches.items(launch.key)) == 20 and
                       rig.cases.launches.items(launch.key))  # fmt: skip
    keys = {i.key.rpartition("/")[2] for i in items}
    assert not keys & set(SKIPPED) and any(k.startswith("added-") for k in keys)
    assert all(i.remote_id for i in eventually(lambda: _published(rig, launch.key)))

    # the history names the planner's e-mail as who created it
    changes = rig.cases.audit.history.changes(entity_id_prefix=launch.key)
    assert changes and {c.actor for c in changes} == {KIM}

    # the planner's DM: one message, updated to the end
    dm = eventually(lambda: _dm_with(slack, rig.kim, "체크리스트 완료"))
    assert "20개 항목을 Notion에 작성" in dm["text"]

    # the announcement: once, in the chosen channel, every owner mentioned, pinned
    announced = eventually(lambda: _announcements(slack, rig.launch_channel))
    assert len(announced) == 1
    text = json.dumps(announced[0]["blocks"], ensure_ascii=False)
    for email in (KIM, JUNHO):
        assert f"<@{rig.users[email]}>" in text
    assert "제휴몰 전용 쿠폰 CS 가이드" in text
    # the owner picked in the modal, not the refused first submission's plan
    assert f"*마케팅* · 담당 <@{rig.users[JUNHO]}>" in text
    assert f"기획 <@{rig.kim}>" in text and launch.planner_email == KIM  # who kicked off
    assert eventually(lambda: slack.channels[rig.launch_channel].pins) == [announced[0]["ts"]]

    # announcing again changes nothing
    result = rig.cases.launches.create(
        template="partner-mall", name="지마켓 입점", open_date=launch.open_date,
        tailoring=launch.tailoring, dry_run=True,
    )  # fmt: skip
    assert rig.cases.kickoff().announce(result, rig.launch_channel) is None
    assert len(_announcements(slack, rig.launch_channel)) == 1


def test_someone_who_is_not_a_planner_is_refused_and_nothing_changes(rig: Any) -> None:
    slack, outsider = rig.slack, rig.users[OUTSIDER]
    before = len(rig.cases.launches.all())
    slack.app.global_shortcut(outsider, callback_id=SHORTCUT)
    told = eventually(
        lambda: (
            [e for e in slack.ephemerals if e["user"] == outsider]
            or _dm_with(slack, outsider, "CX 기획자만")
        )
    )
    assert told
    with pytest.raises(LookupError):
        slack.app.open_view(outsider)
    assert len(rig.cases.launches.all()) == before


@pytest.fixture
def group_rig(tmp_path: Path, notion: NotionEmulator, clock: ManualClock) -> Iterator[Any]:
    """CXBOT_PLANNERS names a user group by handle, one by id, and 김지현 by e-mail."""
    planners = "@cx-planners, S0000999,jihyun.kim@example.com"
    yield from slack_app_rig(tmp_path, notion, clock, planners=planners)


def test_planners_named_by_a_slack_user_group_may_and_others_still_may_not(
    group_rig: Any,
) -> None:
    """Members of the planners' user groups may kick off and use the desk; someone in no
    group (or only in a disabled one) is refused."""
    slack = group_rig.slack
    seoyeon, junho, outsider = (group_rig.users[e] for e in (SEOYEON, JUNHO, OUTSIDER))
    slack.add_user_group("cx-planners", [seoyeon])
    slack.add_user_group("old-planners", [outsider], disabled=True)
    by_id = slack.add_user_group("sales-leads", [junho])
    slack.user_groups["S0000999"] = {**slack.user_groups.pop(by_id), "id": "S0000999"}
    for member in (seoyeon, junho):
        slack.app.global_shortcut(member, callback_id=SHORTCUT)
        eventually(partial(slack.app.open_view, member))
    slack.app.global_shortcut(outsider, callback_id=SHORTCUT)
    eventually(partial(_dm_with, slack, outsider, "CX 기획자만"))
    with pytest.raises(LookupError):
        slack.app.open_view(outsider)
    # A member's Home tab carries the desk of every running launch; not an outsider's.
    desk = f"desk:{group_rig.launch.plan.launch.key}"
    for person, has_desk in ((seoyeon, True), (outsider, False)):
        slack.app.open_home(person)
        home = eventually(partial(slack.homes.get, person))
        assert any(b.get("block_id") == desk for b in home["blocks"]) is has_desk


def test_the_shortcut_opens_the_modal_for_a_planner(rig: Any) -> None:
    rig.slack.app.global_shortcut(rig.kim, callback_id=SHORTCUT)
    _view_id, view = eventually(lambda: rig.slack.app.open_view(rig.kim))
    blocks = {b.get("block_id") for b in view["blocks"]}
    assert {"k_template", "k_name", "k_date", "k_channel"} <= blocks
    templates = next(b for b in view["blocks"] if b.get("block_id") == "k_template")
    assert {o["value"] for o in templates["element"]["options"]} >= {"partner-mall", "open-market"}


def _published(rig: Any, key: str) -> Any:
    items = rig.cases.launches.items(key)
    return items if items and all(i.remote_id for i in items) else None


def _dm_with(slack: Any, user: str, words: str) -> Any:
    for channel in slack.channels.values():
        if channel.is_im and user in channel.members:
            for message in reversed(channel.messages):
                if words in message.get("text", ""):
                    return message
    return None


def _announcements(slack: Any, channel: str) -> list[dict[str, Any]]:
    return [
        m
        for m in slack.channels[channel].messages
        if (m.get("metadata") or {})
        .get("event_payload", {})
        .get("message_key", "")
        .startswith("announce:")
    ]


def _kick_off(rig: Any, planner: str | None = None) -> tuple[Any, dict[str, Any]]:
    """A launch kicked off from Slack, as the planner does it; (launch, announcement)."""
    rig.slack.app.global_shortcut(rig.kim, callback_id=SHORTCUT)
    eventually(lambda: rig.slack.app.open_view(rig.kim))
    view_id, _answer = _first_step(rig, rig.kim, OPENING, planner=planner)
    _same, items_view = rig.slack.app.open_view(rig.kim)
    rig.slack.app.submit(rig.kim, view_id, _kept_all_but(items_view, SKIPPED, rig.users[JUNHO]))
    (announcement,) = eventually(lambda: _announcements(rig.slack, rig.launch_channel))
    launch = next(x for x in rig.cases.launches.all() if x.name == "지마켓 입점")
    return launch, announcement


def test_the_planner_picked_in_the_modal_is_the_launchs_and_may_re_plan_it(rig: Any) -> None:
    """김지현 kicks off with 이서연 (not in CXBOT_PLANNERS) as the launch's planner: the
    launch and its announcement name her, and she may use this launch's desk."""
    seoyeon = rig.users[SEOYEON]
    launch, announcement = _kick_off(rig, planner=seoyeon)
    assert launch.planner_email == SEOYEON
    assert f"기획 <@{seoyeon}>" in json.dumps(announcement["blocks"], ensure_ascii=False)
    _press_desk(rig, seoyeon, announcement, REPLAN)
    _id, view = eventually(lambda: rig.slack.app.open_view(seoyeon))
    assert view["callback_id"] == "cxbot_replan"


def _press_desk(rig: Any, user: str, announcement: dict[str, Any], action: str) -> Any:
    return rig.slack.app.click(
        user, rig.launch_channel, announcement["ts"], block_id="cxbot_desk", action_id=action
    )


def test_the_planner_re_plans_from_the_announcement_and_owners_hear_in_its_thread(
    rig: Any,
) -> None:
    slack = rig.slack
    launch, announcement = _kick_off(rig)
    before = {i.key: i.due for i in rig.cases.launches.items(launch.key)}
    _press_desk(rig, rig.kim, announcement, REPLAN)
    view_id, view = eventually(lambda: slack.app.open_view(rig.kim))
    assert view["callback_id"] == "cxbot_replan"

    def pick(day: str) -> Any:
        picked = {"k_date": {"v": {"type": "datepicker", "selected_date": day}}}
        return slack.app.submit(rig.kim, view_id, picked)

    assert "설날" in json.loads(pick("2027-02-08").body)["errors"]["k_date"]
    assert json.loads(pick("2027-03-02").body)["response_action"] == "update"
    _same, preview = slack.app.open_view(rig.kim)
    shown = json.dumps(preview["blocks"], ensure_ascii=False)
    assert "2027-03-02" in shown and "마감이 바뀌는 항목 19개" in shown  # before it is confirmed
    assert rig.cases.launches.get(launch.key).open_date == launch.open_date

    assert slack.app.submit(rig.kim, view_id, {}).status == 200
    moved = eventually(
        lambda: rig.cases.launches.get(launch.key).open_date.isoformat() == "2027-03-02"
    )
    assert moved
    after = {i.key: i.due for i in rig.cases.launches.items(launch.key)}
    assert all(after[k] > before[k] for k in before)
    parent = announcement["ts"]
    reply = eventually(lambda: [m for m in slack.channels[rig.launch_channel].messages
                                if m.get("thread_ts") == parent and m["ts"] != parent])  # fmt: skip
    assert "일정 변경" in reply[0]["text"] and f"<@{rig.users[JUNHO]}>" in reply[0]["text"]
    opened = [c for c in rig.cases.audit.history.changes(entity_id_prefix=launch.key)
              if c.field == "open_date" and c.new == "2027-03-02"]  # fmt: skip
    assert [c.actor for c in opened] == [KIM]


def test_the_planner_excludes_an_item_with_a_reason_and_adds_one(rig: Any) -> None:
    slack = rig.slack
    launch, announcement = _kick_off(rig)
    item = f"{launch.key}/agent-channel"
    _press_desk(rig, rig.kim, announcement, EXCLUDE)
    view_id, view = eventually(lambda: slack.app.open_view(rig.kim))
    chosen = {"k_item": {"v": {"type": "static_select", "selected_option": {"value": item}}}}
    no_reason = slack.app.submit(rig.kim, view_id, {**chosen, "k_reason": {"v": "  "}})
    assert "이유" in json.loads(no_reason.body)["errors"]["k_reason"]
    slack.app.submit(
        rig.kim, view_id, {**chosen, "k_reason": {"v": "지마켓은 소통 채널이 이미 있음"}}
    )
    eventually(lambda: rig.cases.launches.store.get_item(item) is None)
    removed = [c for c in rig.cases.audit.history.changes(entity_id_prefix=item)
               if c.actor == KIM]  # fmt: skip
    assert removed and any("지마켓은 소통 채널이 이미 있음" in f"{c.new} {c.note}" for c in removed)

    _press_desk(rig, rig.kim, announcement, ADD_ITEM)
    view_id, view = eventually(lambda: slack.app.open_view(rig.kim))
    assert view["callback_id"] == "cxbot_add_item"
    slack.app.submit(rig.kim, view_id, {
        "k_add_title": {"v": "지마켓 스마일클럽 문의 대응"},
        "k_add_department": {"v": {"type": "static_select", "selected_option": {"value": "cx"}}},
        "k_add_due": {"v": "D-5"},
    })  # fmt: skip
    added = eventually(lambda: [i for i in rig.cases.launches.items(launch.key)
                                if i.title == "지마켓 스마일클럽 문의 대응"])  # fmt: skip
    assert added[0].label == "D-5"


def test_the_planner_changes_an_items_owner_and_due_day_and_restores_an_excluded_one(
    rig: Any,
) -> None:
    """Without a terminal: 항목 수정 gives one item its own owner and D-offset (kept by a
    re-plan), 항목 복원 brings an excluded item back with the status it had."""
    slack = rig.slack
    launch, announcement = _kick_off(rig)
    manual, channel = f"{launch.key}/consultation-manual", f"{launch.key}/agent-channel"

    def pick(item: str) -> dict[str, Any]:
        return {"k_item": {"v": {"type": "static_select", "selected_option": {"value": item}}}}

    _press_desk(rig, rig.kim, announcement, CHANGE_ITEM)
    view_id, view = eventually(lambda: slack.app.open_view(rig.kim))
    assert view["callback_id"] == "cxbot_change_item"
    nothing = json.loads(slack.app.submit(rig.kim, view_id, pick(manual)).body)
    assert "새 담당자" in nothing["errors"]["k_new_owner"]
    junho = {"v": {"type": "users_select", "selected_user": rig.users[JUNHO]}}
    typo = slack.app.submit(
        rig.kim, view_id, {**pick(manual), "k_new_owner": junho, "k_new_due": {"v": "D-1O"}}
    )
    assert "D-1O" in json.loads(typo.body)["errors"]["k_new_due"]  # and not half done:
    slack.app.submit(rig.kim, view_id, {
        **pick(manual),
        "k_new_owner": {"v": {"type": "users_select", "selected_user": rig.users[SEOYEON]}},
        "k_new_due": {"v": "d-12"},
    })  # fmt: skip
    changed = eventually(lambda: (i := rig.cases.launches.store.get_item(manual)) and
                         i.label == "D-12" and i.owner_email == SEOYEON and i)  # fmt: skip
    assert changed.owner_name == "이서연"
    history = rig.cases.audit.history.changes(entity_id_prefix=manual)
    assert any(c.field == "owner" and c.actor == KIM and c.source == "slack" for c in history)
    assert not any(c.new == JUNHO for c in history)  # the refused submission changed nothing

    rig.cases.launches.set_item_status(key=channel, status=ItemStatus.IN_PROGRESS)
    rig.cases.launches.exclude(item=channel, reason="소통 채널이 이미 있음")
    _press_desk(rig, rig.kim, announcement, RESTORE)
    view_id, view = eventually(lambda: slack.app.open_view(rig.kim))
    listed = next(b for b in view["blocks"] if b.get("block_id") == "k_item")
    skipped_at_kickoff = [f"{launch.key}/{k}" for k in SKIPPED]  # may be brought in too
    assert [o["value"] for o in listed["element"]["options"]] == [*skipped_at_kickoff, channel]
    slack.app.submit(rig.kim, view_id, pick(channel))
    back = eventually(lambda: rig.cases.launches.store.get_item(channel))
    assert back.status is ItemStatus.IN_PROGRESS
    # a new opening day keeps the item's own owner and offset
    rig.cases.launches.reschedule(key=launch.key, open_date=date(2027, 2, 26))
    kept = rig.cases.launches.store.get_item(manual)
    assert kept is not None and (kept.label, kept.owner_email) == ("D-12", SEOYEON)
    # nothing left to restore: the modal says so, with nothing to submit
    for key in skipped_at_kickoff:
        rig.cases.launches.restore(item=key)
    _press_desk(rig, rig.kim, announcement, RESTORE)
    _id, empty = eventually(lambda: slack.app.open_view(rig.kim))
    assert "submit" not in empty and "없습니다" in json.dumps(empty, ensure_ascii=False)


def test_someone_else_pressing_the_desk_buttons_is_refused(rig: Any) -> None:
    launch, announcement = _kick_off(rig)
    outsider = rig.users[OUTSIDER]
    _press_desk(rig, outsider, announcement, REPLAN)
    eventually(lambda: [e for e in rig.slack.ephemerals if e["user"] == outsider])
    with pytest.raises(LookupError):
        rig.slack.app.open_view(outsider)
    assert rig.cases.launches.get(launch.key).open_date == launch.open_date


def test_a_launch_gets_a_channel_of_its_own_with_its_owners_invited(rig: Any) -> None:
    slack = rig.slack
    slack.app.global_shortcut(rig.kim, callback_id=SHORTCUT)
    view_id, _view = eventually(lambda: slack.app.open_view(rig.kim))
    base = {
        "k_template": {
            "v": {"type": "static_select", "selected_option": {"value": "partner-mall"}}
        },
        "k_name": {"v": "옥션 입점"},
        "k_date": {"v": {"type": "datepicker", "selected_date": OPENING}},
    }
    nowhere = json.loads(slack.app.submit(rig.kim, view_id, base).body)
    assert "새 채널 이름" in nowhere["errors"]["k_channel"]
    bad = slack.app.submit(rig.kim, view_id, {**base, "k_new_channel": {"v": "Launch Auction"}})
    assert "소문자" in json.loads(bad.body)["errors"]["k_new_channel"]
    named = {**base, "k_new_channel": {"v": "#launch-auction"}}
    assert json.loads(slack.app.submit(rig.kim, view_id, named).body)["response_action"] == "update"
    _same, items_view = slack.app.open_view(rig.kim)
    slack.app.submit(rig.kim, view_id, _kept_all_but(items_view, (), rig.users[JUNHO]))
    channel = eventually(
        lambda: next((c for c in slack.channels.values() if c.name == "launch-auction"), None)
    )
    invited = {rig.kim, rig.users[JUNHO], rig.users["seoyeon.lee@example.com"]}
    eventually(lambda: invited <= channel.members)  # invited just after it is created
    (announcement,) = eventually(lambda: _announcements(slack, channel.id))
    assert eventually(lambda: channel.pins) == [announcement["ts"]]


def test_a_planners_home_tab_has_the_desk_of_each_running_launch(rig: Any) -> None:
    slack = rig.slack
    launch = rig.launch.plan.launch
    slack.app.open_home(rig.kim)
    home = eventually(lambda: slack.homes.get(rig.kim))
    assert any(b.get("block_id") == f"desk:{launch.key}" for b in home["blocks"])
    slack.app.click_home(rig.kim, block_id=f"desk:{launch.key}", action_id=REPLAN)
    _view_id, view = eventually(lambda: slack.app.open_view(rig.kim))
    assert view["callback_id"] == "cxbot_replan"
    outsider = rig.users[OUTSIDER]
    slack.app.open_home(outsider)
    theirs = eventually(lambda: slack.homes.get(outsider))
    assert not any(str(b.get("block_id", "")).startswith("desk:") for b in theirs["blocks"])


def test_changing_the_opening_day_in_step_2_redraws_every_due_date_in_place(rig: Any) -> None:
    slack = rig.slack
    slack.app.global_shortcut(rig.kim, callback_id=SHORTCUT)
    eventually(lambda: slack.app.open_view(rig.kim))
    view_id, _answer = _first_step(rig, rig.kim, OPENING)

    def first_cx_option() -> str:
        _same, view = slack.app.open_view(rig.kim)
        block = next(b for b in view["blocks"] if b.get("block_id", "").startswith("k_dept:cx@"))
        return str(block["element"]["options"][0]["text"]["text"])

    before = first_cx_option()
    assert before.startswith("D-30 · 01/07")  # 30 business days before 2027-02-22
    day = {"type": "datepicker", "selected_date": "2027-03-02"}
    assert slack.app.change_input(rig.kim, view_id, "k_date", day).status == 200
    after = eventually(lambda: first_cx_option() if first_cx_option() != before else None)
    assert after.startswith("D-30 · 01/14")  # the same item, 30 business days before 3/2
    holiday = {"type": "datepicker", "selected_date": "2027-03-01"}
    slack.app.change_input(rig.kim, view_id, "k_date", holiday)

    def note() -> str:
        _same, view = slack.app.open_view(rig.kim)
        return json.dumps(view["blocks"], ensure_ascii=False)

    assert "삼일절" in eventually(lambda: note() if "삼일절" in note() else None)
    assert not rig.cases.launches.all() or all(
        x.name != "지마켓 입점" for x in rig.cases.launches.all()
    )
