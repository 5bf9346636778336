"""The decision log.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cxbot.adapters.store.tables import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("project", sa.String(200), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("context", sa.Text, nullable=False),
        sa.Column("decided_by", sa.String(300), nullable=False),
        sa.Column("decided_on", sa.Date),
        sa.Column("participants", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("links", sa.Text, nullable=False),
        sa.Column("supersedes", sa.String(200)),
        sa.Column("superseded_by", sa.String(200)),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("recorded_at", UtcDateTime),
        sa.Column("remote_id", sa.String(64)),
    )
    op.create_index("ix_decisions_project", "decisions", ["project"])


def downgrade() -> None:
    op.drop_index("ix_decisions_project", "decisions")
    op.drop_table("decisions")
