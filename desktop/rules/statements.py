"""Bank statements for a fee waiver: coverage, flags, own-account transfers, income and outgoings.

What the Home Office does with the statements (reference 003, fee waiver sheet, "Bank
statements"): it checks there are 6 months for every account, credit-checks for accounts not
declared (closed ones included), looks at money coming in from friends (who "can lend you the
money"), matches money transferred out of one account against money paid into another, and looks
for large outgoings "to reduce the balance of the account". The domestic abuse sheet asks for an
explanation of "all regular incomings and outgoings as well as any large transactions of over
£250"; the NRPF sheet's cautious rule of thumb is "any transaction over £50". Every account of
everyone in the household counts, "regardless of whether they are empty", "even those belonging
to children or ones that are rarely used".

`review` runs the checks in this order:
1. coverage of each account over the 6 months before the application;
2. own-account transfers: an out line in one household account matched to the in line of the
   same amount in another, within a few days, when both LOOK like transfers (transfer, faster
   payment or standing order wording or codes, the other account's sort code, number, bank or
   kind, a household member's own name; never a card payment, direct debit or cash unless it
   names the other account): a British Gas direct debit and an Amazon refund of the same amount
   stay two ordinary lines (issue 17). Greedy and one-to-one: by reference first, then the
   closest dates, then the earliest. Lines that look like transfers and match nothing are
   unmatched transfers; money to or from an own name or an own savings product ("TO NATIONWIDE
   SAVINGS", "Pot", "ISA") that names no declared account is "possibly an undeclared account",
   which keeps the sheet from being final (`StatementReview.readiness`);
3. recurring payments (per account, payee and direction; weekly, fortnightly, four-weekly or
   monthly, told apart when they share a payee; weekly and fortnightly keep to 2 days and may
   miss payments, so a weekly shop with missed weeks is one weekly series), leaving matched
   transfers out;
4. the other flags: over the threshold, cash, money from a person, large money out shortly
   before the application;
5. income and outgoings per calendar month of the window (the months at the ends marked as
   part-months, with the days covered) and the monthly average (its totals from unrounded
   figures, as a hand count gives them).

Only lines dated inside the window (from 6 months before the application to the day before it)
are flagged and counted; lines outside it are left alone and counted in a warning. Transfers are
matched across all lines, so one just outside the window can still explain one inside it.

Figures (months, days, thresholds, tolerances) come from `resources/rules/statements.toml`;
keyword lists from `resources/rules/statement_words.toml` (a `Vocabulary`). No I/O here.
Keywords match whole words, case-insensitively (see that file's header).
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from desktop.rules.datetext import long_date
from desktop.rules.days import sub_months
from desktop.rules.figures import Figures, FiguresError
from desktop.rules.statement_types import (
    ESSENTIAL_CATEGORIES,
    INCOME_CATEGORIES,
    OTHER_CATEGORIES,
    Account,
    Coverage,
    Explanation,
    Flag,
    FlagKind,
    FlagReason,
    IncomeExpenditure,
    MonthSummary,
    Recurrence,
    StatementReview,
    TransferMatch,
    Txn,
)

# ---- where the checks come from ----------------------------------------------------------------

RULE_FEE_WAIVER = "Reference 003, fee waiver sheet: Bank statements"
RULE_DOMESTIC_ABUSE = "Reference 003, domestic abuse sheet: Fee and fee waiver"
RULE_NRPF = "Reference 003, NRPF sheet: Bank and credit card statements"

# ---- figure keys (resources/rules/statements.toml) ---------------------------------------------

MONTHS = "statements.months"
LATEST_END_DAYS = "statements.latest_end_days"
THRESHOLD = "statements.threshold"
THRESHOLD_CAUTIOUS = "statements.threshold_cautious"
TRANSFER_WINDOW_DAYS = "statements.transfer_window_days"
DAY_TOLERANCE = "statements.recurrence_day_tolerance"
WEEKLY_DAY_TOLERANCE = "statements.recurrence_weekly_day_tolerance"
WEEKLY_AMOUNT_PERCENT = "statements.recurrence_weekly_amount_percent"
AMOUNT_PERCENT = "statements.recurrence_amount_percent"
AMOUNT_FLOOR = "statements.recurrence_amount_floor"
MIN_OCCURRENCES = "statements.recurrence_min_occurrences"
BALANCE_REDUCTION_DAYS = "statements.balance_reduction_days"

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
_NO_EXPLANATIONS: Mapping[str, Explanation] = MappingProxyType({})

#: The bank's transaction type codes and channel phrases: noise in a payee's name. These describe
#: how banks write descriptions (a closed set), not what a payment is, so they live here.
TYPE_CODES = frozenset(
    "dd ddr so sto fpi fpo bgc bac bacs deb pos atm csh tfr trf chq cr dr dpc vis ft cpt".split()
)
CHANNEL_PHRASES = (
    "card payment",
    "direct debit",
    "standing order",
    "faster payments",
    "faster payment",
    "bill payment",
    "contactless",
    "debit card",
    "visa debit",
    "online banking",
    "mobile banking",
)

#: Money-in categories in the order they are tried, then money-out ones.
IN_ORDER = ("refund", "benefits", "wages")
OUT_ORDER = ("rent", "utilities", "children", "travel", "food")
CADENCES = ("monthly", "four-weekly", "fortnightly", "weekly")  # ties go to the first
CADENCE_DAYS = {"weekly": 7, "fortnightly": 14, "four-weekly": 28}


class VocabularyError(ValueError):
    """resources/rules/statement_words.toml is not as expected."""


# ---- the vocabulary ----------------------------------------------------------------------------


def _words_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for whole-word, case-folded matching of any of `words` (longest first)."""
    cleaned = sorted({" ".join(w.casefold().split()) for w in words if w.strip()}, key=len)
    if not cleaned:
        return None
    body = "|".join(re.escape(w) for w in reversed(cleaned))
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")


