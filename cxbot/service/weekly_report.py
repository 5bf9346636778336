"""The weekly launch report: built from the store, rendered as HTML/Markdown/PNG, and
posted to the CX channel with its chart exactly once a week."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.changes import Change
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.domain.reminders import Recipient
from cxbot.domain.weekly_report import (
    AFTER_OPENING,
    ReportWeek,
    StatusBook,
    WeeklyPicture,
    belongs_to,
    decisions_of_the_week,
    first_seen,
    launch_picture,
    promotion_outlook,
    status_timelines,
)
from cxbot.ports.checklists import ChangeHistory, LaunchRepository
from cxbot.ports.common import Clock
from cxbot.ports.decisions import DecisionRepository
from cxbot.ports.errors import InputError, NotFound, RemoteError
from cxbot.ports.messages import Attachment, Message, attachment_name
from cxbot.ports.promotions import PromotionRepository
from cxbot.ports.reminders import ReminderEntry
from cxbot.ports.reports import ReportCharts, ReportPages, ReportSummary
from cxbot.service.delivery import ExactlyOnce

log = logging.getLogger(__name__)

FORMATS = ("html", "md", "png")
WRAP_UP = timedelta(weeks=4)  # after D+14, a launch with open items stays this long


@dataclass(frozen=True)
class RenderedReport:
    """Files to write, by name relative to the output folder; `main` is the report."""

    files: dict[str, bytes]
    main: str


@dataclass(frozen=True)
class PostOutcome:
    key: str
    state: str  # sent, already sent, failed, unknown, waiting
    why: str | None = None


@dataclass(kw_only=True)
class WeeklyReports:
    launches: LaunchRepository
    history: ChangeHistory
    decisions: DecisionRepository
    promotions: PromotionRepository
    calendar: BusinessCalendar
    tz: tzinfo
    lead_required: int
    charts: ReportCharts
    pages: ReportPages
    summary: ReportSummary
    delivery: ExactlyOnce
    cx: Recipient
    clock: Clock
    """The wall clock, for timestamps and leases (the tick is the job's `now`)."""

    # the figures ----------------------------------------------------------------------------
    def picture(
        self, *, today: date, week: ReportWeek | None = None, launch_key: str | None = None
    ) -> WeeklyPicture:
        """The week's picture as of `today` (a past week: as of its Sunday). Store reads:
        a constant few, plus two per launch (its items, its history) — never one per item."""
        week = week or ReportWeek.reported_on(today)
        as_of = week.as_of(today)
        launches = self.launches.list_launches()
        if launch_key is not None:
            launches = [launch for launch in launches if launch.key == launch_key]
            if not launches:
                raise NotFound(f"no launch {launch_key!r}; `cxbot status` lists them")
        decisions = decisions_of_the_week(self.decisions.decisions(), week, self.tz)
        week_start = datetime.combine(week.start, time(), self.tz)
        launch_changes = self.history.changes(entity="launch", since=week_start)
        pictures = []
        for launch in launches:
            if launch_key is None and self._long_over(launch, as_of):
                continue  # history: not even read
            items = self.launches.items_of(launch.key)
            history = self.history.changes(
                entity="checklist_item", entity_ids=[item.key for item in items]
            )
            if launch_key is None and not self._running(launch, items, history, as_of):
                continue
            history += [c for c in launch_changes if c.entity_id == launch.key]
            pictures.append(
                launch_picture(
                    launch,
                    items,
                    sorted(history, key=lambda c: c.at),
                    calendar=self.calendar,
                    tz=self.tz,
                    week=week,
                    as_of=as_of,
                    decisions=[d.decision for d in decisions if belongs_to(d.decision, launch)],
                )
            )
        outlook = promotion_outlook(
            self.promotions.promotions().values(),
            first_seen(self.history.changes(entity="promotion")),
            calendar=self.calendar,
            tz=self.tz,
            as_of=as_of,
            lead_required=self.lead_required,
        )
        return WeeklyPicture(
            week=week,
            as_of=as_of,
            launches=pictures,
            promotions=outlook,
            decisions=decisions,
            lead_required=self.lead_required,
        )

    def _long_over(self, launch: Launch, as_of: date) -> bool:
        last_day = self.calendar.shift_business_days(launch.open_date, AFTER_OPENING)
        return as_of > last_day + WRAP_UP

    def _running(
        self, launch: Launch, items: list[ChecklistItem], history: list[Change], as_of: date
    ) -> bool:
        """Shown: a launch that existed by then and is not over — up to D+14, and for
        four more weeks while items are still open; older launches are history."""
        created = min((c.at for c in history), default=None)
        if created is not None and created.astimezone(self.tz).date() > as_of:
            return False
        last_day = self.calendar.shift_business_days(launch.open_date, AFTER_OPENING)
        if as_of <= last_day:
            return True
        book = StatusBook(status_timelines(history), self.tz)
        return any(book.status(item, as_of).is_open for item in items)

    # the files ------------------------------------------------------------------------------
    def render(
        self, picture: WeeklyPicture, fmt: str, *, name: str | None = None
    ) -> RenderedReport:
        if fmt not in FORMATS:
            raise InputError(f"{fmt!r}: the report is html, md or png")
        stem = name or f"weekly-{picture.week.label}"
        if fmt == "png":
            return RenderedReport({f"{stem}.png": self.charts.summary(picture)}, f"{stem}.png")
        drawn = self.charts.pairs(picture.launches, "svg" if fmt == "html" else "png")
        if fmt == "html":
            svgs = {}
            for launch, (burn_up, departments) in zip(picture.launches, drawn, strict=True):
                svgs[f"burn_up:{launch.launch.key}"] = burn_up.decode()
                svgs[f"departments:{launch.launch.key}"] = departments.decode()
            page = self.pages.html(picture, svgs)
            return RenderedReport({f"{stem}.html": page.encode()}, f"{stem}.html")
        files: dict[str, bytes] = {}
        paths = {}
        for number, (launch, pair) in enumerate(zip(picture.launches, drawn, strict=True), 1):
            for chart, content in zip(("burn_up", "departments"), pair, strict=True):
                path = f"{stem}/{number:02d}-{chart.replace('_', '-')}.png"
                files[path] = content
                paths[f"{chart}:{launch.launch.key}"] = path
        files[f"{stem}.md"] = self.pages.markdown(picture, paths).encode()
        return RenderedReport(files, f"{stem}.md")

    # posting --------------------------------------------------------------------------------
    @staticmethod
    def post_key(picture: WeeklyPicture) -> str:
        only = picture.launches[0].launch.key if len(picture.launches) == 1 else ""
        return f"weekly-report|{picture.week.label}" + (f"|{only}" if only else "")

    def preview(self, picture: WeeklyPicture) -> Message:
        return self.summary.summary(picture, key=self.post_key(picture))

    def post(self, picture: WeeklyPicture, *, now: datetime) -> PostOutcome:
        """The summary and the chart to the CX channel, once per key (per week): a run
        again, a restart, a lost answer never post it twice."""
        key = self.post_key(picture)
        if self._already_posted(key, now):
            return PostOutcome(key, "already sent")
        return self._send(picture, key, now)

    def run(self, *, tick: datetime) -> dict[str, object]:
        """The weekly job: last week's report (this week's on any day but Monday), once."""
        now = self.clock().astimezone(tick.tzinfo)
        today = tick.astimezone(self.tz).date()
        week = ReportWeek.reported_on(today)
        key = f"weekly-report|{week.label}"
        if self._already_posted(key, now):  # posted: not even built again
            return {"week": week.label, "launches": None, "state": "already sent"}
        picture = self.picture(today=today, week=week)
        outcome = self._send(picture, key, now)
        if outcome.state in ("failed", "unknown"):
            log.warning("weekly report %s: %s (%s)", outcome.key, outcome.state, outcome.why)
        return {"week": week.label, "launches": len(picture.launches), "state": outcome.state}

    def _already_posted(self, key: str, now: datetime) -> bool:
        """Settles what an interrupted post left behind first (found: posted; not found:
        released, so it is posted again)."""
        self.delivery.recover(now)
        return bool(self.delivery.ledger.recorded([key]))

    def _send(self, picture: WeeklyPicture, key: str, now: datetime) -> PostOutcome:
        destination = self.delivery.notifier.resolve(self.cx)
        if destination is None:
            return PostOutcome(
                key, "waiting", "no CX channel configured: set channels.cx in jobs/reminders.yaml"
            )
        entry = ReminderEntry(
            reminder_key=key,
            recipient_key=self.cx.key,
            kind="report",
            business_date=now.astimezone(self.tz).date(),
            launch_key="cx",
            item_key=None,
        )
        ledger = self.delivery.ledger
        if not ledger.claim(key, [entry], now):
            return PostOutcome(key, "already sent")  # another run claimed it just now
        message = replace(
            self.summary.summary(picture, key=key),
            attachment=Attachment(
                filename=attachment_name(key, "png"),
                content=self.charts.summary(picture),
                title=f"{picture.week.label} weekly launch report",
                alt_text=_alt_text(picture),
            ),
        )
        try:
            state, why = self.delivery.send(key, destination, message, now)
        except RemoteError:  # refused outright (token, scope): certainly not posted
            ledger.release(key)
            raise
        if state == "failed":
            ledger.release(key)  # refused, so certainly not posted: the next run tries again
        return PostOutcome(key, state, why)


def _alt_text(picture: WeeklyPicture) -> str:
    parts = [
        f"{p.launch.name}: {p.percent_done}% done, {len(p.overdue)} overdue"
        for p in picture.launches[:10]
    ]
    return (f"Burn-up and department charts, {picture.week.label}. " + "; ".join(parts))[:1000]


def week_of(text: str | None, today: date) -> ReportWeek:
    """`--week`: 2026-W49, or the week a report made today is about."""
    if not text:
        return ReportWeek.reported_on(today)
    try:
        return ReportWeek.parse(text)
    except ValueError as error:
        raise InputError(str(error)) from None
