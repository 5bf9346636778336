"""The briefs' record, on the in-memory store, SQLite and PostgreSQL: a version is
composed once, sent once (its history appended once), confirmed once per manager and
version, escalated once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from cxbot.domain.centre_brief import BriefAck
from cxbot.domain.changes import Change, ChangeSource
from cxbot.domain.checklist import Launch
from cxbot.ports.briefs import BriefPage, BriefVersion
from cxbot.ports.messages import Message
from tests.integration.test_store_contract import LAUNCH, _item

AT = datetime(2027, 1, 11, 7, tzinfo=UTC)


def _version(key: str, number: int, *, last: date, **facts: str) -> BriefVersion:
    return BriefVersion(
        key=key,
        version=number,
        centre="bpo",
        business_date=date(2027, 1, 11),
        first=date(2027, 1, 12),
        last=last,
        facts={"promotion:name:a": {"name": "A", **facts}},
        told=(("name:a", "2027-01-12 시작: A"),),
        composed_at=AT,
        message=Message(key=f"{key}|v{number}", text="브리핑", blocks=[{"type": "divider"}]),
        page=BriefPage(subject="제목", text="본문", html="<p>본문</p>", page="<html></html>"),
    )


def _change(field: str, at: datetime = AT) -> Change:
    return Change(
        entity="centre_brief", entity_id="k", field=field, old=None, new="x",
        actor="cxbot", source=ChangeSource.SLACK, at=at,
    )  # fmt: skip


def test_a_brief_is_composed_sent_confirmed_and_escalated_once(any_store: Any) -> None:
    records = any_store.briefs
    first = _version("k", 1, last=date(2027, 1, 14), days="2027-01-12 starts")
    assert records.compose(first) and not records.compose(first)
    assert records.latest(["k", "missing"]) == {"k": first}
    second = _version("k", 2, last=date(2027, 1, 14), days="2027-01-13 starts")
    assert records.compose(second)
    assert records.latest(["k"])["k"].facts == second.facts
    assert [v.version for v in records.versions("k")] == [1, 2]
    assert [v.key for v in records.covering(date(2027, 1, 14))] == ["k"]
    assert records.covering(date(2027, 1, 15)) == []
    records.sent("k", 1, at=AT, where="C1", changes=[_change("sent")])
    records.sent("k", 1, at=AT + timedelta(minutes=1), where="C1", changes=[_change("sent")])
    (sent,) = [v for v in records.versions("k") if v.version == 1]
    assert sent.sent_at == AT and sent.where == "C1" and sent.page == first.page
    assert sent.message.blocks == first.message.blocks
    ack = BriefAck(key="k", version=1, person="m@bpo.example.com", name="최민수", at=AT)
    assert records.acknowledge(ack, [_change("acknowledged")])
    assert not records.acknowledge(ack, [_change("acknowledged")])
    assert records.acks(["k"]) == [ack]
    assert records.escalate("k", AT, [_change("escalated")])
    assert not records.escalate("k", AT, [_change("escalated")])
    fields = [c.field for c in any_store.history.changes(entity="centre_brief")]
    assert fields == ["sent", "acknowledged", "escalated"]


def test_items_of_many_launches_and_when_fields_last_changed(any_store: Any) -> None:
    other = Launch(key="other-1", name="다른", template_key="t", open_date=date(2027, 3, 1))
    any_store.launches.apply(launch=LAUNCH, items=[_item(1), _item(2)])
    any_store.launches.apply(launch=other, items=[])
    found = any_store.launches.items_of_launches([LAUNCH.key, other.key, "missing"])
    assert found[LAUNCH.key] == any_store.launches.items_of(LAUNCH.key)
    assert found[other.key] == [] and found["missing"] == []

    def change(entity_id: str, field: str, hours: int) -> Change:
        return Change(
            entity="promotion", entity_id=entity_id, field=field, old=None, new="v",
            actor="sheet", source=ChangeSource.SHEET, at=AT + timedelta(hours=hours),
        )  # fmt: skip

    any_store.promotions.save_promotions(
        [],
        [
            change("a", "start", 0),
            change("a", "name", 5),
            change("a", "send_date", 2),
            change("b", "name", 1),
        ],
        None,
    )
    last = any_store.history.last_changed("promotion", ("start", "send_date"))
    assert last == {"a": AT + timedelta(hours=2)}
