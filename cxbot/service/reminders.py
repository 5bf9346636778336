"""Sending reminders exactly once: claim in the ledger, post, record; recover the unknown."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.checklist import ChecklistItem
from cxbot.domain.notices import Notice, notice
from cxbot.domain.policy import ReminderPolicy
from cxbot.domain.reminders import Digest, ReminderSettings, digests, reminders_for
from cxbot.ports.checklists import LaunchRepository
from cxbot.ports.common import Clock
from cxbot.ports.messages import DeliveryFailed, Notifier
from cxbot.ports.reminders import DigestComposer, ReminderEntry, ReminderLedger
from cxbot.service.delivery import ExactlyOnce

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Outcome:
    message_key: str
    recipient: str
    destination: str
    items: int
    state: str  # sent, unknown, failed, planned (dry run)
    late: bool = False
    notes: tuple[Notice, ...] = ()  # what the sender should know: words from the locale
    text: str = ""

    @property
    def note(self) -> str | None:
        """The notes in English (logs, summaries)."""
        return "; ".join(str(n) for n in self.notes) or None


@dataclass(frozen=True, kw_only=True)
class ReminderReport:
    business_date: date
    skipped: Notice | None  # why nothing was planned (a day off, quiet hours, too early)
    outcomes: tuple[Outcome, ...]
    recovered: tuple[str, ...]
    released: tuple[str, ...]
    planned: int
    already_sent: int

    @property
    def sent(self) -> int:
        return sum(1 for o in self.outcomes if o.state == "sent")


@dataclass(frozen=True, kw_only=True)
class Reminders:
    """The reminder use case, wired to its ports."""

    store: LaunchRepository
    ledger: ReminderLedger
    notifier: Notifier
    compose: DigestComposer
    calendar: BusinessCalendar
    settings: ReminderSettings
    policy_of: Callable[[ChecklistItem], ReminderPolicy] | None = None
    clock: Clock
    """The wall clock, for timestamps and leases (the tick is the job's `now`)."""

    def run(
        self, *, now: datetime, today: date | None = None, dry_run: bool = False
    ) -> ReminderReport:
        """One reminder run for `now`'s business day (or `today` when planning a dry run).

        `now` is the moment planned for (the scheduler's tick); messages are stamped, and
        judged late or in quiet hours, by the wall clock: a 09:30 run caught up at 17:52
        plans 09:30's reminders and says they are late.
        """
        day = today or now.date()
        if today is not None and today != now.date() and not dry_run:
            raise ValueError("--today is for planning: use it with --dry-run")
        stamp = self.clock().astimezone(now.tzinfo)
        skipped = self._skip_reason(stamp, day, dry_run)
        if skipped:
            return ReminderReport(
                business_date=day,
                skipped=skipped,
                outcomes=(),
                recovered=(),
                released=(),
                planned=0,
                already_sent=0,
            )
        recovered, released = ((), ()) if dry_run else self.delivery.recover(stamp)
        launches = self.store.list_launches()
        planned = reminders_for(
            launches=launches,
            items_of=self.store.items_of,
            today=day,
            calendar=self.calendar,
            policy_of=self.policy_of or self._policy_of,
            routing=self.settings.routing,
            summary_policy=self.settings.policy,
        )
        done = self.ledger.recorded(r.key for r in planned)
        fresh = [r for r in planned if r.key not in done]
        # Once over the plan, not once per launch: planning stays linear in the data.
        summarised = {r.launch.key for r in fresh if r.item is None}
        launch_items = {key: self.store.items_of(key) for key in summarised}
        late = not dry_run and stamp.time() > _plus(self.settings.send_at, self.settings.late_after)
        outcomes = [
            self._deliver(digest, now=stamp, late=late, dry_run=dry_run, launch_items=launch_items)
            for digest in digests(fresh)
        ]
        return ReminderReport(
            business_date=day,
            skipped=None,
            outcomes=tuple(o for o in outcomes if o),
            recovered=tuple(recovered),
            released=tuple(released),
            planned=len(planned),
            already_sent=len(done),
        )

    def follow_up(self, *, now: datetime) -> ReminderReport | None:
        """Settles what an interrupted run left unsettled, and sends what it never sent.

        After a crash with a post in flight, the run caught up at restart leaves that
        digest alone while its claim is inside the lease. This follow-up (every few minutes
        on business days) settles claims past their lease — found in the channel, or
        released — and, when any was released, runs today's reminders again so it goes
        out the same day, once. None when nothing was unsettled.
        """
        if not self.ledger.unsettled():
            return None
        report = self.run(now=now)
        return report if report.skipped is None else None

    def overdue_claims(self, now: datetime) -> str | None:
        """For health: messages still unsettled past their lease (None when all is well)."""
        late = [c for c in self.ledger.unsettled() if now - c.claimed_at > self.settings.lease]
        if not late:
            return None
        oldest = min(c.claimed_at for c in late)
        return (
            f"{len(late)} reminder message(s) unsettled past their "
            f"{int(self.settings.lease.total_seconds() // 60)}-minute lease (oldest claimed "
            f"{oldest.isoformat(timespec='minutes')}); the follow-up job settles them"
        )

    @property
    def delivery(self) -> ExactlyOnce:
        return ExactlyOnce(ledger=self.ledger, notifier=self.notifier, lease=self.settings.lease)

    def _policy_of(self, item: ChecklistItem) -> ReminderPolicy:
        return self.settings.policy.merged(item.reminders)

    def _skip_reason(self, now: datetime, day: date, dry_run: bool) -> Notice | None:
        if not self.calendar.is_business_day(day):
            why = self.calendar.why_closed(day) or "closed"
            return notice("not_a_business_day", day=day.isoformat(), why=why)
        if dry_run:
            return None
        settings = self.settings
        if settings.in_quiet_hours(now.time()):
            start, end = f"{settings.quiet_start:%H:%M}", f"{settings.quiet_end:%H:%M}"
            return notice("quiet_hours", start=start, end=end)
        if now.time() < settings.send_at:
            return notice("before_send_at", at=f"{settings.send_at:%H:%M}")
        return None

    def _deliver(
        self,
        digest: Digest,
        *,
        now: datetime,
        late: bool,
        dry_run: bool,
        launch_items: dict[str, list[ChecklistItem]],
    ) -> Outcome | None:
        notes = _notes(digest)
        try:
            destination = self.notifier.resolve(digest.recipient)
        except DeliveryFailed as error:
            reached = notice("not_reachable", recipient=digest.recipient.key, why=str(error))
            notes = (reached, *notes)
            destination = None
        cx = self.settings.routing.cx()
        if destination is None and digest.recipient.key != cx.key:
            if digest.recipient.is_person:
                missing = notice("owner_not_in_slack", email=digest.recipient.email or "")
            else:
                missing = notice("no_slack_channel", name=digest.recipient.name)
            notes = (missing, *notes)
            destination = self.notifier.resolve(cx)
        message = self.compose(digest, late=late, notes=notes, launch_items=launch_items)
        base = Outcome(
            message_key=digest.key,
            recipient=digest.recipient.key,
            destination=destination.label if destination else "nowhere",
            items=len(digest.reminders),
            state="planned",
            late=late,
            notes=notes,
            text=message.preview or message.text,
        )
        if dry_run:
            return base
        entries = [
            ReminderEntry(
                reminder_key=r.key,
                recipient_key=r.recipient.key,
                kind=r.kind.value,
                business_date=r.business_date,
                launch_key=r.launch.key,
                item_key=r.item.key if r.item else None,
                late=late,
            )
            for r in digest.reminders
        ]
        claimed = self.ledger.claim(digest.key, entries, now)
        if not claimed:
            return None  # another run took all of them
        if len(claimed) < len(entries):
            digest = replace(
                digest, reminders=tuple(r for r in digest.reminders if r.key in claimed)
            )
            message = replace(
                self.compose(digest, late=late, notes=notes, launch_items=launch_items),
                key=base.message_key,
            )
        if destination is None:
            problem = notice("nowhere", why="; ".join(str(n) for n in notes))
            self.ledger.mark(digest.key, "failed", now=now, error=str(problem))
            return replace(base, state="failed", notes=(problem,))
        state, why = self.delivery.send(digest.key, destination, message, now)
        if why:
            return replace(base, state=state, notes=(notice("delivery_problem", why=why),))
        return replace(base, state=state)


def _notes(digest: Digest) -> tuple[Notice, ...]:
    """Each different note of the digest's reminders once, in a stable order."""
    found = {str(r.note): r.note for r in digest.reminders if r.note is not None}
    return tuple(found[text] for text in sorted(found))


def _plus(moment: time, delta: timedelta) -> time:
    return (datetime.combine(date(2000, 1, 1), moment) + delta).time()
