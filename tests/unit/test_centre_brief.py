"""The brief's domain: which days it covers, what it tells each centre, and what a
correction must say when the data moves under a brief already sent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.domain.centre_brief import (
    BriefInput,
    BriefWindow,
    build_brief,
    changes_since,
    confirm_by,
)
from cxbot.domain.centres import Audience, Centre, CentresFile, Manager
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.domain.dday import DayUnit
from cxbot.domain.guidance import Guidance
from cxbot.domain.promotions import Promotion, read_sheet

CALENDAR = korean_calendar([2026, 2027])
SEOUL = __import__("zoneinfo").ZoneInfo("Asia/Seoul")
MANAGER = Manager(name="최민수", email="Minsu.Choi@bpo.example.com")


def centre(**audience: tuple[str, ...]) -> Centre:
    return Centre(
        key="bpo", name="서울 고객센터", slack_channel="C1", managers=(MANAGER,),
        audience=Audience(**audience),
    )  # fmt: skip


def launch(open_date: date, name: str = "11번가 입점") -> Launch:
    return Launch(key="partner-mall-1", name=name, template_key="partner-mall", open_date=open_date)


def item(due: date) -> ChecklistItem:
    return ChecklistItem(
        key="partner-mall-1/cs-notice", launch_key="partner-mall-1", title="고객 공지",
        department="cx", department_name="CX기획", owner_name=None, owner_email=None,
        due=due, label="D-1", unit=DayUnit.BUSINESS, scenario="공지한다",
    )  # fmt: skip


def data(
    *promotions: Promotion,
    launches: tuple[Launch, ...] = (),
    items: tuple[ChecklistItem, ...] = (),
    noticed: dict[str, datetime] | None = None,
    item_brief: Guidance | None = None,
) -> BriefInput:
    return BriefInput(
        launches=launches,
        items_of={lx.key: list(items) for lx in launches},
        launch_guidance=lambda _l: Guidance(notice="11번가 주문도 저희가 응대합니다"),
        item_guidance=lambda _i: item_brief,
        promotions={p.key: p for p in promotions},
        noticed=noticed or {},
        lead_required=5,
        tz=SEOUL,
    )


def test_the_window_runs_from_tomorrow_through_the_nth_business_day_holidays_included() -> None:
    friday = BriefWindow.of(date(2027, 1, 8), 3, CALENDAR)
    assert (friday.first, friday.last) == (date(2027, 1, 9), date(2027, 1, 13))  # Sat … Wed
    seollal = BriefWindow.of(date(2027, 2, 5), 1, CALENDAR)  # 2/6 … 2/9 are Seollal
    assert (seollal.first, seollal.last) == (date(2027, 2, 6), date(2027, 2, 10))


def test_a_brief_tells_openings_sends_starts_and_ends_and_marks_late_and_unconfirmed() -> None:
    window = BriefWindow.of(date(2027, 1, 11), 3, CALENDAR)  # Tue 12 … Thu 14
    coupon = Promotion(
        key="name:coupon", name="신년 쿠폰", start=date(2027, 1, 12), end=date(2027, 1, 14),
        send_date=date(2027, 1, 12), channel="앱", guidance="유의사항: 1인 1회",
    )  # fmt: skip
    held = Promotion(
        key="name:held",
        name="보류 기획전",
        start=date(2027, 1, 13),
        undecided=(("status", "보류"),),
    )
    ongoing = Promotion(
        key="name:old", name="진행 중", start=date(2027, 1, 1), end=date(2027, 1, 30)
    )
    cancelled = Promotion(key="name:x", name="취소", start=date(2027, 1, 12), cancelled=True)
    brief = build_brief(
        centre(),
        window,
        data(
            coupon, held, ongoing, cancelled,
            launches=(launch(date(2027, 1, 13)),),
            noticed={"name:coupon": datetime(2027, 1, 11, 1, tzinfo=UTC)},
        ),
        CALENDAR,
    )  # fmt: skip
    days = {day: [(what, t.name) for what, t in happening] for day, happening in brief.by_day()}
    assert days[date(2027, 1, 12)] == [("send", "신년 쿠폰"), ("starts", "신년 쿠폰")]
    assert days[date(2027, 1, 13)] == [("opening", "11번가 입점"), ("starts", "보류 기획전")]
    assert days[date(2027, 1, 14)] == [("ends", "신년 쿠폰")]
    told = {t.name: t for t in brief.told}
    assert told["신년 쿠폰"].late and told["신년 쿠폰"].guidance == "유의사항: 1인 1회"
    assert not told["보류 기획전"].confirmed and not told["보류 기획전"].late
    assert "진행 중" not in told and "취소" not in told  # nothing new for customers
    assert "11번가 주문도" in told["11번가 입점"].guidance


def test_each_centre_hears_only_of_its_audience() -> None:
    window = BriefWindow.of(date(2027, 1, 11), 3, CALENDAR)
    app = Promotion(key="name:a", name="앱 특가", start=date(2027, 1, 12), channel="앱/모바일")
    web = Promotion(key="name:w", name="웹 특가", start=date(2027, 1, 12), channel="PC웹")
    mall = launch(date(2027, 1, 13))
    app_only = build_brief(
        centre(promotions=("앱",), launches=()), window, data(app, web, launches=(mall,)), CALENDAR
    )
    assert [t.name for t in app_only.told] == ["앱 특가"]
    mall_only = build_brief(
        centre(promotions=(), launches=("11번가",)), window, data(app, web, launches=(mall,)),
        CALENDAR,
    )  # fmt: skip
    assert [t.name for t in mall_only.told] == ["11번가 입점"]


def test_an_items_guidance_is_told_on_its_due_day() -> None:
    window = BriefWindow.of(date(2027, 1, 11), 3, CALENDAR)
    guidance = Guidance(inquiries=("배송 지연 문의",), script="주문 후 3일 안에 출고됩니다")
    brief = build_brief(
        centre(), window,
        data(
            launches=(launch(date(2027, 2, 1)),), items=(item(date(2027, 1, 12)),),
            item_brief=guidance,
        ),
        CALENDAR,
    )  # fmt: skip
    (told,) = brief.told
    assert told.kind == "item" and told.days == ((date(2027, 1, 12), "due"),)
    assert "inquiries: 배송 지연 문의" in told.guidance


def test_a_correction_says_what_moved_was_cancelled_added_or_edited_for_days_ahead() -> None:
    window = BriefWindow.of(date(2027, 1, 11), 3, CALENDAR)
    sale = Promotion(key="name:s", name="겨울 세일", start=date(2027, 1, 13), guidance="A")
    gone = Promotion(key="name:g", name="사라질 행사", start=date(2027, 1, 12))
    told = build_brief(centre(), window, data(sale, gone), CALENDAR).facts()
    moved = Promotion(key="name:s", name="겨울 세일", start=date(2027, 1, 20), guidance="B")
    cancelled = Promotion(key="name:g", name="사라질 행사", start=date(2027, 1, 12), cancelled=True)
    new = Promotion(key="name:n", name="깜짝 세일", start=date(2027, 1, 14))
    changes = changes_since(
        told, window, centre(), data(moved, cancelled, new), CALENDAR, since=date(2027, 1, 11)
    )
    by_name = {c.name: c for c in changes}
    assert by_name["깜짝 세일"].kind == "added"
    fields = {name: (old, new) for name, old, new in by_name["겨울 세일"].fields}
    assert fields["days"] == ("2027-01-13 starts", "2027-01-20 starts")
    assert fields["guidance"] == ("A", "B")
    status = {name: (old, new) for name, old, new in by_name["사라질 행사"].fields}["status"]
    assert status == ("confirmed", "cancelled")
    # Told as it is now: nothing to correct.
    now = data(moved, cancelled, new)
    again = build_brief(centre(), window, now, CALENDAR).facts()
    assert changes_since(again, window, centre(), now, CALENDAR, since=date(2027, 1, 11)) == []
    # A change wholly in the past is history, not a correction.
    assert (
        changes_since(
            told, window, centre(), data(moved, cancelled, new), CALENDAR, since=date(2027, 1, 21)
        )
        == []
    )


def test_an_unconfirmed_brief_is_due_before_the_centre_opens_on_the_next_business_day() -> None:
    window = BriefWindow.of(date(2027, 2, 5), 3, CALENDAR)  # Friday before Seollal
    assert confirm_by(centre(), window, CALENDAR, SEOUL) == datetime(2027, 2, 10, 8, tzinfo=SEOUL)


def test_a_centres_file_names_what_is_wrong() -> None:
    with pytest.raises(ValidationError, match="not an e-mail address"):
        Manager(name="x", email="not-mail")
    with pytest.raises(ValidationError, match="used twice"):
        CentresFile(centres=(centre(), centre()))
    with pytest.raises(ValidationError, match="no slack_channel"):
        Centre(key="b", name="B", delivery="slack", managers=(MANAGER,))
    assert Centre(key="m", name="M", managers=(MANAGER,)).channel_kind == "email"
    assert centre().manager("minsu.choi@BPO.example.com") is not None  # e-mails fold case


def test_every_guidance_column_of_a_sheet_is_read_and_never_taken_for_a_cancellation() -> None:
    rows = [
        ["프로모션명", "시작일", "유의사항", "FAQ", "고객 응대 가이드", "비고"],
        ["겨울 세일", "2027-01-13", "쿠폰 1인 1회", "Q. 품절되면? A. 발급 중단됨", "취소됨", ""],
    ]  # fmt: skip
    read = read_sheet(rows, today=date(2027, 1, 4))
    (sale,) = read.promotions.values()
    assert not sale.cancelled  # guidance speaks of customers' orders and coupons
    assert sale.guidance.splitlines() == [
        "유의사항: 쿠폰 1인 1회",
        "FAQ: Q. 품절되면? A. 발급 중단됨",
        "고객 응대 가이드: 취소됨",
    ]
    assert read.unmapped == ()


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_a_huge_brief_fits_slacks_limits_and_speaks_the_locale(locale: str) -> None:
    from cxbot.adapters.mail.brief_pages import MailBriefPages
    from cxbot.adapters.rendering import Renderer
    from cxbot.adapters.slack.brief_messages import MAX_BLOCKS, SlackBriefMessages
    from cxbot.settings import PROJECT_ROOT

    renderer = Renderer(PROJECT_ROOT / "templates", locale, SEOUL)
    window = BriefWindow.of(date(2027, 1, 8), 10, CALENDAR)  # two weeks and more
    promotions = [
        Promotion(
            key=f"name:p{n}",
            name=f"P{n} <b>&",
            start=date(2027, 1, 9 + n % 14),
            send_date=date(2027, 1, 9 + n % 14),
            guidance="notice: " + "x" * 300,
        )
        for n in range(600)
    ]
    brief = build_brief(centre(), window, data(*promotions), CALENDAR)
    message = SlackBriefMessages(renderer, CALENDAR).slack(brief)
    assert len(message.blocks) <= MAX_BLOCKS
    for block in message.blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    sections = "\n".join(b["text"]["text"] for b in message.blocks if b["type"] == "section")
    assert "&lt;b&gt;&amp;" in sections and "<b>" not in sections  # a sheet's text, escaped
    page = MailBriefPages(renderer, CALENDAR).page(centre(), brief, version=1, window=window)
    assert page.html.count("<li>") == 1200 and "&lt;b&gt;" in page.html
    own_words = message.preview.replace("서울 고객센터", "").replace("최민수", "")
    hangul = [ch for ch in own_words if "\uac00" <= ch <= "\ud7a3"]
    assert bool(hangul) is (locale == "ko")


def test_a_centre_channel_is_an_id_or_its_link_never_a_name() -> None:
    link = "https://cx.slack.com/archives/C0123ABCD45"
    assert Centre(key="c", name="C", slack_channel=link, managers=(MANAGER,)).slack_channel == (
        "C0123ABCD45"
    )
    with pytest.raises(ValidationError, match="write the channel's id"):
        Centre(key="c", name="C", slack_channel="#cc-bpo", managers=(MANAGER,))
    blank = Centre(key="c", name="C", slack_channel=" ", managers=(MANAGER,))
    assert blank.slack_channel is None and blank.channel_kind == "email"
