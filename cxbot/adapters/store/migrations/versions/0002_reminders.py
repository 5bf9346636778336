"""Reminders: the exactly-once ledger, the Slack user cache, per-item owner Slack ids
and reminder policies.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cxbot.adapters.store.tables import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checklist_items") as batch:
        batch.add_column(sa.Column("owner_slack_id", sa.String(32)))
        batch.add_column(sa.Column("reminder_policy", sa.Text))
    op.create_table(
        "reminder_log",
        sa.Column("reminder_key", sa.String(400), primary_key=True),
        sa.Column("message_key", sa.String(200), nullable=False),
        sa.Column("recipient_key", sa.String(320), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("business_date", sa.Date, nullable=False),
        sa.Column("launch_key", sa.String(80), nullable=False),
        sa.Column("item_key", sa.String(160)),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("channel", sa.String(40)),
        sa.Column("ts", sa.String(40)),
        sa.Column("late", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("claimed_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_reminder_log_message", "reminder_log", ["message_key"])
    op.create_index("ix_reminder_log_state", "reminder_log", ["state"])
    op.create_table(
        "slack_users",
        sa.Column("email", sa.String(320), primary_key=True),
        sa.Column("user_id", sa.String(32)),
        sa.Column("dm_channel", sa.String(40)),
        sa.Column("checked_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("slack_users")
    op.drop_index("ix_reminder_log_state", "reminder_log")
    op.drop_index("ix_reminder_log_message", "reminder_log")
    op.drop_table("reminder_log")
    with op.batch_alter_table("checklist_items") as batch:
        batch.drop_column("reminder_policy")
        batch.drop_column("owner_slack_id")
