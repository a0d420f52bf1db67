"""The deadlines board's cache (deadline_cache): one row per client.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deadline_cache",
        sa.Column(
            "client_id",
            sa.Integer,
            sa.ForeignKey("clients.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("computed_for", sa.Date, nullable=False),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("deadlines", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("deadline_cache")
