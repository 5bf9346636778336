"""The figures behind the weekly report's charts, from a known history around Seollal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cxbot.adapters.holidays_kr import korean_calendar
from cxbot.domain.changes import Change, ChangeSource
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.dday import DayUnit
from cxbot.domain.decisions import Decision, DecisionStatus
from cxbot.domain.promotions import Promotion
from cxbot.domain.weekly_report import (
    DepartmentCount,
    ReportWeek,
    d_label,
    decisions_of_the_week,
    first_seen,
    launch_picture,
    promotion_outlook,
)

SEOUL = ZoneInfo("Asia/Seoul")
CAL = korean_calendar(range(2026, 2028))  # Seollal 2027: Feb 6–9 (Feb 8 and 9 are weekdays)
LAUNCH = Launch(key="mall", name="11번가 입점", template_key="t", open_date=date(2027, 2, 15))
AS_OF = date(2027, 2, 10)  # Wednesday after Seollal
WEEK = ReportWeek(2027, 6)  # Feb 8 – Feb 14


def _item(key: str, due: str, department: str, status: ItemStatus) -> ChecklistItem:
    return ChecklistItem(
        key=f"mall/{key}",
        launch_key="mall",
        title=f"항목 {key}",
        department=department,
        department_name=department,
        owner_name=f"담당 {key}",
        owner_email=None,
        due=date.fromisoformat(due),
        label="D-?",
        unit=DayUnit.BUSINESS,
        scenario="확인한다",
        status=status,
    )


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=SEOUL).astimezone(UTC)


def _status(key: str, old: str | None, new: str, day: str, hour: int = 10) -> Change:
    return Change(
        entity="checklist_item",
        entity_id=f"mall/{key}",
        field="status",
        old=old,
        new=new,
        actor="someone",
        source=ChangeSource.CLI,
        at=_at(day, hour),
    )


def _created(key: str, day: str = "2027-01-04") -> list[Change]:
    return [
        Change(
            entity="checklist_item",
            entity_id=f"mall/{key}",
            field=name,
            old=None,
            new=value,
            actor="cli:planner",
            source=ChangeSource.TEMPLATE,
            at=_at(day, 9),
        )
        for name, value in (("title", f"항목 {key}"), ("status", "not_started"))
    ]


ITEMS = [
    _item("a", "2027-02-01", "CX", ItemStatus.DONE),
    _item("b", "2027-02-03", "개발", ItemStatus.DONE),
    _item("c", "2027-02-05", "개발", ItemStatus.IN_PROGRESS),
    _item("d", "2027-02-10", "CX", ItemStatus.BLOCKED),
    _item("e", "2027-02-12", "물류", ItemStatus.NOT_STARTED),
    _item("f", "2027-02-16", "물류", ItemStatus.DONE),
    _item("g", "2027-02-04", "CX", ItemStatus.IN_PROGRESS),
]
HISTORY = sorted(
    [
        *[c for key in "abcdefg" for c in _created(key)],
        _status("a", "not_started", "done", "2027-01-29"),
        _status("b", "not_started", "done", "2027-02-04"),
        _status("c", "not_started", "in_progress", "2027-02-02"),
        _status("d", "not_started", "blocked", "2027-02-09"),
        _status("f", "not_started", "done", "2027-02-10"),
        _status("g", "not_started", "done", "2027-02-02"),
        _status("g", "done", "in_progress", "2027-02-05"),  # reopened
        _status("e", "not_started", "done", "2027-02-11"),  # after the report's day
        *_created("late-addition", "2027-02-09"),
    ],
    key=lambda c: c.at,
)


@pytest.fixture
def picture():  # type: ignore[no-untyped-def]
    return launch_picture(LAUNCH, ITEMS, HISTORY, calendar=CAL, tz=SEOUL, week=WEEK, as_of=AS_OF)


def test_burn_up_counts_per_business_day_with_holidays_skipped(picture) -> None:  # type: ignore[no-untyped-def]
    by_day = {p.day: p for p in picture.burn_up}
    # Seollal (Feb 8, 9) and weekends are not on the axis.
    for off in ("2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09"):
        assert date.fromisoformat(off) not in by_day
    assert all(CAL.is_business_day(p.day) for p in picture.burn_up)
    expected = {  # day: (planned, done)
        "2027-02-01": (1, 1),
        "2027-02-02": (1, 2),  # g done early
        "2027-02-03": (2, 2),
        "2027-02-04": (3, 3),  # b done a day late
        "2027-02-05": (4, 2),  # g reopened
        "2027-02-10": (5, 3),  # f done on the report's day; e's tick tomorrow not yet
        "2027-02-11": (5, None),
        "2027-02-12": (6, None),
        "2027-02-16": (7, None),
    }
    for day, (planned, done) in expected.items():
        point = by_day[date.fromisoformat(day)]
        assert (point.planned, point.done) == (planned, done), day
    # D-30 … D+14 in business days, labelled like due dates.
    assert picture.burn_up[0].label == "D-30" and picture.burn_up[-1].label == "D+14"
    assert by_day[date(2027, 2, 15)].label == "D-day"
    assert by_day[date(2027, 2, 12)].label == "D-1"
    assert picture.burn_up[picture.today_index].day == AS_OF
    assert picture.burn_up[picture.opening_index].day == LAUNCH.open_date


def test_department_bars_as_of_the_report_day(picture) -> None:  # type: ignore[no-untyped-def]
    assert picture.departments == [
        DepartmentCount(department="CX", done=1, blocked=1, overdue=1),
        DepartmentCount(department="개발", done=1, overdue=1),
        DepartmentCount(department="물류", done=1, to_do=1),
    ]
    assert (picture.done, picture.total, picture.percent_done) == (3, 7, 43)


def test_overdue_items_with_business_days_late_and_the_risk(picture) -> None:  # type: ignore[no-untyped-def]
    late = {entry.item.key: entry for entry in picture.overdue}
    assert set(late) == {"mall/c", "mall/g"}
    assert late["mall/c"].business_days_late == 1  # Feb 5 → Feb 10: Seollal in between
    assert late["mall/g"].business_days_late == 2
    assert late["mall/g"].status is ItemStatus.IN_PROGRESS
    assert list(picture.overdue_by_department) == ["CX", "개발"]
    assert picture.at_risk and picture.d_label == "D-3"


def test_this_weeks_changes_leave_out_new_items_first_values(picture) -> None:  # type: ignore[no-untyped-def]
    assert [(c.entity_id, c.new) for c in picture.changes] == [
        ("mall/d", "blocked"),
        ("mall/f", "done"),
    ]
    assert picture.created == 1


def test_a_past_week_is_shown_as_it_was() -> None:
    past = launch_picture(
        LAUNCH,
        ITEMS,
        HISTORY,
        calendar=CAL,
        tz=SEOUL,
        week=ReportWeek(2027, 5),
        as_of=date(2027, 2, 5),
    )
    assert past.done == 2 and past.d_label == "D-4"  # a, b done; g reopened that day


def test_an_item_without_history_counts_as_it_is_now() -> None:
    item = _item("x", "2027-02-01", "CX", ItemStatus.DONE)
    picture = launch_picture(LAUNCH, [item], [], calendar=CAL, tz=SEOUL, week=WEEK, as_of=AS_OF)
    assert all(p.done == 1 for p in picture.burn_up if p.done is not None)


@pytest.mark.parametrize(
    ("text", "start"),
    [("2026-W49", "2026-11-30"), ("2026W01", "2025-12-29"), ("2027-w6", "2027-02-08")],
)
def test_iso_weeks(text: str, start: str) -> None:
    week = ReportWeek.parse(text)
    assert week.start == date.fromisoformat(start) and week.end - week.start == timedelta(6)


@pytest.mark.parametrize("text", ["2026-49", "W49", "2026-W54", "2026-W00"])
def test_a_week_that_is_not_one(text: str) -> None:
    with pytest.raises(ValueError, match=r"2026-W49|has no week"):
        ReportWeek.parse(text)


def test_which_week_a_report_is_about_and_as_of_when() -> None:
    monday = date(2026, 12, 7)
    assert ReportWeek.reported_on(monday).label == "2026-W49"  # the week that just ended
    assert ReportWeek.reported_on(date(2026, 12, 9)).label == "2026-W50"  # this week so far
    week = ReportWeek.parse("2026-W49")
    assert week.as_of(monday) == date(2026, 12, 6)  # a past week: its Sunday
    assert week.as_of(date(2026, 12, 2)) == date(2026, 12, 2)


def test_d_labels_count_like_due_dates_even_when_opening_on_a_saturday() -> None:
    saturday = date(2027, 1, 2)
    assert d_label(CAL, date(2026, 12, 31), saturday) == "D-1"  # Thursday (Jan 1 is a holiday)
    assert d_label(CAL, saturday, saturday) == "D-day"
    assert d_label(CAL, date(2027, 1, 4), saturday) == "D+1"
    assert d_label(CAL, date(2027, 2, 12), date(2027, 2, 15)) == "D-1"


def _decision(key: str, project: str, recorded: str, **kw: object) -> Decision:
    return Decision(
        key=key,
        project=project,
        title=f"결정 {key}",
        decision="…",
        recorded_at=_at(recorded),
        **kw,  # type: ignore[arg-type]
    )


def test_decisions_made_or_superseded_this_week() -> None:
    decisions = [
        _decision("D-x-1", "x", "2027-01-20", status=DecisionStatus.SUPERSEDED,
                  superseded_by="D-x-2"),
        _decision("D-x-2", "x", "2027-02-09", supersedes="D-x-1"),
        _decision("D-x-3", "x", "2027-02-15"),
    ]  # fmt: skip
    found = [(d.decision.key, d.kind) for d in decisions_of_the_week(decisions, WEEK, SEOUL)]
    assert found == [("D-x-2", "made"), ("D-x-1", "superseded")]


def test_promotions_of_the_next_four_weeks_with_the_lead_time_cx_got() -> None:
    def promo(key: str, start: str | None, **kw: object) -> Promotion:
        return Promotion(
            key=key,
            name=key,
            start=date.fromisoformat(start) if start else None,
            **kw,  # type: ignore[arg-type]
        )

    promotions = [
        promo("early-notice", "2027-03-02"),
        promo("late-notice", "2027-02-15", send_date=date(2027, 2, 12)),
        promo("running", "2027-02-01", end=date(2027, 2, 20)),
        promo("over", "2027-01-10", end=date(2027, 1, 20)),
        promo("far", "2027-04-01"),
        promo("cancelled", "2027-02-20", cancelled=True),
        promo("undecided", None, undecided=(("start", "미정"),)),
    ]
    seen = first_seen(
        [
            Change(
                entity="promotion",
                entity_id=key,
                field="name",
                old=None,
                new=key,
                actor="sheet-sync",
                source=ChangeSource.SHEET,
                at=_at(day),
            )
            for key, day in (
                ("early-notice", "2027-01-20"),
                ("late-notice", "2027-02-10"),
                ("running", "2027-01-04"),
                ("over", "2027-01-04"),
            )
        ]
    )
    outlook = promotion_outlook(
        promotions, seen, calendar=CAL, tz=SEOUL, as_of=AS_OF, lead_required=5
    )
    shown = {o.promotion.key: o for o in outlook}
    assert list(shown) == ["running", "late-notice", "early-notice", "undecided"]
    assert shown["late-notice"].lead_days == 2 and shown["late-notice"].late_notice
    assert (
        shown["early-notice"].lead_days == 26
    )  # Seollal and 삼일절 not counted and not shown["early-notice"].late_notice
    assert shown["undecided"].lead_days is None and not shown["undecided"].late_notice


def test_changes_to_items_and_a_launch_created_this_week_are_listed_with_who() -> None:
    """A launch created on Monday and ticked on Tuesday: the ticks, a new owner and a moved
    due date are the week's changes; the first values written at creation are not."""
    created = [c for key in "ab" for c in _created(key, "2027-02-08")]
    launch_created = [
        Change(
            entity="launch",
            entity_id="mall",
            field=name,
            old=None,
            new=value,
            actor="cli:planner",
            source=ChangeSource.CLI,
            at=_at("2027-02-08", 9),
        )
        for name, value in (("name", "제휴몰"), ("open_date", "2027-02-15"))
    ]
    later = [
        _status("a", "not_started", "done", "2027-02-09"),
        _status("b", "not_started", "blocked", "2027-02-10"),
        Change(
            entity="checklist_item",
            entity_id="mall/b",
            field="owner",
            old="",
            new="김지현",
            actor="slack:U1",
            source=ChangeSource.SLACK,
            at=_at("2027-02-10", 11),
        ),
        Change(
            entity="launch",
            entity_id="mall",
            field="open_date",
            old="2027-02-15",
            new="2027-02-22",
            actor="cli:planner",
            source=ChangeSource.CLI,
            at=_at("2027-02-10", 12),
        ),
    ]
    history = sorted([*created, *launch_created, *later], key=lambda c: c.at)
    items = [
        _item("a", "2027-02-01", "CX", ItemStatus.DONE),
        _item("b", "2027-02-03", "CX", ItemStatus.BLOCKED),
    ]
    picture = launch_picture(LAUNCH, items, history, calendar=CAL, tz=SEOUL, week=WEEK, as_of=AS_OF)
    assert [(c.entity_id, c.field, c.new, c.actor) for c in picture.changes] == [
        ("mall/a", "status", "done", "someone"),
        ("mall/b", "status", "blocked", "someone"),
        ("mall/b", "owner", "김지현", "slack:U1"),
        ("mall", "open_date", "2027-02-22", "cli:planner"),
    ]
    assert picture.created == 2


