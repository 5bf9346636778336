"""Syncing the promotion calendar: read, diff, guard, record, mirror, alert CX exactly once."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.changes import Change, ChangeSource, diff_fields
from cxbot.domain.promotions import (
    CalendarDiff,
    Promotion,
    RowProblem,
    SheetLayoutError,
    diff_calendar,
    is_mass_change,
    read_sheet,
)
from cxbot.domain.reminders import Recipient
from cxbot.ports.common import Clock, Cursors, Progress, no_progress
from cxbot.ports.errors import InputError
from cxbot.ports.promotions import (
    CalendarComposer,
    PendingAlert,
    PromotionBoard,
    PromotionRepository,
    PromotionSource,
    SourceRead,
)
from cxbot.service.alerts import CxAlerts, pending
from cxbot.service.delivery import ExactlyOnce

log = logging.getLogger(__name__)

FINGERPRINT = "calendar.fingerprint"
ACTOR = "sheet-sync"


@dataclass(frozen=True, kw_only=True)
class CalendarSettings:
    lead_business_days: int = 5
    guard_share: float = 0.3
    brief_business_days: int = 3
    headers: dict[str, tuple[str, ...]] | None = None


@dataclass(frozen=True, kw_only=True)
class CalendarReport:
    source: str
    skipped: str | None = None
    diff: CalendarDiff | None = None
    problems: tuple[RowProblem, ...] = ()
    layout_error: str | None = None
    guarded: bool = False
    identity: str = ""
    unmapped: tuple[str, ...] = ()  # columns with a header no field took: "H (URL)"
    undecided: tuple[Promotion, ...] = ()  # read, kept, with a date still 미정
    written: int = 0
    board_problems: tuple[str, ...] = ()
    alerts: tuple[tuple[str, str], ...] = ()
    dry_run: bool = False
    preview: str = ""
    lead_required: int = 0  # business days of notice CX needs (CXBOT_CALENDAR_LEAD_DAYS)


@dataclass(frozen=True, kw_only=True)
class _Parsed:
    promotions: dict[str, Promotion]
    problems: list[RowProblem]
    identity: str
    layout_error: str | None = None
    unmapped: tuple[str, ...] = ()


@dataclass(kw_only=True)
class CalendarSync:
    store: PromotionRepository
    cursors: Cursors
    source: PromotionSource
    board: PromotionBoard
    delivery: ExactlyOnce
    cx: Recipient
    compose: CalendarComposer
    calendar: BusinessCalendar
    settings: CalendarSettings = field(default_factory=CalendarSettings)
    clock: Clock
    """The wall clock, for timestamps and leases (the tick is the job's `now`)."""

    @property
    def alerts(self) -> CxAlerts:
        return CxAlerts(store=self.store, delivery=self.delivery, cx=self.cx)

    def _stamp(self, now: datetime) -> datetime:
        return self.clock().astimezone(now.tzinfo)

    def run(
        self,
        *,
        now: datetime,
        confirm: bool = False,
        dry_run: bool = False,
        force: bool = False,
        progress: Progress = no_progress,
    ) -> CalendarReport:
        """Reads the calendar, records and mirrors what changed, alerts CX where the lead
        time is short; holds a mass change for `confirm`; `dry_run` writes nothing."""
        stamp = self._stamp(now)
        fingerprint = self.source.fingerprint()
        unchanged = fingerprint is not None and fingerprint == self.cursors.get_cursor(FINGERPRINT)
        if unchanged and not (force or confirm):
            return self._unchanged(stamp, dry_run=dry_run, progress=progress)
        read = self.source.read()
        known = self.store.promotions()
        active = sum(1 for p in known.values() if not p.cancelled)
        sheet = self._parse(read, known, active=active, today=now.date())
        diff = diff_calendar(
            known,
            sheet.promotions,
            noticed=now.date(),
            calendar=self.calendar,
            lead_required=self.settings.lead_business_days,
            unreadable=[p.key for p in sheet.problems if p.key],
        )
        report = self._report(sheet, diff, dry_run=dry_run)
        if not confirm and is_mass_change(diff, active, self.settings.guard_share):
            return self._hold(report, diff, active=active, stamp=stamp)
        message = self.compose.changes(
            diff,
            source=self.source.name,
            problems=sheet.problems,
            lead_required=self.settings.lead_business_days,
        )
        if dry_run:
            return replace(report, preview=message.preview if diff.changes else "")
        event = f"calendar|{fingerprint or read.revision}|{_digest(diff)}|{len(sheet.problems)}"
        worth_telling = any(c.alerting for c in diff.changes) or sheet.problems
        self._record(
            diff,
            sheet.promotions,
            known,
            alert=pending(event, message, stamp) if worth_telling else None,
            stamp=stamp,
            revision=read.revision,
        )
        if fingerprint is not None:
            self.cursors.set_cursor(FINGERPRINT, fingerprint)
        written, board_problems = self._mirror([c.promotion for c in diff.changes], progress)
        return replace(
            report,
            written=written,
            board_problems=board_problems,
            alerts=self.deliver_alerts(stamp),
        )

    def _report(self, sheet: _Parsed, diff: CalendarDiff, *, dry_run: bool) -> CalendarReport:
        return CalendarReport(
            source=self.source.name,
            lead_required=self.settings.lead_business_days,
            diff=diff,
            problems=tuple(sheet.problems),
            layout_error=sheet.layout_error,
            identity=sheet.identity,
            unmapped=sheet.unmapped,
            undecided=tuple(
                p for p in sheet.promotions.values() if p.undecided and not p.cancelled
            ),
            dry_run=dry_run,
        )

    def _unchanged(self, stamp: datetime, *, dry_run: bool, progress: Progress) -> CalendarReport:
        """The sheet is as last read: only what an earlier run could not finish."""
        written, board_problems = (0, ()) if dry_run else self._mirror([], progress)
        return CalendarReport(
            source=self.source.name,
            lead_required=self.settings.lead_business_days,
            skipped="unchanged since the last sync",
            written=written,
            board_problems=board_problems,
            alerts=() if dry_run else self.deliver_alerts(stamp),
        )

    def _parse(
        self, read: SourceRead, known: dict[str, Promotion], *, active: int, today: date
    ) -> _Parsed:
        """The sheet's promotions, recorded values kept where a side cell is unreadable. A
        layout cxbot cannot read stops a first sync; with promotions recorded, it is held
        as a mass change (every promotion would vanish) instead."""
        try:
            sheet = read_sheet(
                read.rows, today=today, headers=self.settings.headers, struck=read.struck
            )
        except SheetLayoutError as error:
            if not active:
                raise InputError(f"{self.source.name}: {error}") from None
            return _Parsed(promotions={}, problems=[], identity="", layout_error=str(error))
        return _Parsed(
            promotions={key: _keep_known(p, known.get(key)) for key, p in sheet.promotions.items()},
            problems=list(sheet.problems),
            identity=sheet.identity,
            unmapped=tuple(sheet.unmapped),
        )

    def _hold(
        self, report: CalendarReport, diff: CalendarDiff, *, active: int, stamp: datetime
    ) -> CalendarReport:
        """A change too big to be real (a sorted, cleared or re-laid-out sheet): nothing is
        recorded; CX is asked once to confirm with `cxbot calendar sync --confirm`."""
        message = self.compose.guard(
            diff,
            source=self.source.name,
            known=active,
            threshold=self.settings.guard_share,
            layout_error=report.layout_error,
        )
        if report.dry_run:
            return replace(report, guarded=True, preview=message.preview)
        self.store.queue_alert(pending(f"calendar-guard|{_digest(diff)}", message, stamp))
        return replace(
            report, guarded=True, preview=message.preview, alerts=self.deliver_alerts(stamp)
        )

    def _record(
        self,
        diff: CalendarDiff,
        promotions: dict[str, Promotion],
        known: dict[str, Promotion],
        *,
        alert: PendingAlert | None,
        stamp: datetime,
        revision: str,
    ) -> None:
        """Saves what changed (and rows that only moved) with its history and its alert."""
        changed = [c.promotion for c in diff.changes]
        moved_rows = [
            p
            for key, p in promotions.items()
            if key in known and p.row != known[key].row and p not in changed
        ]
        self.store.save_promotions(
            changed + moved_rows, self._history(diff, stamp, revision), alert
        )

    def _history(self, diff: CalendarDiff, now: datetime, revision: str) -> list[Change]:
        note = f"{self.source.name} ({revision})"
        history: list[Change] = []
        for change in diff.changes:
            history.extend(
                diff_fields(
                    entity="promotion",
                    entity_id=change.promotion.key,
                    old=change.before.tracked() if change.before else None,
                    new=change.promotion.tracked(),
                    actor=ACTOR,
                    source=ChangeSource.SHEET,
                    at=now,
                    note=note,
                )
            )
        return history

    def _mirror(
        self, changed: Sequence[Promotion], progress: Progress
    ) -> tuple[int, tuple[str, ...]]:
        """Writes changed promotions, and any an earlier run could not write, to the board."""
        ids = self.store.promotion_ids()
        everything = self.store.promotions()
        todo = {p.key: everything.get(p.key, p) for p in changed}
        todo.update({key: p for key, p in everything.items() if key not in ids})
        if not todo:
            return 0, ()
        result = self.board.upsert(list(todo.values()), ids, progress)
        self.store.set_promotion_ids(result.ids)
        return len(result.ids), tuple(result.problems)

    def listing(self, *, today: date) -> list[tuple[Promotion, int | None]]:
        """Every mirrored promotion with CX's lead time in business days from `today`."""
        return [
            (p, self.calendar.business_days_between(today, first) if first else None)
            for p in self.store.promotions().values()
            for first in (p.first_day,)
        ]

    def deliver_alerts(self, now: datetime) -> tuple[tuple[str, str], ...]:
        return self.alerts.deliver(now)

    def brief(self, *, now: datetime) -> tuple[tuple[str, str], ...]:
        """The D-N reminder to brief agents before promotions start (exactly once a day)."""
        today = now.date()
        stamp = self._stamp(now)
        if not self.calendar.is_business_day(today):
            return ()
        days = self.settings.brief_business_days
        starting = [
            p
            for p in self.store.promotions().values()
            if not p.cancelled
            and p.start is not None
            and p.start >= today
            and self.calendar.business_days_between(today, p.start) == days
        ]
        if not starting:
            return ()
        message = self.compose.brief(starting, days=days, today=today)
        key = (
            f"promo-brief|{today.isoformat()}|"
            + hashlib.sha256("\n".join(sorted(p.key for p in starting)).encode()).hexdigest()[:12]
        )
        self.store.queue_alert(pending(key, replace(message, key=key), stamp))
        return self.deliver_alerts(stamp)


def _keep_known(read: Promotion, known: Promotion | None) -> Promotion:
    """A field flagged as unreadable this time keeps what was recorded: nothing is lost."""
    if known is None or not read.flagged:
        return read
    unreadable = {name for name, _ in read.flagged}
    kept = {
        name: getattr(known, name)
        for name in ("end", "send_date")
        if name in unreadable and getattr(read, name) is None
    }
    return replace(read, **kept) if kept else read


def _digest(diff: CalendarDiff) -> str:
    lines = sorted(
        f"{c.kind}|{c.promotion.key}|{sorted(c.promotion.tracked().items())}" for c in diff.changes
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
