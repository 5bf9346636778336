"""Messages to the CX channel recorded first (a pending-alert outbox), then posted once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cxbot.domain.reminders import Recipient
from cxbot.ports.messages import Message
from cxbot.ports.promotions import PendingAlert, PromotionRepository
from cxbot.ports.reminders import ReminderEntry
from cxbot.service.delivery import ExactlyOnce


def pending(key: str, message: Message, now: datetime) -> PendingAlert:
    return PendingAlert(
        key=key, created_at=now, text=message.text, blocks=message.blocks, preview=message.preview
    )


@dataclass(frozen=True, kw_only=True)
class CxAlerts:
    store: PromotionRepository
    delivery: ExactlyOnce
    cx: Recipient

    def queue(self, key: str, message: Message, now: datetime) -> None:
        """Records an alert; the same key queued again is the same alert."""
        self.store.queue_alert(pending(key, message, now))

    def deliver(self, now: datetime) -> tuple[tuple[str, str], ...]:
        """Sends queued alerts to CX exactly once; undeliverable ones stay queued."""
        queued = self.store.pending_alerts()
        if not queued:
            return ()
        self.delivery.recover(now)
        destination = self.delivery.notifier.resolve(self.cx)
        outcomes = []
        for alert in queued:
            if destination is None:
                outcomes.append((alert.key, "waiting: no CX channel configured"))
                continue
            entry = ReminderEntry(
                reminder_key=alert.key,
                recipient_key=self.cx.key,
                kind="alert",
                business_date=now.date(),
                launch_key="cx",
                item_key=None,
            )
            if not self.delivery.ledger.claim(alert.key, [entry], now):
                continue  # another run is sending it, or it was sent
            message = Message(
                key=alert.key, text=alert.text, blocks=alert.blocks, preview=alert.preview
            )
            state, why = self.delivery.send(alert.key, destination, message, now)
            if state == "sent":
                self.store.alert_delivered(alert.key, now)
            outcomes.append((alert.key, state if why is None else f"{state}: {why}"))
        return tuple(outcomes)
