"""OFX and QFX statements (OFX 1.x SGML, OFX 2.x XML, Quicken's QFX, which is OFX 1 with an
INTU.BID tag) -> `ParsedStatement`, read with ofxparse (MIT licence: ofxtools is
GPL-3.0-only, and a GPL library would put the whole bundled installer under GPL terms).

What this module adds to ofxparse:

- Text: ofxparse decodes the body as ASCII unless the SGML header names a charset, so an OFX 2
  file with a "£" or "é" in it fails. The file is decoded here (UTF-8 if it is valid UTF-8, else
  the SGML header's ENCODING and CHARSET or the XML declaration, else Windows-1252) and handed
  over as ASCII with character references, which ofxparse's HTML parser turns back into the
  same characters.
- Dates: ofxparse moves times into UTC ("20250613000000[+1:BST]" becomes 12 June, 23:00). The
  bank's own calendar day is kept here: the first eight digits.
- Money: ofxparse reads TRNAMT as Decimal from its text (never float); it is then checked to
  the penny like CSV amounts (more than two decimal places refused unless they are zeros).
- Errors: whatever ofxparse raises becomes StatementFileError naming the file; a statement in
  another currency, for several accounts, or for an investment account is refused.

The account: the last four digits of ACCTID; BANKID as the sort code when it is six digits (UK
banks put the sort code there), or the first six digits of a 14-digit ACCTID that is sort code
and account number together. The bank: the FI ORG tag, when there is one. The period: DTSTART to
DTEND where the file gives them (widened to take in every transaction), else the first to the
last transaction. OFX gives no running balance per line, so `balance` is None.
"""

from __future__ import annotations

import codecs
import io
import re
import warnings
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from desktop.importers.bank_csv import (
    ParsedRow,
    ParsedStatement,
    StatementFileError,
    join_description,
    oldest_first,
    parse_money,
    read_statement_bytes,
)
from desktop.rules.history import DATE_RANGE_TEXT, clip, date_in_range, quote

#: OFX TRNTYPE values (OFX 2.2 specification, section 11.4.4.3) and the standard codes used
#: for CSV statements; the others (CREDIT, DEBIT, DEP, PAYMENT, OTHER...) are kept as they are.
TRNTYPE_CODES = {
    "DIRECTDEBIT": "DD",
    "REPEATPMT": "SO",
    "ATM": "ATM",
    "CASH": "CSH",
    "POS": "DEB",
    "CHECK": "CHQ",
    "XFER": "TFR",
    "DIRECTDEP": "BGC",
    "SRVCHG": "CHG",
    "INT": "INT",
    "FEE": "FEE",
}

_CHARSETS = {"1252": "cp1252", "8859-1": "latin-1", "ISO-8859-1": "latin-1", "UTF-8": "utf-8"}


