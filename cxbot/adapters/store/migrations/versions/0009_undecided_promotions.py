"""Promotions whose date is not decided yet (`미정`): no start date, and the sheet's wording.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("promotions") as batch:
        batch.alter_column("start_date", existing_type=sa.Date, nullable=True)
        batch.add_column(sa.Column("undecided", sa.Text, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("promotions") as batch:
        batch.drop_column("undecided")
        batch.alter_column("start_date", existing_type=sa.Date, nullable=False)
