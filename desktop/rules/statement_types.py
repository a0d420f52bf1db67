"""The value types of the fee-waiver bank-statement checks (see `desktop.rules.statements`).

Money is `Decimal` throughout, never float: money in is positive, money out negative. Dates are
`datetime.date`. Keys are strings so the same types serve the store (row ids) and the
`dropin-desk annotate` command (positions in files).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from desktop.rules.datetext import long_date


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
    #: Money to or from the holder's own name or an own product ("TO NATIONWIDE SAVINGS", "Pot")
    #: that no declared account shows: the account may be missing from the declaration.
    UNDECLARED_ACCOUNT = "undeclared_account"


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


_PENNY = Decimal("0.01")


def _to_penny(amount: Decimal) -> Decimal:
    return amount.quantize(_PENNY, ROUND_HALF_UP)


@dataclass(frozen=True)
class MonthSummary:
    month: date  # the first day of the month
    income: dict[str, Decimal]  # INCOME_CATEGORIES key -> total (positive)
    essential: dict[str, Decimal]  # ESSENTIAL_CATEGORIES key -> total (positive)
    other: dict[str, Decimal]  # OTHER_CATEGORIES key -> total (positive)
    #: Days of this month inside the statement window, and days in the month: a part-month at
    #: either end of the period has fewer (3 to 31 December: 29 of 31). 0 and 0 for the average.
    days: int = 0
    days_in_month: int = 0
    #: For the average: (income, essential, other) worked out from unrounded figures, so its
    #: totals are those of a hand count (the total over the period divided by the months), not
    #: the sum of the rounded categories. None for a calendar month (whole pennies already).
    exact: tuple[Decimal, Decimal, Decimal] | None = None

    @property
    def part_month(self) -> bool:
        """A month only partly inside the period: its figures are not a whole month's."""
        return 0 < self.days < self.days_in_month

    @property
    def total_income(self) -> Decimal:
        if self.exact is not None:
            return _to_penny(self.exact[0])
        return sum(self.income.values(), Decimal(0))

    @property
    def total_essential(self) -> Decimal:
        if self.exact is not None:
            return _to_penny(self.exact[1])
        return sum(self.essential.values(), Decimal(0))

    @property
    def total_other(self) -> Decimal:
        if self.exact is not None:
            return _to_penny(self.exact[2])
        return sum(self.other.values(), Decimal(0))

    @property
    def total_out(self) -> Decimal:
        """Essential and other outgoings together (from unrounded figures for the average)."""
        if self.exact is not None:
            return _to_penny(self.exact[1] + self.exact[2])
        return self.total_essential + self.total_other

    @property
    def net(self) -> Decimal:
        """Income less all outgoings (from unrounded figures for the average)."""
        if self.exact is not None:
            return _to_penny(self.exact[0] - self.exact[1] - self.exact[2])
        return self.total_income - self.total_out


@dataclass(frozen=True)
class IncomeExpenditure:
    #: oldest first, every month of the window; the first and last are usually part-months
    #: (MonthSummary.days of days_in_month), not a whole month's income and spending
    months: tuple[MonthSummary, ...]
    #: month = the first month; each category is the total over the period divided by the
    #: months of the period (statements.months), to the penny; its totals come from the
    #: unrounded figures (MonthSummary.exact)
    average: MonthSummary


@dataclass(frozen=True)
class Readiness:
    """Whether the annotation sheet may print as final, and why not."""

    final: bool  # the sheet may print as final
    reasons: tuple[str, ...]  # why not, each one sentence for the first page (empty when final)
    explained: int  # flags explained
    flagged: int  # flags in all


def _money_signed(amount: Decimal) -> str:
    sign = "-" if amount < 0 else "+"
    return f"{sign}£{abs(amount):,.2f}"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


_NOT_WORD = re.compile(r"[^\w&]+")


def _plain(text: str) -> str:
    """Case-folded words with single spaces, punctuation gone ("Co-op Bank" -> "co op bank")."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def _gap_span(a: date, b: date) -> str:
    return f"on {long_date(a)}" if a == b else f"from {long_date(a)} to {long_date(b)}"


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

    def readiness(self, explanations: dict[str, Explanation]) -> Readiness:
        """Final only when every flag is explained, every declared account has statements for
        the whole period (its Coverage is ok) and no "possibly undeclared account" flag is open.

        An undeclared-account flag stays open even when explained, unless the explanation
        names another declared account (its bank and kind, "my Halifax savings", or its last
        four digits). Declaring the account closes it too: the review, run
        again with it, then finds the line's other side or names the declared account instead."""
        done, total = self.progress(explanations)
        reasons: list[str] = []
        if done < total:
            lines = "flagged line is" if total == 1 else "flagged lines are"
            reasons.append(f"{total - done} of {total} {lines} not explained yet.")
        for cover in self.coverage:
            if cover.ok:
                continue
            if not cover.missing:
                reasons.append(f"{cover.label}: the statements do not cover the whole period.")
            for a, b in cover.missing:
                days = (b - a).days + 1
                reasons.append(f"{cover.label}: no statements {_gap_span(a, b)} ({_days(days)}).")
        # One sentence for each description (a monthly standing order to the same savings
        # account is one account), naming the first line and how many more there are.
        undeclared: dict[str, list[Flag]] = {}
        for flag in self.flags:
            if FlagKind.UNDECLARED_ACCOUNT in flag.kinds and not self._names_declared(
                flag, explanations.get(flag.txn.key)
            ):
                said = " ".join(flag.txn.description.split())
                undeclared.setdefault(said.casefold(), []).append(flag)
        for same in undeclared.values():
            first = same[0].txn
            more = len(same) - 1
            also = ""
            if more:
                also = f" (and {more} more line{'s' if more > 1 else ''} like it)"
            reasons.append(
                f"Possibly an account not declared: '{' '.join(first.description.split())}' "
                f"{_money_signed(first.amount)} on {long_date(first.on)}{also}."
            )
        return Readiness(not reasons, tuple(reasons), done, total)

    def _names_declared(self, flag: Flag, explanation: Explanation | None) -> bool:
        """Whether an explanation says the money went to (or came from) another declared
        account, by its bank's name and kind ("Halifax savings") or its last four digits: then
        the account is declared. The bank alone is not enough ("my Barclays ISA" with only a
        Barclays current account declared names an account not declared)."""
        if explanation is None or not explanation.given:
            return False
        text = f" {_plain(explanation.text)} "
        for account in self.accounts:
            if account.key == flag.txn.account:
                continue
            bank, kind = _plain(account.bank), _plain(account.kind)
            if bank and kind and f" {bank} " in text and f" {kind} " in text:
                return True
            if len(account.last_four) == 4 and f" {account.last_four} " in text:
                return True
        return False

    def is_final(self, explanations: dict[str, Explanation]) -> bool:
        return self.readiness(explanations).final
