"""The contact centre's brief: built from the store, sent once a business day per centre
(Slack or e-mail), corrected when what it told changes, confirmed on the record, and
escalated to CX when nobody confirmed it before the centre opens."""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.centre_brief import (
    Brief,
    BriefAck,
    BriefInput,
    BriefWindow,
    FactChange,
    brief_key,
    build_brief,
    changes_since,
    confirm_by,
    look_up,
    noticed_at,
    told_in,
)
from cxbot.domain.centres import Centre
from cxbot.domain.changes import Change, ChangeSource
from cxbot.domain.checklist import ChecklistItem, ChecklistTemplate, Launch, split_item_key
from cxbot.domain.guidance import Guidance
from cxbot.domain.reminders import Recipient
from cxbot.ports.briefs import (
    BriefMessages,
    BriefPages,
    BriefRecords,
    BriefVersion,
    Mailer,
    MailFailed,
    MailMessage,
    MailUnknown,
)
from cxbot.ports.checklists import ChangeHistory, LaunchRepository, TemplateCatalog
from cxbot.ports.common import Clock
from cxbot.ports.errors import InputError, NotFound
from cxbot.ports.messages import Message, attachment_name
from cxbot.ports.promotions import PromotionRepository
from cxbot.ports.reminders import ReminderEntry
from cxbot.service.delivery import ExactlyOnce

log = logging.getLogger(__name__)

ACTOR = "cxbot"
ITEMS_AFTER_OPENING = timedelta(days=45)
"""Items are due D-30 … D+14 business days of the opening: a launch opened longer ago
than this has none left to tell."""
ENTITY = "centre_brief"


@dataclass(frozen=True, kw_only=True)
class Sent:
    centre: str
    key: str
    version: int
    state: str  # sent, already sent, waiting, failed, unknown, nothing to tell, not a business day
    why: str | None = None


@dataclass(frozen=True, kw_only=True)
class AckOutcome:
    state: str  # recorded, again, not a manager, unknown brief
    centre: str = ""
    version: int = 0
    name: str = ""