@dataclass(frozen=True)
class Vocabulary:
    """Keyword lists for the checks (from resources/rules/statement_words.toml)."""

    refund: tuple[str, ...] = ()
    benefits: tuple[str, ...] = ()
    wages: tuple[str, ...] = ()
    rent: tuple[str, ...] = ()
    utilities: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    travel: tuple[str, ...] = ()
    food: tuple[str, ...] = ()
    cash_words: tuple[str, ...] = ()
    cash_codes: tuple[str, ...] = ()
    transfer_words: tuple[str, ...] = ()
    transfer_codes: tuple[str, ...] = ()
    reference_codes: tuple[str, ...] = ()
    person_codes: tuple[str, ...] = ()
    person_words: tuple[str, ...] = ()
    company_words: tuple[str, ...] = ()
    account_words: tuple[str, ...] = ()
    payment_codes: tuple[str, ...] = ()
    payment_words: tuple[str, ...] = ()
    not_transfer_codes: tuple[str, ...] = ()
    not_transfer_words: tuple[str, ...] = ()
    own_product_words: tuple[str, ...] = ()
    bank_names: tuple[str, ...] = ()
    # Compiled once from the lists above.
    _patterns: dict[str, re.Pattern[str] | None] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _codes: dict[str, frozenset[str]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _categories: tuple[re.Pattern[str], ...] = field(
        init=False, repr=False, compare=False, default=()
    )
    _account_words: str | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        lists = [f.name for f in fields(self) if f.init]
        for name in lists:
            value = getattr(self, name)
            if isinstance(value, str) or not all(isinstance(w, str) for w in value):
                raise VocabularyError(f"{name} must be a list of words")
        self._patterns.update(
            {n: _words_pattern(getattr(self, n)) for n in lists if not n.endswith("_codes")}
        )
        self._codes.update(
            {
                n: frozenset(c.strip().upper() for c in getattr(self, n) if c.strip())
                for n in lists
                if n.endswith("_codes")
            }
        )
        every = tuple(p for n in IN_ORDER + OUT_ORDER if (p := self._patterns[n]) is not None)
        object.__setattr__(self, "_categories", every)
        words = sorted({w.casefold() for w in self.account_words if w.strip()}, key=len)
        if words:
            alternatives = "|".join(re.escape(w) for w in reversed(words))
            object.__setattr__(self, "_account_words", alternatives)

    def matches(self, name: str, text: str) -> bool:
        """Whether the list `name` has a word in `text` (already case-folded, spaces single)."""
        pattern = self._patterns[name]
        return pattern is not None and pattern.search(text) is not None

    def remove(self, name: str, text: str) -> str:
        """`text` without the words of list `name`."""
        pattern = self._patterns[name]
        return text if pattern is None else pattern.sub(" ", text)

    def found(self, name: str, text: str) -> list[str]:
        """The words of list `name` in `text` (case-folded), in order."""
        pattern = self._patterns[name]
        return [] if pattern is None else pattern.findall(text)

    def codes(self, name: str) -> frozenset[str]:
        return self._codes[name]

    def any_category(self, text: str) -> bool:
        return any(p.search(text) for p in self._categories)


_CATEGORY_LISTS = IN_ORDER + OUT_ORDER
_DETECT_LISTS = tuple(
    f.name for f in fields(Vocabulary) if f.init and f.name not in _CATEGORY_LISTS
)


def _word_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise VocabularyError(f"{where} must be a list of words in quotes, none of them empty")
    return tuple(value)


def vocabulary_from_toml(doc: Mapping[str, Any]) -> Vocabulary:
    """A Vocabulary from the parsed statement_words.toml: tables [categories] and [detect].

    A list left out is empty; an unknown table or list name is an error (a typing mistake would
    otherwise switch a check off without a word)."""
    values: dict[str, tuple[str, ...]] = {}
    for table, allowed in (("categories", _CATEGORY_LISTS), ("detect", _DETECT_LISTS)):
        raw = doc.get(table, {})
        if not isinstance(raw, Mapping):
            raise VocabularyError(f"[{table}] must be a table of word lists")
        for name, value in raw.items():
            if name not in allowed:
                raise VocabularyError(
                    f"[{table}] {name}: not a list the checks use "
                    f"(expected one of {', '.join(allowed)})"
                )
            values[name] = _word_list(value, f"[{table}] {name}")
    checked = doc.get("checked_on")
    if checked is not None and (isinstance(checked, datetime) or not isinstance(checked, date)):
        raise VocabularyError(f"checked_on must be a date like 2026-12-06, not {checked!r}")
    extra = sorted(set(doc) - {"categories", "detect", "checked_on"})
    if extra:
        raise VocabularyError(
            f"[{extra[0]}]: not a table the checks use (expected [categories] and [detect])"
        )
    return Vocabulary(**values)


# ---- figures -----------------------------------------------------------------------------------


def _money_figure(figures: Figures, key: str, on: date) -> Decimal:
    value = figures.get(key, on)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FiguresError(f"figure {key!r} must be an amount of money written as a string")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise FiguresError(f"figure {key!r}: {value!r} is not an amount of money") from None
    if not amount.is_finite() or amount < 0:
        raise FiguresError(f"figure {key!r}: {value!r} is not an amount of money")
    return amount


def thresholds(figures: Figures, on: date) -> dict[str, Decimal]:
    """{"standard": 250, "cautious": 50} (as Decimals) from the figures in force on `on`."""
    return {
        "standard": _money_figure(figures, THRESHOLD, on),
        "cautious": _money_figure(figures, THRESHOLD_CAUTIOUS, on),
    }


@dataclass(frozen=True)
class _Settings:
    months: int
    latest_end_days: int
    threshold: Decimal
    standard: Decimal
    cautious: Decimal
    transfer_days: int
    day_tolerance: int
    amount_percent: Decimal
    amount_floor: Decimal
    min_occurrences: int
    reduction_days: int
    weekly_day_tolerance: int = 2
    weekly_amount_percent: Decimal = Decimal(25)
    #: For weekly and fortnightly (set by for_cadence): how far a payment may be from the
    #: first payment's weekday; day_tolerance is then how far from a week after the last.
    anchor_tolerance: int | None = None

    def for_cadence(self, cadence: str) -> _Settings:
        """The settings a series of `cadence` is searched with: weekly and fortnightly series
        keep to 2 days either side of a week (or two) after the last payment and of the first
        payment's weekday (3 days either side of a weekly date would be any day of the week);
        a weekly series' amount may vary more (a weekly shop)."""
        if cadence not in ("weekly", "fortnightly"):
            return self
        percent = self.weekly_amount_percent if cadence == "weekly" else self.amount_percent
        return replace(
            self,
            day_tolerance=min(self.day_tolerance, self.weekly_day_tolerance),
            amount_percent=max(self.amount_percent, percent),
            anchor_tolerance=min(self.day_tolerance, self.weekly_day_tolerance),
        )

    @classmethod
    def read(cls, figures: Figures, on: date, threshold: Decimal | None) -> _Settings:
        levels = thresholds(figures, on)
        if threshold is not None:
            if not isinstance(threshold, Decimal) or not threshold.is_finite() or threshold < 0:
                raise ValueError(
                    f"threshold: {threshold!r} is not an amount of money (a Decimal, 0 or more)"
                )
        return cls(
            months=figures.int_(MONTHS, on),
            latest_end_days=figures.int_(LATEST_END_DAYS, on),
            threshold=levels["standard"] if threshold is None else threshold,
            standard=levels["standard"],
            cautious=levels["cautious"],
            transfer_days=figures.int_(TRANSFER_WINDOW_DAYS, on),
            day_tolerance=figures.int_(DAY_TOLERANCE, on),
            amount_percent=Decimal(figures.int_(AMOUNT_PERCENT, on)),
            amount_floor=_money_figure(figures, AMOUNT_FLOOR, on),
            min_occurrences=max(2, figures.int_(MIN_OCCURRENCES, on)),
            reduction_days=figures.int_(BALANCE_REDUCTION_DAYS, on),
            weekly_day_tolerance=figures.int_(WEEKLY_DAY_TOLERANCE, on),
            weekly_amount_percent=Decimal(figures.int_(WEEKLY_AMOUNT_PERCENT, on)),
        )


# ---- calendar ----------------------------------------------------------------------------------

ONE_DAY = timedelta(days=1)


def statement_window(application_date: date, figures: Figures) -> tuple[date, date, date]:
    """(required_from, required_to, end_no_earlier_than) for an application date.

    required_from: the same day 6 months earlier (a day the month lacks clamps to its last day:
    31 August -> 28 or 29 February); required_to: the day before the application;
    end_no_earlier_than: the application date less the allowance for the latest statement."""
    months = figures.int_(MONTHS, application_date)
    days = figures.int_(LATEST_END_DAYS, application_date)
    return _window(application_date, months, days)


def _window(application_date: date, months: int, days: int) -> tuple[date, date, date]:
    required_from = sub_months(application_date, months)
    required_to = application_date - ONE_DAY
    end_no_earlier_than = max(required_from, application_date - timedelta(days=days))
    return required_from, required_to, end_no_earlier_than


def _add_months_clamped(d: date, months: int) -> date:
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _next_month(d: date) -> date:
    return date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)


# ---- coverage ----------------------------------------------------------------------------------


