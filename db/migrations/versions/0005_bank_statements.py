"""Fee-waiver bank statements: household accounts, statement periods, transactions and the
client's explanations of them, and each client's statement-check settings.

Money is held as whole pence (INTEGER): exact, and summable in SQL. A transaction's
`fingerprint` (desktop.importers.bank_csv.fingerprints) is unique within its account, so an
overlapping re-import adds nothing.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bank_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "client_id",
            sa.Integer,
            sa.ForeignKey("clients.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("bank", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False, server_default="current"),
        sa.Column("sort_code", sa.String(8), nullable=False, server_default=""),
        sa.Column("last_four", sa.String(4), nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False, server_default="open"),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "statement_periods",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey("bank_accounts.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=False),
        sa.Column("source", sa.String(30), nullable=False),
        sa.Column("lines", sa.Integer, nullable=False, server_default="0"),
        sa.Column("added_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "bank_transactions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey("bank_accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "period_id",
            sa.Integer,
            sa.ForeignKey("statement_periods.id", ondelete="CASCADE"),
            nullable=True,
            index=True,
        ),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False, server_default="0"),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("amount_pence", sa.Integer, nullable=False),
        sa.Column("balance_pence", sa.Integer, nullable=True),
        sa.Column("type_code", sa.String(20), nullable=False, server_default=""),
        sa.Column("fingerprint", sa.String(40), nullable=False),
        sa.UniqueConstraint("account_id", "fingerprint", name="uq_bank_transactions_fingerprint"),
    )
    op.create_index("ix_bank_transactions_account_on", "bank_transactions", ["account_id", "on"])
    op.create_table(
        "transaction_explanations",
        sa.Column(
            "transaction_id",
            sa.Integer,
            sa.ForeignKey("bank_transactions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("category", sa.String(30), nullable=False, server_default=""),
        sa.Column("counterparty", sa.String(200), nullable=False, server_default=""),
        sa.Column("relationship", sa.String(100), nullable=False, server_default=""),
        sa.Column("loan_or_gift", sa.String(10), nullable=False, server_default=""),
        sa.Column("repayment_date", sa.Date, nullable=True),
        sa.Column("document", sa.String(300), nullable=False, server_default=""),
        sa.Column("adviser", sa.String(100), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "statement_checks",
        sa.Column(
            "client_id",
            sa.Integer,
            sa.ForeignKey("clients.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("application_date", sa.Date, nullable=True),
        sa.Column("threshold", sa.String(12), nullable=False, server_default="standard"),
    )


def downgrade() -> None:
    op.drop_table("statement_checks")
    op.drop_table("transaction_explanations")
    op.drop_index("ix_bank_transactions_account_on", table_name="bank_transactions")
    op.drop_table("bank_transactions")
    op.drop_table("statement_periods")
    op.drop_table("bank_accounts")