def read_ofx(path: Path) -> ParsedStatement:
    """The statement in an .ofx or .qfx file, or StatementFileError naming the file."""
    from ofxparse.ofxparse import AccountType

    path = Path(path)
    name = clip(path.name)
    text = _decode(read_statement_bytes(path, name), name)
    lines = [text.count("\n", 0, m.start()) + 1 for m in re.finditer("<STMTTRN>", text, re.I)]
    if not re.search(r"<OFX[\s>]", text, re.I):
        raise StatementFileError(f"{name}: no <OFX> section, so this is not an OFX file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # bs4's "XML parsed as HTML" note on OFX 2 files
            ofx = _parser().parse(io.BytesIO(_ascii(text)))
    except Exception as exc:  # ofxparse raises every kind of error
        raise StatementFileError(f"{name}: not a readable OFX file ({_reason(exc)})") from None

    accounts = [a for a in getattr(ofx, "accounts", []) if a.statement is not None]
    if not accounts:
        raise StatementFileError(f"{name}: no bank or credit card statement in the file")
    if len(accounts) > 1:
        raise StatementFileError(
            f"{name}: the file holds statements for {len(accounts)} accounts; download each "
            "account's statement on its own"
        )
    account = accounts[0]
    if account.type == AccountType.Investment:
        raise StatementFileError(f"{name}: an investment statement, not a bank statement")
    statement = account.statement
    currency = (getattr(statement, "currency", "") or "").upper()
    if currency and currency != "GBP":
        raise StatementFileError(
            f"{name}: the statement is in {clip(currency, 10)}, not pounds; only sterling "
            "accounts can be checked here"
        )

    transactions = list(statement.transactions)
    rows = []
    for i, txn in enumerate(transactions):
        line = lines[i] if len(lines) == len(transactions) else i + 1
        rows.append(_row(name, line, txn))
    ordered = oldest_first(rows)

    start, end = _day(statement.start_date), _day(statement.end_date)
    period: tuple[date, date] | None = None
    if ordered:
        period = (ordered[0].on, ordered[-1].on)
        if start and start <= period[0]:
            period = (start, period[1])
        if end and end >= period[1]:
            period = (period[0], end)
    elif start and end and start <= end:
        period = (start, end)

    digits = re.sub(r"\D", "", account.account_id or "")
    bank_id = re.sub(r"\D", "", account.routing_number or "")
    if not bank_id.strip("0"):
        bank_id = ""  # QFX files from some banks put "000000" there
    six = bank_id if len(bank_id) == 6 else digits[:6] if len(digits) == 14 else ""
    institution = getattr(account, "institution", None)
    return ParsedStatement(
        source=name,
        rows=tuple(ordered),
        period=period,
        format_key=None,
        bank=(getattr(institution, "organization", "") or "").strip(),
        sort_code=f"{six[:2]}-{six[2:4]}-{six[4:]}" if six else "",
        last_four=digits[-4:] if len(digits) >= 4 else "",
    )


def _row(name: str, line: int, txn) -> ParsedRow:
    where = f"{name}, line {line}"
    if txn.date is None:
        raise StatementFileError(f"{where}: a transaction with no date (DTPOSTED)")
    on = txn.date.date()
    if not date_in_range(on):
        raise StatementFileError(f"{where}: the date {on.isoformat()} is {DATE_RANGE_TEXT}")
    raw = str(txn.amount)
    try:
        amount = parse_money(raw)
    except ValueError as exc:
        why = " (more than two decimal places)" if "decimal places" in str(exc) else ""
        raise StatementFileError(
            f"{where}, TRNAMT: {quote(raw, 40)} is not an amount of money{why}"
        ) from None
    if amount is None:
        raise StatementFileError(f"{where}, TRNAMT: no amount")
    kind = (txn.type or "").upper()
    return ParsedRow(
        line=line,
        on=on,
        description=join_description([txn.payee or "", txn.memo or ""]),
        amount=amount,
        balance=None,
        type_code=TRNTYPE_CODES.get(kind, kind),
    )


def _day(value) -> date | None:
    return value.date() if isinstance(value, datetime) else None


def _decode(data: bytes, name: str) -> str:
    """The file as text, in the encoding it declares (else UTF-8, else Windows-1252), with the
    SGML header rewritten to say ASCII (the text handed to ofxparse is ASCII)."""
    data = data.removeprefix(codecs.BOM_UTF8)
    head = data[:4096]
    declared = []
    if xml := re.search(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9_.-]+)", head, re.I):
        declared.append(xml.group(1).decode("ascii"))
    elif enc := re.search(rb"^\s*ENCODING\s*:\s*(\S+)", head, re.I | re.M):
        if enc.group(1).upper() in (b"UTF-8", b"UNICODE"):
            declared.append("utf-8")
        elif charset := re.search(rb"^\s*CHARSET\s*:\s*(\S+)", head, re.I | re.M):
            value = charset.group(1).decode("ascii", "replace").upper()
            declared.append(_CHARSETS.get(value, f"cp{value}"))
    text = None
    # UTF-8 first, whatever the header says: banks that write UTF-8 often leave the header at
    # CHARSET:1252, and Windows-1252 text with accents is almost never valid UTF-8.
    for encoding in ("utf-8", *declared, "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None:
        bad = next(i for i, b in enumerate(data) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D))
        line = data.count(b"\n", 0, bad) + 1
        raise StatementFileError(
            f"{name}, line {line}: byte {bad} is not text in "
            "UTF-8 or Windows-1252, so the file cannot be read"
        )
    first_tag = text.find("<")
    header, body = (text[:first_tag], text[first_tag:]) if first_tag >= 0 else (text, "")
    header = re.sub(r"(?im)^(\s*ENCODING\s*:).*$", r"\1USASCII", header)
    header = re.sub(r"(?im)^(\s*CHARSET\s*:).*$", r"\g<1>1252", header)
    return header + body


def _ascii(text: str) -> bytes:
    return text.encode("ascii", "xmlcharrefreplace")


def _reason(exc: Exception) -> str:
    """ofxparse's own complaint ("Invalid Transaction Amount: ..."), or a plain sentence for an
    error from inside the parser, which would mean nothing to the reader."""
    from ofxparse.ofxparse import OfxParserException

    lines = str(exc).strip().splitlines()
    if isinstance(exc, OfxParserException) and lines:
        return clip(" ".join(lines[0].split()), 80)
    return "its tags are not laid out as OFX"


@lru_cache(maxsize=1)
def _parser():
    """ofxparse's parser, keeping the bank's calendar day instead of moving it to UTC (built on
    first use: ofxparse imports bs4, which is slow to load)."""
    from ofxparse import OfxParser

    class LocalDateParser(OfxParser):
        @classmethod
        def parseOfxDateTime(cls, ofxDateTime):  # ofxparse's names
            digits = ofxDateTime.strip()[:8]
            if digits == "00000000":
                return None
            return datetime.strptime(digits, "%Y%m%d")

    return LocalDateParser
