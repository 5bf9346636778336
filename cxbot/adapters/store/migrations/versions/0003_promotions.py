"""The promotion calendar mirror and its pending alerts (a transactional outbox).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cxbot.adapters.store.tables import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "promotions",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date),
        sa.Column("department", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(200), nullable=False),
        sa.Column("benefit", sa.Text, nullable=False),
        sa.Column("send_date", sa.Date),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("cancelled", sa.Boolean, nullable=False),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("remote_id", sa.String(64)),
    )
    op.create_table(
        "pending_alerts",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("delivered_at", UtcDateTime),
    )


def downgrade() -> None:
    op.drop_table("pending_alerts")
    op.drop_table("promotions")
