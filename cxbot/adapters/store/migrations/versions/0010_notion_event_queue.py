"""Notion events are recorded first and handled in the background: keep their authors.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notion_events") as batch:
        batch.add_column(sa.Column("authors", sa.Text, nullable=False, server_default="[]"))
        batch.create_index("ix_notion_events_outcome", ["outcome"])


def downgrade() -> None:
    with op.batch_alter_table("notion_events") as batch:
        batch.drop_index("ix_notion_events_outcome")
        batch.drop_column("authors")
