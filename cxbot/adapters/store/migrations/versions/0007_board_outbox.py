"""Items ticked from Slack whose board (Notion) copy is behind, and the Slack messages
that show them as "waiting for Notion".

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cxbot.adapters.store.tables import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checklist_items") as batch:
        batch.add_column(sa.Column("board_behind_since", UtcDateTime))
        batch.add_column(sa.Column("board_error", sa.Text))
        batch.add_column(
            sa.Column("board_attempts", sa.Integer, nullable=False, server_default="0")
        )
    op.create_index(
        "ix_checklist_items_board_behind_since", "checklist_items", ["board_behind_since"]
    )
    op.create_table(
        "slack_item_messages",
        sa.Column("item_key", sa.String(160), primary_key=True),
        sa.Column("channel", sa.String(40), primary_key=True),
        sa.Column("ts", sa.String(40), primary_key=True),
        sa.Column("set_by", sa.String(32), nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("slack_item_messages")
    op.drop_index("ix_checklist_items_board_behind_since", "checklist_items")
    with op.batch_alter_table("checklist_items") as batch:
        batch.drop_column("board_attempts")
        batch.drop_column("board_error")
        batch.drop_column("board_behind_since")
