"""Posting a message exactly once: claimed in the ledger first, its outcome recorded,
an unknown outcome settled from the channel's history instead of posting again."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from cxbot.ports.messages import (
    DeliveryFailed,
    DeliveryUnknown,
    Destination,
    HistoryUnreadable,
    Message,
    Notifier,
)
from cxbot.ports.reminders import ReminderLedger

log = logging.getLogger(__name__)


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
        delivered = self.deliver(key, destination, message, now)
        return delivered.state, delivered.why

    def deliver(
        self, key: str, destination: Destination, message: Message, now: datetime
    ) -> Delivered:
        """Posts a claimed message; what happened, with the message's ts when sent."""
        self.ledger.mark(key, "posting", now=now, channel=destination.channel)
        try:
            ts = self.notifier.post(destination, message)
        except DeliveryFailed as error:
            self.ledger.mark(key, "failed", now=now, error=str(error))
            log.error("could not send %s to %s: %s", key, destination.label, error)
            return Delivered("failed", str(error))
        except DeliveryUnknown as error:
            self.ledger.mark(key, "unknown", now=now, error=str(error))
            try:
                found = self.notifier.find(destination.channel, key, now - timedelta(minutes=1))
            except HistoryUnreadable as unreadable:
                log.warning("outcome of %s unknown (%s; %s)", key, error, unreadable)
                return Delivered("unknown", f"{error}; {unreadable}")
            if found is None:
                log.warning("outcome of %s unknown (%s); the next run checks again", key, error)
                return Delivered("unknown", str(error))
            ts = found
        self.ledger.mark(key, "sent", now=now, ts=ts)
        return Delivered("sent", None, ts)


@dataclass(frozen=True)
class Delivered:
    state: str  # sent | failed | unknown
    why: str | None = None
    ts: str | None = None
