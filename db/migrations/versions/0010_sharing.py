"""Issue 21: sharing one set of records between the laptops of a centre.

- Every replicated table (desktop.store.models.REPLICATED_TABLES) gets `uid`, the row's
  identity on every laptop: existing rows are given one (32 random hex digits), unique
  (`ux_<table>_uid`). The column stays nullable: a raw SQL insert that leaves it out is given
  one at once by the insert trigger.
- sync_state / sync_outbox: the change capture (desktop.store.sync_capture), whose triggers
  are made here from the tables' columns (and checked again on every open).
- sync_device / sync_fields / sync_rows / sync_applied / sync_review: the engine's versions,
  tombstones, applied files and review queue (desktop.store.sync_engine).

Capture starts switched off (sync_state.capture = 0): a laptop in no centre queues nothing.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Fixed here (not read from the models) so this migration means the same in later versions.
REPLICATED = (
    "clients",
    "household_members",
    "permissions",
    "applications",
    "absences",
    "custody",
    "status_checks",
    "case_notes",
    "statement_checks",
    "bank_accounts",
    "statement_periods",
    "bank_transactions",
    "transaction_explanations",
    "client_checklists",
    "client_checklist_items",
)
NOW = sa.text("(strftime('%Y-%m-%dT%H:%M:%fZ','now'))")


def upgrade() -> None:
    for table in REPLICATED:
        # ADD COLUMN directly (not batch mode): the table is not rebuilt.
        op.execute(f'ALTER TABLE "{table}" ADD COLUMN uid VARCHAR(32)')
        op.execute(f'UPDATE "{table}" SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL')
        op.create_index(f"ux_{table}_uid", table, ["uid"], unique=True)

    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("capture", sa.Integer, nullable=False, server_default="0"),
        sa.Column("applying", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("id = 1", name="ck_sync_state_one"),
    )
    op.execute("INSERT INTO sync_state (id, capture, applying) VALUES (1, 0, 0)")
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("tbl", sa.Text, nullable=False),
        sa.Column("uid", sa.Text, nullable=False),
        sa.Column("op", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False, server_default=NOW),
        sa.CheckConstraint("op IN ('insert', 'update', 'delete')", name="ck_sync_outbox_op"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "sync_device",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("device", sa.Text, nullable=False),
        sa.Column("clock", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_seq", sa.Integer, nullable=False, server_default="1"),
        sa.CheckConstraint("id = 1", name="ck_sync_device_one"),
    )
    op.create_table(
        "sync_fields",
        sa.Column("tbl", sa.Text, primary_key=True),
        sa.Column("uid", sa.Text, primary_key=True),
        sa.Column("col", sa.Text, primary_key=True),
        sa.Column("ver", sa.Text, nullable=False),
        sa.Column("anc", sa.Text, nullable=False, server_default="[]"),
    )
    op.create_table(
        "sync_rows",
        sa.Column("tbl", sa.Text, primary_key=True),
        sa.Column("uid", sa.Text, primary_key=True),
        sa.Column("ver", sa.Text, nullable=False),
        sa.Column("deleted", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "sync_applied",
        sa.Column("device", sa.Text, primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("applied_at", sa.Text, nullable=False),
    )
    op.create_table(
        "sync_review",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tbl", sa.Text),
        sa.Column("uid", sa.Text),
        sa.Column("col", sa.Text),
        sa.Column("candidates", sa.Text, nullable=False),
        sa.Column("opened_at", sa.Text, nullable=False),
        sa.UniqueConstraint("tbl", "uid", "col", name="uq_sync_review_field"),
    )

    from desktop.store.sync_capture import install_triggers

    install_triggers(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    triggers = bind.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync\\_%' ESCAPE '\\'"
    ).scalars()
    for name in list(triggers):
        op.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    for table in (
        "sync_review",
        "sync_applied",
        "sync_rows",
        "sync_fields",
        "sync_device",
        "sync_outbox",
        "sync_state",
    ):
        op.drop_table(table)
    for table in REPLICATED:
        op.drop_index(f"ux_{table}_uid", table_name=table)
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN uid')
