"""In-memory fakes of the ports, for unit tests. They record state; tests assert on it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from cxbot.domain.changes import Change
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.domain.promotions import Promotion
from cxbot.service.ports import (
    ClaimedMessage,
    PendingAlert,
    Progress,
    PublishResult,
    PullResult,
    ReminderEntry,
    RemoteItemState,
    SlackUser,
)


class InMemoryLedger:
    """The reminder ledger and Slack user cache, in dicts (mixed into InMemoryStore)."""

    def __init__(self) -> None:
        self.ledger: dict[str, dict[str, Any]] = {}
        self.slack_users: dict[str, SlackUser] = {}

    def recorded(self, keys: Iterable[str]) -> set[str]:
        return {key for key in keys if key in self.ledger}

    def claim(self, message_key: str, entries: Sequence[ReminderEntry], now: datetime) -> set[str]:
        claimed = set()
        for entry in entries:
            if entry.reminder_key not in self.ledger:
                self.ledger[entry.reminder_key] = {
                    "entry": entry,
                    "message_key": message_key,
                    "state": "claimed",
                    "channel": None,
                    "ts": None,
                    "claimed_at": now,
                    "error": None,
                }
                claimed.add(entry.reminder_key)
        return claimed

    def mark(
        self,
        message_key: str,
        state: str,
        *,
        now: datetime,
        channel: str | None = None,
        ts: str | None = None,
        error: str | None = None,
    ) -> None:
        for row in self.ledger.values():
            if row["message_key"] == message_key:
                row.update(state=state, error=error)
                if channel is not None:
                    row["channel"] = channel
                if ts is not None:
                    row["ts"] = ts

    def unsettled(self) -> list[ClaimedMessage]:
        grouped: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for key, row in sorted(self.ledger.items()):
            if row["state"] in ("claimed", "posting", "unknown"):
                grouped.setdefault(row["message_key"], []).append((key, row))
        return [
            ClaimedMessage(
                message_key=m,
                recipient_key=rows[0][1]["entry"].recipient_key,
                state=rows[0][1]["state"],
                channel=rows[0][1]["channel"],
                claimed_at=rows[0][1]["claimed_at"],
                reminder_keys=tuple(k for k, _ in rows),
            )
            for m, rows in sorted(grouped.items())
        ]

    def release(self, message_key: str) -> None:
        for key in [k for k, row in self.ledger.items() if row["message_key"] == message_key]:
            del self.ledger[key]

    def reminder_states(self, business_date: date) -> dict[str, str]:
        return {
            k: row["state"]
            for k, row in self.ledger.items()
            if row["entry"].business_date == business_date
        }

    def cached_user(self, email: str) -> SlackUser | None:
        return self.slack_users.get(email.lower())

    def cache_user(self, user: SlackUser) -> None:
        self.slack_users[user.email.lower()] = user


class InMemoryPromotions:
    def __init__(self) -> None:
        self.promos: dict[str, Promotion] = {}
        self.promo_ids: dict[str, str] = {}
        self.alerts: dict[str, tuple[PendingAlert, datetime | None]] = {}
        self.history: list[Change] = []

    def promotions(self) -> dict[str, Promotion]:
        return dict(sorted(self.promos.items(), key=lambda kv: kv[1].start))

    def promotion_ids(self) -> dict[str, str]:
        return dict(self.promo_ids)

    def save_promotions(
        self, promotions: Sequence[Promotion], changes: Sequence[Change], alert: PendingAlert | None
    ) -> None:
        self.promos.update((p.key, p) for p in promotions)
        self.history.extend(changes)
        if alert is not None:
            self.alerts.setdefault(alert.key, (alert, None))

    def set_promotion_ids(self, ids: dict[str, str]) -> None:
        self.promo_ids.update((k, v) for k, v in ids.items() if k in self.promos)

    def pending_alerts(self) -> list[PendingAlert]:
        return [alert for alert, delivered in self.alerts.values() if delivered is None]

    def queue_alert(self, alert: PendingAlert) -> None:
        self.alerts.setdefault(alert.key, (alert, None))

    def alert_delivered(self, key: str, now: datetime) -> None:
        self.alerts[key] = (self.alerts[key][0], now)


class InMemoryStore(InMemoryLedger, InMemoryPromotions):
    def __init__(self) -> None:
        InMemoryLedger.__init__(self)
        InMemoryPromotions.__init__(self)
        self.launches: dict[str, Launch] = {}
        self.items: dict[str, ChecklistItem] = {}
        self.history: list[Change] = []
        self.cursors: dict[str, str] = {}

    def get_launch(self, key: str) -> Launch | None:
        return self.launches.get(key)

    def list_launches(self) -> list[Launch]:
        return sorted(self.launches.values(), key=lambda launch: (launch.open_date, launch.key))

    def items_of(self, launch_key: str) -> list[ChecklistItem]:
        found = [item for item in self.items.values() if item.launch_key == launch_key]
        return sorted(found, key=lambda item: (item.due, item.key))

    def get_item(self, key: str) -> ChecklistItem | None:
        return self.items.get(key)

    def items_by_key(self, keys: Iterable[str]) -> dict[str, ChecklistItem]:
        return {key: self.items[key] for key in keys if key in self.items}

    def apply(
        self,
        *,
        launch: Launch | None = None,
        items: Sequence[ChecklistItem] = (),
        changes: Sequence[Change] = (),
    ) -> None:
        if launch is not None:
            self.launches[launch.key] = launch
        for item in items:
            if item.launch_key not in self.launches:
                raise KeyError(f"item {item.key} of unknown launch {item.launch_key}")
            self.items[item.key] = item
        self.history.extend(changes)

    def changes(
        self, *, entity_id_prefix: str | None = None, limit: int | None = None
    ) -> list[Change]:
        found = [
            c
            for c in self.history
            if entity_id_prefix is None or c.entity_id.startswith(entity_id_prefix)
        ]
        return found[:limit] if limit is not None else found

    def get_cursor(self, name: str) -> str | None:
        return self.cursors.get(name)

    def set_cursor(self, name: str, value: str) -> None:
        self.cursors[name] = value


class FakeBoard:
    """A board that keeps pages in a dict and lets tests play the people editing them."""

    name = "fake"

    def __init__(self) -> None:
        self.pages: dict[str, ChecklistItem] = {}
        self.published: list[str] = []
        self.edits: list[RemoteItemState] = []
        self.fail_keys: set[str] = set()

    def publish(
        self,
        launch: Launch,
        items: Sequence[ChecklistItem],
        progress: Progress,
        *,
        maybe_exist: bool,
    ) -> PublishResult:
        ids: dict[str, str] = {}
        problems = []
        for done, item in enumerate(items, start=1):
            if item.key in self.fail_keys:
                problems.append(f"item {item.key}: refused")
                continue
            page_id = item.remote_id or f"page-{len(self.pages) + 1}"
            self.pages[page_id] = replace(item, remote_id=page_id)
            self.published.append(item.key)
            ids[item.key] = page_id
            progress(done, len(items), item.title)
        return PublishResult(ids=ids, problems=problems)

    def pull(self, cursor: str | None, *, settled_before: datetime) -> PullResult:
        fresh = [e for e in self.edits if cursor is None or e.edited_at.isoformat() >= cursor]
        newest = max((e.edited_at.isoformat() for e in fresh), default=cursor)
        return PullResult(items=fresh, cursor=newest, unknown=[])