@dataclass(kw_only=True)
class CentreBriefs:
    centres: tuple[Centre, ...]
    launches: LaunchRepository
    templates: TemplateCatalog
    promotions: PromotionRepository
    history: ChangeHistory
    records: BriefRecords
    delivery: ExactlyOnce
    mailer: Mailer | None
    compose: BriefMessages
    pages: BriefPages
    calendar: BusinessCalendar
    tz: tzinfo
    lead_required: int
    cx: Recipient
    clock: Clock
    """The wall clock, for timestamps and leases (the tick is the job's `now`)."""

    # building ---------------------------------------------------------------------------
    def centre(self, key: str | None) -> list[Centre]:
        if key is None:
            return list(self.centres)
        found = [c for c in self.centres if c.key == key]
        if not found:
            known = ", ".join(c.key for c in self.centres) or "none configured"
            raise NotFound(f"no centre {key!r} (centres: {known}); see jobs/centres.yaml")
        return found

    def data(self, today: date) -> BriefInput:
        """Everything a brief needs, read once: three store reads, plus one per launch
        whose items can still fall in a brief (never one per item or promotion)."""
        launches = self.launches.list_launches()
        items: dict[str, list[ChecklistItem]] = {}
        horizon = today - ITEMS_AFTER_OPENING
        for launch in launches:
            if launch.open_date >= horizon:
                items[launch.key] = self.launches.items_of(launch.key)
        promotions = self.promotions.promotions()
        noticed = noticed_at(
            (c.entity_id, c.field, c.at) for c in self.history.changes(entity="promotion")
        )
        guidance = _TemplateGuidance(self.templates, launches)
        return BriefInput(
            launches=launches,
            items_of=items,
            launch_guidance=guidance.of_launch,
            item_guidance=guidance.of_item,
            promotions=promotions,
            noticed=noticed,
            lead_required=self.lead_required,
            tz=self.tz,
        )

    def build(self, centre: Centre, today: date, data: BriefInput | None = None) -> Brief:
        data = data or self.data(today)
        window = BriefWindow.of(today, centre.business_days, self.calendar)
        return build_brief(
            centre, window, data, self.calendar,
            since_last=self._since_last(centre, window, data),
        )  # fmt: skip

    def _since_last(
        self, centre: Centre, window: BriefWindow, data: BriefInput
    ) -> list[FactChange]:
        """What moved, for the days this brief covers, since the centre's last brief as it
        was first sent (a correction sent since is recapped: agents read one brief)."""
        earlier = [
            v
            for v in self.records.covering(window.first)
            if v.centre == centre.key and v.business_date < window.today
        ]
        if not earlier:
            return []
        last = max(earlier, key=lambda v: v.business_date)
        first = self.records.versions(last.key)[0]
        changes = changes_since(
            first.facts, first.window, centre, data, self.calendar, since=window.first
        )
        return [c for c in changes if c.kind != "added"]  # new things are in the days

    def next_brief_day(self, today: date) -> date:
        """Today when it is a business day, else the next one (no brief on a day off)."""
        return self.calendar.next_business_day(today)

    def preview(
        self, *, today: date, centre: str | None = None
    ) -> list[tuple[Centre, Brief, Message]]:
        data = self.data(today)
        out = []
        for chosen in self.centre(centre):
            brief = self.build(chosen, today, data)
            out.append((chosen, brief, self.compose.slack(brief)))
        return out

    # sending ----------------------------------------------------------------------------
    def run(
        self, *, now: datetime, centre: str | None = None, force_day: bool = False
    ) -> list[Sent]:
        """The day's brief to every centre, once. None on a holiday or a weekend: the
        brief before it covers those days. `force_day` sends on a day off too (`cxbot
        brief --today`, by hand)."""
        today = now.astimezone(self.tz).date()
        if not force_day and not self.calendar.is_business_day(today):
            return [
                Sent(centre=c.key, key="", version=0, state="not a business day")
                for c in self.centre(centre)
            ]
        wall = self.clock()
        self.delivery.recover(wall)
        data: BriefInput | None = None
        out = []
        for chosen in self.centre(centre):
            key = brief_key(chosen.key, today)
            version = self.records.latest([key]).get(key)
            if version is None:
                data = data or self.data(today)
                brief = self.build(chosen, today, data)
                self.records.compose(self._compose(chosen, brief, wall))
                version = self.records.latest([key])[key]  # another run's, when it was first
            out.append(self._deliver(chosen, version, wall))
        return out

    def follow_up(self, *, now: datetime) -> dict[str, object]:
        """Corrections for briefs whose told facts changed, versions not sent yet sent,
        and escalations of briefs nobody confirmed in time."""
        today = now.astimezone(self.tz).date()
        wall = self.clock()
        self.delivery.recover(wall)
        data = self.data(today)
        corrected, delivered, escalated = 0, 0, 0
        for centre in self.centres:
            mine = [v for v in self.records.covering(today) if v.centre == centre.key]
            told_later: set[str] = set()
            # Newest first: a change is corrected once, in the newest brief that told it.
            for version in sorted(mine, key=lambda v: v.business_date, reverse=True):
                if version.sent_at is not None:
                    correction = self._correction(
                        centre, version, data, today, wall, skip=told_later
                    )
                    if correction is not None and self.records.compose(correction):
                        corrected += 1
                        version = correction
                if version.sent_at is None:
                    delivered += self._deliver(centre, version, wall).state == "sent"
                told_later.update(version.facts)
            for version in self.records.covering(today - timedelta(days=1)):
                if version.centre == centre.key and self._escalate(centre, version, now, wall):
                    escalated += 1
        return {"corrections": corrected, "sent": delivered, "escalated": escalated}

    def _compose(self, centre: Centre, brief: Brief, at: datetime) -> BriefVersion:
        window = brief.window
        return BriefVersion(
            key=brief.key,
            version=1,
            centre=centre.key,
            business_date=window.today,
            first=window.first,
            last=window.last,
            facts=brief.facts(),
            told=tuple(self.compose.lines(brief)),
            composed_at=at,
            message=self.compose.slack(brief),
            page=self.pages.page(centre, brief, version=1, window=window)
            if centre.channel_kind == "email"
            else None,
        )

    def _correction(
        self,
        centre: Centre,
        told: BriefVersion,
        data: BriefInput,
        today: date,
        at: datetime,
        *,
        skip: set[str],
    ) -> BriefVersion | None:
        """The next version of a brief whose facts changed since it was sent: what is new,
        what moved, what was cancelled — for the days still ahead. Subjects in `skip`
        are a later brief's to correct."""
        window = told.window
        changes = [
            c
            for c in changes_since(told.facts, window, centre, data, self.calendar, since=today)
            if c.subject not in skip
        ]
        if not changes:
            return None
        current = {t.subject: t for t in told_in(centre, window, data, self.calendar)}
        facts = dict(told.facts)
        for change in changes:
            now = current.get(change.subject) or look_up(change.subject, data, window)
            if now is not None:
                facts[change.subject] = now.facts()
        number = told.version + 1
        return replace(
            told,
            version=number,
            facts=facts,
            told=tuple(self.compose.change_lines(changes)),
            composed_at=at,
            message=self.compose.correction(
                centre, key=told.key, version=number, window=window, changes=changes
            ),
            page=self.pages.page(centre, None, version=number, window=window, changes=changes)
            if centre.channel_kind == "email"
            else None,
            sent_at=None,
            where="",
        )

    def _deliver(self, centre: Centre, version: BriefVersion, now: datetime) -> Sent:
        sent = functools.partial(Sent, centre=centre.key, key=version.key, version=version.version)
        if version.sent_at is not None:
            return sent(state="already sent")
        if centre.channel_kind == "email":
            return self._mail(centre, version, now)
        destination = self.delivery.notifier.resolve(
            Recipient(key=f"centre:{centre.key}", name=centre.name, channel=centre.slack_channel)
        )
        if destination is None:
            why = f"centre {centre.key}: Slack channel {centre.slack_channel!r} not found"
            return sent(state="waiting", why=why)
        message_key = f"{version.key}|v{version.version}"
        if not self._claim(message_key, centre, version, now):
            return self._claimed_before(message_key, version, now, ChangeSource.SLACK)
        state, problem = self.delivery.send(message_key, destination, version.message, now)
        if state == "failed":
            self.delivery.ledger.release(message_key)  # refused: the next run tries again
        if state != "sent":
            return sent(state=state, why=problem)
        self._record_sent(version, now, where=destination.label, source=ChangeSource.SLACK)
        return sent(state="sent")

    def _claim(
        self, message_key: str, centre: Centre, version: BriefVersion, now: datetime
    ) -> bool:
        entry = ReminderEntry(
            reminder_key=message_key,
            recipient_key=f"centre:{centre.key}",
            kind="brief",
            business_date=version.business_date,
            launch_key="centre",
            item_key=None,
        )
        return bool(self.delivery.ledger.claim(message_key, [entry], now))

    def _claimed_before(
        self, message_key: str, version: BriefVersion, now: datetime, source: ChangeSource
    ) -> Sent:
        """Claimed by an earlier run: sent (and recorded now, when that run stopped before
        recording it), or still being sent by another run."""
        sent = functools.partial(
            Sent, centre=version.centre, key=version.key, version=version.version
        )
        if self.delivery.ledger.reminder_states(version.business_date).get(message_key) == "sent":
            self._record_sent(version, now, where="(settled from the ledger)", source=source)
            return sent(state="sent")
        return sent(state="in flight")

    def _mail(self, centre: Centre, version: BriefVersion, now: datetime) -> Sent:
        """One e-mail per manager, each once; the brief is sent when every manager's mail
        was accepted by the mail server (a refused one is retried by the next run)."""
        sent = functools.partial(Sent, centre=centre.key, key=version.key, version=version.version)
        if self.mailer is None:
            why = f"centre {centre.key} is briefed by e-mail, but CXBOT_SMTP_HOST is not set"
            return sent(state="waiting", why=why)
        accepted: list[str] = []
        for manager in centre.managers:
            message_key = f"{version.key}|v{version.version}|mail:{manager.email}"
            if not self._claim(message_key, centre, version, now):
                states = self.delivery.ledger.reminder_states(version.business_date)
                if states.get(message_key) == "sent":
                    accepted.append(manager.email)
                continue
            if self._send_mail(message_key, manager.email, version, now):
                accepted.append(manager.email)
        if len(accepted) < len(centre.managers):
            why = f"{len(accepted)} of {len(centre.managers)} managers' mail accepted"
            return sent(state="failed", why=why + "; the next run sends the rest")
        self._record_sent(
            version, now, where="e-mail: " + ", ".join(accepted), source=ChangeSource.EMAIL
        )
        return sent(state="sent")

    def _send_mail(self, message_key: str, to: str, version: BriefVersion, now: datetime) -> bool:
        ledger = self.delivery.ledger
        assert self.mailer is not None and version.page is not None
        page = version.page
        ledger.mark(message_key, "posting", now=now)
        try:
            answer = self.mailer.send(
                MailMessage(
                    message_id=message_id(message_key),
                    to=to,
                    subject=page.subject,
                    text=page.text,
                    html=page.html,
                    attachment_name=attachment_name(f"{version.key}-v{version.version}", "html"),
                    attachment_html=page.page,
                )
            )
        except MailFailed as error:
            ledger.release(message_key)  # refused: certainly not sent; the next run retries
            log.error("brief %s to %s refused by the mail server: %s", version.key, to, error)
            return False
        except MailUnknown as error:
            # Released: the next run sends it again under the same Message-ID, which mail
            # systems show once.
            ledger.release(message_key)
            log.warning(
                "brief %s to %s: outcome unknown (%s); resent next run", version.key, to, error
            )
            return False
        ledger.mark(message_key, "sent", now=now, ts=answer[:40])
        return True

    def _record_sent(
        self, version: BriefVersion, now: datetime, *, where: str, source: ChangeSource
    ) -> None:
        """The version as sent, and each line it told, into the change history."""
        note = f"v{version.version}" + (" 정정" if version.is_correction else "")

        def change(entity_id: str, name: str, new: str) -> Change:
            return Change(
                entity=ENTITY, entity_id=entity_id, field=name, old=None, new=new,
                actor=ACTOR, source=source, at=now, note=note,
            )  # fmt: skip

        changes = [change(version.key, "sent", f"v{version.version} → {where}")]
        changes += [change(f"{ref}@{version.key}", "told", line) for ref, line in version.told]
        self.records.sent(version.key, version.version, at=now, where=where, changes=changes)

    # confirming and escalating ----------------------------------------------------------
    def acknowledge(self, value: str, *, email: str | None, at: datetime) -> AckOutcome:
        """A centre manager's "확인했습니다": recorded once per version, with who and when."""
        key, _, number = value.rpartition("|")
        version = self.records.latest([key]).get(key) if number.isdigit() else None
        if version is None or not 1 <= int(number) <= version.version:
            return AckOutcome(state="unknown brief")
        centre = next((c for c in self.centres if c.key == version.centre), None)
        manager = centre.manager(email) if centre is not None else None
        if centre is None or manager is None:
            log.warning(
                "brief %s: %s pressed 확인 but is not one of the centre's managers", key, email
            )
            return AckOutcome(state="not a manager", centre=version.centre)
        ack = BriefAck(key=key, version=int(number), person=manager.email, name=manager.name, at=at)
        change = Change(
            entity=ENTITY, entity_id=key, field="acknowledged", old=None, new=manager.email,
            actor=manager.email, source=ChangeSource.SLACK, at=at, note=f"v{number}",
        )  # fmt: skip
        recorded = self.records.acknowledge(ack, [change])
        return AckOutcome(
            state="recorded" if recorded else "again", centre=centre.name,
            version=int(number), name=manager.name,
        )  # fmt: skip

    def confirmed_message(self, key: str, version: int) -> Message | None:
        """The brief's message with who confirmed it so far (to redraw it in Slack)."""
        versions = {v.version: v for v in self.records.versions(key)}
        if version not in versions:
            return None
        acks = [a for a in self.records.acks([key]) if a.version == version]
        return self.compose.confirmed(versions[version].message, acks)

    def unconfirmed(self, email: str | None, *, today: date) -> list[BriefVersion]:
        """The briefs a centre manager has not confirmed yet (their App Home)."""
        mine = {c.key for c in self.centres if c.manager(email) is not None}
        if not mine:
            return []
        versions = [v for v in self.records.covering(today) if v.centre in mine and v.sent_at]
        person = (email or "").strip().lower()
        acks = self.records.acks([v.key for v in versions])
        confirmed = {(a.key, a.version) for a in acks if a.person == person}
        return [v for v in versions if (v.key, v.version) not in confirmed]

    def _escalate(
        self, centre: Centre, version: BriefVersion, now: datetime, wall: datetime
    ) -> bool:
        """Once, to CX: a Slack brief nobody at the centre confirmed by its deadline."""
        if centre.channel_kind != "slack" or version.sent_at is None:
            return False
        deadline = confirm_by(centre, version.window, self.calendar, self.tz)
        if now < deadline or self.records.acks([version.key]):
            return False
        destination = self.delivery.notifier.resolve(self.cx)
        if destination is None:
            return False
        message_key = f"{version.key}|escalation"
        entry = ReminderEntry(
            reminder_key=message_key, recipient_key=self.cx.key, kind="brief-escalate",
            business_date=version.business_date, launch_key="centre", item_key=None,
        )  # fmt: skip
        if not self.delivery.ledger.claim(message_key, [entry], wall):
            return False
        message = self.compose.escalation(centre, version, deadline=deadline)
        state, _ = self.delivery.send(message_key, destination, message, wall)
        if state == "failed":
            self.delivery.ledger.release(message_key)
            return False
        change = Change(
            entity=ENTITY, entity_id=version.key, field="escalated", old=None,
            new=f"unconfirmed by {deadline.astimezone(self.tz):%Y-%m-%d %H:%M}", actor=ACTOR,
            source=ChangeSource.SLACK, at=wall, note=f"v{version.version}",
        )  # fmt: skip
        return self.records.escalate(version.key, wall, [change])


