"""Notion webhook events received (deduplicated by event id) and, per page, the newest
event applied.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cxbot.adapters.store.tables import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notion_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("event_at", UtcDateTime, nullable=False),
        sa.Column("received_at", UtcDateTime, nullable=False),
        sa.Column("outcome", sa.String(200), nullable=False),
    )
    op.create_index("ix_notion_events_received_at", "notion_events", ["received_at"])
    op.create_table(
        "notion_page_marks",
        sa.Column("page_id", sa.String(64), primary_key=True),
        sa.Column("event_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notion_page_marks")
    op.drop_index("ix_notion_events_received_at", "notion_events")
    op.drop_table("notion_events")
