"""The decision log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select

from cxbot.adapters.store.base import SqlBase
from cxbot.adapters.store.tables import decisions as decisions_table
from cxbot.domain.changes import Change
from cxbot.domain.decisions import Decision, DecisionStatus, Position


class SqlDecisions(SqlBase):
    # decisions ------------------------------------------------------------------
    def decisions(self, project: str | None = None) -> list[Decision]:
        query = select(decisions_table).order_by(decisions_table.c.key)
        if project is not None:
            query = query.where(decisions_table.c.project == project)
        with self.engine.connect() as conn:
            found = [_decision(row) for row in conn.execute(query)]
        return sorted(found, key=lambda d: (d.project, d.number, d.key))

    def get_decision(self, key: str) -> Decision | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(decisions_table).where(decisions_table.c.key == key)).first()
        return _decision(row) if row else None

    def save_decisions(self, decisions: Sequence[Decision], changes: Sequence[Change]) -> None:
        with self.engine.begin() as conn:
            self._upsert(conn, decisions_table, "key", [_decision_row(d) for d in decisions])
            if changes:
                self._append_changes(conn, changes)


def _decision(row: Row[Any]) -> Decision:
    return Decision(
        key=row.key,
        project=row.project,
        title=row.title,
        decision=row.decision,
        context=row.context,
        decided_by=row.decided_by,
        decided_on=row.decided_on,
        participants=tuple(
            Position(who=p["who"], position=p["position"]) for p in json.loads(row.participants)
        ),
        status=DecisionStatus(row.status),
        links=tuple(json.loads(row.links)),
        supersedes=row.supersedes,
        superseded_by=row.superseded_by,
        source=row.source,
        recorded_at=row.recorded_at,
        remote_id=row.remote_id,
    )


def _decision_row(d: Decision) -> dict[str, Any]:
    return {
        "key": d.key,
        "project": d.project,
        "title": d.title,
        "decision": d.decision,
        "context": d.context,
        "decided_by": d.decided_by,
        "decided_on": d.decided_on,
        "participants": json.dumps(
            [{"who": p.who, "position": p.position} for p in d.participants], ensure_ascii=False
        ),
        "status": d.status.value,
        "links": json.dumps(list(d.links), ensure_ascii=False),
        "supersedes": d.supersedes,
        "superseded_by": d.superseded_by,
        "source": d.source,
        "recorded_at": d.recorded_at,
        "remote_id": d.remote_id,
    }
