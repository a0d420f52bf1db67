"""Clients, household members and immigration history.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("other_names", sa.Text, nullable=False, server_default=""),
        sa.Column("date_of_birth", sa.Date, nullable=True),
        sa.Column("nationality", sa.String(100), nullable=False, server_default=""),
        sa.Column("languages", sa.String(200), nullable=False, server_default=""),
        sa.Column("interpreter_needed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("phone", sa.String(50), nullable=False, server_default=""),
        sa.Column("email", sa.String(200), nullable=False, server_default=""),
        sa.Column("address", sa.Text, nullable=False, server_default=""),
        sa.Column("home_office_ref", sa.String(50), nullable=False, server_default=""),
        sa.Column("uan", sa.String(50), nullable=False, server_default=""),
        sa.Column("brp_or_share_code", sa.String(50), nullable=False, server_default=""),
        sa.Column("ni_number", sa.String(20), nullable=False, server_default=""),
        sa.Column("status_summary", sa.Text, nullable=False, server_default=""),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("target_route", sa.String(50), nullable=True),
        sa.Column("target_date", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "household_members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "client_id", sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("relationship_to_client", sa.String(100), nullable=False, server_default=""),
        sa.Column("date_of_birth", sa.Date, nullable=True),
        sa.Column(
            "member_client_id",
            sa.Integer,
            sa.ForeignKey("clients.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    op.create_index("ix_household_members_client_id", "household_members", ["client_id"])
    op.create_table(
        "permissions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "client_id", sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=True),
        sa.Column("granted_on", sa.Date, nullable=True),
        sa.Column("conditions", sa.String(500), nullable=False, server_default=""),
    )
    op.create_index("ix_permissions_client_id", "permissions", ["client_id"])
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "client_id", sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("made", sa.Date, nullable=True),
        sa.Column("decided", sa.Date, nullable=True),
        sa.Column("outcome", sa.String(30), nullable=True),
        sa.Column("late_reason_accepted", sa.Boolean, nullable=True),
        sa.Column("fee_waiver_requested", sa.Date, nullable=True),
        sa.Column("fee_waiver_decided", sa.Date, nullable=True),
        sa.Column("fee_waiver_outcome", sa.String(30), nullable=True),
        sa.Column("appeal_lodged", sa.Date, nullable=True),
        sa.Column("appeal_decided", sa.Date, nullable=True),
        sa.Column("appeal_outcome", sa.String(30), nullable=True),
    )
    op.create_index("ix_applications_client_id", "applications", ["client_id"])
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "client_id", sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("left", sa.Date, nullable=False),
        sa.Column("returned", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("exceptional", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("planned", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_absences_client_id", "absences", ["client_id"])
    op.create_table(
        "custody",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "client_id", sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=False),
    )
    op.create_index("ix_custody_client_id", "custody", ["client_id"])


def downgrade() -> None:
    for table in ("custody", "absences", "applications", "permissions", "household_members"):
        op.drop_table(table)
    op.drop_table("clients")
