"""The reminder ledger (claimed once, ever) and the Slack user cache."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, delete, select, update

from cxbot.adapters.store.base import SqlBase
from cxbot.adapters.store.tables import (
    reminder_log,
    slack_item_messages,
    slack_users,
)
from cxbot.ports.reminders import ClaimedMessage, ReminderEntry
from cxbot.ports.slack import SlackUser


class SqlLedger(SqlBase):
    def recorded(self, keys: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        column = reminder_log.c.reminder_key
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found.update(conn.execute(select(column).where(column.in_(chunk))).scalars())
        return found

    def claim(self, message_key: str, entries: Sequence[ReminderEntry], now: datetime) -> set[str]:
        if not entries:
            return set()
        rows = [
            {
                "reminder_key": e.reminder_key,
                "message_key": message_key,
                "recipient_key": e.recipient_key,
                "kind": e.kind,
                "business_date": e.business_date,
                "launch_key": e.launch_key,
                "item_key": e.item_key,
                "state": "claimed",
                "late": e.late,
                "claimed_at": now,
                "updated_at": now,
            }
            for e in entries
        ]
        statement = (
            self._dialect.insert(reminder_log)
            .on_conflict_do_nothing(index_elements=["reminder_key"])
            .returning(reminder_log.c.reminder_key)
        )
        claimed: set[str] = set()
        with self.engine.begin() as conn:
            for row in rows:  # one statement per row: RETURNING with executemany is uneven
                claimed.update(conn.execute(statement, row).scalars())
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
        values: dict[str, Any] = {"state": state, "updated_at": now, "error": error}
        if channel is not None:
            values["channel"] = channel
        if ts is not None:
            values["ts"] = ts
        with self.engine.begin() as conn:
            conn.execute(
                update(reminder_log)
                .where(reminder_log.c.message_key == message_key)
                .values(**values)
            )

    def posted(self, message_key: str) -> tuple[str, str] | None:
        query = (
            select(reminder_log.c.channel, reminder_log.c.ts)
            .where(reminder_log.c.message_key == message_key, reminder_log.c.state == "sent")
            .where(reminder_log.c.ts.is_not(None))
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return (str(row.channel), str(row.ts)) if row is not None else None

    def unsettled(self) -> list[ClaimedMessage]:
        query = (
            select(reminder_log)
            .where(reminder_log.c.state.in_(["claimed", "posting", "unknown"]))
            .order_by(reminder_log.c.message_key, reminder_log.c.reminder_key)
        )
        grouped: dict[str, list[Row[Any]]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                grouped.setdefault(row.message_key, []).append(row)
        return [
            ClaimedMessage(
                message_key=key,
                recipient_key=rows[0].recipient_key,
                state=rows[0].state,
                channel=rows[0].channel,
                claimed_at=rows[0].claimed_at,
                reminder_keys=tuple(r.reminder_key for r in rows),
            )
            for key, rows in grouped.items()
        ]

    def release(self, message_key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(reminder_log).where(reminder_log.c.message_key == message_key))

    def reminder_states(self, business_date: date) -> dict[str, str]:
        query = select(reminder_log.c.reminder_key, reminder_log.c.state).where(
            reminder_log.c.business_date == business_date
        )
        with self.engine.connect() as conn:
            return {key: state for key, state in conn.execute(query)}


class SqlSlackDirectory(SqlBase):
    """The Slack adapter's directory cache."""

    def cached_user(self, email: str) -> SlackUser | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(slack_users).where(slack_users.c.email == email.lower())
            ).first()
        if row is None:
            return None
        return SlackUser(
            email=row.email,
            user_id=row.user_id,
            dm_channel=row.dm_channel,
            checked_at=row.checked_at,
        )

    def cache_user(self, user: SlackUser) -> None:
        row = {
            "email": user.email.lower(),
            "user_id": user.user_id,
            "dm_channel": user.dm_channel,
            "checked_at": user.checked_at,
        }
        with self.engine.begin() as conn:
            self._upsert(conn, slack_users, "email", [row])


class SqlSlackItemMessages(SqlBase):
    """The Slack adapter's note of messages showing an item as "waiting for Notion"."""

    def remember(self, item_key: str, channel: str, ts: str, set_by: str, at: datetime) -> None:
        row = {
            "item_key": item_key,
            "channel": channel,
            "ts": ts,
            "set_by": set_by,
            "recorded_at": at,
        }
        with self.engine.begin() as conn:
            conn.execute(
                self._dialect.insert(slack_item_messages).on_conflict_do_nothing(
                    index_elements=["item_key", "channel", "ts"]
                ),
                [row],
            )

    def messages_of(self, item_key: str) -> list[tuple[str, str, str, datetime]]:
        table = slack_item_messages.c
        query = select(slack_item_messages).where(table.item_key == item_key)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [(row.channel, row.ts, row.set_by, row.recorded_at) for row in rows]

    def forget(self, item_key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                slack_item_messages.delete().where(slack_item_messages.c.item_key == item_key)
            )
