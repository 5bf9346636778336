"""A launch keeps how it differs from its template (items skipped, items of its own).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("launches") as batch:
        batch.add_column(sa.Column("tailoring", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("launches") as batch:
        batch.drop_column("tailoring")
