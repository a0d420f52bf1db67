"""Issue 20: the referral address book (referral_contacts): people this laptop sends client
referrals to or receives them from, each by their referral key (an age X25519 recipient,
`age1...`, derived from the installation's Ed25519 signing key: desktop.store.referral_file).
This laptop's own signing key is a row in `settings` (inside the encrypted store).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referral_contacts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("recipient", sa.String(100), nullable=False, unique=True),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("referral_contacts")
