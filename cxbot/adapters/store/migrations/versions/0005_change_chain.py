"""Tamper evidence: every change history entry carries a hash chained to the previous one.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from cxbot.domain.audit import GENESIS, chain_hash
from cxbot.domain.changes import Change, ChangeSource

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64)))
        batch.add_column(sa.Column("hash", sa.String(64)))
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, entity, entity_id, field, old, new, actor, source, at, note "
            "FROM changes ORDER BY id"
        )
    ).fetchall()
    previous = GENESIS
    for row in rows:
        at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        change = Change(
            entity=row.entity,
            entity_id=row.entity_id,
            field=row.field,
            old=row.old,
            new=row.new,
            actor=row.actor,
            source=ChangeSource(row.source),
            at=at,
            note=row.note,
        )
        digest = chain_hash(previous, row.id, change)
        connection.execute(
            sa.text("UPDATE changes SET prev_hash = :p, hash = :h WHERE id = :i"),
            {"p": previous, "h": digest, "i": row.id},
        )
        previous = digest


def downgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
