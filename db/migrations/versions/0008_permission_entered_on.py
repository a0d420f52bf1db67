"""Issue 19: the entry date on a permission granted from abroad (permissions.entered_on).
Nullable: "in the UK from the start, or not recorded" for every stored permission, which is how
they were counted before.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("permissions") as batch:
        batch.add_column(sa.Column("entered_on", sa.Date, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("permissions") as batch:
        batch.drop_column("entered_on")
