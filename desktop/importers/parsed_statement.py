"""What a bank statement file reads as, apart from how it is read: `ParsedStatement` and its
`ParsedRow`s, the `StatementFileError` every reader raises, and the small steps the CSV and the
OFX readers share (`parse_money`, `join_description`, `oldest_first`, `read_statement_bytes`,
`fingerprints`).

Here so that `bank_csv` and `bank_ofx` both import this module and not each other (they were an
import cycle: `bank_ofx` took these from `bank_csv`, which opens OFX files with `bank_ofx`).
`bank_csv` re-exports every name, so `from desktop.importers.bank_csv import ParsedRow` still works.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby
from pathlib import Path

from desktop.files import FileReadProblem, read_limited

__all__ = [
    "MAX_STATEMENT_BYTES",
    "ParsedRow",
    "ParsedStatement",
    "StatementFileError",
    "fingerprints",
    "join_description",
    "oldest_first",
    "parse_money",
    "read_statement_bytes",
]

#: A statement download is a few hundred kilobytes; anything bigger is not one.
MAX_STATEMENT_BYTES = 20 * 1024 * 1024

_PENNY = Decimal("0.01")
_MONEY = re.compile(
    r"(?P<s1>[+-]?)(?:£|GBP)?(?P<s2>[+-]?)"
    r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?:GBP)?",
    re.IGNORECASE,
)


class StatementFileError(ValueError):
    """A statement file that cannot be imported. The message names the file, and the line and
    column where there is one: "statement.csv, line 14, column 'Paid out': '12,3x' is not an
    amount of money"."""


@dataclass(frozen=True)
class ParsedRow:
    line: int  # 1-based physical line in the file (OFX: the line of the <STMTTRN>)
    on: date
    description: str
    amount: Decimal  # + money in, - money out
    balance: Decimal | None
    type_code: str = ""  # upper case: the bank's code, or the standard one it maps to


@dataclass(frozen=True)
class ParsedStatement:
    source: str  # the file's name
    rows: tuple[ParsedRow, ...]  # oldest first
    period: tuple[date, date] | None  # first and last day the file covers
    format_key: str | None  # BankFormat.key; None for a custom column mapping or OFX
    bank: str = ""
    sort_code: str = ""  # "12-34-56" or ""
    last_four: str = ""


def fingerprints(rows: Sequence[ParsedRow]) -> list[str]:
    """Dedupe keys, one per row: the first 20 hex digits of the SHA-256 of (date, amount,
    description with case and spacing ignored, balance), then "#k" where k counts that same
    key within `rows` from 1. An overlapping re-import gives the same keys for the same lines,
    so a caller that skips keys it holds adds only new lines; two identical coffees on one day
    are "#1" and "#2" and both stay.

    The canonical string must never change: stored fingerprints depend on it.
    """
    seen: Counter[str] = Counter()
    keys = []
    for row in rows:
        balance = "" if row.balance is None else f"{row.balance:.2f}"
        text = " ".join(row.description.casefold().split())
        canonical = "\x1f".join((row.on.isoformat(), f"{row.amount:.2f}", text, balance))
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]
        seen[digest] += 1
        keys.append(f"{digest}#{seen[digest]}")
    return keys


def parse_money(text: str) -> Decimal | None:
    """A bank's written amount as Decimal to the penny; None for a blank cell.

    Raises ValueError (with the reason) for text that is not an amount of money.
    """
    s = text.strip().removeprefix("'").strip()
    if not s:
        return None
    s = "".join(s.replace("\u2212", "-").replace("\u2013", "-").split())
    marker = s[-2:].upper()
    if marker in ("CR", "DR"):
        s = s[:-2]
    else:
        marker = ""
    bracketed = s.startswith("(") and s.endswith(")")
    if bracketed:
        s = s[1:-1]
    match = _MONEY.fullmatch(s)
    if not match or (match["s1"] and match["s2"]):
        raise ValueError("not an amount")
    sign = match["s1"] or match["s2"]
    if sum((bool(sign), bool(marker), bracketed)) > 1:
        raise ValueError("it has more than one of a sign, brackets and CR/DR")
    frac = match["frac"] or ""
    if len(frac) > 2 and frac[2:].strip("0"):
        raise ValueError("more than two decimal places")
    value = Decimal(match["whole"].replace(",", "") + "." + (frac or "0")).quantize(_PENNY)
    if sign == "-" or marker == "DR" or bracketed:
        value = -value
    return value if value else Decimal("0.00")


def read_statement_bytes(path: Path, name: str) -> bytes:
    """The bytes of a statement file (CSV or OFX), or StatementFileError naming the file: not a
    regular file (a pipe, a device, a folder), too big for a statement download (checked
    before reading it), unreadable, or empty."""
    try:
        data = read_limited(path, MAX_STATEMENT_BYTES, "bank statement download")
    except FileReadProblem as exc:
        raise StatementFileError(str(exc)) from None
    if not data.strip():
        raise StatementFileError(f"{name}: the file is empty")
    return data


def join_description(parts: Sequence[str]) -> str:
    """Several description cells as one: spacing tidied, masked cells ("*****") and parts
    already inside another part left out, the rest joined by " / "."""
    kept: list[str] = []
    for part in parts:
        part = " ".join(part.split())
        if not part or set(part) <= {"*"}:
            continue
        low = part.casefold()
        if any(low in k.casefold() for k in kept):
            continue
        kept = [k for k in kept if k.casefold() not in low]
        kept.append(part)
    return " / ".join(kept)


def oldest_first(rows: list[ParsedRow]) -> list[ParsedRow]:
    """Rows in date order, oldest first (see the module docstring: a newest-first file is
    turned round, one day's lines kept in the order that agrees with the running balance)."""
    if len(rows) > 1 and rows[0].on > rows[-1].on:
        rows = rows[::-1]
    if any(a.on > b.on for a, b in zip(rows, rows[1:], strict=False)):
        rows = sorted(rows, key=lambda r: r.on)
    result: list[ParsedRow] = []
    for _day, group in groupby(rows, key=lambda r: r.on):
        lines = list(group)
        before = result[-1].balance if result else None
        if len(lines) > 1 and not _runs_on(before, lines) and _runs_on(before, lines[::-1]):
            lines.reverse()
        result.extend(lines)
    return result


def _runs_on(before: Decimal | None, lines: list[ParsedRow]) -> bool:
    """True when each line's balance is the one before plus its amount (where both are known)."""
    previous = before
    for row in lines:
        if row.balance is None:
            return False
        if previous is not None and previous + row.amount != row.balance:
            return False
        previous = row.balance
    return True
