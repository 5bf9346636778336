"""Digests: one per recipient, grouped by launch, within Slack's limits in both locales."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.messages import DigestComposer
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.dday import DayUnit
from cxbot.domain.notices import notice
from cxbot.domain.reminders import (
    MAX_BLOCKS,
    MAX_ITEMS_PER_MESSAGE,
    Reminder,
    ReminderKind,
    digests,
    person,
)
from cxbot.emulators.slack.server import SlackError, _validate_blocks
from cxbot.settings import PROJECT_ROOT

TODAY = date(2027, 2, 3)
OWNER = person("정하은", "haeun@example.com")


def _launch(n: int) -> Launch:
    return Launch(
        key=f"L{n:03d}",
        name=f"제휴몰 {n} 입점 " + "긴 이름" * 20,
        template_key="t",
        open_date=date(2027, 2, 15) + timedelta(days=n),
    )


def _item(launch: Launch, n: int, scenario: str = "확인한다") -> ChecklistItem:
    return ChecklistItem(
        key=f"{launch.key}/item-{n}",
        launch_key=launch.key,
        title=f"항목 {n} " + "제목" * 80,
        department="cx",
        department_name="CX기획",
        owner_name="정하은",
        owner_email="haeun@example.com",
        due=TODAY + timedelta(days=1),
        label="D-5",
        unit=DayUnit.BUSINESS,
        scenario=scenario,
        remote_id="5c6a2821-6bb1-4a7e-b6e1-c50111515c3d",
    )


def _reminders(launches: int, per_launch: int, scenario: str = "확인한다") -> list[Reminder]:
    found = []
    for n in range(launches):
        launch = _launch(n)
        for i in range(per_launch):
            found.append(
                Reminder(
                    kind=ReminderKind.BEFORE,
                    launch=launch,
                    item=_item(launch, i, scenario),
                    recipient=OWNER,
                    business_date=TODAY,
                    days=1,
                )
            )
    return found


def test_one_digest_per_recipient_grouped_by_launch() -> None:
    other = person("박준호", "junho@example.com")
    mixed = _reminders(3, 2) + [replace(r, recipient=other) for r in _reminders(1, 2)]
    found = digests(mixed)
    assert [d.recipient.key for d in found] == [OWNER.key, other.key]
    launches = [r.launch.key for r in found[0].reminders]
    assert launches == sorted(launches)  # grouped: each launch's items together


@pytest.mark.parametrize(("launches", "per_launch"), [(1, 45), (30, 1), (12, 4)])
def test_long_digests_show_the_most_urgent_and_summarise_the_rest(
    launches: int, per_launch: int
) -> None:
    reminders = _reminders(launches, per_launch)
    overdue = replace(reminders[-1], kind=ReminderKind.OVERDUE, days=-4)
    (digest,) = digests([*reminders[:-1], overdue])  # one message per recipient
    detail, rest = digest.detail_and_rest()
    assert len(detail) + len(rest) == launches * per_launch and rest
    assert len(detail) <= MAX_ITEMS_PER_MESSAGE
    assert 2 + 2 * len({r.launch.key for r in detail}) + len(detail) + 1 <= MAX_BLOCKS
    assert overdue in detail  # the most urgent is shown in full
    shown = [r.launch.key for r in detail]
    assert shown == sorted(shown)  # grouped by launch
    compose = DigestComposer(Renderer(PROJECT_ROOT / "templates", "ko"))
    message = compose(digest, late=False, notes=(), launch_items={})
    assert len(message.blocks) <= MAX_BLOCKS
    summary = message.blocks[-1]["text"]["text"]
    assert f"그 밖에 {len(rest)}건" in summary and len(summary) <= 3000


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_messages_render_within_slack_limits(locale: str) -> None:
    compose = DigestComposer(Renderer(PROJECT_ROOT / "templates", locale))
    long_scenario = "시나리오 " * 400  # 2,000 characters, the template maximum
    for digest in digests(_reminders(30, 2, long_scenario)):
        message = compose(
            digest,
            late=True,
            notes=(notice("owner_not_in_slack", email="x@example.com"),),
            launch_items={},
        )
        assert len(message.blocks) <= MAX_BLOCKS
        try:
            _validate_blocks(message.blocks)  # the emulator's invalid_blocks rules
        except SlackError as error:  # pragma: no cover - the assertion below explains
            pytest.fail(f"Slack would refuse the message: {error}")
        header = message.blocks[0]
        assert header["type"] == "header" and len(header["text"]["text"]) <= 150
        assert all(len(b["text"]["text"]) <= 3000 for b in message.blocks if b["type"] == "section")
        assert "https://www.notion.so/5c6a28216bb14a7eb6e1c50111515c3d" in str(message.blocks)
        assert message.text and message.preview


def test_korean_and_english_wording() -> None:
    digest = digests(_reminders(1, 1))[0]
    overdue = replace(
        digest, reminders=(replace(digest.reminders[0], kind=ReminderKind.OVERDUE, days=-2),)
    )
    ko = DigestComposer(Renderer(PROJECT_ROOT / "templates", "ko"))(
        overdue, late=False, notes=(), launch_items={}
    )
    en = DigestComposer(Renderer(PROJECT_ROOT / "templates", "en"))(
        overdue, late=True, notes=(), launch_items={}
    )
    assert "2영업일 지남" in ko.preview and "정하은님" in ko.preview
    assert "2 business day(s) overdue" in en.preview and "sent later than scheduled" in en.preview


def test_the_opening_day_summary_lists_open_and_blocked_items() -> None:
    launch = _launch(0)
    items = [
        _item(launch, 0),
        replace(_item(launch, 1), status=ItemStatus.DONE),
        replace(_item(launch, 2), status=ItemStatus.BLOCKED, title="막힌 항목"),
    ]
    summary = Reminder(
        kind=ReminderKind.DDAY_SUMMARY,
        launch=launch,
        item=None,
        recipient=OWNER,
        business_date=TODAY,
        days=0,
    )
    compose = DigestComposer(Renderer(PROJECT_ROOT / "templates", "ko"))
    message = compose(digests([summary])[0], late=False, notes=(), launch_items={launch.key: items})
    assert "완료 1 / 전체 3" in message.preview
    assert "막힘 — 도움이 필요한 항목 1건" in message.preview and "막힌 항목" in message.preview
