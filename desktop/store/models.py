"""ORM tables. Each history table maps one-to-one to a record of the history JSON
(desktop.rules.history); desktop.store.mapping converts between them."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: PRAGMA application_id tag: "DDSK" as a big-endian int, so a stray file is recognised as ours.
APPLICATION_ID = 0x4444534B

#: SQLite's "now" as ISO text with milliseconds, UTC (the outbox's `at`).
SQL_NOW = "(strftime('%Y-%m-%dT%H:%M:%fZ','now'))"


class Base(DeclarativeBase):
    pass


#: Issue 21: the tables shared between the laptops of a centre, parents before children. Each
#: row has a `uid` (see desktop.store.sync_capture).
REPLICATED_TABLES: tuple[str, ...] = (
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
    # Issue 22 (migration 0011): casework.
    "matters",
    "visits",
    "letters",
    "complaints",
    "consents",
    "access_requests",
    "retention_decisions",
)


def new_uid() -> str:
    return uuid.uuid4().hex


def uid_column():  # noqa: ANN201 - a mapped_column
    """A replicated row's uid: 32 hex digits, unique (index ux_<table>_uid, made below). The
    column is nullable in the database (migration 0010 added it to existing tables, and a raw
    SQL insert may leave it out): the insert trigger gives such a row its uid at once."""
    return mapped_column(String(32), default=new_uid, nullable=True)


class Client(Base):
    __tablename__ = "clients"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    other_names: Mapped[str] = mapped_column(Text, default="")
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    nationality: Mapped[str] = mapped_column(String(100), default="")
    languages: Mapped[str] = mapped_column(String(200), default="")
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    home_office_ref: Mapped[str] = mapped_column(String(50), default="")
    uan: Mapped[str] = mapped_column(String(50), default="")
    brp_or_share_code: Mapped[str] = mapped_column(String(50), default="")
    ni_number: Mapped[str] = mapped_column(String(20), default="")
    status_summary: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: The history JSON's `question`: the route being considered and the intended date.
    target_route: Mapped[str | None] = mapped_column(String(50), nullable=True)
    target_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: How the client came to the centre (issue 22: statistics by referral source).
    referral_source: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    household: Mapped[list[HouseholdMember]] = relationship(
        back_populates="client",
        cascade="all, delete-orphan",
        foreign_keys="HouseholdMember.client_id",
        order_by="HouseholdMember.id",
    )
    permissions: Mapped[list[PermissionRow]] = relationship(
        cascade="all, delete-orphan", order_by="PermissionRow.start, PermissionRow.id"
    )
    applications: Mapped[list[ApplicationRow]] = relationship(
        cascade="all, delete-orphan", order_by="ApplicationRow.position, ApplicationRow.id"
    )
    absences: Mapped[list[AbsenceRow]] = relationship(
        cascade="all, delete-orphan", order_by="AbsenceRow.left, AbsenceRow.id"
    )
    custody: Mapped[list[CustodyRow]] = relationship(
        cascade="all, delete-orphan", order_by="CustodyRow.start, CustodyRow.id"
    )
    status_checks: Mapped[list[StatusCheckRow]] = relationship(
        cascade="all, delete-orphan", order_by="StatusCheckRow.on, StatusCheckRow.id"
    )
    case_notes: Mapped[list[CaseNote]] = relationship(
        cascade="all, delete-orphan", order_by="CaseNote.written_on, CaseNote.id"
    )
    bank_accounts: Mapped[list[BankAccountRow]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="BankAccountRow.position, BankAccountRow.id",
    )


class HouseholdMember(Base):
    __tablename__ = "household_members"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relationship_to_client: Mapped[str] = mapped_column(String(100), default="")
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: Set when the member is a client in their own right.
    member_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), nullable=True
    )

    client: Mapped[Client] = relationship(back_populates="household", foreign_keys=[client_id])


class PermissionRow(Base):
    __tablename__ = "permissions"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(50))
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    granted_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: Conditions as a comma-separated list of codes (e.g. no_recourse_to_public_funds).
    conditions: Mapped[str] = mapped_column(String(500), default="")
    #: The day the holder came to the UK on a permission granted from abroad (issue 19).
    entered_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class ApplicationRow(Base):
    __tablename__ = "applications"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    #: Applications keep the order they were entered in (a fee-waiver-only request has no date made).
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(50))
    made: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    decided: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    late_reason_accepted: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    fee_waiver_requested: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    fee_waiver_decided: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    fee_waiver_outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    appeal_lodged: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    appeal_decided: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    appeal_outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    #: The later appeal (or administrative review) deadline a refusal letter gives, if any.
    appeal_by: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # Issue 16 (migration 0007): the remedy the refusal carries, administrative review, and
    # detention when the decision was made, and whether a late appeal was admitted.
    remedy: Mapped[str | None] = mapped_column(String(30), nullable=True)
    review_lodged: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    review_decided: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    review_outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    detained: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    appeal_time_extended: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class AbsenceRow(Base):
    __tablename__ = "absences"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    left: Mapped[dt.date] = mapped_column(Date)
    returned: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    exceptional: Mapped[bool] = mapped_column(Boolean, default=False)
    planned: Mapped[bool] = mapped_column(Boolean, default=False)


class CustodyRow(Base):
    __tablename__ = "custody"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)


class StatusCheckRow(Base):
    """The adviser checked the client's status (history JSON `status_checks`, migration 0007):
    "no_permission" turns a record that stops into known time without permission."""

    __tablename__ = "status_checks"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    on: Mapped[dt.date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(30))


class CaseNote(Base):
    __tablename__ = "case_notes"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    adviser: Mapped[str] = mapped_column(String(100))
    written_on: Mapped[dt.datetime] = mapped_column(DateTime)
    text: Mapped[str] = mapped_column(Text)


class Adviser(Base):
    __tablename__ = "advisers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    last_used: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    #: Issue 22: the adviser's OISC level in each category (0 not authorised, 1-3 the levels,
    #: 4 regulated otherwise: solicitor, barrister, CILEx; None not recorded). Per laptop.
    oisc_level_immigration: Mapped[int | None] = mapped_column(Integer, nullable=True)
    oisc_level_asylum: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AuditEntry(Base):
    """Who changed what and when. `client_id` is not a foreign key: the trail of an erased
    client's deletion must outlive the client. Summaries name fields, never their values."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    adviser: Mapped[str] = mapped_column(String(100))
    client_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(50))
    summary: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DeadlineCacheRow(Base):
    """The deadlines board's work, kept between sessions (desktop.board): one row per client,
    valid while the client's history digest, the day it was worked out for and the rules
    version all match. Erased with the client; holds nothing the history does not."""

    __tablename__ = "deadline_cache"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(64))
    computed_for: Mapped[dt.date] = mapped_column(Date)
    rules_version: Mapped[str] = mapped_column(String(64))
    #: JSON list of [date, what, rule, next working day or null], or null when the engine
    #: could not assess the history.
    deadlines: Mapped[str | None] = mapped_column(Text, nullable=True)


