"""The contact centre's briefs, their versions and who confirmed them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, func, select, update

from cxbot.adapters.store.base import SqlBase
from cxbot.adapters.store.tables import brief_acks, centre_briefs
from cxbot.domain.centre_brief import BriefAck
from cxbot.domain.changes import Change
from cxbot.ports.briefs import BriefPage, BriefVersion
from cxbot.ports.messages import Message


class SqlBriefs(SqlBase):
    def latest(self, keys: Iterable[str]) -> dict[str, BriefVersion]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        newest = (
            select(centre_briefs.c.key, func.max(centre_briefs.c.version).label("version"))
            .where(centre_briefs.c.key.in_(wanted))
            .group_by(centre_briefs.c.key)
            .subquery()
        )
        return self._newest(newest)

    def covering(self, day: date) -> list[BriefVersion]:
        newest = (
            select(centre_briefs.c.key, func.max(centre_briefs.c.version).label("version"))
            .where(centre_briefs.c.last_day >= day)
            .group_by(centre_briefs.c.key)
            .subquery()
        )
        found = self._newest(newest)
        return sorted(found.values(), key=lambda v: (v.business_date, v.centre))

    def _newest(self, newest: Any) -> dict[str, BriefVersion]:
        query = select(centre_briefs).join(
            newest,
            and_(centre_briefs.c.key == newest.c.key, centre_briefs.c.version == newest.c.version),
        )
        with self.engine.connect() as conn:
            return {row.key: _version(row) for row in conn.execute(query)}

    def versions(self, key: str) -> list[BriefVersion]:
        query = (
            select(centre_briefs)
            .where(centre_briefs.c.key == key)
            .order_by(centre_briefs.c.version)
        )
        with self.engine.connect() as conn:
            return [_version(row) for row in conn.execute(query)]

    def compose(self, version: BriefVersion) -> bool:
        statement = (
            self._dialect.insert(centre_briefs)
            .on_conflict_do_nothing(index_elements=["key", "version"])
            .returning(centre_briefs.c.key)
        )
        with self.engine.begin() as conn:
            return conn.execute(statement, _row(version)).first() is not None

    def sent(
        self, key: str, version: int, *, at: datetime, where: str, changes: Sequence[Change]
    ) -> None:
        with self.engine.begin() as conn:
            marked = conn.execute(
                update(centre_briefs)
                .where(
                    centre_briefs.c.key == key,
                    centre_briefs.c.version == version,
                    centre_briefs.c.sent_at.is_(None),
                )
                .values(sent_at=at, sent_to=where)
            ).rowcount
            if marked and changes:  # recorded once, also when two runs settle it
                self._append_changes(conn, changes)

    def record(self, changes: Sequence[Change]) -> None:
        with self.engine.begin() as conn:
            self._append_changes(conn, changes)

    def acknowledge(self, ack: BriefAck, changes: Sequence[Change]) -> bool:
        statement = (
            self._dialect.insert(brief_acks)
            .on_conflict_do_nothing(index_elements=["key", "version", "person"])
            .returning(brief_acks.c.key)
        )
        row = {"key": ack.key, "version": ack.version, "person": ack.person, "name": ack.name}
        with self.engine.begin() as conn:
            inserted = conn.execute(statement, {**row, "at": ack.at}).first() is not None
            if inserted and changes:
                self._append_changes(conn, changes)
        return inserted

    def acks(self, keys: Iterable[str]) -> list[BriefAck]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return []
        query = select(brief_acks).where(brief_acks.c.key.in_(wanted)).order_by(brief_acks.c.at)
        with self.engine.connect() as conn:
            return [
                BriefAck(key=r.key, version=r.version, person=r.person, name=r.name, at=r.at)
                for r in conn.execute(query)
            ]

    def escalate(self, key: str, at: datetime, changes: Sequence[Change]) -> bool:
        with self.engine.begin() as conn:
            marked = conn.execute(
                update(centre_briefs)
                .where(
                    centre_briefs.c.key == key,
                    centre_briefs.c.version == 1,
                    centre_briefs.c.escalated_at.is_(None),
                )
                .values(escalated_at=at)
            ).rowcount
            if marked and changes:
                self._append_changes(conn, changes)
        return bool(marked)


def _row(version: BriefVersion) -> dict[str, Any]:
    message = version.message
    page = version.page
    return {
        "key": version.key,
        "version": version.version,
        "centre": version.centre,
        "business_date": version.business_date,
        "first_day": version.first,
        "last_day": version.last,
        "facts": json.dumps(version.facts, ensure_ascii=False, sort_keys=True),
        "told": json.dumps([list(pair) for pair in version.told], ensure_ascii=False),
        "message": json.dumps(
            {"text": message.text, "blocks": message.blocks, "preview": message.preview},
            ensure_ascii=False,
        ),
        "page": None
        if page is None
        else json.dumps(
            {"subject": page.subject, "text": page.text, "html": page.html, "page": page.page},
            ensure_ascii=False,
        ),
        "composed_at": version.composed_at,
        "sent_at": version.sent_at,
        "sent_to": version.where,
    }


def _version(row: Row[Any]) -> BriefVersion:
    message = json.loads(row.message)
    page = json.loads(row.page) if row.page else None
    return BriefVersion(
        key=row.key,
        version=row.version,
        centre=row.centre,
        business_date=row.business_date,
        first=row.first_day,
        last=row.last_day,
        facts=json.loads(row.facts),
        told=tuple((ref, line) for ref, line in json.loads(row.told)),
        composed_at=row.composed_at,
        message=Message(
            key=f"{row.key}|v{row.version}",
            text=message["text"],
            blocks=message["blocks"],
            preview=message["preview"],
        ),
        page=BriefPage(**page) if page else None,
        sent_at=row.sent_at,
        where=row.sent_to,
    )
