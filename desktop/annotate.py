"""Bank statement files -> the fee-waiver statement checks, without a store: the glue behind
`dropin-desk annotate FILE... --application-date D`.

    review, txns, accounts = review_files([Path("monzo.csv")], date(2026, 4, 15))
    data = flags_json(review)          # what `--json` prints
    pdf = build_annotation_sheet(review, txns, {}, client_name="…", made_on=date.today())

Each file is one account. Its key is the file's stem ("monzo"; a second "monzo.csv" from
another folder becomes "monzo-2"), the holder is "holder not given" (a file does not say who holds
it), the bank, sort code and last four digits come from what the file says about itself, else
the bank is the file's name; the statement period is the one the file states, else its first to
last date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from desktop.rules.statement_types import Account, StatementReview, Txn

__all__ = [
    "HOLDER_NOT_GIVEN",
    "ReadProblem",
    "flags_json",
    "parse_threshold",
    "review_files",
]

HOLDER_NOT_GIVEN = "holder not given"
#: No message echoes more than this many characters of what was typed.
ECHO_LIMIT = 40
PENNY = Decimal("0.01")

#: An amount of money as typed for --threshold: 250, 50.00, £50, £1,000.
_AMOUNT = re.compile(r"^£?\s*(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?$")


class ReadProblem(ValueError):
    """A statement file could not be opened at all (missing, a folder, no permission); the
    message names the file. Problems inside a file are the importer's StatementFileError."""


def _echo(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 3] + "...")


def parse_threshold(text: str) -> Decimal:
    """The amount over which a line must be explained, as typed: "250", "50", "£50", "50.00",
    "£1,000". ValueError saying what is wrong for anything else, for zero and below zero."""
    raw = text.strip()
    plain = raw.replace("£", "", 1).strip()
    if plain.startswith(("-", "−")):
        raise ValueError(f"{_echo(text)} is below zero; give an amount over £0, like 250 or £50")
    if not _AMOUNT.match(raw):
        raise ValueError(f"{_echo(text)} is not an amount of money; give it like 250, 50.00 or £50")
    try:
        value = Decimal(plain.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise ValueError(f"{_echo(text)} is not an amount of money") from None
    if value <= 0:
        raise ValueError(f"{_echo(text)} is zero; give an amount over £0, like 250 or £50")
    return value


def _unique_key(stem: str, taken: set[str]) -> str:
    base = stem or "statement"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    taken.add(key)
    return key


def review_files(
    paths: Sequence[Path],
    application_date: date,
    threshold: Decimal | None = None,
    formats: Sequence | None = None,
) -> tuple[StatementReview, list[Txn], list[Account]]:
    """Read every file (one account each) and run the statement checks on them together, so
    transfers between the files are matched.

    Raises the importer's StatementFileError (file, line and column) for a file that cannot be
    read as a statement and ReadProblem for one that cannot be opened; nothing is kept from a
    batch with a bad file. `threshold` None: the standard figure from resources/rules.
    `formats`: the CSV layouts to recognise (None: the packaged ones; the command line adds
    the layouts saved in the data folder, see `load_formats_reporting`)."""
    from desktop.assess import load_figures, statement_vocabulary
    from desktop.importers.bank_csv import read_statement, to_txns
    from desktop.rules.statements import review

    accounts: list[Account] = []
    txns: list[Txn] = []
    taken: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise ReadProblem(f"{path}: there is no such file")
        if path.is_dir():
            raise ReadProblem(f"{path}: is a folder, not a statement file")
        try:
            statement = read_statement(path, formats=formats)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise ReadProblem(f"{path}: cannot read the file ({reason})") from None
        key = _unique_key(path.stem, taken)
        if statement.period is not None:
            periods: tuple[tuple[date, date], ...] = (statement.period,)
        elif statement.rows:
            days = [row.on for row in statement.rows]
            periods = ((min(days), max(days)),)
        else:
            periods = ()
        accounts.append(
            Account(
                key=key,
                holder=HOLDER_NOT_GIVEN,
                bank=statement.bank or path.name,
                sort_code=statement.sort_code,
                last_four=statement.last_four,
                periods=periods,
            )
        )
        txns.extend(to_txns(statement, key))
    result = review(
        accounts,
        txns,
        application_date,
        figures=load_figures(),
        vocabulary=statement_vocabulary(),
        threshold=threshold,
    )
    return result, txns, accounts


# ---- JSON ------------------------------------------------------------------------------------


def _money(value: Decimal | None) -> str | None:
    """Money as a string, never a float: "-12.50" (exact; at least to the penny)."""
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return format(value, "f")
    return format(value.quantize(PENNY), "f")


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _periods(periods) -> list[list[str]]:
    return [[a.isoformat(), b.isoformat()] for a, b in periods]


def flags_json(review: StatementReview) -> dict[str, Any]:
    """What `dropin-desk annotate --json` prints: every flag with its line and reasons, the
    coverage of each account, how many flags are explained (by the app's own matched
    transfers: a file carries no explanations), and whether the sheet is final and why not. Money is a string ("-12.50"), dates ISO."""
    labels = {a.key: a.label() for a in review.accounts}
    ready = review.readiness({})
    explained, flagged = ready.explained, ready.flagged
    flags = []
    for flag in review.flags:
        t = flag.txn
        flags.append(
            {
                "key": t.key,
                "date": t.on.isoformat(),
                "account": t.account,
                "account_label": labels.get(t.account, t.account),
                "description": t.description,
                "amount": _money(t.amount),
                "balance": _money(t.balance),
                "type_code": t.type_code,
                "kinds": [str(r.kind) for r in flag.reasons],
                "sentences": [r.sentence for r in flag.reasons],
                "rules": [r.rule for r in flag.reasons],
                "series": flag.series,
                "match": flag.match,
                "suggested": flag.suggested.text if flag.suggested is not None else None,
            }
        )
    coverage = [
        {
            "account": c.account,
            "label": c.label,
            "required_from": c.required_from.isoformat(),
            "required_to": c.required_to.isoformat(),
            "end_no_earlier_than": c.end_no_earlier_than.isoformat(),
            "covered": _periods(c.covered),
            "missing": _periods(c.missing),
            "missing_days": c.missing_days,
            "ends_on": _iso(c.ends_on),
            "ok": c.ok,
            "sentences": list(c.sentences),
        }
        for c in review.coverage
    ]
    accounts = [
        {
            "key": a.key,
            "label": a.label(),
            "holder": a.holder,
            "bank": a.bank,
            "kind": a.kind,
            "sort_code": a.sort_code,
            "last_four": a.last_four,
            "status": a.status,
            "periods": _periods(a.periods),
        }
        for a in review.accounts
    ]
    return {
        "application_date": review.application_date.isoformat(),
        "threshold": _money(review.threshold),
        "accounts": accounts,
        "flags": flags,
        "coverage": coverage,
        "progress": {"explained": explained, "flagged": flagged},
        "final": ready.final,
        #: What stops the sheet being final (unexplained flags, missing statements, a possibly
        #: undeclared account), one sentence each, as on the sheet's first page.
        "draft_reasons": list(ready.reasons),
        "holders_without_accounts": list(review.holders_without_accounts),
        "warnings": list(review.warnings),
    }
