"""The contact centre's brief: built from the store, sent once a business day per centre
(Slack or e-mail), corrected when what it told changes, and — through its confirmations —
escalated to CX when nobody at the centre confirmed it before the centre opens."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.centre_brief import (
    DATE_FIELDS,
    Brief,
    BriefInput,
    BriefWindow,
    FactChange,
    brief_key,
    build_brief,
    changes_since,
)
from cxbot.domain.centres import Centre
from cxbot.ports.briefs import BriefMessages, BriefPages, BriefRecords, BriefVersion
from cxbot.ports.checklists import ChangeHistory, LaunchRepository, TemplateCatalog
from cxbot.ports.common import Clock
from cxbot.ports.errors import NotFound
from cxbot.ports.messages import Message
from cxbot.ports.promotions import PromotionRepository
from cxbot.service.brief_confirmations import BriefConfirmations
from cxbot.service.brief_guidance import TemplateGuidance
from cxbot.service.brief_sending import BriefSending, Sent

log = logging.getLogger(__name__)

ITEMS_AFTER_OPENING = timedelta(days=45)
"""Items are due D-30 … D+14 business days of the opening: a launch opened longer ago
than this has none left to tell."""


@dataclass(kw_only=True)
class CentreBriefs:
    centres: tuple[Centre, ...]
    launches: LaunchRepository
    templates: TemplateCatalog
    promotions: PromotionRepository
    history: ChangeHistory
    records: BriefRecords
    sending: BriefSending
    confirmations: BriefConfirmations
    compose: BriefMessages
    pages: BriefPages
    calendar: BusinessCalendar
    tz: tzinfo
    lead_required: int
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
        """Everything a brief needs, read once: four store reads whatever the number of
        launches, items and promotions."""
        launches = self.launches.list_launches()
        recent = [x.key for x in launches if x.open_date >= today - ITEMS_AFTER_OPENING]
        items = self.launches.items_of_launches(recent)
        # When CX heard of each promotion's current dates: the lead time it had.
        noticed = self.history.last_changed("promotion", DATE_FIELDS)
        guidance = TemplateGuidance(self.templates, launches)
        return BriefInput(
            launches=launches,
            items_of=items,
            launch_guidance=guidance.of_launch,
            item_guidance=guidance.of_item,
            promotions=self.promotions.promotions(),
            noticed=noticed,
            lead_required=self.lead_required,
            tz=self.tz,
        )

    def build(self, centre: Centre, today: date, data: BriefInput | None = None) -> Brief:
        data = data or self.data(today)
        window = BriefWindow.of(today, centre.business_days, self.calendar)
        since_last = self._since_last(centre, window, data)
        return build_brief(centre, window, data, self.calendar, since_last=since_last)

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
        chosen = self.centre(centre)
        if not force_day and not self.calendar.is_business_day(today):
            return [
                Sent(centre=c.key, key="", version=0, state="not a business day") for c in chosen
            ]
        wall = self.clock()
        self.sending.delivery.recover(wall)
        data: BriefInput | None = None
        out = []
        for one in chosen:
            key = brief_key(one.key, today)
            version = self.records.latest([key]).get(key)
            if version is None:
                data = data or self.data(today)
                self.records.compose(self._compose(one, self.build(one, today, data), wall))
                version = self.records.latest([key])[key]  # another run's, when it was first
            out.append(self.sending.send(one, version, wall))
        return out

    def follow_up(self, *, now: datetime) -> dict[str, object]:
        """Corrections for briefs whose told facts changed, versions not sent yet sent,
        and escalations of briefs nobody confirmed in time."""
        today = now.astimezone(self.tz).date()
        counts = {"corrections": 0, "sent": 0, "escalated": 0}
        if not self.centres:
            return dict(counts)  # every 10 minutes: nothing read when nobody is briefed
        wall = self.clock()
        self.sending.delivery.recover(wall)
        ahead = self.records.covering(today)
        # The store is read only when a brief already sent may need correcting.
        data = self.data(today) if any(v.sent_at for v in ahead) else None
        for centre in self.centres:
            mine = [v for v in ahead if v.centre == centre.key]
            told_later: set[str] = set()
            # Newest first: a change is corrected once, in the newest brief that told it.
            for version in sorted(mine, key=lambda v: v.business_date, reverse=True):
                if version.sent_at is not None and data is not None:
                    correction = self._correction(centre, version, data, today, wall, told_later)
                    if correction is not None and self.records.compose(correction):
                        counts["corrections"] += 1
                        version = correction
                if version.sent_at is None:
                    counts["sent"] += self.sending.send(centre, version, wall).state == "sent"
                told_later.update(version.facts)
        for version in self.records.covering(today - timedelta(days=1)):
            counts["escalated"] += self.confirmations.escalate(version, now=now, wall=wall)
        return dict(counts)

    def _compose(self, centre: Centre, brief: Brief, at: datetime) -> BriefVersion:
        window = brief.window
        page = None
        if centre.channel_kind == "email":
            page = self.pages.page(centre, brief, version=1, window=window)
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
            page=page,
        )

    def _correction(
        self,
        centre: Centre,
        told: BriefVersion,
        data: BriefInput,
        today: date,
        at: datetime,
        told_later: set[str],
    ) -> BriefVersion | None:
        """The next version of a brief whose facts changed since it was sent: what is new,
        what moved, what was cancelled — for the days still ahead. Subjects a later brief
        told are that brief's to correct."""
        window = told.window
        changes = [
            c
            for c in changes_since(told.facts, window, centre, data, self.calendar, since=today)
            if c.subject not in told_later
        ]
        if not changes:
            return None
        number = told.version + 1
        page = None
        if centre.channel_kind == "email":
            page = self.pages.page(centre, None, version=number, window=window, changes=changes)
        message = self.compose.correction(
            centre, key=told.key, version=number, window=window, changes=changes
        )
        return replace(
            told,
            version=number,
            facts={**told.facts, **{c.subject: dict(c.facts) for c in changes}},
            told=tuple(self.compose.change_lines(changes)),
            composed_at=at,
            message=message,
            page=page,
            sent_at=None,
            where="",
        )
