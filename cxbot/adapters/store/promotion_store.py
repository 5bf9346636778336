"""The promotion mirror and the pending-alert outbox."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update

from cxbot.adapters.store.base import SqlBase
from cxbot.adapters.store.tables import (
    pending_alerts,
)
from cxbot.adapters.store.tables import promotions as promotions_table
from cxbot.domain.changes import Change
from cxbot.domain.promotions import Promotion
from cxbot.ports.promotions import PendingAlert


class SqlPromotions(SqlBase):
    # promotions -----------------------------------------------------------------
    def promotions(self) -> dict[str, Promotion]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(promotions_table).order_by(
                    promotions_table.c.start_date.is_(None), promotions_table.c.start_date
                )
            )
            return {row.key: _promotion(row) for row in rows}

    def promotion_ids(self) -> dict[str, str]:
        query = select(promotions_table.c.key, promotions_table.c.remote_id).where(
            promotions_table.c.remote_id.is_not(None)
        )
        with self.engine.connect() as conn:
            return {key: remote for key, remote in conn.execute(query)}

    def save_promotions(
        self,
        promotions: Sequence[Promotion],
        changes: Sequence[Change],
        alert: PendingAlert | None,
    ) -> None:
        with self.engine.begin() as conn:
            if promotions:
                self._upsert(conn, promotions_table, "key", [_promotion_row(p) for p in promotions])
            if changes:
                self._append_changes(conn, changes)
            if alert is not None:
                self._insert_new(conn, pending_alerts, "key", [_alert_row(alert)])

    def set_promotion_ids(self, ids: dict[str, str]) -> None:
        with self.engine.begin() as conn:
            for key, remote in ids.items():
                conn.execute(
                    update(promotions_table)
                    .where(promotions_table.c.key == key)
                    .values(remote_id=remote)
                )

    def pending_alerts(self) -> list[PendingAlert]:
        query = (
            select(pending_alerts)
            .where(pending_alerts.c.delivered_at.is_(None))
            .order_by(pending_alerts.c.created_at, pending_alerts.c.key)
        )
        with self.engine.connect() as conn:
            return [_alert(row) for row in conn.execute(query)]

    def queue_alert(self, alert: PendingAlert) -> None:
        with self.engine.begin() as conn:
            self._insert_new(conn, pending_alerts, "key", [_alert_row(alert)])

    def alert_delivered(self, key: str, now: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(pending_alerts).where(pending_alerts.c.key == key).values(delivered_at=now)
            )


def _promotion(row: Row[Any]) -> Promotion:
    return Promotion(
        key=row.key,
        name=row.name,
        start=row.start_date,
        end=row.end_date,
        department=row.department,
        owner=row.owner,
        channel=row.channel,
        benefit=row.benefit,
        send_date=row.send_date,
        notes=row.notes,
        guidance=row.guidance,
        cancelled=row.cancelled,
        undecided=tuple((f, w) for f, w in json.loads(row.undecided or "[]")),
        row=row.row_number,
    )


def _promotion_row(promotion: Promotion) -> dict[str, Any]:
    return {
        "key": promotion.key,
        "name": promotion.name,
        "start_date": promotion.start,
        "end_date": promotion.end,
        "department": promotion.department,
        "owner": promotion.owner,
        "channel": promotion.channel,
        "benefit": promotion.benefit,
        "send_date": promotion.send_date,
        "notes": promotion.notes,
        "guidance": promotion.guidance,
        "cancelled": promotion.cancelled,
        "undecided": json.dumps([list(pair) for pair in promotion.undecided], ensure_ascii=False),
        "row_number": promotion.row,
    }


def _alert(row: Row[Any]) -> PendingAlert:
    message = json.loads(row.message)
    return PendingAlert(
        key=row.key,
        created_at=row.created_at,
        text=message["text"],
        blocks=message["blocks"],
        preview=message["preview"],
    )


def _alert_row(alert: PendingAlert) -> dict[str, Any]:
    message = {"text": alert.text, "blocks": alert.blocks, "preview": alert.preview}
    return {
        "key": alert.key,
        "created_at": alert.created_at,
        "message": json.dumps(message, ensure_ascii=False),
        "delivered_at": None,
    }
