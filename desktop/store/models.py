"""ORM tables. Each history table maps one-to-one to a record of the history JSON
(desktop.rules.history); desktop.store.mapping converts between them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: PRAGMA application_id tag: "DDSK" as a big-endian int, so a stray file is recognised as ours.
APPLICATION_ID = 0x4444534B


class Base(DeclarativeBase):
    pass


class Client(Base):
    __tablename__ = "clients"

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

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    left: Mapped[dt.date] = mapped_column(Date)
    returned: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    exceptional: Mapped[bool] = mapped_column(Boolean, default=False)
    planned: Mapped[bool] = mapped_column(Boolean, default=False)


class CustodyRow(Base):
    __tablename__ = "custody"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)


class StatusCheckRow(Base):
    """The adviser checked the client's status (history JSON `status_checks`, migration 0007):
    "no_permission" turns a record that stops into known time without permission."""

    __tablename__ = "status_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    on: Mapped[dt.date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(30))


class CaseNote(Base):
    __tablename__ = "case_notes"

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
