"""adhoc_requests: cancelled_at, cancelled_by_contact_id

An ad hoc request the standing office withdrew (``python -m bot adhoc cancel N``, ``/huydotxuat
N``): when (aware UTC) and by whom (a contact; NULL from the CLI). Both NULL for every existing
request: nothing was ever cancelled before this revision.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_adhoc_requests_cancelled_by_contact_id_contacts"


def upgrade() -> None:
    with op.batch_alter_table("adhoc_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cancelled_by_contact_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FK, "contacts", ["cancelled_by_contact_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("adhoc_requests", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.drop_column("cancelled_by_contact_id")
        batch_op.drop_column("cancelled_at")
