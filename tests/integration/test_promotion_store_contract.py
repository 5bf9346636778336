"""The promotion mirror and its pending alerts: one contract on the fake, SQLite, PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from cxbot.domain.changes import Change, ChangeSource
from cxbot.domain.promotions import Promotion
from cxbot.ports.promotions import PendingAlert

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
PROMO = Promotion(
    key="name:블랙프라이데이",
    name="블랙프라이데이",
    start=date(2026, 11, 27),
    end=date(2026, 11, 30),
    department="마케팅",
    owner="이수민",
    channel="앱",
    benefit="20% 쿠폰",
    send_date=date(2026, 11, 26),
    notes="",
    row=4,
)
ALERT = PendingAlert(
    key="calendar|rev-1|abc",
    created_at=NOW,
    text="새 프로모션 1건",
    blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}],
    preview="새 프로모션 1건",
)


def test_promotions_changes_and_alert_are_saved_together(any_store: Any) -> None:
    change = Change(
        entity="promotion",
        entity_id=PROMO.key,
        field="start",
        old=None,
        new="2026-11-27",
        actor="sheet-sync",
        source=ChangeSource.SHEET,
        at=NOW,
        note="revision rev-1",
    )
    any_store.promotions.save_promotions([PROMO], [change], ALERT)
    assert any_store.promotions.promotions() == {PROMO.key: PROMO}
    assert any_store.history.changes(entity_id_prefix="name:")[-1].note == "revision rev-1"
    (pending,) = any_store.promotions.pending_alerts()
    assert pending.blocks == ALERT.blocks and pending.preview == ALERT.preview
    any_store.promotions.alert_delivered(ALERT.key, NOW)
    assert any_store.promotions.pending_alerts() == []


def test_promotions_are_upserted_and_ids_kept(any_store: Any) -> None:
    any_store.promotions.save_promotions([PROMO], [], None)
    any_store.promotions.set_promotion_ids({PROMO.key: "page-1"})
    cancelled = replace(PROMO, cancelled=True, start=date(2026, 11, 28))
    any_store.promotions.save_promotions([cancelled], [], None)
    assert any_store.promotions.promotions()[PROMO.key] == cancelled
    assert any_store.promotions.promotion_ids() == {PROMO.key: "page-1"}


def test_an_alert_is_queued_once(any_store: Any) -> None:
    any_store.promotions.queue_alert(ALERT)
    any_store.promotions.queue_alert(ALERT)
    assert [a.key for a in any_store.promotions.pending_alerts()] == [ALERT.key]
    assert any_store.promotions.pending_alerts()[0].text == ALERT.text
    any_store.promotions.alert_delivered(ALERT.key, NOW)
    any_store.promotions.queue_alert(ALERT)  # the same event again: stays delivered
    assert any_store.promotions.pending_alerts() == []
