"""Sending one version of a centre's brief, exactly once: to its Slack channel through
the exactly-once delivery, or as one e-mail per manager; recorded in the change history
with every line it told."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from cxbot.domain.centres import Centre
from cxbot.domain.changes import Change, ChangeSource
from cxbot.domain.reminders import Recipient
from cxbot.ports.briefs import (
    BriefRecords,
    BriefVersion,
    Mailer,
    MailFailed,
    MailMessage,
    MailUnknown,
)
from cxbot.ports.messages import attachment_name
from cxbot.ports.reminders import ReminderEntry
from cxbot.service.delivery import ExactlyOnce

log = logging.getLogger(__name__)

ACTOR = "cxbot"
ENTITY = "centre_brief"


@dataclass(frozen=True, kw_only=True)
class Sent:
    centre: str
    key: str
    version: int
    state: str  # sent, already sent, in flight, waiting, failed, unknown, not a business day
    why: str | None = None


@dataclass(frozen=True, kw_only=True)
class BriefSending:
    records: BriefRecords
    delivery: ExactlyOnce
    mailer: Mailer | None

    def send(self, centre: Centre, version: BriefVersion, now: datetime) -> Sent:
        if version.sent_at is not None:
            return _sent(version, "already sent")
        if centre.channel_kind == "email":
            return self._mail(centre, version, now)
        return self._slack(centre, version, now)

    def claim(self, message_key: str, recipient: str, version: BriefVersion, now: datetime) -> bool:
        entry = ReminderEntry(
            reminder_key=message_key,
            recipient_key=recipient,
            kind="brief",
            business_date=version.business_date,
            launch_key="centre",
            item_key=None,
        )
        return bool(self.delivery.ledger.claim(message_key, [entry], now))

    def _slack(self, centre: Centre, version: BriefVersion, now: datetime) -> Sent:
        destination = self.delivery.notifier.resolve(
            Recipient(key=f"centre:{centre.key}", name=centre.name, channel=centre.slack_channel)
        )
        if destination is None:
            why = f"centre {centre.key}: Slack channel {centre.slack_channel!r} not found"
            return _sent(version, "waiting", why)
        message_key = f"{version.key}|v{version.version}"
        if not self.claim(message_key, f"centre:{centre.key}", version, now):
            return self._claimed_before(message_key, version, now)
        state, problem = self.delivery.send(message_key, destination, version.message, now)
        if state == "failed":
            self.delivery.ledger.release(message_key)  # refused: the next run tries again
        if state != "sent":
            return _sent(version, state, problem)
        self._record(version, now, where=destination.label, source=ChangeSource.SLACK)
        return _sent(version, "sent")

    def _claimed_before(self, message_key: str, version: BriefVersion, now: datetime) -> Sent:
        """Claimed by an earlier run: sent (and recorded now, when that run stopped before
        recording it), or still being sent by another run."""
        if self.delivery.ledger.reminder_states(version.business_date).get(message_key) == "sent":
            self._record(version, now, where="(settled from the ledger)", source=ChangeSource.SLACK)
            return _sent(version, "sent")
        return _sent(version, "in flight")

    def _mail(self, centre: Centre, version: BriefVersion, now: datetime) -> Sent:
        """One e-mail per manager, each once; the brief is sent when every manager's mail
        was accepted by the mail server (a refused one is retried by the next run)."""
        if self.mailer is None:
            why = f"centre {centre.key} is briefed by e-mail, but CXBOT_SMTP_HOST is not set"
            return _sent(version, "waiting", why)
        accepted: list[str] = []
        for manager in centre.managers:
            message_key = f"{version.key}|v{version.version}|mail:{manager.email}"
            if self.claim(message_key, f"person:{manager.email}", version, now):
                if self._send_mail(message_key, manager.email, version, now):
                    accepted.append(manager.email)
            elif (
                self.delivery.ledger.reminder_states(version.business_date).get(message_key)
                == "sent"
            ):
                accepted.append(manager.email)
        if len(accepted) < len(centre.managers):
            why = f"{len(accepted)} of {len(centre.managers)} managers' mail accepted"
            return _sent(version, "failed", why + "; the next run sends the rest")
        self._record(
            version, now, where="e-mail: " + ", ".join(accepted), source=ChangeSource.EMAIL
        )
        return _sent(version, "sent")

    def _send_mail(self, message_key: str, to: str, version: BriefVersion, now: datetime) -> bool:
        assert self.mailer is not None and version.page is not None
        ledger, page = self.delivery.ledger, version.page
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
                "brief %s to %s: outcome unknown (%s); sent again next run", version.key, to, error
            )
            return False
        ledger.mark(message_key, "sent", now=now, ts=answer[:40])
        accepted = Change(
            entity=ENTITY, entity_id=version.key, field="mailed", old=None, new=to,
            actor=ACTOR, source=ChangeSource.EMAIL, at=now,
            note=f"v{version.version} · {message_id(message_key)} · {answer}",
        )  # fmt: skip
        self.records.record([accepted])  # when the mail server took it, and for whom
        return True

    def _record(
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


def message_id(message_key: str) -> str:
    """The same Message-ID on every attempt: a brief sent again is shown once."""
    digest = hashlib.sha256(message_key.encode()).hexdigest()[:32]
    return f"<brief-{digest}@cxbot>"


def _sent(version: BriefVersion, state: str, why: str | None = None) -> Sent:
    return Sent(
        centre=version.centre, key=version.key, version=version.version, state=state, why=why
    )
