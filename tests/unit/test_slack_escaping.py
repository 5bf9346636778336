"""Text from people and sheets reaches Slack as text: no mention, channel ping or link
survives that cxbot did not put there, in any message type (mrkdwn, plain_text and the
notification text)."""

from __future__ import annotations

import functools
import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.adapters.rendering import Renderer, slack_escape
from cxbot.adapters.reports.pages import JinjaReportPages
from cxbot.adapters.slack.calendar_messages import CalendarComposer
from cxbot.adapters.slack.item_blocks import ItemBlocks
from cxbot.adapters.slack.messages import DigestComposer, SchemaAlertComposer
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.dday import DayUnit
from cxbot.domain.decisions import Decision, DecisionStatus, Position
from cxbot.domain.item_actions import ButtonRef
from cxbot.domain.notices import notice
from cxbot.domain.promotions import Promotion, diff_calendar
from cxbot.domain.reminders import Reminder, ReminderKind, digests, person
from cxbot.domain.weekly_report import ReportWeek, WeeklyPicture, launch_picture
from cxbot.ports.item_actions import ActionOutcome, HomeEntry, HomeView, Verdict
from cxbot.ports.messages import Message
from cxbot.settings import PROJECT_ROOT

HOSTILE = "<!here> 교환 & 환불 <https://evil.example|여기 클릭> <@UEVIL> <#CEVIL> <!channel>"
CAL = korean_calendar(range(2026, 2029))
TODAY = date(2027, 2, 3)
NOW = datetime(2027, 2, 3, 1, 0, tzinfo=UTC)
LAUNCH = Launch(key="mall", name=HOSTILE, template_key="t", open_date=date(2027, 2, 15))
ITEM = ChecklistItem(
    key="mall/refund",
    launch_key="mall",
    title=HOSTILE,
    department="cx",
    department_name=HOSTILE,
    owner_name=HOSTILE,
    owner_email="haeun@example.com",
    due=TODAY,
    label="D-8",
    unit=DayUnit.BUSINESS,
    scenario=HOSTILE,
    status=ItemStatus.BLOCKED,
    remote_id="5c6a2821-6bb1-4a7e-b6e1-c50111515c3d",
)
SMUGGLED = re.compile(r"<!|<@UEVIL|<#CEVIL|<https://evil")


@pytest.fixture(params=["ko", "en"])
def renderer(request: pytest.FixtureRequest) -> Renderer:
    return Renderer(PROJECT_ROOT / "templates", str(request.param))


def _assert_inert(*texts: Any) -> None:
    """No markup of the hostile text survives; the text itself is there, escaped."""
    whole = "\n".join(t if isinstance(t, str) else json.dumps(t, ensure_ascii=False) for t in texts)
    assert not SMUGGLED.search(whole), SMUGGLED.search(whole)
    assert "&lt;!here&gt;" in whole and "&amp;" in whole


def _message(message: Message) -> None:
    _assert_inert(message.text, message.blocks)


def test_the_escape_is_slacks_three_entities_and_nothing_else() -> None:
    assert slack_escape("a & b <c> \"d\" 'e'") == "a &amp; b &lt;c&gt; \"d\" 'e'"


def test_a_digest(renderer: Renderer) -> None:
    reminder = Reminder(
        kind=ReminderKind.ESCALATION,
        launch=LAUNCH,
        item=ITEM,
        recipient=person(HOSTILE, "haeun@example.com"),
        business_date=TODAY,
        days=-2,
    )
    (digest,) = digests([reminder])
    message = DigestComposer(renderer)(
        digest,
        late=True,
        notes=(notice("delivery_problem", why=HOSTILE),),
        launch_items={"mall": [ITEM]},
    )
    _message(message)
    # cxbot's own link to the Notion page is kept, with the title as its (escaped) label.
    assert "<https://www.notion.so/5c6a28216bb14a7eb6e1c50111515c3d|" in json.dumps(
        message.blocks, ensure_ascii=False
    )