def merge_periods(periods: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Periods sorted and joined where they overlap or touch (inclusive dates)."""
    merged: list[tuple[date, date]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1] + ONE_DAY:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _closed(account: Account) -> bool:
    return account.status == "closed" or account.closed_on is not None


def _coverage(account: Account, application_date: date, s: _Settings) -> Coverage:
    label = account.label()
    for i, (start, end) in enumerate(account.periods):
        if start > end:
            raise ValueError(
                f"account {account.key}: statement period {i + 1} ends "
                f"({end.isoformat()}) before it starts ({start.isoformat()})"
            )
    required_from, required_to, end_no_earlier_than = _window(
        application_date, s.months, s.latest_end_days
    )
    # A closed account needs statements only up to its closing date (the Coverage still reports
    # the household's window, so every account's reads the same).
    need_to, need_end = required_to, end_no_earlier_than
    closed_early = account.closed_on is not None and account.closed_on < required_to
    if closed_early:
        need_to = account.closed_on
        need_end = min(end_no_earlier_than, need_to)
    merged = merge_periods(account.periods)
    ends_on = merged[-1][1] if merged else None
    covered = tuple(
        (max(a, required_from), min(b, required_to))
        for a, b in merged
        if b >= required_from and a <= required_to
    )
    if need_to < required_from:  # closed before the window: nothing to get
        return Coverage(
            account.key,
            label,
            required_from,
            required_to,
            end_no_earlier_than,
            covered,
            (),
            0,
            ends_on,
            True,
            (closed_before_window(label, need_to, required_from),),
        )
    if not merged:
        missing: tuple[tuple[date, date], ...] = ((required_from, need_to),)
    else:
        limit = min(need_to, max(ends_on, need_end))
        missing_list: list[tuple[date, date]] = []
        cursor = required_from
        for a, b in covered:
            if a > cursor and cursor <= limit:
                missing_list.append((cursor, min(a - ONE_DAY, limit)))
            cursor = max(cursor, b + ONE_DAY)
        if cursor <= limit:
            missing_list.append((cursor, limit))
        missing = tuple(missing_list)
    missing_days = sum((b - a).days + 1 for a, b in missing)
    sentences: list[str] = []
    if not merged:
        sentences.append(no_statements(label, required_from, need_to))
    else:
        for a, b in missing:
            if ends_on is not None and a == ends_on + ONE_DAY and b == need_end:
                sentences.append(ends_too_early(label, ends_on, need_end))
            else:
                sentences.append(gap(label, a, b))
    if not missing:
        sentences.append(covered_in_full(label, required_from, need_to, s.months, closed_early))
    if closed_early:
        sentences.append(closed_within_window(label, need_to))
    elif account.status == "closed" and account.closed_on is None:
        sentences.append(closed_without_date(label))
    if missing and (account.status == "dormant" or account.kind == "child"):
        sentences.append(quiet_account_needs_statements(label, account))
    return Coverage(
        account.key,
        label,
        required_from,
        required_to,
        end_no_earlier_than,
        covered,
        missing,
        missing_days,
        ends_on,
        not missing,
        tuple(sentences),
    )


# ---- payees and categories ---------------------------------------------------------------------

_MONTH_WORDS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_DATES = re.compile(
    r"(?<![\w])\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{2,4})?(?![\w])"
    rf"|(?<![\w])\d{{1,2}}(?:st|nd|rd|th)?\s?(?:{_MONTH_WORDS})[a-z]*(?:\s?\d{{2,4}})?(?![\w])"
)
_REFERENCE = re.compile(r"(?<![a-z])(?:ref|reference|refno)\b[\s.:#-]*(?:[a-z]*\d[\w/-]*)?")
_CARD_MASK = re.compile(r"[*x•#]{2,}\s?\d{2,4}|\d{4}\s?[*x•#]{2,}[\s*x•#\d]*")
_CHANNELS = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in CHANNEL_PHRASES) + r")\b")
_NOT_WORD = re.compile(r"[^\w&]+|_")
_DIGITISH = re.compile(r"[\d*x•#]*\d[\d*x•#]*")
_EDGE_WORDS = frozenset({"to", "from", "on", "at", "via", "ref"})


def normalise_payee(description: str) -> str:
    """The payee of a statement line, for grouping: 'EDF ENERGY DD REF 12345 01/05' -> 'edf energy'.

    Lower case; dates, card numbers, references ("ref 1234"), digits-only tokens, punctuation,
    the bank's type codes and channel phrases ("card payment", "direct debit") are removed."""
    text = description.casefold()
    text = _CARD_MASK.sub(" ", text)
    text = _DATES.sub(" ", text)
    text = _REFERENCE.sub(" ", text)
    text = _CHANNELS.sub(" ", text)
    tokens = [
        t
        for t in _NOT_WORD.sub(" ", text).split()
        if t not in TYPE_CODES and not _DIGITISH.fullmatch(t)
    ]
    while tokens and tokens[0] in _EDGE_WORDS:
        tokens.pop(0)
    while tokens and tokens[-1] in _EDGE_WORDS:
        tokens.pop()
    return " ".join(tokens)


def _folded(description: str) -> str:
    return " ".join(description.casefold().split())


def _match_text(txn: Txn) -> str:
    """What the word lists are matched against: the description and the bank's type, which
    some banks write out ("FASTER PAYMENT", "CASH")."""
    return _folded(f"{txn.description} {txn.type_code}")


_CAPS_TOKEN = re.compile(r"\b[A-Z]{2,5}\b")


def _has_code(txn: Txn, codes: frozenset[str]) -> bool:
    if not codes:
        return False
    if txn.type_code.strip().upper() in codes:
        return True
    return any(t in codes for t in _CAPS_TOKEN.findall(txn.description))


def _is_cash(txn: Txn, text: str, vocabulary: Vocabulary) -> bool:
    return vocabulary.matches("cash_words", text) or _has_code(txn, vocabulary.codes("cash_codes"))


def _auto_category(txn: Txn, text: str, vocabulary: Vocabulary) -> str:
    if txn.amount > 0:
        for name in IN_ORDER:
            if vocabulary.matches(name, text):
                return name
        return "other_income"
    if _is_cash(txn, text, vocabulary):
        return "cash_out"
    for name in OUT_ORDER:
        if vocabulary.matches(name, text):
            return name
    return "other_out"


def category_of(txn: Txn, vocabulary: Vocabulary, explanation: Explanation | None = None) -> str:
    """The income-and-outgoings category of a line: the explanation's when it gives one,
    otherwise by the vocabulary (money in: refund, benefits, wages, else "other_income"; money
    out: cash withdrawn, rent, utilities, children, travel, food, else "other_out")."""
    if explanation is not None and explanation.category:
        return explanation.category
    return _auto_category(txn, _match_text(txn), vocabulary)


# ---- the lines, prepared once ------------------------------------------------------------------


class _Line:
    __slots__ = (
        "txn",
        "order",
        "account_order",
        "day",
        "text",
        "refs",
        "looks_transfer",
        "in_window",
        "transferish",
        "not_transfer",
        "own_name",
        "product",
        "banks",
        "kinds_named",
        "any_bank",
    )

    def __init__(self, txn: Txn, order: int, account_order: int, text: str, in_window: bool):
        self.txn = txn
        self.order = order  # position after sorting by date, account order, original order
        self.account_order = account_order
        self.day = txn.on.toordinal()
        self.text = text
        self.refs: frozenset[str] = frozenset()  # keys of household accounts the text mentions
        self.looks_transfer = False
        self.in_window = in_window
        self.transferish = False  # transfer or payment wording or code, or an own name
        self.not_transfer = False  # a card payment, direct debit or cash
        self.own_name = False  # a household member's own name stands in the text
        self.product = False  # an own savings product word ("savings", "Pot", "ISA")
        self.banks: tuple[str, ...] = ()  # other household accounts whose bank it names
        self.kinds_named: tuple[str, ...] = ()  # other accounts whose kind it names ("current")
        self.any_bank = False  # it names a bank (statement_words.toml bank_names), any bank


#: A sort code in a description; not a date written "on 28-08-25".
_SORT_CODE_TEXT = re.compile(r"(?<![\d-])(?<!on )\d\d-?\d\d-?\d\d(?![\d-])", re.IGNORECASE)
_ACCOUNT_NUMBER = re.compile(r"(?<!\d)\d{8}(?!\d)")


def _account_patterns(
    accounts: Sequence[Account], vocabulary: Vocabulary
) -> list[tuple[str, re.Pattern[str]]]:
    """Per account, a regex for its sort code (dashes or not) or last four next to an
    account word ("a/c 1234", "account ending 55551234", "****1234")."""
    words = vocabulary._account_words
    out = []
    for account in accounts:
        parts = []
        digits = re.sub(r"\D", "", account.sort_code)
        if len(digits) == 6:
            a, b, c = digits[:2], digits[2:4], digits[4:]
            parts.append(rf"(?<![\d-]){a}[- ]?{b}[- ]?{c}(?![\d-])")
        last = re.sub(r"\D", "", account.last_four)
        if len(last) == 4:
            lead = rf"(?<![a-z0-9])(?:{words})(?![a-z])[\s:#.\-]*(?:no\.?\s*)?" if words else None
            masks = r"[*x•#]{2,}\s?"
            heads = f"(?:{lead}|{masks})" if lead else masks
            parts.append(rf"{heads}\d{{0,4}}{last}(?!\d)")
        if parts:
            out.append((account.key, re.compile("|".join(parts))))
    return out


def _own_names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Whole-word regex for the household's own names as banks write them: 'nadia testcase',
    'n testcase', 'testcase nadia', 'testcase n' (and the full name with middle names)."""
    variants: set[str] = set()
    for name in names:
        tokens = [t for t in _NOT_WORD.sub(" ", name.casefold()).split() if t]
        if len(tokens) < 2:
            continue
        first, last = tokens[0], tokens[-1]
        variants.update((" ".join(tokens), f"{first} {last}", f"{first[0]} {last}"))
        variants.update((f"{last} {first}", f"{last} {first[0]}"))
    return _words_pattern(variants)


class _AccountWords:
    """Which household accounts a text names by one word of theirs (the bank, or the kind):
    one regex for all the accounts, not one search each."""

    def __init__(self, accounts: Sequence[Account], word_of: Callable[[Account], str]):
        self.words = [(a.key, " ".join(word_of(a).casefold().split())) for a in accounts]
        self.words = [(key, word) for key, word in self.words if word]
        self.pattern = _words_pattern(word for _, word in self.words)

    def named(self, text: str, exclude: str) -> tuple[str, ...]:
        if self.pattern is None:
            return ()
        found = set(self.pattern.findall(text))
        if not found:
            return ()
        return tuple(key for key, word in self.words if key != exclude and word in found)


def _facts_for_pairs(
    line: _Line,
    vocabulary: Vocabulary,
    own_names: re.Pattern[str] | None,
    bank_words: _AccountWords,
    kind_words: _AccountWords,
) -> None:
    """What a line says about being a transfer (for matching pairs and undeclared accounts)."""
    txn, text = line.txn, line.text
    line.not_transfer = vocabulary.matches("not_transfer_words", text) or _has_code(
        txn, vocabulary.codes("not_transfer_codes")
    )
    line.own_name = own_names is not None and own_names.search(text) is not None
    line.product = vocabulary.matches("own_product_words", text)
    line.banks = bank_words.named(text, txn.account)
    line.any_bank = vocabulary.matches("bank_names", text)
    line.kinds_named = kind_words.named(text, txn.account)
    line.transferish = (
        line.looks_transfer
        or line.own_name
        or line.product
        or vocabulary.matches("payment_words", text)
        or _has_code(txn, vocabulary.codes("payment_codes"))
    )


def _side_ok(line: _Line, other_account: str) -> bool:
    """Whether one side of a pair looks like a transfer with `other_account`: it names that
    account (sort code, number or bank), or it has transfer wording, an own name or the other
    account's kind ("from current") and is not a card payment, direct debit or cash."""
    if other_account in line.refs or other_account in line.banks:
        return True
    if line.not_transfer:
        return False
    return line.transferish or other_account in line.kinds_named


def _pair_ok(out: _Line, inn: _Line, by_reference: bool) -> bool:
    """A pair of the same amount and date is an own transfer only when both lines look like
    transfers; a line naming the other account (sort code, number or bank) is enough for both,
    unless the other line is a card payment, direct debit or cash (issue 17: a British Gas
    direct debit and an Amazon refund of the same amount are not a transfer)."""
    out_ok = _side_ok(out, inn.txn.account)
    in_ok = _side_ok(inn, out.txn.account)
    if out_ok and in_ok:
        return True
    if by_reference or inn.txn.account in out.banks or out.txn.account in inn.banks:
        return (out_ok or not out.not_transfer) and (in_ok or not inn.not_transfer)
    return False


def _looks_like_transfer(line: _Line, vocabulary: Vocabulary) -> bool:
    txn = line.txn
    if line.refs or vocabulary.matches("transfer_words", line.text):
        return True
    if _has_code(txn, vocabulary.codes("transfer_codes")):
        return True
    if _SORT_CODE_TEXT.search(txn.description):
        return True
    return _has_code(txn, vocabulary.codes("reference_codes")) and bool(
        _ACCOUNT_NUMBER.search(txn.description)
    )


class _Words:
    """What the words of a line say (cash, category, a person), worked out once for each
    description and type code: a long statement repeats the same shops many times."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self._cash: dict[tuple[str, str], bool] = {}
        self._category: dict[tuple[str, str, bool], str] = {}
        self._person: dict[tuple[str, str], bool] = {}
        self._payee: dict[str, str] = {}

    def cash(self, line: _Line) -> bool:
        key = (line.txn.description, line.txn.type_code)
        found = self._cash.get(key)
        if found is None:
            found = self._cash[key] = _is_cash(line.txn, line.text, self.vocabulary)
        return found

    def category(self, line: _Line) -> str:
        """`_auto_category` (which depends on the words and whether money comes in)."""
        key = (line.txn.description, line.txn.type_code, line.txn.amount > 0)
        found = self._category.get(key)
        if found is None:
            found = self._category[key] = _auto_category(line.txn, line.text, self.vocabulary)
        return found

    def person(self, line: _Line) -> bool:
        key = (line.txn.description, line.txn.type_code)
        found = self._person.get(key)
        if found is None:
            found = self._person[key] = _looks_like_person(line, self.vocabulary)
        return found

    def payee(self, description: str) -> str:
        found = self._payee.get(description)
        if found is None:
            found = self._payee[description] = normalise_payee(description)
        return found


# ---- own-account transfers ---------------------------------------------------------------------


def _match_transfers(lines: Sequence[_Line], window_days: int) -> list[tuple[_Line, _Line, bool]]:
    """Greedy one-to-one matching of out lines to in lines of the same amount in another account
    within `window_days`, when both look like transfers (`_pair_ok`): by reference first, then pairs where a side looks like a transfer,
    then the closest dates, then the earliest, then statement order. The in lines are indexed
    by amount, account and date, so an out line looks only at other accounts' lines of its
    amount within the window: O(n log n) however many lines share an amount in one account."""
    ins: dict[Decimal, dict[str, list[_Line]]] = {}
    for line in lines:
        if line.txn.amount > 0:
            ins.setdefault(line.txn.amount, {}).setdefault(line.txn.account, []).append(line)
    days_of = {
        amount: {account: [i.day for i in bucket] for account, bucket in by_account.items()}
        for amount, by_account in ins.items()
    }
    candidates = []
    for out in lines:
        if out.txn.amount >= 0:
            continue
        by_account = ins.get(-out.txn.amount)
        if not by_account:
            continue
        for account, bucket in by_account.items():
            if account == out.txn.account:
                continue
            days = days_of[-out.txn.amount][account]
            lo = bisect_left(days, out.day - window_days)
            hi = bisect_right(days, out.day + window_days)
            for inn in bucket[lo:hi]:
                by_reference = inn.txn.account in out.refs or out.txn.account in inn.refs
                if not _pair_ok(out, inn, by_reference):
                    continue
                rank = 0 if by_reference else (1 if out.looks_transfer or inn.looks_transfer else 2)
                apart = abs(inn.day - out.day)
                candidates.append(
                    (
                        rank,
                        apart,
                        min(inn.day, out.day),
                        out.order,
                        inn.order,
                        out,
                        inn,
                        by_reference,
                    )
                )
    candidates.sort(key=lambda c: c[:5])
    used: set[int] = set()
    matches = []
    for *_, out, inn, by_reference in candidates:
        if out.order in used or inn.order in used:
            continue
        used.add(out.order)
        used.add(inn.order)
        matches.append((out, inn, by_reference))
    return matches


# ---- recurrences -------------------------------------------------------------------------------


#: How far the next payment of a series may be, in payments: 2 for monthly, four-weekly and
#: fortnightly (one missed: a bill that was different once, a month the payment bounced), 3 for
#: weekly (two weeks missed in a row: a weekly shop skipped on holiday). Never as far as the
#: next coarser cadence: a weekly chain cannot step 4 weeks, nor a fortnightly one 6 weeks. With
#: a day's tolerance for weekly and fortnightly, spending on random days does not look regular.
STEPS = {
    "monthly": (1, 2),
    "four-weekly": (1, 2),
    "fortnightly": (1, 2),
    "weekly": (1, 2, 3),
}
SKIP_ONE = frozenset(c for c, steps in STEPS.items() if 2 in steps)


class _Chain:
    __slots__ = ("lines", "k", "amounts", "median", "tolerance", "expect", "anchor", "seq")

    def __init__(
        self,
        line: _Line,
        amount: Decimal,
        seq: int,
        s: _Settings,
        tolerance: Decimal | None = None,
    ):
        self.lines = [line]
        self.k = 0
        self.amounts = [amount]  # sorted
        self.median = amount
        self.tolerance = _amount_tolerance(amount, s) if tolerance is None else tolerance
        self.expect: list[tuple[int, int]] = []  # (day, k) the next payment may fall on
        self.anchor = line.txn.on
        self.seq = seq

    def add(self, line: _Line, amount: Decimal, k: int, s: _Settings) -> None:
        self.lines.append(line)
        self.k = k
        insort(self.amounts, amount)
        self.median = _median(self.amounts)
        self.tolerance = _amount_tolerance(self.median, s)


def _median(values: Sequence[Decimal]) -> Decimal:
    n = len(values)
    mid = n // 2
    if n % 2:
        return values[mid]
    return (values[mid - 1] + values[mid]) / 2


def _amount_tolerance(median: Decimal, s: _Settings) -> Decimal:
    return max(median * s.amount_percent / 100, s.amount_floor)


def _expected_days(anchor: date, cadence: str, k: int, tolerance: int) -> list[int]:
    """The days (ordinals) the k-th payment after `anchor` is expected on."""
    if cadence != "monthly":
        return [anchor.toordinal() + CADENCE_DAYS[cadence] * k]
    same_day = _add_months_clamped(anchor, k)
    days = [same_day.toordinal()]
    last = calendar.monthrange(anchor.year, anchor.month)[1]
    if last - anchor.day < tolerance:  # a month-end payment keeps to the month's end
        target_last = calendar.monthrange(same_day.year, same_day.month)[1]
        days.append(same_day.replace(day=max(1, target_last - (last - anchor.day))).toordinal())
    return days


#: For one amount (a line's size): the bounds of the medians, as bisect keys, of the chains that
#: may take it, and the tolerance of a chain it starts.
_Band = tuple[tuple[float], tuple[float, float], Decimal]
_NO_LIMIT = float("inf")


def _amount_band(amount: Decimal, s: _Settings) -> _Band:
    """Bisect keys for the medians a chain may have and still take a payment of `amount` (a
    size, 0 or more), widened a penny and a little more for a float's rounding: a superset of
    those where `abs(amount - median) <= tolerance(median)`, which is still tested; and the
    tolerance of a chain starting at `amount`."""
    p, floor = s.amount_percent, abs(s.amount_floor)
    tolerance = _amount_tolerance(amount, s)
    if p <= 0:
        lo, hi = amount - floor, amount + floor
    else:
        lo = min(amount - floor, amount * 100 / (100 + p))
        hi = None if p >= 100 else max(amount + floor, amount * 100 / (100 - p))
    low = float(lo) - 0.01 - abs(float(lo)) * 1e-9
    high = _NO_LIMIT if hi is None else float(hi) + 0.01 + abs(float(hi)) * 1e-9
    return (low,), (high, _NO_LIMIT), tolerance


def _chains(
    lines: Sequence[_Line],
    cadence: str,
    s: _Settings,
    bands: dict[Decimal, _Band] | None = None,
) -> list[_Chain]:
    """Series of `cadence` among lines of one payee (date order): each line joins the open chain
    whose next expected day is nearest (the next but one too, and for weekly the one after:
    `STEPS`; settings by `_Settings.for_cadence`), when its amount is within tolerance of the chain's median;
    otherwise it starts a chain. Anchored on the first payment, so a four-weekly payment drifts
    out of a monthly chain. On a tie of days, the earlier payment of its chain wins, then the
    longer chain, then the one started first.

    The open chains are indexed by the days they expect a payment on and, for each day, sorted
    by median: a line looks only at the chains expecting it within the day tolerance whose
    median is near its amount (those that could take it), not at every open chain of the payee,
    which made a busy payee quadratic. `bands` caches `_amount_band` by amount across calls."""
    s = s.for_cadence(cadence)
    tol = s.day_tolerance
    drift = s.anchor_tolerance
    steps = STEPS[cadence]
    every = CADENCE_DAYS.get(cadence)  # None: monthly
    bands = {} if bands is None else bands
    month_days: dict[tuple[int, int], list[int]] = {}  # (anchor day, k) -> _expected_days
    chains: list[_Chain] = []
    # expected day -> sorted (median as a float, chain seq, k) of the chains expecting a
    # payment that day (floats sort quickly; the band is wide enough for their rounding and
    # the test that decides is on the Decimal median)
    waiting: dict[int, list[tuple[float, int, int]]] = {}
    find = waiting.get
    by_seq: dict[int, _Chain] = {}
    for seq, line in enumerate(lines):
        day = line.day
        amount = abs(line.txn.amount)
        band = bands.get(amount)
        if band is None:
            band = bands[amount] = _amount_band(amount, s)
        low, high, tolerance = band
        best = None
        for expected in range(day - tol, day + tol + 1):
            bucket = find(expected)
            if not bucket:
                continue
            for i in range(bisect_left(bucket, low), bisect_right(bucket, high)):
                _, chain_seq, k = bucket[i]
                chain = by_seq[chain_seq]
                if day <= chain.lines[-1].day or abs(amount - chain.median) > chain.tolerance:
                    continue
                if drift is not None and abs(day - chain.lines[0].day - every * k) > drift:
                    continue
                key = (abs(day - expected), k, -len(chain.lines), chain_seq)
                if best is None or key < best[0]:
                    best = (key, chain, k)
        if best is None:
            chain = _Chain(line, amount, seq, s, tolerance)
            chains.append(chain)
            by_seq[seq] = chain
        else:
            _, chain, k = best
            median = float(chain.median)  # out of the index under its median before
            for expected, k_expected in chain.expect:
                bucket = waiting[expected]
                del bucket[bisect_left(bucket, (median, chain.seq, k_expected))]
            chain.add(line, amount, k, s)
        first = chain.lines[0].day
        last = chain.lines[-1].day
        expect = []
        for step in steps:
            k = chain.k + step
            if every is not None:
                expect.append((first + every * k if drift is None else last + every * step, k))
                continue
            days = month_days.get((first, k))
            if days is None:
                days = month_days[first, k] = _expected_days(chain.anchor, cadence, k, tol)
            expect.extend((expected, k) for expected in days if (expected, k) not in expect)
        chain.expect = expect
        median = float(chain.median)
        for expected, k in expect:
            insort(waiting.setdefault(expected, []), (median, chain.seq, k))
    return chains


def _mostly_missed(chain: _Chain, cadence: str) -> bool:
    """A weekly or fortnightly chain missing more than one payment for every three it has
    (visits to a cafe on random days make a "weekly" chain with most weeks missed)."""
    if cadence not in ("weekly", "fortnightly"):
        return False
    missed = chain.k + 1 - len(chain.lines)
    return 3 * missed > len(chain.lines)


def _recurrences(
    lines: Sequence[_Line],
    s: _Settings,
    account_order: Mapping[str, int],
    words: _Words | None = None,
) -> list[tuple[Recurrence, list[_Line]]]:
    payee_of = words.payee if words is not None else normalise_payee
    groups: dict[tuple[str, str, bool], list[_Line]] = {}
    for line in lines:
        if line.txn.amount == 0:
            continue
        payee = payee_of(line.txn.description) or line.text
        groups.setdefault((line.txn.account, payee, line.txn.amount > 0), []).append(line)
    found: list[tuple[Recurrence, list[_Line]]] = []
    for (account, payee, money_in), members in groups.items():
        if len(members) < s.min_occurrences:
            continue
        remaining = sorted(members, key=lambda ln: ln.order)
        series: list[tuple[str, list[_Line]]] = []
        # _amount_band depends on the amount tolerance only: cadences that share it share a cache
        by_percent: dict[Decimal, dict[Decimal, _Band]] = {}
        bands = {c: by_percent.setdefault(s.for_cadence(c).amount_percent, {}) for c in CADENCES}
        while len(remaining) >= s.min_occurrences:
            candidates = []
            for rank, cadence in enumerate(CADENCES):
                for chain in _chains(remaining, cadence, s, bands[cadence]):
                    if len(chain.lines) >= s.min_occurrences and not _mostly_missed(chain, cadence):
                        candidates.append(
                            (-len(chain.lines), rank, chain.lines[0].order, cadence, chain)
                        )
            if not candidates:
                break
            candidates.sort(key=lambda c: c[:3])
            taken: set[int] = set()
            for *_, cadence, chain in candidates:
                if any(ln.order in taken for ln in chain.lines):
                    continue
                taken.update(ln.order for ln in chain.lines)
                series.append((cadence, chain.lines))
            remaining = [ln for ln in remaining if ln.order not in taken]
        seen: dict[str, int] = {}
        series.sort(key=lambda c: c[1][0].order)
        for cadence, chain_lines in series:
            base = f"{account}:{payee}:{cadence}:{'in' if money_in else 'out'}"
            seen[base] = seen.get(base, 0) + 1
            key = base if seen[base] == 1 else f"{base}#{seen[base]}"
            typical = _median(sorted(ln.txn.amount for ln in chain_lines)).quantize(
                PENNY, ROUND_HALF_UP
            )
            found.append(
                (
                    Recurrence(
                        key,
                        account,
                        payee,
                        cadence,
                        typical,
                        tuple(ln.txn.key for ln in chain_lines),
                    ),
                    chain_lines,
                )
            )
    found.sort(key=lambda r: (r[1][0].day, account_order[r[0].account], r[1][0].order))
    return found


# ---- undeclared accounts -----------------------------------------------------------------------


def _possibly_undeclared(line: _Line, by_account: Mapping[str, Account]) -> bool:
    """Money to or from a household member's own name or an own savings product ("TO
    NATIONWIDE SAVINGS", "J SMITH SAVINGS", "Pot", "ISA") that matched no line of a declared
    account, and names no declared account either (by sort code, number or bank; "to savings"
    with no bank named, or a Pot with a declared savings account at the same bank, names that). Card payments, direct debits and
    cash are left out ("SPACE NK" is a shop)."""
    if line.not_transfer or not (line.own_name or line.product):
        return False
    if line.refs or line.banks:
        return False  # names a declared account: an unmatched transfer, said as such
    if line.kinds_named and not line.any_bank:
        return False  # "to savings" with a savings account declared: that one, most likely
    own = by_account[line.txn.account]
    bank = " ".join(own.bank.casefold().split())
    return not (
        line.product
        and any(
            a.key != own.key and a.kind != "current" and " ".join(a.bank.casefold().split()) == bank
            for a in by_account.values()
        )
    )


_SHORT_PRODUCTS = frozenset({"isa", "lisa", "cash isa"})
_ACCOUNT_WORD = re.compile(r"(?<![a-z0-9])account(?![a-z0-9])")


def _declared_at(bank: str, savings: bool, accounts: Sequence[Account]) -> bool:
    for account in accounts:
        pattern = _words_pattern([account.bank])
        named = pattern is not None and pattern.search(bank) is not None
        if not named:
            words = _words_pattern([bank])
            named = words is not None and words.search(_folded(account.bank)) is not None
        if named and (not savings or account.kind != "current"):
            return True
    return False


def undeclared_account_named(
    explanation_text: str, accounts: Sequence[Account], vocabulary: Vocabulary
) -> str | None:
    """The account an explanation names that the household has not declared, for the review
    screen to ask "Add this account?": a bank (statement_words.toml bank_names) with a savings
    word ("savings", "ISA", "Pot": own_product_words) or "account". 'Nationwide savings' for "to
    my Nationwide savings account" when no Nationwide account other than a current one is
    declared; None when it names none or only declared ones. Pure: no I/O."""
    text = _folded(explanation_text)
    banks = vocabulary.found("bank_names", text)
    if not banks:
        return None
    products = vocabulary.found("own_product_words", text)
    has_account_word = _ACCOUNT_WORD.search(text) is not None
    if not products and not has_account_word:
        return None
    for bank in banks:
        if _declared_at(bank, bool(products), accounts):
            continue
        name = " ".join(w.upper() if len(w) <= 4 else w.capitalize() for w in bank.split())
        if not products:
            return f"{name} account"
        product = products[0].removesuffix(" account")
        return f"{name} {product.upper() if product in _SHORT_PRODUCTS else product}"
    return None


def accounts_for_declaration(
    review: StatementReview, explanations: Mapping[str, Explanation], vocabulary: Vocabulary
) -> tuple[str, ...]:
    """Every declared account (its label), then every account the explanations name that is
    not declared ('Nationwide savings (named in the explanation of the line of 3 May 2026; not
    declared yet)'), once each, in flag order: the declaration must list them all."""
    out = [a.label() for a in review.accounts]
    seen: set[str] = set()
    for flag in review.flags:
        explanation = explanations.get(flag.txn.key)
        if explanation is None or not explanation.given:
            continue
        named = undeclared_account_named(explanation.text, review.accounts, vocabulary)
        if named is None or named.casefold() in seen:
            continue
        seen.add(named.casefold())
        out.append(
            f"{named} (named in the explanation of the line of {long_date(flag.txn.on)}; "
            "not declared yet)"
        )
    return tuple(out)


def _unmatched_transfer(line: _Line) -> bool:
    """A line with no other side that looks like money moved between accounts: transfer
    wording or codes, or an own name or savings word that is not a card payment, direct debit
    or cash ("N TESTCASE SAVINGS" with a savings account declared that does not show it)."""
    return line.looks_transfer or ((line.own_name or line.product) and not line.not_transfer)


# ---- money from a person -----------------------------------------------------------------------

_NAME_TOKEN = re.compile(r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*")


def _looks_like_person(line: _Line, vocabulary: Vocabulary) -> bool:
    """Money in from someone, not an organisation: a person-to-person payment code or phrase,
    or a description of two or three capitalised words; never with a company or category word."""
    txn = line.txn
    text = vocabulary.remove("person_words", line.text)  # "bank transfer" is not a bank
    if (
        vocabulary.matches("company_words", text)
        or vocabulary.any_category(text)
        or _is_cash(txn, text, vocabulary)
    ):
        return False
    if _has_code(txn, vocabulary.codes("person_codes")) or text != line.text:
        return True
    raw = _REFERENCE.sub(" ", _DATES.sub(" ", txn.description))
    words = [
        w
        for w in _NAME_TOKEN.findall(raw)
        if w.casefold() not in TYPE_CODES and w.upper() not in vocabulary.codes("person_codes")
    ]
    return 2 <= len(words) <= 3 and all(w[0].isupper() for w in words)


def _prepared_lines(
    txns: Sequence[Txn],
    ordered: Sequence[int],
    accounts: Sequence[Account],
    account_order: Mapping[str, int],
    vocabulary: Vocabulary,
    required_from: date,
    required_to: date,
    own_names: re.Pattern[str] | None = None,
) -> list[_Line]:
    """The lines in `ordered` order, each with its words, the household accounts it names and
    whether it looks like a transfer. These are worked out once for each description and type
    code (and account): a long statement repeats the same shops many times."""
    patterns = _account_patterns(accounts, vocabulary)
    bank_words = _AccountWords(accounts, lambda a: a.bank)
    kind_words = _AccountWords(
        [a for a in accounts if a.kind not in ("other", "prepaid")], lambda a: a.kind
    )
    texts: dict[tuple[str, str], str] = {}
    transfer_facts: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    lines: list[_Line] = []
    for position, i in enumerate(ordered):
        txn = txns[i]
        text = texts.get((txn.description, txn.type_code))
        if text is None:
            text = texts[txn.description, txn.type_code] = _match_text(txn)
        line = _Line(
            txn,
            position,
            account_order[txn.account],
            text,
            required_from <= txn.on <= required_to,
        )
        facts = transfer_facts.get((txn.description, txn.type_code, txn.account))
        if facts is None:
            if any(ch.isdigit() for ch in txn.description):
                line.refs = frozenset(
                    key
                    for key, pattern in patterns
                    if key != txn.account and pattern.search(line.text)
                )
            line.looks_transfer = _looks_like_transfer(line, vocabulary)
            _facts_for_pairs(line, vocabulary, own_names, bank_words, kind_words)
            transfer_facts[txn.description, txn.type_code, txn.account] = (
                line.refs,
                line.looks_transfer,
                line.transferish,
                line.not_transfer,
                line.own_name,
                line.product,
                line.banks,
                line.kinds_named,
                line.any_bank,
            )
        else:
            (
                line.refs,
                line.looks_transfer,
                line.transferish,
                line.not_transfer,
                line.own_name,
                line.product,
                line.banks,
                line.kinds_named,
                line.any_bank,
            ) = facts
        lines.append(line)
    return lines


# ---- review ------------------------------------------------------------------------------------


def review(
    accounts: Sequence[Account],
    txns: Sequence[Txn],
    application_date: date,
    figures: Figures,
    vocabulary: Vocabulary,
    *,
    threshold: Decimal | None = None,
    household: Sequence[str] = (),
    explanations: Mapping[str, Explanation] = _NO_EXPLANATIONS,
) -> StatementReview:
    """Everything the statements show for a fee waiver applied for on `application_date`.

    `threshold`: flag transactions over this amount (None: the figure statements.threshold);
    `household`: everyone in the household, to list those with no account; `explanations`
    (by Txn.key): the client's categories win over the automatic ones in income and outgoings.
    Raises ValueError naming the account or transaction key when the input does not fit together.
    """
    s = _Settings.read(figures, application_date, threshold)
    account_order = _account_order(accounts)
    required_from, required_to, _ = _window(application_date, s.months, s.latest_end_days)
    coverage = tuple(_coverage(a, application_date, s) for a in accounts)
    _check_txns(txns, account_order)
    ordered = sorted(
        range(len(txns)), key=lambda i: (txns[i].on, account_order[txns[i].account], i)
    )
    own_names = _own_names_pattern([a.holder for a in accounts] + list(household))
    lines = _prepared_lines(
        txns, ordered, accounts, account_order, vocabulary, required_from, required_to, own_names
    )
    words = _Words(vocabulary)
    matched, transfers = _own_transfers(lines, s)
    window_lines = [ln for ln in lines if ln.in_window]
    recurrences = _recurrences(
        [ln for ln in window_lines if ln.order not in matched], s, account_order, words
    )
    flagger = _Flagger(
        s=s,
        by_account={a.key: a for a in accounts},
        account_order=account_order,
        matched=matched,
        series_of={ln.order: r for r, members in recurrences for ln in members},
        reduction_from=application_date.toordinal() - s.reduction_days,
        large_rule=_threshold_rule(s),
        words=words,
    )
    flags = [flag for line in window_lines if (flag := flagger.flag(line)) is not None]
    income_expenditure = _income_expenditure(
        [ln for ln in window_lines if ln.order not in matched],
        required_from,
        required_to,
        s.months,
        vocabulary,
        explanations,
        words,
    )
    warnings = _warnings(
        s, accounts, coverage, len(lines) - len(window_lines), required_from, required_to
    )
    return StatementReview(
        application_date=application_date,
        threshold=s.threshold,
        accounts=tuple(accounts),
        coverage=coverage,
        flags=tuple(flags),
        transfers=tuple(transfers),
        recurrences=tuple(r for r, _ in recurrences),
        income_expenditure=income_expenditure,
        holders_without_accounts=_without_accounts(accounts, household),
        warnings=tuple(warnings),
    )


# ---- the steps of `review`, each with the reference it applies -----------------------------------


def _account_order(accounts: Sequence[Account]) -> dict[str, int]:
    """Each account's place in the list (the order lines and labels are shown in).
    Reference 003, fee waiver sheet: statements 'for all accounts' - each listed once."""
    order: dict[str, int] = {}
    for i, account in enumerate(accounts):
        if account.key in order:
            raise ValueError(f"account {account.key}: listed twice")
        order[account.key] = i
    return order


def _check_txns(txns: Sequence[Txn], account_order: Mapping[str, int]) -> None:
    """Every line belongs to a listed account and carries an amount of money (a finite
    Decimal): the checks of reference 003 are sums and comparisons of amounts."""
    for txn in txns:
        if txn.account not in account_order:
            raise ValueError(
                f"transaction {txn.key}: its account {txn.account!r} is not in the list of accounts"
            )
        if not isinstance(txn.amount, Decimal) or not txn.amount.is_finite():
            raise ValueError(f"transaction {txn.key}: the amount is not an amount of money")


def _own_transfers(
    lines: Sequence[_Line], s: _Settings
) -> tuple[dict[int, tuple[_Line, bool]], list[TransferMatch]]:
    """Step 1, across every line: money moved between the household's own accounts.
    Reference 003, fee waiver sheet (Bank statements): the Home Office looks 'for money
    transferred into another account to see if that matches the money going into that
    account' (within `statements.transfer_window_days`). Gives (line order -> (the other line,
    matched by reference), the matches)."""
    matched: dict[int, tuple[_Line, bool]] = {}
    transfers: list[TransferMatch] = []
    for out, inn, by_reference in _match_transfers(lines, s.transfer_days):
        matched[out.order] = (inn, by_reference)
        matched[inn.order] = (out, by_reference)
        transfers.append(
            TransferMatch(
                out.txn.key,
                inn.txn.key,
                out.txn.account,
                inn.txn.account,
                -out.txn.amount,
                abs(inn.day - out.day),
                "reference" if by_reference else "amount_and_date",
            )
        )
    return matched, transfers


@dataclass(frozen=True)
class _Flagger:
    """Step 3: why a line in the window needs explaining, each reason with its reference."""

    s: _Settings
    by_account: Mapping[str, Account]
    account_order: Mapping[str, int]
    matched: Mapping[int, tuple[_Line, bool]]
    series_of: Mapping[int, Recurrence]
    reduction_from: int
    large_rule: str
    words: _Words

    def flag(self, line: _Line) -> Flag | None:
        """The line's flag (None: nothing to explain): transfers and accounts first, then
        regular, large, balance-reduction, cash and from-a-person reasons."""
        txn = line.txn
        reasons, match, suggested, undeclared = self._transfer_reasons(line)
        recurrence = self.series_of.get(line.order)
        reasons.extend(self._amount_reasons(line, recurrence, undeclared))
        if not reasons:
            return None
        return Flag(
            txn,
            tuple(reasons),
            series=recurrence.key if recurrence is not None else None,
            match=match,
            suggested=suggested,
        )

    def _transfer_reasons(
        self, line: _Line
    ) -> tuple[list[FlagReason], str | None, Explanation | None, bool]:
        """Reference 003, fee waiver sheet (Bank statements): a transfer to or from another
        declared account (explained for the client), money to or from an own product no
        declared account matches (possibly an undeclared account: the Home Office credit-checks
        for accounts not declared), and a transfer whose other side is not in the statements.
        Gives (reasons, the matching line's key, the suggested explanation, undeclared)."""
        txn = line.txn
        reasons: list[FlagReason] = []
        match = suggested = None
        other = self.matched.get(line.order)
        if other is not None:
            other_line, _ = other
            other_label = self.by_account[other_line.txn.account].label()
            match = other_line.txn.key
            reasons.append(
                FlagReason(
                    FlagKind.OWN_TRANSFER,
                    own_transfer(txn.amount < 0, other_label, other_line.txn.on),
                    RULE_FEE_WAIVER,
                )
            )
            suggested = Explanation(
                own_transfer_explanation(txn.amount < 0, other_label),
                category="own_transfer",
                auto=True,
            )
        undeclared = (
            other is None and txn.amount != 0 and _possibly_undeclared(line, self.by_account)
        )
        if undeclared:
            reasons.append(
                FlagReason(
                    FlagKind.UNDECLARED_ACCOUNT,
                    undeclared_account(txn.amount < 0, txn.description),
                    RULE_FEE_WAIVER,
                )
            )
        elif other is None and txn.amount != 0 and _unmatched_transfer(line):
            order = self.account_order.get
            named = [self.by_account[k].label() for k in sorted(line.refs, key=order)]
            for also in (line.banks, line.kinds_named):
                named += [
                    label
                    for k in sorted(also, key=order)
                    if (label := self.by_account[k].label()) not in named
                ]
            reasons.append(
                FlagReason(
                    FlagKind.UNMATCHED_TRANSFER,
                    unmatched_transfer(txn.amount < 0, named[0] if named else None, self.s),
                    RULE_FEE_WAIVER,
                )
            )
        return reasons, match, suggested, undeclared

    def _amount_reasons(
        self, line: _Line, recurrence: Recurrence | None, undeclared: bool
    ) -> list[FlagReason]:
        """Regular payments (reference 003, domestic abuse sheet: 'an explanation for all
        regular incomings and outgoings'); large ones over the threshold (domestic abuse sheet
        £250, NRPF sheet £50: `statements.threshold`, `statements.threshold_cautious`); a large
        outgoing shortly before the application (fee waiver sheet: 'taken out to reduce the
        balance'); cash (NRPF sheet); money in that may be from a person (fee waiver sheet)."""
        txn, s = line.txn, self.s
        other = self.matched.get(line.order)
        reasons: list[FlagReason] = []
        if recurrence is not None:
            reasons.append(
                FlagReason(
                    FlagKind.REGULAR,
                    regular(recurrence, len(recurrence.txn_keys)),
                    RULE_DOMESTIC_ABUSE,
                )
            )
        over = abs(txn.amount) > s.threshold
        if over:
            reasons.append(
                FlagReason(FlagKind.LARGE, large(txn.amount, s.threshold), self.large_rule)
            )
        # A payment of a regular series (the rent) is not money taken out to lower the balance.
        if (
            over
            and txn.amount < 0
            and other is None
            and recurrence is None
            and line.day >= self.reduction_from
        ):
            reasons.append(
                FlagReason(FlagKind.BALANCE_REDUCTION, balance_reduction(), RULE_FEE_WAIVER)
            )
        if txn.amount != 0 and self.words.cash(line):
            reasons.append(FlagReason(FlagKind.CASH, cash(txn.amount < 0), RULE_NRPF))
        if (
            txn.amount > 0
            and other is None
            and not undeclared
            and self.words.category(line) == "other_income"
            and self.words.person(line)
        ):
            reasons.append(FlagReason(FlagKind.FROM_PERSON, from_person(), RULE_FEE_WAIVER))
        return reasons


def _without_accounts(accounts: Sequence[Account], household: Sequence[str]) -> tuple[str, ...]:
    """Step 5: everyone in the household with no account listed (reference 003, fee waiver
    sheet: statements for all accounts of everyone in the household)."""
    holders = {" ".join(a.holder.split()).casefold() for a in accounts}
    without: list[str] = []
    for name in household:
        clean = " ".join(name.split())
        if clean and clean.casefold() not in holders and clean not in without:
            without.append(clean)
    return tuple(without)


def _warnings(
    s: _Settings,
    accounts: Sequence[Account],
    coverage: Sequence[Coverage],
    outside: int,
    required_from: date,
    required_to: date,
) -> list[str]:
    """Step 5, the adviser's notes: the threshold used (and its sheet), accounts with no
    statements, closed accounts to declare, and lines outside the `statements.months` months
    (reference 003, fee waiver sheet: '6 months bank statements for all accounts')."""
    warnings = [threshold_note(s)]
    for account, cover in zip(accounts, coverage, strict=True):
        if not account.periods and not cover.ok:
            warnings.append(no_statements_warning(cover.label))
        if _closed(account):
            warnings.append(declare_closed(cover.label))
    if outside:
        warnings.append(lines_outside(outside, required_from, required_to, s.months))
    return warnings


def _threshold_rule(s: _Settings) -> str:
    if s.threshold == s.cautious:
        return RULE_NRPF
    if s.threshold == s.standard:
        return RULE_DOMESTIC_ABUSE
    return f"Threshold chosen by the adviser; {RULE_DOMESTIC_ABUSE}"


def _empty(categories: Mapping[str, str]) -> dict[str, Decimal]:
    return dict.fromkeys(categories, ZERO)


def _income_expenditure(
    lines: Sequence[_Line],
    required_from: date,
    required_to: date,
    months: int,
    vocabulary: Vocabulary,
    explanations: Mapping[str, Explanation],
    words: _Words | None = None,
) -> IncomeExpenditure:
    words = words if words is not None else _Words(vocabulary)
    firsts: list[date] = []
    month = _month_start(required_from)
    while month <= required_to:
        firsts.append(month)
        month = _next_month(month)
    table = {m: (_empty(INCOME_CATEGORIES), _empty(ESSENTIAL_CATEGORIES), _empty(OTHER_CATEGORIES))
             for m in firsts}  # fmt: skip
    for line in lines:
        txn = line.txn
        if txn.amount == 0:
            continue
        explanation = explanations.get(txn.key)
        if explanation is not None and explanation.category:
            category = explanation.category
        else:
            category = words.category(line)
        if category == "own_transfer":
            continue
        income, essential, other = table[_month_start(txn.on)]
        if txn.amount > 0:
            key = category if category in INCOME_CATEGORIES else "other_income"
            income[key] += txn.amount
        elif category in ESSENTIAL_CATEGORIES:
            essential[category] += -txn.amount
        else:
            key = category if category in OTHER_CATEGORIES else "other_out"
            other[key] += -txn.amount
    summaries = []
    for m in firsts:
        in_month = calendar.monthrange(m.year, m.month)[1]
        last = m.replace(day=in_month)
        days = (min(last, required_to) - max(m, required_from)).days + 1
        summaries.append(MonthSummary(m, *table[m], days=days, days_in_month=in_month))
    divisor = Decimal(max(months, 1))

    def total(part: int, key: str) -> Decimal:
        return sum((table[m][part][key] for m in firsts), ZERO)

    def mean(part: int, categories: Mapping[str, str]) -> dict[str, Decimal]:
        return {
            key: (total(part, key) / divisor).quantize(PENNY, ROUND_HALF_UP) for key in categories
        }

    # The average's totals from the unrounded sums (a hand count), not the rounded categories.
    exact = tuple(
        sum((total(part, key) for key in categories), ZERO) / divisor
        for part, categories in enumerate(
            (INCOME_CATEGORIES, ESSENTIAL_CATEGORIES, OTHER_CATEGORIES)
        )
    )
    average = MonthSummary(
        firsts[0] if firsts else _month_start(required_from),
        mean(0, INCOME_CATEGORIES),
        mean(1, ESSENTIAL_CATEGORIES),
        mean(2, OTHER_CATEGORIES),
        exact=(exact[0], exact[1], exact[2]),
    )
    return IncomeExpenditure(tuple(summaries), average)


# ---- running balances --------------------------------------------------------------------------


def balance_mismatch(
    rows: Sequence[tuple[Decimal, Decimal | None]], opening: Decimal | None = None
) -> int | None:
    """The index of the first row whose balance is not the previous balance plus its amount.

    Rows are (amount, balance) oldest first. A row without a balance is skipped and its amount
    carried to the next row that has one. Without an opening balance the first balance given is
    taken as it is. None when every balance follows."""
    expected = opening
    for i, (amount, balance) in enumerate(rows):
        if expected is not None:
            expected += amount
        if balance is None:
            continue
        if expected is not None and balance != expected:
            return i
        expected = balance
    return None


# ---- wording -----------------------------------------------------------------------------------
# Every sentence is built from the figures and dates it names: none is typed in.


def money(amount: Decimal) -> str:
    """'£1,234.50' (the size of an amount; the sentence says in or out)."""
    return f"£{abs(amount):,.2f}"


def pounds(amount: Decimal) -> str:
    """'£250' for whole pounds, else '£12.50'."""
    amount = abs(amount)
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def _day_count(days: int) -> str:
    return f"{days} day" if days == 1 else f"{days} days"


def _span(a: date, b: date) -> str:
    return long_date(a) if a == b else f"{long_date(a)} to {long_date(b)}"


def no_statements(label: str, required_from: date, required_to: date) -> str:
    return f"No statements for {label}: get them for {_span(required_from, required_to)}."


def no_statements_warning(label: str) -> str:
    return (
        f"{label} has no statements yet: the Home Office can refuse a fee waiver when an "
        "account's statements are missing."
    )


def gap(label: str, a: date, b: date) -> str:
    days = (b - a).days + 1
    return f"{label}: no statements for {_span(a, b)} ({_day_count(days)}): get these statements."


def ends_too_early(label: str, ends_on: date, must_reach: date) -> str:
    return (
        f"{label}: the latest statement ends on {long_date(ends_on)}; statements must run to at "
        f"least {long_date(must_reach)}."
    )


def covered_in_full(
    label: str, required_from: date, required_to: date, months: int, closed: bool = False
) -> str:
    if closed:
        return f"{label}: statements cover {_span(required_from, required_to)}, up to its closing."
    return (
        f"{label}: statements cover the {months} months needed "
        f"({_span(required_from, required_to)})."
    )


def closed_before_window(label: str, closed_on: date, required_from: date) -> str:
    return (
        f"{label} was closed on {long_date(closed_on)}, before {long_date(required_from)}: no "
        "statements are needed, but the account must still be declared."
    )


def closed_within_window(label: str, closed_on: date) -> str:
    return f"{label} was closed on {long_date(closed_on)}: statements are needed up to that day."


def closed_without_date(label: str) -> str:
    return (
        f"{label} is marked closed but has no closing date: give the date, or statements are "
        "needed for the whole period."
    )


def quiet_account_needs_statements(label: str, account: Account) -> str:
    what = "a child's account" if account.kind == "child" else "a dormant account"
    return f"{label} is {what}: it still needs statements, even when empty or rarely used."


def declare_closed(label: str) -> str:
    return (
        f"{label} is closed: declare it on the form anyway. Closed accounts can still show as "
        "open on the Home Office credit check."
    )


def threshold_note(s: _Settings) -> str:
    if s.threshold == s.cautious:
        return (
            f"Transactions over {pounds(s.threshold)} are flagged: the cautious rule of thumb "
            f"({RULE_NRPF})."
        )
    if s.threshold == s.standard:
        return (
            f"Transactions over {pounds(s.threshold)} are flagged ({RULE_DOMESTIC_ABUSE}); "
            f"over {pounds(s.cautious)} is the cautious rule of thumb ({RULE_NRPF})."
        )
    return (
        f"Transactions over {pounds(s.threshold)} are flagged (the adviser's choice; the "
        f"reference sheets suggest {pounds(s.standard)}, or {pounds(s.cautious)} to be cautious)."
    )


def lines_outside(count: int, required_from: date, required_to: date, months: int) -> str:
    lines = "line is" if count == 1 else "lines are"
    return (
        f"{count} statement {lines} outside the {months} months before the application "
        f"({_span(required_from, required_to)}) and were not checked."
    )


def own_transfer(out: bool, other_label: str, other_on: date) -> str:
    if out:
        return (
            f"Transfer to your own account {other_label}: it arrives there on "
            f"{long_date(other_on)}."
        )
    return f"Transfer from your own account {other_label}: it left there on {long_date(other_on)}."


def own_transfer_explanation(out: bool, other_label: str) -> str:
    return f"Transfer to my {other_label}" if out else f"Transfer from my {other_label}"


def unmatched_transfer(out: bool, named: str | None, s: _Settings) -> str:
    if named is not None:
        where = "to" if out else "from"
        return (
            f"Money moved {where} {named}, but that account shows no line of the same amount "
            f"within {_day_count(s.transfer_days)}: check both statements or explain."
        )
    where = "to" if out else "from"
    return (
        f"Money moved {where} an account not on this list: possibly an undeclared account. Add "
        "the account's statements or explain."
    )


def undeclared_account(out: bool, description: str) -> str:
    where = "to" if out else "from"
    said = " ".join(description.split())
    return (
        f"Money moved {where} '{said}', and no declared account shows it: possibly an account "
        "not declared. Declare the account and add its statements (the Home Office "
        "credit-checks for accounts not declared)."
    )


CADENCE_WORDS = {
    "weekly": "weekly",
    "fortnightly": "fortnightly",
    "four-weekly": "every four weeks",
    "monthly": "monthly",
}


def regular(recurrence: Recurrence, times: int) -> str:
    how = CADENCE_WORDS[recurrence.cadence]
    amount = money(recurrence.typical_amount)
    if recurrence.typical_amount < 0:
        return (
            f"Regular payment: about {amount} to '{recurrence.payee}' {how} ({times} times): "
            "explain what it is"
        )
    return (
        f"Regular money in: about {amount} from '{recurrence.payee}' {how} ({times} times): "
        "explain what it is"
    )


def large(amount: Decimal, threshold: Decimal) -> str:
    if amount < 0:
        return f"Over {pounds(threshold)} paid out: say what it was for."
    return f"Over {pounds(threshold)} paid in: say where it came from."


def cash(out: bool) -> str:
    if out:
        return "Cash withdrawn: say what it was spent on."
    return "Cash paid in: say where it came from."


def from_person() -> str:
    return (
        "Money in from a person: the Home Office may treat money from friends or family as "
        "money they could lend you for the fee. Get a letter from the person saying who they "
        "are, why they gave it, and how often."
    )


def balance_reduction() -> str:
    return (
        "Large payment out shortly before the application: the Home Office looks for money "
        "taken out to reduce the balance. Say what it was for."
    )
