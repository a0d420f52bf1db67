"""The value types of the fee-waiver bank-statement checks (see `desktop.rules.statements`).

Money is `Decimal` throughout, never float: money in is positive, money out negative. Dates are
`datetime.date`. Keys are strings so the same types serve the store (row ids) and the
`dropin-desk annotate` command (positions in files).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True)
class Txn:
    """One line of a bank statement."""

    key: str  # stable id: the store's row id, or "<account key>:<n>" for files
    account: str  # Account.key
    on: date
    description: str
    amount: Decimal  # + money in, - money out
    balance: Decimal | None = None  # running balance after this line, when the bank gives it
    type_code: str = (
        ""  # the bank's type column (DD, SO, FPI, FPO, ATM, CSH, BGC, DEB...), upper case
    )


@dataclass(frozen=True)
class Account:
    """A household bank account and the statement periods held for it."""

    key: str
    holder: str  # the account holder's name (client or household member)
    bank: str
    kind: str = "current"  # one of ACCOUNT_KINDS
    sort_code: str = ""  # "12-34-56" or ""
    last_four: str = ""  # last four digits of the account (or card) number
    status: str = "open"  # one of ACCOUNT_STATUSES
    closed_on: date | None = None
    #: Statement periods held, inclusive (from, to). An imported file covers its first to last
    #: date unless the user says the statement covered more (a quiet dormant account).
    periods: tuple[tuple[date, date], ...] = ()

    def label(self) -> str:
        """'Monzo current ••1234 (Amina Yusuf)': how an account is named in sentences."""
        digits = f" ••{self.last_four}" if self.last_four else ""
        return f"{self.bank} {self.kind}{digits} ({self.holder})"


ACCOUNT_KINDS = ("current", "savings", "child", "credit card", "prepaid", "other")
ACCOUNT_STATUSES = ("open", "dormant", "closed")


@dataclass(frozen=True)
class Explanation:
    """What the client says a transaction is: the annotation written on the sheet."""

    text: str
    category: str = ""  # a key of CATEGORIES, or "" (then the automatic category is used)
    counterparty: str = ""  # who paid or was paid
    relationship: str = ""  # the counterparty's relationship to the client (brother, friend)
    loan_or_gift: str = ""  # "", "loan" or "gift"
    repayment_date: date | None = None  # for a loan: when it is to be repaid
    document: str = ""  # the evidence that goes with it ("letter from brother, 3 June")
    auto: bool = False  # True when the app wrote it (a matched own-account transfer)

    @property
    def given(self) -> bool:
        return bool(self.text.strip())


#: Categories for income and expenditure. Income sources, essential outgoings, other outgoings,
#: and transfers between the household's own accounts (which are neither).
INCOME_CATEGORIES = {
    "wages": "Wages and self-employment",
    "benefits": "Benefits and tax credits",
    "support": "Support from family, friends or charities",
    "loan": "Loans received",
    "refund": "Refunds",
    "other_income": "Other income",
}
ESSENTIAL_CATEGORIES = {
    "rent": "Rent or mortgage",
    "utilities": "Utilities, council tax and phone",
    "food": "Food and household",
    "travel": "Travel",
    "children": "Children",
}
OTHER_CATEGORIES = {"other_out": "Other outgoings", "cash_out": "Cash withdrawn"}
TRANSFER_CATEGORY = {"own_transfer": "Transfer between own accounts"}
CATEGORIES = {**INCOME_CATEGORIES, **ESSENTIAL_CATEGORIES, **OTHER_CATEGORIES, **TRANSFER_CATEGORY}


class FlagKind(StrEnum):
    LARGE = "large"  # over the threshold
    REGULAR = "regular"  # part of a recurring series
    OWN_TRANSFER = "own_transfer"  # matched to the opposite line in another household account
    UNMATCHED_TRANSFER = "unmatched_transfer"  # looks like a transfer; no household account has it
    CASH = "cash"  # cash paid in or withdrawn
    FROM_PERSON = "from_person"  # money in from a person: needs a letter from them
    BALANCE_REDUCTION = "balance_reduction"  # large money out shortly before the application


@dataclass(frozen=True)
class FlagReason:
    kind: FlagKind
    sentence: str  # plain English, for the sheet and the screen
    rule: str  # where the check comes from ("Reference 003, fee waiver sheet: Bank statements")


@dataclass(frozen=True)
class Flag:
    """A transaction that needs explaining, and why."""

    txn: Txn
    reasons: tuple[FlagReason, ...]
    series: str | None = None  # Recurrence.key when the line is part of a recurring series
    match: str | None = None  # Txn.key of the matching line in another account (own transfer)
    suggested: Explanation | None = None  # what the app can say itself (own transfers)

    @property
    def kinds(self) -> frozenset[FlagKind]:
        return frozenset(r.kind for r in self.reasons)


@dataclass(frozen=True)
class TransferMatch:
    out_key: str
    in_key: str
    out_account: str
    in_account: str
    amount: Decimal  # positive
    days_apart: int
    by: str  # "amount_and_date" or "reference" (sort code / last four in the description)


@dataclass(frozen=True)
class Recurrence:
    key: str  # stable: account, normalised payee, cadence and sign
    account: str
    payee: str  # normalised description
    cadence: str  # "weekly", "fortnightly", "four-weekly" or "monthly"
    typical_amount: Decimal  # median, signed
    txn_keys: tuple[str, ...]  # oldest first


@dataclass(frozen=True)
class Coverage:
    account: str  # Account.key
    label: str  # Account.label()
    required_from: date  # the first day the statements must cover
    required_to: date  # the day before the application
    end_no_earlier_than: date  # the latest statement must end on or after this day
    covered: tuple[tuple[date, date], ...]  # merged periods held, clipped to the window
    missing: tuple[tuple[date, date], ...]  # inclusive gaps inside the window
    missing_days: int
    ends_on: date | None  # last day covered, None when no statements
    ok: bool
    sentences: tuple[str, ...]  # plain English: what is missing and what to get


@dataclass(frozen=True)
class MonthSummary:
    month: date  # the first day of the month
    income: dict[str, Decimal]  # INCOME_CATEGORIES key -> total (positive)
    essential: dict[str, Decimal]  # ESSENTIAL_CATEGORIES key -> total (positive)
    other: dict[str, Decimal]  # OTHER_CATEGORIES key -> total (positive)

    @property
    def total_income(self) -> Decimal:
        return sum(self.income.values(), Decimal(0))

    @property
    def total_essential(self) -> Decimal:
        return sum(self.essential.values(), Decimal(0))

    @property
    def total_other(self) -> Decimal:
        return sum(self.other.values(), Decimal(0))


@dataclass(frozen=True)
class IncomeExpenditure:
    months: tuple[MonthSummary, ...]  # oldest first, every month of the window
    average: MonthSummary  # month = the first month; amounts are the monthly mean, to the penny


@dataclass(frozen=True)
class StatementReview:
    """Everything `desktop.rules.statements.review` finds, ready for the screen and the sheet."""

    application_date: date
    threshold: Decimal
    accounts: tuple[Account, ...]
    coverage: tuple[Coverage, ...]  # one per account, same order
    flags: tuple[Flag, ...]  # date order, then account order
    transfers: tuple[TransferMatch, ...]
    recurrences: tuple[Recurrence, ...]
    income_expenditure: IncomeExpenditure
    #: Household members with no account listed: the Home Office credit-checks everyone.
    holders_without_accounts: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())  # plain-English points for the adviser

    def progress(self, explanations: dict[str, Explanation]) -> tuple[int, int]:
        """(explained, flagged): a flag is explained by the user's text or the app's own."""
        done = sum(
            1
            for f in self.flags
            if (e := explanations.get(f.txn.key)) is not None
            and e.given
            or (f.suggested is not None and f.suggested.given)
        )
        return done, len(self.flags)

    def is_final(self, explanations: dict[str, Explanation]) -> bool:
        done, total = self.progress(explanations)
        return done == total
