"""What every part of the SQL store shares: the engine, upserts, the hash-chained history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, Row, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from cxbot.adapters.store.tables import changes as changes_table
from cxbot.domain.audit import GENESIS, chain_hash
from cxbot.domain.changes import Change, ChangeSource


class SqlBase:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._dialect: Any = postgresql if engine.dialect.name == "postgresql" else sqlite

    def _append_changes(self, conn: Connection, changes: Sequence[Change]) -> None:
        """Appends entries to the hash chain; one writer at a time extends it."""
        if self.engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(4242002)"))
        previous: str | None = None
        for change in changes:
            entry_id = conn.execute(
                changes_table.insert().values(**change_to_row(change)).returning(changes_table.c.id)
            ).scalar_one()
            if previous is None:
                # Read once: after this insert the writer holds SQLite's write lock (or the
                # advisory lock on PostgreSQL), so the entry before it is final.
                previous = (
                    conn.execute(
                        select(changes_table.c.hash)
                        .where(changes_table.c.id < entry_id)
                        .order_by(changes_table.c.id.desc())
                        .limit(1)
                    ).scalar()
                    or GENESIS
                )
            digest = chain_hash(previous, entry_id, change)
            conn.execute(
                update(changes_table)
                .where(changes_table.c.id == entry_id)
                .values(prev_hash=previous, hash=digest)
            )
            previous = digest
            conn.info["cxbot_chain_head"] = (entry_id, digest)
        if changes:
            count = conn.execute(select(func.count()).select_from(changes_table)).scalar()
            head_id, head_hash = conn.info["cxbot_chain_head"]
            conn.info["cxbot_chain_head"] = (head_id, head_hash, int(count or 0))

    def _insert_new(
        self, conn: Connection, table: Any, key: str, rows: list[dict[str, Any]]
    ) -> None:
        """INSERT … ON CONFLICT DO NOTHING: what is there already stays as it is."""
        conn.execute(self._dialect.insert(table).on_conflict_do_nothing(index_elements=[key]), rows)

    def _upsert(self, conn: Connection, table: Any, key: str, rows: list[dict[str, Any]]) -> None:
        """INSERT … ON CONFLICT DO UPDATE: safe when several processes write at once."""
        statement = self._dialect.insert(table)
        columns = [name for name in rows[0] if name != key]
        statement = statement.on_conflict_do_update(
            index_elements=[key], set_={name: statement.excluded[name] for name in columns}
        )
        conn.execute(statement, rows)


def change_from_row(row: Row[Any]) -> Change:
    return Change(
        entity=row.entity,
        entity_id=row.entity_id,
        field=row.field,
        old=row.old,
        new=row.new,
        actor=row.actor,
        source=ChangeSource(row.source),
        at=row.at,
        note=row.note,
    )


def change_to_row(change: Change) -> dict[str, Any]:
    return {
        "entity": change.entity,
        "entity_id": change.entity_id,
        "field": change.field,
        "old": change.old,
        "new": change.new,
        "actor": change.actor,
        "source": change.source.value,
        "at": change.at,
        "note": change.note,
    }
