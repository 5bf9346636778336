"""Posting a message exactly once: claimed in the ledger first, its outcome recorded,
an unknown outcome settled from the channel's history instead of posting again."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from cxbot.domain.reminders import Recipient
from cxbot.ports.reminders import ReminderLedger

log = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """The service refused the message: it was certainly not posted."""


class DeliveryUnknown(Exception):
    """No answer (timeout, dropped connection, 5xx): the message may have been posted."""


class HistoryUnreadable(Exception):
    """The channel's history could not be read: whether a message is there is unknown —
    never the same as "not there"."""


@dataclass(frozen=True, kw_only=True)
class Destination:
    channel: str
    label: str


@dataclass(frozen=True, kw_only=True)
class Attachment:
    """A file posted with a message (a chart): uploaded, then shared with the text."""

    filename: str
    content: bytes = field(repr=False)
    title: str
    alt_text: str = ""


@dataclass(frozen=True, kw_only=True)
class Message:
    key: str
    text: str  # the notification / fallback text
    blocks: list[dict[str, object]]
    preview: str = ""  # the blocks as plain text, for previews and the console
    attachment: Attachment | None = None


def attachment_name(message_key: str, extension: str) -> str:
    """The file name a message's attachment is posted under — how a notifier finds the
    message again when the answer to the upload was lost: `weekly-report-2026-W49.png`."""
    return re.sub(r"[^0-9A-Za-z_-]+", "-", message_key).strip("-") + "." + extension


class Notifier(Protocol):
    name: str

    def resolve(self, recipient: Recipient) -> Destination | None:
        """Where a recipient's messages go; None when the person is not found."""
        ...

    def post(self, destination: Destination, message: Message) -> str:
        """Posts, carrying the message key as metadata; returns the message id (ts)."""
        ...

    def find(self, channel: str, message_key: str, since: datetime) -> str | None:
        """The id of a message with this key posted in `channel` since `since`; None when
        the history was read and it is not there. HistoryUnreadable when it could not be
        read."""
        ...


@dataclass(frozen=True, kw_only=True)
class ExactlyOnce:
    ledger: ReminderLedger
    notifier: Notifier
    lease: timedelta = timedelta(minutes=5)

    def recover(self, now: datetime) -> tuple[list[str], list[str]]:
        """Settles messages a crashed or interrupted run left behind.

        Found in the channel: recorded as sent. Not found: the claims are released, and
        whoever owns the content (today's reminder plan, the pending-alert table) sends
        it again.
        """
        recovered, released = [], []
        for claimed in self.ledger.unsettled():
            if claimed.state != "unknown" and now - claimed.claimed_at < self.lease:
                continue  # another run may be posting it right now
            ts = None
            if claimed.channel is not None and claimed.state in ("posting", "unknown"):
                since = claimed.claimed_at - timedelta(minutes=1)
                try:
                    ts = self.notifier.find(claimed.channel, claimed.message_key, since)
                except HistoryUnreadable as error:
                    # Could not tell: keep the claim (nothing is re-sent) and ask again later.
                    self.ledger.mark(claimed.message_key, "unknown", now=now, error=str(error))
                    log.warning(
                        "could not tell whether %s was posted (%s); checking again next run",
                        claimed.message_key,
                        error,
                    )
                    continue
            if ts is not None:
                self.ledger.mark(claimed.message_key, "sent", now=now, ts=ts)
                recovered.append(claimed.message_key)
            else:
                self.ledger.release(claimed.message_key)
                released.append(claimed.message_key)
        return recovered, released

    def send(
        self, key: str, destination: Destination, message: Message, now: datetime
    ) -> tuple[str, str | None]:
        """Posts a claimed message; returns (sent | failed | unknown, why)."""
        self.ledger.mark(key, "posting", now=now, channel=destination.channel)
        try:
            ts = self.notifier.post(destination, message)
        except DeliveryFailed as error:
            self.ledger.mark(key, "failed", now=now, error=str(error))
            log.error("could not send %s to %s: %s", key, destination.label, error)
            return "failed", str(error)
        except DeliveryUnknown as error:
            self.ledger.mark(key, "unknown", now=now, error=str(error))
            try:
                found = self.notifier.find(destination.channel, key, now - timedelta(minutes=1))
            except HistoryUnreadable as unreadable:
                log.warning("outcome of %s unknown (%s; %s)", key, error, unreadable)
                return "unknown", f"{error}; {unreadable}"
            if found is None:
                log.warning("outcome of %s unknown (%s); the next run checks again", key, error)
                return "unknown", str(error)
            ts = found
        self.ledger.mark(key, "sent", now=now, ts=ts)
        return "sent", None
