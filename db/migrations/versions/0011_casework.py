"""Issue 22: casework - matters, visits, letters sent, complaints, consents, subject access
requests made to the centre, and retention decisions (desktop.store.casework). Each is a
replicated table (issue 21: `uid`, capture triggers) that goes with its client (ON DELETE
CASCADE). Also `clients.referral_source` and the advisers' OISC levels (per laptop).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: Fixed here (not read from the models) so this migration means the same in later versions.
TABLES = (
    "matters",
    "visits",
    "letters",
    "complaints",
    "consents",
    "access_requests",
    "retention_decisions",
)


def _common() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(32), nullable=True),
        sa.Column(
            "client_id",
            sa.Integer,
            sa.ForeignKey("clients.id", ondelete="CASCADE"),
            nullable=False,
        ),
    ]


def _matter() -> sa.Column:
    return sa.Column(
        "matter_id", sa.Integer, sa.ForeignKey("matters.id", ondelete="SET NULL"), nullable=True
    )


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def _adviser() -> sa.Column:
    return sa.Column("adviser", sa.String(100), nullable=False, server_default="")


def upgrade() -> None:
    op.execute("ALTER TABLE clients ADD COLUMN referral_source VARCHAR(100) NOT NULL DEFAULT ''")
    op.execute("ALTER TABLE advisers ADD COLUMN oisc_level_immigration INTEGER")
    op.execute("ALTER TABLE advisers ADD COLUMN oisc_level_asylum INTEGER")

    op.create_table(
        "matters",
        *_common(),
        sa.Column("title", sa.String(200), nullable=False, server_default=""),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("oisc_category", sa.String(20), nullable=False),
        sa.Column("needed_level", sa.Integer, nullable=True),
        _adviser(),
        sa.Column("adviser_level", sa.Integer, nullable=True),
        sa.Column("centre", sa.String(200), nullable=False, server_default=""),
        sa.Column("opened", sa.Date, nullable=False),
        sa.Column("closed", sa.Date, nullable=True),
        sa.Column("outcome", sa.String(40), nullable=True),
        sa.Column("decision_on", sa.Date, nullable=True),
        sa.Column("outcome_told_on", sa.Date, nullable=True),
        sa.Column("client_care_agreed_on", sa.Date, nullable=True),
        sa.Column("client_care_how", sa.String(20), nullable=False, server_default=""),
        sa.Column(
            "application_id",
            sa.Integer,
            sa.ForeignKey("applications.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "permission_id",
            sa.Integer,
            sa.ForeignKey("permissions.id", ondelete="SET NULL"),
            nullable=True,
        ),
        _text("notes"),
    )
    op.create_table(
        "visits",
        *_common(),
        _matter(),
        sa.Column("on", sa.Date, nullable=False),
        _adviser(),
        sa.Column("how", sa.String(20), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False, server_default="0"),
        _text("asked"),
        _text("advice"),
        _text("next_steps"),
        _text("info_given"),
        _text("info_source"),
        sa.Column("centre", sa.String(200), nullable=False, server_default=""),
    )
    op.create_table(
        "letters",
        *_common(),
        _matter(),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        _adviser(),
        sa.Column("language", sa.String(10), nullable=False, server_default="en"),
        sa.Column("large_print", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("fields", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_table(
        "complaints",
        *_common(),
        _matter(),
        sa.Column("received_on", sa.Date, nullable=False),
        _text("summary"),
        _adviser(),
        sa.Column("acknowledged_on", sa.Date, nullable=True),
        _text("outcome"),
        sa.Column("outcome_on", sa.Date, nullable=True),
    )
    op.create_table(
        "consents",
        *_common(),
        sa.Column("scope", sa.String(40), nullable=False),
        sa.Column("given_on", sa.Date, nullable=False),
        sa.Column("how", sa.String(20), nullable=False),
        sa.Column("period_months", sa.Integer, nullable=False),
        sa.Column("withdrawn_on", sa.Date, nullable=True),
        _adviser(),
        _text("note"),
    )
    op.create_table(
        "access_requests",
        *_common(),
        sa.Column("asked_on", sa.Date, nullable=False),
        sa.Column("extended", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("answered_on", sa.Date, nullable=True),
        _adviser(),
        _text("note"),
    )
    op.create_table(
        "retention_decisions",
        *_common(),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("review_on", sa.Date, nullable=False),
        _adviser(),
    )
    for table in TABLES:
        op.create_index(f"ix_{table}_client_id", table, ["client_id"])
        op.create_index(f"ux_{table}_uid", table, ["uid"], unique=True)
    for table in ("visits", "letters", "complaints"):
        op.create_index(f"ix_{table}_matter_id", table, ["matter_id"])
    op.create_index("ix_matters_application_id", "matters", ["application_id"])
    # Statistics read a period's visits and matters (desktop.store.statistics).
    op.create_index("ix_visits_on", "visits", ["on"])
    op.create_index("ix_matters_opened", "matters", ["opened"])
    op.create_index("ix_matters_permission_id", "matters", ["permission_id"])

    # The capture triggers: the new tables get theirs and `clients` its new column.
    from desktop.store.sync_capture import install_triggers

    install_triggers(op.get_bind())


def downgrade() -> None:
    for table in reversed(TABLES):
        op.execute(f'DROP TRIGGER IF EXISTS "sync_uid_{table}"')
        for kind in ("insert", "update", "delete"):
            op.execute(f'DROP TRIGGER IF EXISTS "sync_{kind}_{table}"')
        op.drop_table(table)
    with op.batch_alter_table("advisers") as batch:
        batch.drop_column("oisc_level_asylum")
        batch.drop_column("oisc_level_immigration")
    op.execute("DROP TRIGGER IF EXISTS sync_insert_clients")
    op.execute("DROP TRIGGER IF EXISTS sync_update_clients")
    op.execute("ALTER TABLE clients DROP COLUMN referral_source")
    from desktop.store.sync_capture import install_triggers

    install_triggers(op.get_bind())  # `clients` without the column