def test_item_lines_answers_the_planners_note_the_modal_and_home(renderer: Renderer) -> None:
    blocks = ItemBlocks(renderer)
    outcome = ActionOutcome(
        verdict=Verdict.CHANGED,
        item=ITEM,
        launch=LAUNCH,
        user_id="U0JUNHO",
        actor=HOSTILE,
        reason=HOSTILE,
        at=NOW,
    )
    ref = ButtonRef(item_key=ITEM.key, open_date=LAUNCH.open_date)
    home = HomeView(
        user_id="U0JUNHO",
        email="haeun@example.com",
        today=TODAY,
        entries=(HomeEntry(launch=LAUNCH, item=ITEM, days_late=2),),
        notice=outcome,
    )
    _assert_inert(
        blocks.item_lines(ITEM, LAUNCH),
        blocks.state(ITEM, set_by="U0JUNHO", at=NOW, pending=False),
        blocks.answer(outcome),
        blocks.planner_note(outcome),
        blocks.reason_modal(ITEM, ref, None),
        blocks.home(home),
    )


def test_calendar_alerts_guard_and_brief(renderer: Renderer) -> None:
    hostile = Promotion(
        key="name:x",
        name=HOSTILE,
        start=date(2027, 2, 4),
        channel=HOSTILE,
        benefit=HOSTILE,
        notes=HOSTILE,
        flagged=(("end", HOSTILE),),
    )
    composer = CalendarComposer(renderer)
    diff = diff_calendar({}, {"name:x": hostile}, noticed=TODAY, calendar=CAL, lead_required=5)
    _message(composer.changes(diff, source=HOSTILE, problems=[], lead_required=5))
    _message(composer.guard(diff, source=HOSTILE, known=1, threshold=0.5, layout_error=HOSTILE))
    _message(composer.brief([hostile], days=1, today=TODAY))


def test_a_broken_board_schema_alert(renderer: Renderer) -> None:
    _message(SchemaAlertComposer(renderer)([HOSTILE]))


def test_the_weekly_summary(renderer: Renderer) -> None:
    week = ReportWeek(2027, 5)
    launch = launch_picture(LAUNCH, [ITEM], [], calendar=CAL, tz=UTC, week=week, as_of=TODAY)
    picture = WeeklyPicture(
        week=week, as_of=TODAY, launches=[launch], promotions=[], decisions=[], lead_required=5
    )
    _message(JinjaReportPages(renderer).summary(picture, key="weekly-report-2027-W05"))


def test_a_decision_draft(renderer: Renderer) -> None:
    decision = Decision(
        key="CX-1",
        project=HOSTILE,
        title=HOSTILE,
        decision=HOSTILE,
        status=DecisionStatus.PROPOSED,
        participants=(Position(who=HOSTILE, position=HOSTILE),),
        links=("https://example.slack.com/archives/C1/p1?thread_ts=1&cid=C1",),
    )
    m = renderer.slack("slack/decision.j2")
    _assert_inert(str(m.draft(decision)), str(m.fallback(decision)))


def test_a_notice_speaks_the_locale_and_nests() -> None:
    from cxbot.adapters.rendering import Renderer
    from cxbot.settings import PROJECT_ROOT

    inner = notice("weekday_typo", day="2027-01-06", actual="수", written="화")
    kept = notice("kept_flagged", why=inner)
    from cxbot.adapters.rendering import say

    ko = functools.partial(say, Renderer(PROJECT_ROOT / "templates", "ko").labels)
    en = functools.partial(say, Renderer(PROJECT_ROOT / "templates", "en").labels)
    assert ko(kept) == (
        "2027-01-06은(는) 수요일인데 칸에는 화요일로 적혀 있습니다. 날짜나 요일의 오타로 "
        "보입니다 — 반영했고 이 칸은 확인 필요로 표시했습니다"
    )
    assert en(kept) == str(kept) and "likely typo" in en(kept) and "kept" in en(kept)
