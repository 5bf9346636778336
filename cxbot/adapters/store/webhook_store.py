"""Notion webhook events: deduplicated by id, ordered per page by their timestamp."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update

from cxbot.adapters.store.base import SqlBase
from cxbot.adapters.store.tables import notion_events, notion_page_marks
from cxbot.ports.checklists import PENDING, RecordedEvent


class SqlWebhookEvents(SqlBase):
    def record_events(self, events: Sequence[RecordedEvent], now: datetime) -> set[str]:
        if not events:
            return set()
        rows = [
            {
                "event_id": event.event_id,
                "kind": event.kind,
                "entity_id": event.entity_id,
                "event_at": event.event_at,
                "received_at": event.received_at or now,
                "outcome": PENDING,
                "authors": json.dumps(list(event.authors)),
            }
            for event in {e.event_id: e for e in events}.values()
        ]
        # RETURNING, not rowcount: psycopg reports -1 for INSERT … ON CONFLICT DO NOTHING.
        statement = (
            self._dialect.insert(notion_events)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(notion_events.c.event_id)
        )
        with self.engine.begin() as conn:
            return {str(row[0]) for row in conn.execute(statement)}

    def settle_event(self, event_id: str, outcome: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(notion_events)
                .where(notion_events.c.event_id == event_id)
                .values(outcome=outcome[:200])
            )

    def pending_events(self, limit: int) -> list[RecordedEvent]:
        events = notion_events.c
        query = (
            select(notion_events)
            # "handling": what an earlier version left when it stopped mid-event.
            .where(events.outcome.in_((PENDING, "handling")))
            .order_by(events.received_at, events.event_at, events.event_id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [
                RecordedEvent(
                    event_id=row.event_id,
                    kind=row.kind,
                    entity_id=row.entity_id,
                    event_at=row.event_at,
                    authors=tuple(json.loads(row.authors or "[]")),
                )
                for row in conn.execute(query)
            ]

    def page_mark(self, page_id: str) -> datetime | None:
        marks = notion_page_marks.c
        with self.engine.connect() as conn:
            value = conn.execute(select(marks.event_at).where(marks.page_id == page_id)).scalar()
        return value

    def set_page_mark(self, page_id: str, event_at: datetime) -> bool:
        marks = notion_page_marks.c
        with self.engine.begin() as conn:
            inserted = conn.execute(
                self._dialect.insert(notion_page_marks)
                .on_conflict_do_nothing(index_elements=["page_id"])
                .returning(notion_page_marks.c.page_id),
                {"page_id": page_id, "event_at": event_at},
            ).first()
            if inserted is not None:
                return True
            moved = conn.execute(
                update(notion_page_marks)
                .where(marks.page_id == page_id, marks.event_at < event_at)
                .values(event_at=event_at)
            ).rowcount
        return moved == 1

    def last_received(self) -> datetime | None:
        with self.engine.connect() as conn:
            value = conn.execute(select(func.max(notion_events.c.received_at))).scalar()
        return value
