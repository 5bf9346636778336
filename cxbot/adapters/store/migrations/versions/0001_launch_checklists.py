"""Launches, checklist items, the change history and sync cursors.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cxbot.adapters.store.tables import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "launches",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("template_key", sa.String(80), nullable=False),
        sa.Column("open_date", sa.Date, nullable=False),
        sa.Column("planner_name", sa.String(200)),
        sa.Column("planner_email", sa.String(320)),
    )
    op.create_table(
        "checklist_items",
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("launch_key", sa.String(80), sa.ForeignKey("launches.key"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("department", sa.String(80), nullable=False),
        sa.Column("department_name", sa.String(200), nullable=False),
        sa.Column("owner_name", sa.String(200)),
        sa.Column("owner_email", sa.String(320)),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("scenario", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("moved_because", sa.String(200)),
        sa.Column("remote_id", sa.String(64)),
    )
    op.create_index("ix_checklist_items_launch_key", "checklist_items", ["launch_key"])
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("field", sa.String(80), nullable=False),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_index("ix_changes_entity", "changes", ["entity", "entity_id"])
    op.create_table(
        "cursors",
        sa.Column("name", sa.String(120), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cursors")
    op.drop_index("ix_changes_entity", "changes")
    op.drop_table("changes")
    op.drop_index("ix_checklist_items_launch_key", "checklist_items")
    op.drop_table("checklist_items")
    op.drop_table("launches")
