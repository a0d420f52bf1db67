"""Issue 16: the remedy a refusal carries and administrative review (applications.remedy,
review_lodged, review_decided, review_outcome), detention when the decision was made
(applications.detained), a late appeal the Tribunal admitted (applications.
appeal_time_extended), and the adviser's status checks (status_checks: "checked: no
permission"). All new columns are nullable: "not recorded" for every stored application.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_APPLICATION_COLUMNS = (
    ("remedy", sa.String(30)),
    ("review_lodged", sa.Date),
    ("review_decided", sa.Date),
    ("review_outcome", sa.String(30)),
    ("detained", sa.Boolean),
    ("appeal_time_extended", sa.Boolean),
)


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        for name, kind in _APPLICATION_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    op.create_table(
        "status_checks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "client_id",
            sa.Integer,
            sa.ForeignKey("clients.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("status_checks")
    with op.batch_alter_table("applications") as batch:
        for name, _kind in reversed(_APPLICATION_COLUMNS):
            batch.drop_column(name)
