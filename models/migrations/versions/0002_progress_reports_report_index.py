"""progress_reports: index for the period report's reads

One index serves the two reads of a period's report (``reports.replies.load_replies``) and of
its SQL baseline (``benchmarks/report_baseline.py``): a plan's replies to given periods
(``plan_id = ? AND period IN (…)``: the leading two columns, instead of all the plan's replies
through ``ix_progress_reports_plan_id``), and what was reported done in earlier periods
(``… AND status = 'DONE'``, answered from the index alone: it carries task, agency, occurrence).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 12:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_progress_reports_plan_period_status"
COLUMNS = ["plan_id", "period", "status", "task_id", "agency_id", "occurrence"]


def upgrade() -> None:
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.create_index(INDEX, COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