class _TemplateGuidance:
    """Guidance from each launch's template, read once per template: a template's brief
    edited later reaches the next brief, and a correction of one already sent."""

    def __init__(self, templates: TemplateCatalog, launches: Sequence[Launch]) -> None:
        self.templates = templates
        self.template_of = {launch.key: launch.template_key for launch in launches}
        self.cache: dict[str, ChecklistTemplate | None] = {}

    def _template(self, key: str | None) -> ChecklistTemplate | None:
        if key is None:
            return None
        if key not in self.cache:
            try:
                self.cache[key] = self.templates.find(key)
            except (InputError, NotFound):
                self.cache[key] = None  # a template removed since: no guidance, no crash
        return self.cache[key]

    def of_launch(self, launch: Launch) -> Guidance | None:
        template = self._template(launch.template_key)
        return template.brief if template is not None else None

    def of_item(self, item: ChecklistItem) -> Guidance | None:
        launch, wanted = split_item_key(item.key)
        template = self._template(self.template_of.get(launch))
        if template is None:
            return None
        found = next((i for i in template.items if i.key == wanted), None)
        return found.brief if found is not None else None


def message_id(message_key: str) -> str:
    """The same Message-ID on every attempt: a brief sent again is shown once."""
    digest = hashlib.sha256(message_key.encode()).hexdigest()[:32]
    return f"<brief-{digest}@cxbot>"
