"""The store's side of fee-waiver bank statements: household accounts, imported or typed-in
statements, and the client's explanations of flagged transactions.

One function per user action, each in the caller's session (one transaction): an import adds
every new line of a statement or, on any error, none. Audit rows say what was done and how
many lines, never names, banks, amounts or file names.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from desktop.rules.statement_types import (
    ACCOUNT_KINDS,
    ACCOUNT_STATUSES,
    CATEGORIES,
    Account,
    Explanation,
    Txn,
)
from desktop.store.errors import NotFound
from desktop.store.models import (
    BankAccountRow,
    BankTransactionRow,
    HouseholdMember,
    StatementCheckRow,
    StatementPeriodRow,
    TransactionExplanationRow,
)
from desktop.store.repository import audit, get_client

THRESHOLD_CHOICES = ("standard", "cautious")
PERIOD_SOURCES = ("csv", "ofx", "paper", "declared")
PENNY = Decimal("0.01")


class StatementDataError(ValueError):
    """Input the store will not keep; the message names the field."""


#: Statement lines per INSERT statement (10 values each; SQLite allows 32,766 a statement).
BATCH_ROWS = 80


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def to_pence(amount: Decimal, what: str) -> int:
    """Whole pence from a Decimal of pounds; more than two decimal places is an error."""
    pence = amount * 100
    if pence != pence.to_integral_value():
        raise StatementDataError(f"{what}: {amount} has more than two decimal places")
    return int(pence)


def from_pence(pence: int | None) -> Decimal | None:
    return None if pence is None else (Decimal(pence) / 100).quantize(PENNY)


# ---- accounts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountDetails:
    holder: str
    bank: str
    kind: str = "current"
    sort_code: str = ""
    last_four: str = ""
    status: str = "open"
    closed_on: dt.date | None = None
    notes: str = ""

    def checked(self) -> AccountDetails:
        """The details tidied, or StatementDataError naming the field that is wrong."""
        holder, bank = self.holder.strip(), self.bank.strip()
        if not holder:
            raise StatementDataError("Holder: say whose account this is")
        if not bank:
            raise StatementDataError("Bank: give the bank or building society")
        if self.kind not in ACCOUNT_KINDS:
            raise StatementDataError(
                f"Type: {self.kind!r} is not one of {', '.join(ACCOUNT_KINDS)}"
            )
        if self.status not in ACCOUNT_STATUSES:
            raise StatementDataError(
                f"Status: {self.status!r} is not one of {', '.join(ACCOUNT_STATUSES)}"
            )
        digits = "".join(ch for ch in self.sort_code if ch.isdigit())
        if self.sort_code.strip() and (
            len(digits) != 6 or not set(self.sort_code) <= set("0123456789- ")
        ):
            raise StatementDataError("Sort code: six digits, like 40-11-62")
        sort_code = f"{digits[0:2]}-{digits[2:4]}-{digits[4:6]}" if digits else ""
        last_four = self.last_four.strip()
        if last_four and (len(last_four) != 4 or not last_four.isdigit()):
            raise StatementDataError("Last four digits: four digits of the account or card number")
        if self.status == "closed" and self.closed_on is None:
            raise StatementDataError("Closed on: give the date a closed account was closed")
        closed_on = self.closed_on if self.status == "closed" else None
        return AccountDetails(
            holder, bank, self.kind, sort_code, last_four, self.status, closed_on, self.notes
        )


def _account(session: Session, account_id: int) -> BankAccountRow:
    row = session.get(BankAccountRow, account_id)
    if row is None:
        raise NotFound(f"no account {account_id}")
    return row


def details_of(row: BankAccountRow) -> AccountDetails:
    return AccountDetails(
        row.holder,
        row.bank,
        row.kind,
        row.sort_code,
        row.last_four,
        row.status,
        row.closed_on,
        row.notes,
    )


def account_details(session: Session, account_id: int) -> AccountDetails:
    return details_of(_account(session, account_id))


def accounts_of(session: Session, client_id: int) -> list[BankAccountRow]:
    return list(get_client(session, client_id).bank_accounts)


def add_account(session: Session, client_id: int, details: AccountDetails, adviser: str) -> int:
    details = details.checked()
    client = get_client(session, client_id)
    position = max((a.position for a in client.bank_accounts), default=-1) + 1
    row = BankAccountRow(client_id=client_id, position=position, **details.__dict__)
    session.add(row)
    session.flush()
    audit(session, adviser, client_id, "statements.account_add", f"account {row.id} added")
    return row.id


def update_account(
    session: Session, account_id: int, details: AccountDetails, adviser: str
) -> None:
    details = details.checked()
    row = _account(session, account_id)
    changed = [k for k, v in details.__dict__.items() if getattr(row, k) != v]
    if not changed:
        return
    for key in changed:
        setattr(row, key, getattr(details, key))
    audit(
        session,
        adviser,
        row.client_id,
        "statements.account_update",
        f"account {row.id}: {', '.join(changed)}",
    )


def delete_account(session: Session, account_id: int, adviser: str) -> None:
    row = _account(session, account_id)
    client_id, lines = row.client_id, len(row.transactions)
    session.delete(row)
    audit(
        session,
        adviser,
        client_id,
        "statements.account_delete",
        f"account {account_id} and its {lines} line(s) removed",
    )


# ---- statements ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    added: int
    duplicates: int
    period: tuple[dt.date, dt.date] | None
    period_id: int | None


def add_statement(
    session: Session,
    account_id: int,
    statement,
    source: str,
    adviser: str,
    period: tuple[dt.date, dt.date] | None = None,
) -> ImportResult:
    """Add a parsed statement (`desktop.importers.bank_csv.ParsedStatement`) to an account.

    Lines whose fingerprint the account already holds are skipped (an overlapping re-import).
    The statement period is `period`, else the statement's own, else its first to last date.
    Everything is checked before anything is added, so a bad line adds nothing."""
    from desktop.importers.bank_csv import fingerprints

    if source not in PERIOD_SOURCES:
        raise StatementDataError(f"source {source!r} is not one of {', '.join(PERIOD_SOURCES)}")
    row = _account(session, account_id)
    rows = list(statement.rows)
    period = period or statement.period
    if period is None and rows:
        period = (min(r.on for r in rows), max(r.on for r in rows))
    if period is not None and period[0] > period[1]:
        raise StatementDataError(
            f"Statement period: {period[0]:%d/%m/%Y} is after {period[1]:%d/%m/%Y}"
        )
    prepared = []
    for r, fingerprint in zip(rows, fingerprints(rows), strict=True):
        where = f"line {r.line}"
        if period is not None and not period[0] <= r.on <= period[1]:
            raise StatementDataError(
                f"{where}: {r.on:%d/%m/%Y} is outside the statement period "
                f"{period[0]:%d/%m/%Y} to {period[1]:%d/%m/%Y}"
            )
        prepared.append(
            (
                r,
                fingerprint,
                to_pence(r.amount, f"{where}, amount"),
                None if r.balance is None else to_pence(r.balance, f"{where}, balance"),
            )
        )
    have = set(
        session.scalars(
            select(BankTransactionRow.fingerprint).where(
                BankTransactionRow.account_id == account_id
            )
        )
    )
    fresh = [p for p in prepared if p[1] not in have]
    if period is None:
        return ImportResult(0, len(prepared) - len(fresh), None, None)
    period_row = StatementPeriodRow(
        account_id=account_id,
        start=period[0],
        end=period[1],
        source=source,
        lines=len(fresh),
        added_at=_now(),
    )
    session.add(period_row)
    session.flush()
    if fresh:
        # Multi-row INSERTs of BATCH_ROWS lines (not an ORM object per line: a household's
        # statements are thousands). SQLite runs the sharing triggers once per statement, so
        # one statement per line (an executemany) cost three times as much once they exist.
        rows = [
            {
                "uid": uuid.uuid4().hex,
                "account_id": account_id,
                "period_id": period_row.id,
                "on": r.on,
                "seq": seq,
                "description": r.description,
                "amount_pence": amount,
                "balance_pence": balance,
                "type_code": (r.type_code or "").upper()[:20],
                "fingerprint": fingerprint,
            }
            for seq, (r, fingerprint, amount, balance) in enumerate(fresh)
        ]
        for start in range(0, len(rows), BATCH_ROWS):
            session.execute(insert(BankTransactionRow).values(rows[start : start + BATCH_ROWS]))
        session.expire(row, ["transactions"])
    audit(
        session,
        adviser,
        row.client_id,
        "statements.add",
        f"account {account_id}: {len(fresh)} line(s) added from a {source} statement, "
        f"{len(prepared) - len(fresh)} already held",
    )
    return ImportResult(len(fresh), len(prepared) - len(fresh), period, period_row.id)


def declare_period(
    session: Session, account_id: int, start: dt.date, end: dt.date, adviser: str
) -> int:
    """A statement held with no transactions on it (a dormant account's quiet months)."""
    if start > end:
        raise StatementDataError(f"Statement period: {start:%d/%m/%Y} is after {end:%d/%m/%Y}")
    row = _account(session, account_id)
    period = StatementPeriodRow(
        account_id=account_id, start=start, end=end, source="declared", lines=0, added_at=_now()
    )
    session.add(period)
    session.flush()
    audit(
        session,
        adviser,
        row.client_id,
        "statements.declare",
        f"account {account_id}: a statement with no lines",
    )
    return period.id


def delete_period(session: Session, period_id: int, adviser: str) -> None:
    """Remove a statement and the lines it brought in (with their explanations)."""
    period = session.get(StatementPeriodRow, period_id)
    if period is None:
        raise NotFound(f"no statement {period_id}")
    account = _account(session, period.account_id)
    lines = session.execute(
        delete(BankTransactionRow).where(BankTransactionRow.period_id == period_id)
    ).rowcount
    session.delete(period)
    session.expire(account)
    audit(
        session,
        adviser,
        account.client_id,
        "statements.remove",
        f"account {account.id}: a statement and its {lines} line(s) removed",
    )


# ---- explanations -------------------------------------------------------------------------------


def explanation_of(row: TransactionExplanationRow) -> Explanation:
    return Explanation(
        text=row.text,
        category=row.category,
        counterparty=row.counterparty,
        relationship=row.relation,
        loan_or_gift=row.loan_or_gift,
        repayment_date=row.repayment_date,
        document=row.document,
    )


def check_explanation(explanation: Explanation) -> Explanation:
    if explanation.category and explanation.category not in CATEGORIES:
        raise StatementDataError(f"Category: {explanation.category!r} is not a category")
    if explanation.loan_or_gift not in ("", "loan", "gift"):
        raise StatementDataError("Loan or gift: choose loan, gift or neither")
    if explanation.repayment_date is not None and explanation.loan_or_gift != "loan":
        raise StatementDataError("Repayment date: only a loan is repaid")
    return explanation


def save_explanation(
    session: Session,
    client_id: int,
    transaction_ids: Iterable[int],
    explanation: Explanation | None,
    adviser: str,
) -> int:
    """Write (or, with None or an empty text, clear) the explanation of each transaction: one
    line, or a whole recurring series at once. Returns how many lines were written."""
    if explanation is not None:
        check_explanation(explanation)
    ids = sorted(set(transaction_ids))
    rows = session.scalars(select(BankTransactionRow).where(BankTransactionRow.id.in_(ids))).all()
    owners = {r.account_id for r in rows}
    accounts = session.scalars(
        select(BankAccountRow.client_id).where(BankAccountRow.id.in_(owners))
    ).all()
    if len(rows) != len(ids) or any(c != client_id for c in accounts):
        raise NotFound("a transaction is not this client's")
    clear = explanation is None or not explanation.given
    for row in rows:
        if clear:
            row.explanation = None
            continue
        target = row.explanation or TransactionExplanationRow(transaction_id=row.id)
        target.text = explanation.text.strip()
        target.category = explanation.category
        target.counterparty = explanation.counterparty.strip()
        target.relation = explanation.relationship.strip()
        target.loan_or_gift = explanation.loan_or_gift
        target.repayment_date = explanation.repayment_date
        target.document = explanation.document.strip()
        target.adviser = adviser
        target.updated_at = _now()
        row.explanation = target
    audit(
        session,
        adviser,
        client_id,
        "statements.explain",
        f"{len(rows)} line(s) {'cleared' if clear else 'explained'}",
    )
    return len(rows)


# ---- settings and the review's inputs -----------------------------------------------------------


@dataclass(frozen=True)
class CheckSettings:
    application_date: dt.date | None = None
    threshold: str = "standard"  # a key of THRESHOLD_CHOICES


def check_settings(session: Session, client_id: int) -> CheckSettings:
    row = session.get(StatementCheckRow, client_id)
    return CheckSettings() if row is None else CheckSettings(row.application_date, row.threshold)


def set_check_settings(
    session: Session, client_id: int, settings: CheckSettings, adviser: str
) -> None:
    if settings.threshold not in THRESHOLD_CHOICES:
        raise StatementDataError(f"Threshold: {settings.threshold!r} is not a setting")
    get_client(session, client_id)
    row = session.get(StatementCheckRow, client_id)
    if row is None:
        row = StatementCheckRow(client_id=client_id)
        session.add(row)
    elif (row.application_date, row.threshold) == (settings.application_date, settings.threshold):
        return
    row.application_date, row.threshold = settings.application_date, settings.threshold
    audit(session, adviser, client_id, "statements.settings", "application date and threshold")


@dataclass(frozen=True)
class ReviewInputs:
    """What `desktop.rules.statements.review` needs for one client, as pure values."""

    accounts: tuple[Account, ...]
    txns: tuple[Txn, ...]
    explanations: dict[str, Explanation]
    household: tuple[str, ...]  # the client's name, then household members'
    settings: CheckSettings
    periods: dict[str, tuple[tuple[int, dt.date, dt.date, str, int], ...]]  # account key -> rows
    client_name: str
    #: The client's recorded languages (the Details field, as typed): the sheet's client copy
    #: is in the first one it has words for (desktop.printing.sheet_words).
    client_languages: str = ""


def review_inputs(session: Session, client_id: int) -> ReviewInputs:
    client = get_client(session, client_id)
    accounts: list[Account] = []
    txns: list[Txn] = []
    explanations: dict[str, Explanation] = {}
    periods: dict[str, tuple] = {}
    for row in client.bank_accounts:
        key = str(row.id)
        held = tuple((p.id, p.start, p.end, p.source, p.lines) for p in row.periods)
        periods[key] = held
        accounts.append(
            Account(
                key=key,
                holder=row.holder,
                bank=row.bank,
                kind=row.kind,
                sort_code=row.sort_code,
                last_four=row.last_four,
                status=row.status,
                closed_on=row.closed_on,
                periods=tuple((p[1], p[2]) for p in held),
            )
        )
    account_ids = [int(a.key) for a in accounts]
    if account_ids:
        t, e = BankTransactionRow, TransactionExplanationRow
        lines = session.execute(
            select(
                t.id,
                t.account_id,
                t.on,
                t.description,
                t.amount_pence,
                t.balance_pence,
                t.type_code,
                e.transaction_id,
                e.text,
                e.category,
                e.counterparty,
                e.relation,
                e.loan_or_gift,
                e.repayment_date,
                e.document,
            )
            .outerjoin(e, e.transaction_id == t.id)
            .where(t.account_id.in_(account_ids))
            .order_by(t.account_id, t.on, t.period_id, t.seq)
        ).all()
        for line in lines:
            key = str(line[0])
            txns.append(
                Txn(
                    key=key,
                    account=str(line[1]),
                    on=line[2],
                    description=line[3],
                    amount=from_pence(line[4]),
                    balance=from_pence(line[5]),
                    type_code=line[6],
                )
            )
            if line[7] is not None:
                explanations[key] = Explanation(
                    text=line[8],
                    category=line[9],
                    counterparty=line[10],
                    relationship=line[11],
                    loan_or_gift=line[12],
                    repayment_date=line[13],
                    document=line[14],
                )
    members = session.scalars(
        select(HouseholdMember.name).where(HouseholdMember.client_id == client_id)
    ).all()
    return ReviewInputs(
        accounts=tuple(accounts),
        txns=tuple(txns),
        explanations=explanations,
        household=(client.full_name, *members),
        settings=check_settings(session, client_id),
        periods=periods,
        client_name=client.full_name,
        client_languages=client.languages or "",
    )


def statements_record(session: Session, client_id: int) -> dict:
    """Everything held about the client's bank statements, for the subject access request copy
    (`dropin-desk export --full`, File > Export client…): accounts, statements held, every line
    and its explanation, and the check settings. Money is written as strings ("-12.30")."""
    inputs = review_inputs(session, client_id)
    by_account: dict[str, list[dict]] = {a.key: [] for a in inputs.accounts}
    for t in inputs.txns:
        e = inputs.explanations.get(t.key)
        by_account[t.account].append(
            {
                "date": t.on.isoformat(),
                "description": t.description,
                "amount": str(t.amount),
                "balance": None if t.balance is None else str(t.balance),
                "type": t.type_code,
                "explanation": None
                if e is None
                else {
                    "text": e.text,
                    "category": e.category,
                    "counterparty": e.counterparty,
                    "relationship": e.relationship,
                    "loan_or_gift": e.loan_or_gift,
                    "repayment_date": e.repayment_date.isoformat() if e.repayment_date else None,
                    "document": e.document,
                },
            }
        )
    rows = {r.id: r for r in accounts_of(session, client_id)}
    settings = inputs.settings
    return {
        "application_date": settings.application_date.isoformat()
        if settings.application_date
        else None,
        "threshold": settings.threshold,
        "accounts": [
            {
                "holder": a.holder,
                "bank": a.bank,
                "type": a.kind,
                "sort_code": a.sort_code,
                "last_four": a.last_four,
                "status": a.status,
                "closed_on": a.closed_on.isoformat() if a.closed_on else None,
                "notes": rows[int(a.key)].notes,
                "statements": [
                    {"from": start.isoformat(), "to": end.isoformat(), "source": source}
                    for _id, start, end, source, _lines in inputs.periods[a.key]
                ],
                "lines": by_account[a.key],
            }
            for a in inputs.accounts
        ],
    }


def series_ids(keys: Sequence[str]) -> list[int]:
    """Store ids from `Txn.key`s (the store's keys are row ids)."""
    return [int(k) for k in keys]
