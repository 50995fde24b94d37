"""progress_reports: drop ix_progress_reports_plan_id

Redundant since 0002: ``ix_progress_reports_plan_period_status`` leads with ``plan_id``, so every
lookup by plan (a plan's replies; the ``ON DELETE CASCADE`` from ``plans``) is served by it. One
index fewer to maintain on every stored reply.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_progress_reports_plan_id"


def upgrade() -> None:
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.drop_index(INDEX)


def downgrade() -> None:
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.create_index(INDEX, ["plan_id"], unique=False)
