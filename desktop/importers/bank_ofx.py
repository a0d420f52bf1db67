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
- Speed: the transactions are read here in one pass, each by ofxparse's own parseTransaction,
  and ofxparse reads only the rest of the file (see "reading the tags" below): a 40,000-line
  file reads in about a second instead of minutes, with the same result.

The account: the last four digits of ACCTID; BANKID as the sort code when it is six digits (UK
banks put the sort code there), or the first six digits of a 14-digit ACCTID that is sort code
and account number together. The bank: the FI ORG tag, when there is one. The period: DTSTART to
DTEND where the file gives them (widened to take in every transaction), else the first to the
last transaction. OFX gives no running balance per line, so `balance` is None.
"""

from __future__ import annotations

import codecs
import html
import io
import re
import warnings
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from desktop.importers.parsed_statement import (
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
    if not re.search(r"<OFX[\s>]", text, re.I):
        raise StatementFileError(f"{name}: no <OFX> section, so this is not an OFX file")
    try:
        ofx, lines = _parse(text)
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


# ---- reading the tags ------------------------------------------------------------------------
# ofxparse first closes every SGML element that has no end tag, then reads the whole file with
# BeautifulSoup. Both cost far too much on a large file: the closing looks each tag up in a list
# of every end tag in the file (quadratic: a 5 MB, 40,000-line file took minutes), and
# BeautifulSoup takes about 0.3 ms a transaction. So the transactions are read here, straight
# from the text in one pass, each by ofxparse's own parseTransaction (the same checks, the same
# messages), and ofxparse reads only what is left (the account, the currency, the dates, the
# bank), which is small. A file laid out in a way this quick reading is not sure to read as
# BeautifulSoup would (a tag inside a field, a "<" or an unusual "&" in the text, an unclosed
# or nested <STMTTRN>) is read by ofxparse whole, as before, its elements closed here first in
# one pass with a set (the same text as ofxparse's own closing gives).

_TAG_NAME = r"[a-z0-9_.]+"
_TAG = re.compile(rf"</?{_TAG_NAME}>", re.IGNORECASE)
_START_NAME = re.compile(rf"<({_TAG_NAME})>", re.IGNORECASE)
_END_NAME = re.compile(rf"</({_TAG_NAME})>", re.IGNORECASE)
_STATEMENT_TAG = re.compile(r"<(/?)(?:STMTRS|CCSTMTRS)>", re.IGNORECASE)
_TRANSACTION = re.compile(r"<STMTTRN>(.*?)</STMTTRN>([^<]*)", re.IGNORECASE | re.DOTALL)
#: A start tag in a transaction, its text up to the next "<", and the end tag there if one is.
_FIELD = re.compile(rf"<({_TAG_NAME})>([^<]*)(?:</({_TAG_NAME})>)?", re.IGNORECASE)
#: Character references BeautifulSoup and html.unescape read alike.
_PLAIN_REFERENCE = re.compile(r"&(?:#[0-9]{1,6};|#[xX][0-9a-fA-F]{1,5};|(?:amp|lt|gt|quot|apos);)")
#: The fields ofxparse's parseTransaction reads.
_FIELDS = frozenset(
    ("trntype", "name", "memo", "trnamt", "dtposted", "dtuser", "fitid", "sic", "checknum")
)


class _Unsure(Exception):
    """The quick reading is not sure it reads the file as BeautifulSoup would."""


class _Field:
    """A field as parseTransaction sees a BeautifulSoup tag: `contents`, its text or []."""

    __slots__ = ("contents",)

    def __init__(self, contents: list[str]):
        self.contents = contents


class _Transaction:
    """A <STMTTRN> as parseTransaction sees it: `find(name)`, the first field of that name."""

    __slots__ = ("fields",)

    def __init__(self, fields: dict[str, _Field]):
        self.fields = fields

    def find(self, name: str) -> _Field | None:
        return self.fields.get(name)


def _end_names(text: str) -> set[str]:
    return {name.upper() for name in _END_NAME.findall(text)}


def _close_tags(text: str) -> str:
    """ofxparse's closing of SGML elements (OfxPreprocessedFile), in one pass: a start tag whose
    name is never an end tag in the file gets an end tag before the next tag."""
    ends = _end_names(text)
    pieces = _TAG.split(text)
    tags = _TAG.findall(text)
    out = [pieces[0]]
    last = len(tags) - 1
    for i, (tag, after) in enumerate(zip(tags, pieces[1:], strict=True)):
        out.append(tag)
        out.append(after)
        if i < last and tag[1] != "/" and tag[1:-1].upper() not in ends:
            out.append(f"</{tag[1:-1]}>")  # before the next tag
    return "".join(out)


def _field_text(text: str) -> str:
    if "&" not in text:
        return text
    if "&" in _PLAIN_REFERENCE.sub("", text):
        raise _Unsure  # a bare "&" or a named reference: BeautifulSoup's own rules
    return _PLAIN_REFERENCE.sub(_reference, text)


def _reference(match: re.Match) -> str:
    text = match.group()
    if text.startswith("&#"):
        number = int(text[3:-1], 16) if text[2] in "xX" else int(text[2:-1])
        if not (32 <= number < 0x7F or 0xA0 <= number < 0xD800 or 0xE000 <= number <= 0xFFFD):
            raise _Unsure  # a control character, a surrogate: BeautifulSoup's own rules
    return html.unescape(text)


def _transaction(body: str, ends: set[str]) -> _Transaction:
    """The fields of one <STMTTRN> element, as BeautifulSoup reads them once ofxparse has
    closed the elements that have no end tag in the file (`ends`)."""
    if "<" in _TAG.sub("", body):
        raise _Unsure  # a comment, CDATA, a tag with attributes, a "<" in the text
    found = _FIELD.findall(body)
    starts = {name.upper() for name, _, _ in found}
    if (
        starts & {"STMTRS", "CCSTMTRS"}
        or not {n.upper() for n in _END_NAME.findall(body)} <= starts
    ):
        raise _Unsure  # an end tag of something the transaction is inside
    fields: dict[str, _Field] = {}
    for name, text, end in found:
        name = name.lower()
        if name in fields:
            continue  # BeautifulSoup's find gives the first
        if text:
            fields[name] = _Field([_field_text(text)])
        elif name.upper() not in ends or end.lower() == name:
            fields[name] = _Field([])  # nothing in it (ofxparse closes it, or the file does)
        elif name in _FIELDS:
            raise _Unsure  # a tag inside where parseTransaction expects text, or a stray end
    return _Transaction(fields)


def _transactions(text: str) -> tuple[str, list[_Transaction], list[int]]:
    """(the text without the <STMTTRN> elements of bank and card statements, those
    transactions, the line of each one's <STMTTRN>). Raises _Unsure for a layout BeautifulSoup
    may read differently: ofxparse then reads the file whole."""
    ends = _end_names(text)
    if "STMTTRN" not in ends:
        raise _Unsure
    spans: list[tuple[int, int]] = []  # where <STMTRS> / <CCSTMTRS> elements are
    depth, opened = 0, 0
    for match in _STATEMENT_TAG.finditer(text):
        if not match.group(1):
            if depth == 0:
                opened = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((opened, match.end()))
    if depth:
        spans.append((opened, len(text)))
    pieces: list[str] = []
    found: list[_Transaction] = []
    lines: list[int] = []
    done = 0  # the text before this offset is in pieces
    line, counted = 1, 0  # the line at offset `counted`
    span = 0
    for match in _TRANSACTION.finditer(text):
        start = match.start()
        while span < len(spans) and spans[span][1] <= start:
            span += 1
        if span == len(spans) or spans[span][0] > start:
            continue  # not in a statement: ofxparse does not read it either
        body, after = match.group(1), match.group(2)
        if "<stmttrn>" in body.lower():
            raise _Unsure  # nested, or one left open
        if after.strip():
            raise _Unsure  # text between transactions would join the element before
        line += text.count("\n", counted, start)
        counted = start
        lines.append(line)
        found.append(_transaction(body, ends))
        pieces.append(text[done:start])
        done = match.end()  # with the spacing after it
    if len(lines) + _outside(text, spans) != len(re.findall("<STMTTRN>", text, re.IGNORECASE)):
        raise _Unsure  # a <STMTTRN> with no end
    pieces.append(text[done:])
    left = "".join(pieces)
    # ofxparse closes the elements of what is left by the end tags left in it: an element
    # whose only end tags were in the transactions would be read differently.
    gone = ends - _end_names(left)
    if gone and any(name.upper() in gone for name in _START_NAME.findall(left)):
        raise _Unsure
    return left, found, lines


def _outside(text: str, spans: list[tuple[int, int]]) -> int:
    """How many <STMTTRN> start tags are outside every statement."""
    count = 0
    span = 0
    for match in re.finditer("<STMTTRN>", text, re.IGNORECASE):
        while span < len(spans) and spans[span][1] <= match.start():
            span += 1
        if span == len(spans) or spans[span][0] > match.start():
            count += 1
    return count


def _parse(text: str):
    """(ofxparse's Ofx for `text`, the line of each transaction's <STMTTRN>). Raises what
    ofxparse raises."""
    parser = _parser()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bs4's "XML parsed as HTML" note on OFX 2 files
        try:
            rest, found, lines = _transactions(text)
        except _Unsure:
            return _parse_whole(text, parser)
        ofx = parser.parse(io.BytesIO(_ascii(rest)))
        transactions = [parser.parseTransaction(t) for t in found]
    accounts = [a for a in getattr(ofx, "accounts", []) if a.statement is not None]
    if len(accounts) == 1:
        accounts[0].statement.transactions = transactions
    return ofx, lines


def _parse_whole(text: str, parser):
    """ofxparse alone on the whole file, its elements closed here first (in one pass)."""
    lines = []
    line, counted = 1, 0
    for match in re.finditer("<STMTTRN>", text, re.IGNORECASE):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        lines.append(line)
    return parser.parse(io.BytesIO(_ascii(_close_tags(text)))), lines


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
            if len(digits) == 8 and digits.isascii() and digits.isdigit():
                try:  # what strptime reads eight digits as, in a tenth of the time
                    return datetime(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
                except ValueError:
                    pass  # strptime says why
            return datetime.strptime(digits, "%Y%m%d")

    return LocalDateParser
