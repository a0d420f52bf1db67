"""Per-client application checklists: a checklist started for a client from a template
(`resources/checklists/*.toml`) and its items, each received, not needed (with the reason) or
still to get.

Title and item texts are snapshots taken when the list was started, so a later change to the
template never rewrites what was ticked; `template_version` says which version the list came
from, so the tab can offer the items a newer version adds. `circumstances` is a JSON list of
the circumstance keys ticked when it was started. Both tables go with the client (CASCADE).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_checklists",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "client_id",
            sa.Integer,
            sa.ForeignKey("clients.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("template_id", sa.String(100), nullable=False),
        sa.Column("template_version", sa.Integer, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("circumstances", sa.Text, nullable=False, server_default="[]"),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "client_checklist_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "checklist_id",
            sa.Integer,
            sa.ForeignKey("client_checklists.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("item_id", sa.String(100), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("provider", sa.String(30), nullable=False, server_default="client"),
        sa.Column("section", sa.String(200), nullable=False, server_default=""),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False, server_default="pending"),
        sa.Column("na_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("received_on", sa.Date, nullable=True),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("custom", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("checklist_id", "item_id", name="uq_client_checklist_items_item"),
    )


def downgrade() -> None:
    op.drop_table("client_checklist_items")
    op.drop_table("client_checklists")
