"""Job runs: one row per job and scheduled tick, so no tick runs twice, even across processes.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cxbot.adapters.store.tables import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(80), primary_key=True),
        sa.Column("tick", UtcDateTime, primary_key=True),
        sa.Column("worker", sa.String(120), nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("started_at", UtcDateTime, nullable=False),
        sa.Column("finished_at", UtcDateTime),
        sa.Column("summary", sa.Text),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_job_runs_outcome", "job_runs", ["job", "outcome"])


def downgrade() -> None:
    op.drop_index("ix_job_runs_outcome", "job_runs")
    op.drop_table("job_runs")
