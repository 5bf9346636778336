"""Who at a centre confirmed which brief: recorded once per manager and version, shown in
their App Home until they do, and escalated to CX once when nobody did in time."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.centre_brief import BriefAck, confirm_by
from cxbot.domain.centres import Centre
from cxbot.domain.changes import Change, ChangeSource
from cxbot.domain.reminders import Recipient
from cxbot.ports.briefs import BriefMessages, BriefRecords, BriefVersion
from cxbot.ports.messages import Message
from cxbot.service.brief_sending import ACTOR, ENTITY, BriefSending

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class AckOutcome:
    state: str  # recorded, again, not a manager, unknown brief
    centre: str = ""
    version: int = 0
    name: str = ""


@dataclass(frozen=True, kw_only=True)
class BriefConfirmations:
    centres: Sequence[Centre]
    records: BriefRecords
    sending: BriefSending
    compose: BriefMessages
    calendar: BusinessCalendar
    tz: tzinfo
    cx: Recipient

    def acknowledge(self, value: str, *, email: str | None, at: datetime) -> AckOutcome:
        """A centre manager's "확인했습니다" (`value`: `<brief key>|<version>`): recorded
        once per version, with who and when; anyone else changes nothing."""
        key, _, number = value.rpartition("|")
        version = self.records.latest([key]).get(key) if number.isdigit() else None
        if version is None or not 1 <= int(number) <= version.version:
            return AckOutcome(state="unknown brief")
        centre = self._centre(version.centre)
        manager = centre.manager(email) if centre is not None else None
        if centre is None or manager is None:
            log.warning("brief %s: %s pressed 확인 but manages no such centre", key, email)
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

    def escalate(self, version: BriefVersion, *, now: datetime, wall: datetime) -> bool:
        """Once, to CX: a Slack brief nobody at the centre confirmed by its deadline."""
        centre = self._centre(version.centre)
        if centre is None or centre.channel_kind != "slack" or version.sent_at is None:
            return False
        deadline = confirm_by(centre, version.window, self.calendar, self.tz)
        if now < deadline or self.records.acks([version.key]):
            return False
        delivery = self.sending.delivery
        destination = delivery.notifier.resolve(self.cx)
        if destination is None:
            log.warning(
                "brief %s is unconfirmed, but there is no CX channel to say so", version.key
            )
            return False
        message_key = f"{version.key}|escalation"
        if not self.sending.claim(message_key, self.cx.key, version, wall):
            return False
        message = self.compose.escalation(centre, version, deadline=deadline)
        state, _ = delivery.send(message_key, destination, message, wall)
        if state == "failed":
            delivery.ledger.release(message_key)
            return False
        change = Change(
            entity=ENTITY, entity_id=version.key, field="escalated", old=None,
            new=f"unconfirmed by {deadline.astimezone(self.tz):%Y-%m-%d %H:%M}", actor=ACTOR,
            source=ChangeSource.SLACK, at=wall, note=f"v{version.version}",
        )  # fmt: skip
        return self.records.escalate(version.key, wall, [change])

    def _centre(self, key: str) -> Centre | None:
        return next((c for c in self.centres if c.key == key), None)