# ---- fee-waiver bank statements (migration 0005) ------------------------------------------------


class BankAccountRow(Base):
    """A household bank account. `holder` is the holder's name as written (the client or a
    household member): household rows are replaced whole on save, so no id would last."""

    __tablename__ = "bank_accounts"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    holder: Mapped[str] = mapped_column(String(200))
    bank: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30), default="current", server_default="current")
    sort_code: Mapped[str] = mapped_column(String(8), default="", server_default="")
    last_four: Mapped[str] = mapped_column(String(4), default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default="open", server_default="open")
    closed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")

    periods: Mapped[list[StatementPeriodRow]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="StatementPeriodRow.start, StatementPeriodRow.id",
    )
    transactions: Mapped[list[BankTransactionRow]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="BankTransactionRow.on, BankTransactionRow.seq, BankTransactionRow.id",
    )


class StatementPeriodRow(Base):
    """One statement held for an account: an imported file or a paper statement typed in.
    `source` is the kind ("csv", "ofx", "paper", "declared"), never a file name."""

    __tablename__ = "statement_periods"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("bank_accounts.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(30))
    lines: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    added_at: Mapped[dt.datetime] = mapped_column(DateTime)


class BankTransactionRow(Base):
    __tablename__ = "bank_transactions"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()
    __table_args__ = (
        UniqueConstraint("account_id", "fingerprint", name="uq_bank_transactions_fingerprint"),
        Index("ix_bank_transactions_account_on", "account_id", "on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("bank_accounts.id", ondelete="CASCADE"))
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("statement_periods.id", ondelete="CASCADE"), nullable=True, index=True
    )
    on: Mapped[dt.date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    description: Mapped[str] = mapped_column(Text)
    amount_pence: Mapped[int] = mapped_column(Integer)
    balance_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    type_code: Mapped[str] = mapped_column(String(20), default="", server_default="")
    fingerprint: Mapped[str] = mapped_column(String(40))

    explanation: Mapped[TransactionExplanationRow | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )


class TransactionExplanationRow(Base):
    __tablename__ = "transaction_explanations"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    transaction_id: Mapped[int] = mapped_column(
        ForeignKey("bank_transactions.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(30), default="", server_default="")
    counterparty: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: The counterparty's relationship to the client (column "relationship").
    relation: Mapped[str] = mapped_column(
        "relationship", String(100), default="", server_default=""
    )
    loan_or_gift: Mapped[str] = mapped_column(String(10), default="", server_default="")
    repayment_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    document: Mapped[str] = mapped_column(String(300), default="", server_default="")
    adviser: Mapped[str] = mapped_column(String(100), default="", server_default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class StatementCheckRow(Base):
    """Per client: the fee-waiver application date the statements are checked against and the
    threshold setting ("standard" or "cautious")."""

    __tablename__ = "statement_checks"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    application_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    threshold: Mapped[str] = mapped_column(
        String(12), default="standard", server_default="standard"
    )


# ---- per-client checklists (migration 0006) -----------------------------------------------------


class ClientChecklistRow(Base):
    """A checklist started for a client from a template (`desktop.rules.checklists.Checklist`).
    `title` is the template's title when it was started; `circumstances` a JSON list of the
    circumstance keys ticked then. Goes with the client (FK CASCADE; no Client relationship)."""

    __tablename__ = "client_checklists"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[str] = mapped_column(String(100))
    template_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    started_on: Mapped[dt.date] = mapped_column(Date)
    circumstances: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    items: Mapped[list[ChecklistItemRow]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ChecklistItemRow.position, ChecklistItemRow.id",
    )


class ChecklistItemRow(Base):
    """One thing to gather. `item_id` is the template item's id, or "custom-<n>" for an item
    the adviser added (`custom`); `text` is the English text when the item was added (a
    snapshot). `status` is "pending", "received" or "not_applicable" (with `na_reason`)."""

    __tablename__ = "client_checklist_items"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()
    __table_args__ = (
        UniqueConstraint("checklist_id", "item_id", name="uq_client_checklist_items_item"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checklist_id: Mapped[int] = mapped_column(
        ForeignKey("client_checklists.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    provider: Mapped[str] = mapped_column(String(30), default="client", server_default="client")
    section: Mapped[str] = mapped_column(String(200), default="", server_default="")
    source: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending")
    na_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    received_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    custom: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class ReferralContact(Base):
    """Someone in the referral address book: a name and their referral key (an age recipient,
    `age1...`). A sender is known when the key their file was signed with gives this recipient
    (desktop.store.referral_file)."""

    __tablename__ = "referral_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(100), unique=True)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


# ---- casework (issue 22, migration 0011): desktop.store.casework ---------------------------------


def _client_fk():  # noqa: ANN202 - a mapped_column
    return mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)


def _matter_fk():  # noqa: ANN202 - a mapped_column
    return mapped_column(ForeignKey("matters.id", ondelete="SET NULL"), nullable=True, index=True)


class MatterRow(Base):
    """A piece of work for a client ("partner extension", "fee waiver", "appeal"): its category
    and OISC category, the level it needs (`needed_level` set by hand, else the level check's
    answer), the adviser and their level when saved, dates, and an outcome from the fixed list
    (resources/rules/casework.toml). An application in the history can be linked, with the
    permission it produced."""

    __tablename__ = "matters"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = _client_fk()
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    category: Mapped[str] = mapped_column(String(40))
    oisc_category: Mapped[str] = mapped_column(String(20), default="immigration")
    needed_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    adviser: Mapped[str] = mapped_column(String(100), default="", server_default="")
    adviser_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    centre: Mapped[str] = mapped_column(String(200), default="", server_default="")
    opened: Mapped[dt.date] = mapped_column(Date, index=True)
    closed: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    decision_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    outcome_told_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    client_care_agreed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    client_care_how: Mapped[str] = mapped_column(String(20), default="", server_default="")
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), nullable=True, index=True
    )
    permission_id: Mapped[int | None] = mapped_column(
        ForeignKey("permissions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")


class VisitRow(Base):
    """One contact with the client (OISC code 53: a record of all interactions; 54: who
    advised): when, who, how, how long, what was asked, the advice, next steps, and the
    information given with its source."""

    __tablename__ = "visits"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = _client_fk()
    matter_id: Mapped[int | None] = _matter_fk()
    on: Mapped[dt.date] = mapped_column(Date, index=True)
    adviser: Mapped[str] = mapped_column(String(100), default="", server_default="")
    how: Mapped[str] = mapped_column(String(20), default="in_person")
    minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    asked: Mapped[str] = mapped_column(Text, default="", server_default="")
    advice: Mapped[str] = mapped_column(Text, default="", server_default="")
    next_steps: Mapped[str] = mapped_column(Text, default="", server_default="")
    info_given: Mapped[str] = mapped_column(Text, default="", server_default="")
    info_source: Mapped[str] = mapped_column(Text, default="", server_default="")
    centre: Mapped[str] = mapped_column(String(200), default="", server_default="")


class LetterRow(Base):
    """A letter sent to the client (the log; `fields` is the JSON of its typed parts, so it
    can be printed again and is in the subject access copy)."""

    __tablename__ = "letters"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = _client_fk()
    matter_id: Mapped[int | None] = _matter_fk()
    kind: Mapped[str] = mapped_column(String(30))
    on: Mapped[dt.date] = mapped_column(Date)
    adviser: Mapped[str] = mapped_column(String(100), default="", server_default="")
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    large_print: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    fields: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")


class ComplaintRow(Base):
    """A complaint by the client (OISC code 79: the centre's complaints procedure)."""

    __tablename__ = "complaints"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = _client_fk()
    matter_id: Mapped[int | None] = _matter_fk()
    received_on: Mapped[dt.date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    adviser: Mapped[str] = mapped_column(String(100), default="", server_default="")
    acknowledged_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str] = mapped_column(Text, default="", server_default="")
    outcome_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class ConsentRow(Base):
    """The client's consent: to keep records ("records"), to share on referral ("referral"),
    to be contacted ("contact"); given when, how, for how many months, withdrawn when."""

    __tablename__ = "consents"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = _client_fk()
    scope: Mapped[str] = mapped_column(String(40))
    given_on: Mapped[dt.date] = mapped_column(Date)
    how: Mapped[str] = mapped_column(String(20), default="signed")
    period_months: Mapped[int] = mapped_column(Integer, default=12)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    adviser: Mapped[str] = mapped_column(String(100), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class AccessRequestRow(Base):
    """A subject access request the client made to the centre (UK GDPR art. 15; answered
    within one month, art. 12(3), or three when extended)."""

    __tablename__ = "access_requests"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = _client_fk()
    asked_on: Mapped[dt.date] = mapped_column(Date)
    extended: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    answered_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    adviser: Mapped[str] = mapped_column(String(100), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class RetentionDecisionRow(Base):
    """An adviser's decision, at a retention review, to keep the client's record: why, and
    when to review it again (OISC code 57: at least six years, then deleted)."""

    __tablename__ = "retention_decisions"
    #: The row's identity on every laptop of a centre (issue 21; never changes).
    uid: Mapped[str] = uid_column()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = _client_fk()
    decided_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    review_on: Mapped[dt.date] = mapped_column(Date)
    adviser: Mapped[str] = mapped_column(String(100), default="", server_default="")


# ---- centre sharing (issue 21, migration 0010): desktop.store.sync_capture, sync_engine -------


class SyncState(Base):
    """One row: whether changes are captured into the outbox, and whether remote changes are
    being applied (not captured)."""

    __tablename__ = "sync_state"
    __table_args__ = (CheckConstraint("id = 1", name="ck_sync_state_one"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    capture: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    applying: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SyncOutbox(Base):
    """A change captured by the triggers and not yet packed into a change file."""

    __tablename__ = "sync_outbox"
    __table_args__ = (
        CheckConstraint("op IN ('insert', 'update', 'delete')", name="ck_sync_outbox_op"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    tbl: Mapped[str] = mapped_column(Text)
    uid: Mapped[str] = mapped_column(Text)
    op: Mapped[str] = mapped_column(Text)
    #: A JSON object: column -> value as SQLite holds it (foreign keys as parent uids).
    data: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(Text, server_default=text(SQL_NOW))


class SyncDevice(Base):
    """One row: this laptop's device id, its hybrid logical clock and its next file number."""

    __tablename__ = "sync_device"
    __table_args__ = (CheckConstraint("id = 1", name="ck_sync_device_one"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device: Mapped[str] = mapped_column(Text)
    clock: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_seq: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class SyncField(Base):
    """The version each replicated field holds, and its ancestors (JSON list, newest last)."""

    __tablename__ = "sync_fields"

    tbl: Mapped[str] = mapped_column(Text, primary_key=True)
    uid: Mapped[str] = mapped_column(Text, primary_key=True)
    col: Mapped[str] = mapped_column(Text, primary_key=True)
    ver: Mapped[str] = mapped_column(Text)
    anc: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")


class SyncRowVersion(Base):
    """A replicated row's creation version, and its tombstone once deleted."""

    __tablename__ = "sync_rows"

    tbl: Mapped[str] = mapped_column(Text, primary_key=True)
    uid: Mapped[str] = mapped_column(Text, primary_key=True)
    ver: Mapped[str] = mapped_column(Text)
    deleted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SyncApplied(Base):
    """A change file applied here: (device, seq)."""

    __tablename__ = "sync_applied"

    device: Mapped[str] = mapped_column(Text, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    applied_at: Mapped[str] = mapped_column(Text)


class SyncReview(Base):
    """A field two laptops changed at once: waiting for an adviser to choose."""

    __tablename__ = "sync_review"
    __table_args__ = (UniqueConstraint("tbl", "uid", "col", name="uq_sync_review_field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tbl: Mapped[str | None] = mapped_column(Text, nullable=True)
    uid: Mapped[str | None] = mapped_column(Text, nullable=True)
    col: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: JSON list of {"ver", "value", "device"}.
    candidates: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[str] = mapped_column(Text)


for _table in REPLICATED_TABLES:
    Index(f"ux_{_table}_uid", Base.metadata.tables[_table].c.uid, unique=True)
