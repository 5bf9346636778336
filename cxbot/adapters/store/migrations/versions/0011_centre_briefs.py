"""The contact centre's briefs and who confirmed them; promotions keep agents' guidance.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cxbot.adapters.store.tables import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("promotions") as batch:
        batch.add_column(sa.Column("guidance", sa.Text, nullable=False, server_default=""))
    op.create_table(
        "centre_briefs",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("centre", sa.String(80), nullable=False, index=True),
        sa.Column("business_date", sa.Date, nullable=False),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False, index=True),
        sa.Column("facts", sa.Text, nullable=False),
        sa.Column("told", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("page", sa.Text),
        sa.Column("composed_at", UtcDateTime, nullable=False),
        sa.Column("sent_at", UtcDateTime),
        sa.Column("sent_to", sa.Text, nullable=False, server_default=""),
        sa.Column("escalated_at", UtcDateTime),
    )
    op.create_table(
        "brief_acks",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("person", sa.String(320), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("brief_acks")
    op.drop_table("centre_briefs")
    with op.batch_alter_table("promotions") as batch:
        batch.drop_column("guidance")