def test_a_saturday_opening_is_marked_between_friday_and_monday_as_d_day() -> None:
    saturday = Launch(key="mall", name="토요일 오픈", template_key="t", open_date=date(2027, 3, 6))
    items = [_item("a", "2027-03-05", "CX", ItemStatus.DONE)]
    picture = launch_picture(
        saturday,
        items,
        [],
        calendar=CAL,
        tz=SEOUL,
        week=ReportWeek(2027, 9),
        as_of=date(2027, 3, 3),
    )
    labels = {p.day: p.label for p in picture.burn_up}
    assert labels[date(2027, 3, 5)] == "D-1" and labels[date(2027, 3, 8)] == "D+1"
    position, index = picture.opening_position, picture.opening_index
    assert position is not None and index is not None and position == index - 0.5
    assert picture.burn_up[int(position + 0.5)].day == date(2027, 3, 8)
    assert picture.d_label == "D-3"  # Wednesday: Thu, Fri, then opening day


def test_a_decision_made_and_superseded_in_the_same_week_is_listed_once() -> None:
    decisions = [
        _decision("D-x-1", "x", "2027-02-08", status=DecisionStatus.SUPERSEDED,
                  superseded_by="D-x-2"),
        _decision("D-x-2", "x", "2027-02-10", supersedes="D-x-1"),
    ]  # fmt: skip
    found = [(d.decision.key, d.kind) for d in decisions_of_the_week(decisions, WEEK, SEOUL)]
    assert found == [("D-x-1", "superseded"), ("D-x-2", "made")]
