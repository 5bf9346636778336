"""Which reminders fire on which business day: a table over one item across Seollal 2027."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.dday import DayUnit
from cxbot.domain.policy import PolicyOverride, ReminderPolicy
from cxbot.domain.reminders import Reminder, ReminderKind, Routing, reminders_for

CAL = korean_calendar(range(2026, 2029))
LAUNCH = Launch(
    key="L",
    name="11번가 입점",
    template_key="partner-mall",
    open_date=date(2027, 2, 15),
    planner_name="김지현",
    planner_email="planner@example.com",
)
ITEM = ChecklistItem(
    key="L/agent-training",
    launch_key="L",
    title="상담사 교육",
    department="bpo",
    department_name="도급사",
    owner_name="정하은",
    owner_email="haeun@example.com",
    due=date(2027, 2, 4),
    label="D-5",
    unit=DayUnit.BUSINESS,
    scenario="교육 이수 확인",
)
ROUTING = Routing(department_channels={"bpo": "C_BPO"}, cx_channel="C_CX")
POLICY = ReminderPolicy()


def _run(
    today: str,
    *items: ChecklistItem,
    policy: ReminderPolicy = POLICY,
    routing: Routing = ROUTING,
    launch: Launch = LAUNCH,
) -> list[Reminder]:
    chosen = list(items) or [ITEM]
    return reminders_for(
        launches=[launch],
        items_of=lambda _key: chosen,
        today=date.fromisoformat(today),
        calendar=CAL,
        policy_of=lambda item: policy.merged(item.reminders),
        routing=routing,
        summary_policy=policy,
    )


def _kinds(found: list[Reminder]) -> list[tuple[str, str, int]]:
    return sorted((r.kind.value, r.recipient.key, r.days) for r in found if r.item is not None)


OWNER = "person:haeun@example.com"

TABLE = [
    # today, expected (kind, recipient, business days to due), why
    ("2027-01-26", [("before", OWNER, 7)], "7 business days before (D-7)"),
    ("2027-01-27", [], "6 business days before: not in the policy"),
    ("2027-02-01", [("before", OWNER, 3)], "3 business days before"),
    ("2027-02-03", [("before", OWNER, 1)], "1 business day before"),
    ("2027-02-04", [("due", OWNER, 0)], "the due day"),
    ("2027-02-05", [("overdue", OWNER, -1)], "1 business day overdue"),
    ("2027-02-06", [], "Saturday and Seollal: nothing is sent"),
    ("2027-02-08", [], "Seollal: nothing is sent"),
    ("2027-02-09", [], "the substitute holiday: nothing is sent"),
    ("2027-02-10", [("overdue", OWNER, -2)], "Seollal does not count: 2 business days overdue"),
    (
        "2027-02-11",
        [
            ("escalation", "channel:dept:bpo", -3),
            ("escalation", "person:planner@example.com", -3),
            ("overdue", OWNER, -3),
        ],
        "3 business days overdue: escalated",
    ),
]


@pytest.mark.parametrize(("today", "expected", "why"), TABLE, ids=[t[0] for t in TABLE])
def test_each_kind_fires_on_its_business_day(
    today: str, expected: list[tuple[str, str, int]], why: str
) -> None:
    assert _kinds(_run(today)) == sorted(expected), why


@pytest.mark.parametrize("status", [ItemStatus.DONE, ItemStatus.BLOCKED])
def test_done_and_blocked_items_are_not_nagged(status: ItemStatus) -> None:
    for today in ("2027-02-03", "2027-02-04", "2027-02-11"):
        assert _kinds(_run(today, replace(ITEM, status=status))) == []


def test_the_opening_day_summary_goes_to_cx_and_the_planner() -> None:
    found = [r for r in _run("2027-02-15") if r.kind is ReminderKind.DDAY_SUMMARY]
    assert sorted(r.recipient.key for r in found) == ["channel:cx", "person:planner@example.com"]
    saturday = replace(LAUNCH, open_date=date(2027, 3, 6))
    assert [
        r.kind for r in _run("2027-03-05", launch=saturday) if r.kind is ReminderKind.DDAY_SUMMARY
    ] == [ReminderKind.DDAY_SUMMARY] * 2


def test_escalation_without_a_department_channel_goes_to_cx_with_a_note() -> None:
    found = _run("2027-02-11", routing=Routing(cx_channel="C_CX"))
    escalations = [r for r in found if r.kind is ReminderKind.ESCALATION]
    cx = [r for r in escalations if r.recipient.key == "channel:cx"]
    assert len(cx) == 1 and str(cx[0].note) == "no Slack channel configured for 도급사"


def test_the_planner_is_not_escalated_to_about_their_own_item() -> None:
    own = replace(ITEM, owner_email="Planner@example.com", owner_name="김지현")
    keys = [r.recipient.key for r in _run("2027-02-11", own) if r.kind is ReminderKind.ESCALATION]
    assert keys == ["channel:dept:bpo"]


def test_items_without_an_owner_go_to_cx_never_dropped() -> None:
    (found,) = _run("2027-02-04", replace(ITEM, owner_email=None, owner_name=None))
    assert found.recipient.key == "channel:cx" and str(found.note) == "no owner assigned for 도급사"


def test_policy_overrides_per_template_and_item() -> None:
    quick = replace(ITEM, reminders=PolicyOverride(before=(2,), escalate_after=1).over(None))
    assert _kinds(_run("2027-02-02", quick)) == [("before", OWNER, 2)]
    assert _kinds(_run("2027-02-03", quick)) == []
    assert ("escalation", "channel:dept:bpo", -1) in _kinds(_run("2027-02-05", quick))
    template_level = PolicyOverride(escalate_after=0, overdue_daily=False)
    item_level = PolicyOverride(overdue_daily=True).over(template_level)
    assert (item_level.escalate_after, item_level.overdue_daily) == (0, True)
    assert _kinds(_run("2027-02-11", replace(ITEM, reminders=item_level))) == [
        ("overdue", OWNER, -3)
    ]


def test_reminder_keys_are_stable_and_distinct() -> None:
    first, second = _run("2027-02-11"), _run("2027-02-11")
    assert [r.key for r in first] == [r.key for r in second]
    assert len({r.key for r in first}) == len(first)
    assert all("2027-02-11" in r.key for r in first)
