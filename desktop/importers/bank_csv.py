"""Bank statement files -> `ParsedStatement`: CSV downloads, Santander's .txt, and (through
`desktop.importers.bank_ofx`) OFX/QFX.

Reading a CSV file:

- Encoding: UTF-8 (with or without a byte-order mark) first, then Windows-1252 (Nationwide's
  downloads; the pound sign is byte 0xA3). UTF-16 with a byte-order mark (Excel's "Unicode text")
  is read too. Anything else stops with the byte and line that is not text.
- The header is the first row that is a known layout's header (`detect_format`), or the row that
  holds the columns the user chose (`ColumnMap`, read from the line the column chooser started
  at: `from_line`). A layout with no header row (HSBC) is matched by the shape of its first
  line. Commas, tabs or semicolons may separate the cells.
- For the column chooser, `sniff_csv` guesses the header from the first SNIFF_ROWS rows: the
  first row of the commonest width, unless it holds a date in any of the formats the chooser
  offers (COMMON_DATE_FORMATS: "12 Jun 25" too, and a date with its time such as
  "2026-06-03 10:44:18" or "03/06/2026 10:44"), when the file has no header row and that row,
  and any dated rows just before it, are transactions. `with_header` reads the same lines the
  other way when the adviser says so.
- A cell that runs on over the next lines (a quote mark never closed, which would swallow the
  lines after it) stops the import, naming its line and column.
- Lines that are skipped deliberately, never errors:
    * blank lines;
    * lines above the header (Nationwide's "Account Name:" / "Account Balance:" lines): read only
      for the account's sort code and last four digits;
    * the header row repeated further down;
    * summary lines: a line with a cell that starts "Opening balance", "Closing balance",
      "Balance brought forward", "Brought forward", "Carried forward", "Arranged overdraft limit",
      "Total" or "End of statement" and that has no date, or no amount, where a transaction has
      them (Nationwide midata ends with "Arranged Overdraft Limit","20/08/2025","£100.00").
  Every other line is a transaction or stops the import: `read_csv` returns the whole statement
  or raises StatementFileError naming the file, the line (1-based, as an editor counts) and the
  column. Nothing is half-imported.
- Amounts: "£1,234.56", "-£12.00", "£-12.00", "+£5.00", "(12.00)", "12.00 CR" / "12.00 DR",
  a Unicode minus, "GBP" before or after. Money is Decimal to the penny: a value with more than
  two decimal places is refused unless the extra places are zeros ("12.500" is £12.50), since
  no bank moves fractions of a penny. Blank paid-in / paid-out cells count as 0; those columns
  are read as sizes (a "-12.00" under "Paid out" is still money out).
- Order: rows come back oldest first. A file whose first date is after its last is turned round;
  lines of one day are then kept in whichever order agrees with the running balance (the file's
  own order or its reverse). A file whose dates go back and forth is sorted by date (stable).

Only a regular file of at most MAX_STATEMENT_BYTES is read (`desktop.files.read_limited`):
a pipe, a device such as /dev/zero or a folder is refused with a message naming it, before
anything is read.

Reading a statement logs nothing and writes nothing (no temporary files): statements are
personal data.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from desktop.files import FileReadProblem, open_regular
from desktop.importers.bank_formats import (
    BankFormat,
    BankFormatError,
    ColumnMap,
    column_name,
    column_position,
    detect_format,
    format_to_toml,
    formats_dir,
    header_matches,
    load_format,
    load_formats,
    load_formats_reporting,
    normalise_header,
    save_user_format,
    user_formats_dir,
)
from desktop.importers.parsed_statement import (  # re-exported: the names callers know
    MAX_STATEMENT_BYTES,
    ParsedRow,
    ParsedStatement,
    StatementFileError,
    fingerprints,
    join_description,
    oldest_first,
    parse_money,
    read_statement_bytes,
)
from desktop.rules.history import DATE_RANGE_TEXT, clip, date_in_range, quote
from desktop.rules.statement_types import Txn

__all__ = [
    "COMMON_DATE_FORMATS",
    "MAX_STATEMENT_BYTES",
    "BankFormat",
    "BankFormatError",
    "ColumnMap",
    "CsvPreview",
    "ParsedRow",
    "ParsedStatement",
    "StatementFileError",
    "column_name",
    "detect_format",
    "fingerprints",
    "format_to_toml",
    "formats_dir",
    "join_description",
    "load_format",
    "load_formats",
    "load_formats_reporting",
    "oldest_first",
    "parse_date",
    "parse_money",
    "read_csv",
    "read_statement",
    "runs_on",
    "save_user_format",
    "sniff_csv",
    "to_txns",
    "user_formats_dir",
    "with_header",
]

#: Ways banks write dates: every one the column chooser offers, and the ones used to guess
#: which row is data (a row holding a date in any of them is not a header).
COMMON_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%m-%Y",
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d %b %y",
    "%d-%b-%y",
    # Date and time in one cell (Revolut's "2026-06-03 10:44:18"): the day is the date part.
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
)
#: The column chooser looks at the first lines only: sniffing a 250,000-line file reads this
#: many rows, not all of them.
SNIFF_ROWS = 400
#: Preview rows shown in the column chooser.
PREVIEW_ROWS = 20
#: A bank statement has a few columns: the column chooser refuses a file with more than this
#: (thousands of columns would take a minute to lay out, with the window frozen).
MAX_CHOOSER_COLUMNS = 200

#: How a summary line starts (see the module docstring): compared with casefolded cells.
SUMMARY_STARTS = (
    "opening balance",
    "closing balance",
    "balance brought forward",
    "balance carried forward",
    "brought forward",
    "carried forward",
    "arranged overdraft limit",
    "total",
    "end of statement",
)

#: A cell (cells joined by \x1f) that starts with one of SUMMARY_STARTS as whole words.
_SUMMARY = re.compile(
    "\x1f[^\\S\x1f]*'?[^\\S\x1f]*(?:"
    + "|".join(r"\s+".join(map(re.escape, p.split())) for p in SUMMARY_STARTS)
    + r")(?![^\W\d_])",
    re.IGNORECASE,
)
_SORT_CODE = re.compile(r"(?<!\d)(\d{2})-(\d{2})-(\d{2})(?!\d)")
_SORT_AND_NUMBER = re.compile(r"(?<!\d)(\d{6})[- ]?(\d{8})(?!\d)")
_LABEL = re.compile(r"\s*([A-Za-z][A-Za-z /()#]*?)\s*:(.*)\Z", re.DOTALL)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PERIOD = re.compile(r"from\s*:?\s*(\S+)\s+to\s+(\S+)", re.IGNORECASE)
#: The example in "expected like ..." messages: a time too, for date-and-time formats.
_EXAMPLE_MOMENT = datetime(2025, 6, 13, 10, 44, 18)
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
).split()
_MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: i for i, name in enumerate(_MONTH_NAMES, start=1)})
_MONTHS["sept"] = 9
_MONTH_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class CsvPreview:
    """What the column-mapping dialog shows before anything is imported."""

    encoding: str  # "utf-8", "utf-8-sig", "cp1252" or "utf-16"
    header: list[str]  # the header row, or "Column 1", "Column 2"... when there is none
    header_line: int  # 1-based line of the header; 0 when the file has no header row
    rows: list[list[str]]  # the first 20 data rows, as cells
    detected: BankFormat | None
    row_lines: list[int] = field(default_factory=list)  # the line each of `rows` starts on
    guessed_line: int = 0  # the line the guess took as the header (0: none), for the dialog
    above: tuple[int, list[str]] | None = None  # the filled line just above `rows` (a header?)

    @property
    def first_line(self) -> int:
        """The line `read_csv` starts from for columns chosen on this preview: the header's,
        else the first transaction's."""
        if self.header_line:
            return self.header_line
        return self.row_lines[0] if self.row_lines else 1


def with_header(preview: CsvPreview, has_header: bool) -> CsvPreview:
    """The preview read the other way: with no header row (every line shown is a transaction,
    columns named "Column 1", "Column 2"...), or with the first line shown as the header. Pure:
    from the lines already read. The layout detected goes: it was for the other reading."""
    if has_header == (preview.header_line > 0):
        return preview
    if not has_header:
        rows = [list(preview.header), *preview.rows][:PREVIEW_ROWS]
        lines = [preview.header_line, *preview.row_lines][:PREVIEW_ROWS]
        width = max((len(_trim(r)) for r in rows), default=1)
        header = [column_name(i) for i in range(1, max(width, 1) + 1)]
        return replace(preview, header=header, header_line=0, rows=rows, row_lines=lines,
                       detected=None)  # fmt: skip
    if preview.above is not None:  # the line above the transactions: the header, surely
        line, cells = preview.above
        return replace(preview, header=list(cells), header_line=line, detected=None)
    if not preview.rows:
        return preview
    return replace(
        preview,
        header=list(preview.rows[0]),
        header_line=preview.row_lines[0] if preview.row_lines else 1,
        rows=[list(r) for r in preview.rows[1:]],
        row_lines=list(preview.row_lines[1:]),
        detected=None,
    )


# --- public entry points ---------------------------------------------------------------------


def read_statement(path: Path, formats: Sequence[BankFormat] | None = None) -> ParsedStatement:
    """Any statement file, by its extension: .csv / .txt as CSV (or Santander's .txt layout),
    .ofx / .qfx as OFX. A .csv or .txt that is really OFX is read as OFX."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".ofx", ".qfx") or (suffix in (".csv", ".txt") and _looks_like_ofx(path)):
        from desktop.importers.bank_ofx import read_ofx  # bs4 is slow to import: only for OFX

        return read_ofx(path)
    if suffix in (".csv", ".txt"):
        return read_csv(path, formats=formats)
    kind = f"a {suffix} file" if suffix else "a file with no extension"
    raise StatementFileError(
        f"{clip(path.name)}: {kind} is not a statement this app can read. Download the "
        "statement from online banking as CSV, OFX or QFX; for a paper or PDF statement, "
        "type the lines in instead."
    )


def sniff_csv(path: Path, formats: Sequence[BankFormat] | None = None) -> CsvPreview:
    """The encoding, header, first rows and recognised layout of a CSV file, for the dialog.

    When no layout is recognised the header is a guess (the first row of the commonest width
    that holds no date), or "Column 1", "Column 2"... when the first such row is already data.
    Raises StatementFileError only for a file that cannot be read as text at all.
    """
    path = Path(path)
    formats = load_formats() if formats is None else formats
    table = _open_table(path, formats, guess=True)
    data = [r for r in table.rows[table.data_start :] if _filled(r.cells)][:PREVIEW_ROWS]
    above = None
    if table.fmt is None and not table.header_line and data:
        # No header row: the columns are as wide as the widest line shown.
        width = max(len(table.header), *(len(_trim(r.cells)) for r in data))
        table.header = [column_name(i) for i in range(1, width + 1)]
        before = [r for r in table.rows[: table.data_start] if _filled(r.cells)]
        above = (before[-1].line, list(before[-1].cells)) if before else None
    widest = max(
        [(len(table.header), table.header_line or 1)] + [(len(r.cells), r.line) for r in data],
        key=lambda width_line: width_line[0],
    )
    if widest[0] > MAX_CHOOSER_COLUMNS:
        raise StatementFileError(
            f"{clip(path.name)}, line {widest[1]}: {widest[0]:,} cells, where a bank statement "
            f"has a few (at most {MAX_CHOOSER_COLUMNS} can be chosen from): is this a statement?"
        )
    return CsvPreview(
        encoding=table.encoding,
        header=list(table.header),
        header_line=table.header_line,
        rows=[r.cells for r in data],
        detected=table.fmt if table.fmt is not None and table.fmt.key else None,
        row_lines=[r.line for r in data],
        guessed_line=table.header_line,
        above=above,
    )


def read_csv(
    path: Path,
    fmt: BankFormat | None = None,
    columns: ColumnMap | None = None,
    formats: Sequence[BankFormat] | None = None,
    *,
    from_line: int = 1,
) -> ParsedStatement:
    """The whole statement in a CSV file (or Santander's .txt), or StatementFileError.

    `columns` (the user's choice in the dialog) wins over `fmt`; with neither, the layout is
    detected from the header against `formats` (default: `load_formats()`), and a file whose
    columns are not recognised raises "columns not recognised: choose them". With `columns`,
    lines before `from_line` are not read as the header or as transactions (the dialog's
    `CsvPreview.first_line`: where the header is, or the first transaction when there is no
    header row).
    """
    path = Path(path)
    if columns is not None:
        problem = columns.problem()
        if problem:
            raise StatementFileError(f"{clip(path.name)}: {problem}")
        fmt = BankFormat(key="", name="your choice of columns", bank="", header=(), columns=columns)
        table = _open_table(path, (), custom=fmt, from_line=from_line)
    elif fmt is not None:
        table = _open_table(path, (), chosen=fmt)
    else:
        table = _open_table(path, load_formats() if formats is None else formats)
    return _parse_table(path.name, table)


def to_txns(statement: ParsedStatement, account_key: str) -> list[Txn]:
    """The statement's rows as `Txn`s of one account, keyed "<account_key>:<n>" (n from 1,
    oldest first)."""
    return [
        Txn(
            key=f"{account_key}:{i}",
            account=account_key,
            on=row.on,
            description=row.description,
            amount=row.amount,
            balance=row.balance,
            type_code=row.type_code.upper(),
        )
        for i, row in enumerate(statement.rows, start=1)
    ]


# --- reading the file ------------------------------------------------------------------------


@dataclass
class _Row:
    line: int  # physical line where the record starts
    cells: list[str]
    lines: list[int] | None = None  # per-cell lines (key_value layout)


@dataclass
class _Table:
    encoding: str
    rows: list[_Row]
    header: list[str]  # as displayed (original spelling, or "Column N")
    header_line: int  # 0 when there is no header row
    data_start: int  # index into rows where transactions may begin
    fmt: BankFormat | None
    preamble: list[_Row]
    stated_period: tuple[date, date] | None = None


def _read_text(path: Path) -> tuple[str, str]:
    name = clip(path.name)
    data = read_statement_bytes(path, name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise StatementFileError(
                f"{name}: byte {exc.start} is not UTF-16 text, so the file cannot be read"
            ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise StatementFileError(
            f"{name}, line {_line_at(data, nul)}: byte {nul} is not text, so this is "
            "not a CSV or text file (a spreadsheet or a PDF?). Download the statement as CSV."
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[len(codecs.BOM_UTF8) :]
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise StatementFileError(
            f"{name}, line {_line_at(data, exc.start)}: byte {exc.start} "
            f"(0x{data[exc.start]:02X}) is not text in UTF-8 or Windows-1252, so the file "
            "cannot be read as a statement"
        ) from None


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever splits the most of the first lines into the same
    number (more than one) of cells. Comma on a tie."""
    lines = [line for line in _LINE_BREAK.split(text[:20_000])[:60] if line.strip()]
    best, best_score = ",", 0
    for delimiter in (",", "\t", ";"):
        widths = Counter(len(next(csv.reader([line], delimiter=delimiter))) for line in lines)
        score = max((n for width, n in widths.items() if width > 1), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(text: str, delimiter: str, name: str, limit: int | None = None) -> list[_Row]:
    """The rows of the file (the first `limit` of them), each with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[_Row] = []
    start = 1
    try:
        for cells in reader:
            rows.append(_Row(start, cells))
            start = reader.line_num + 1
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error as exc:
        raise StatementFileError(
            f"{name}, line {start}: the line cannot be split into cells ({exc}; a quote mark "
            "that is never closed?)"
        ) from None
    return rows


def _key_value_rows(text: str, fmt: BankFormat) -> tuple[list[_Row], list[_Row]]:
    """(preamble lines, records) of a "Label: value" file such as Santander's .txt download.

    A record starts at the header's first label ("Date"); a blank line ends it. A line without
    a known label inside a record continues the previous value (a wrapped description).
    """
    labels = {normalise_header(h): i for i, h in enumerate(fmt.header)}
    first = normalise_header(fmt.header[0])
    preamble: list[_Row] = []
    records: list[_Row] = []
    current: _Row | None = None
    last = -1
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            current = None
            continue
        match = _LABEL.match(line)
        label = normalise_header(match.group(1)) if match else ""
        if match and label in labels:
            index = labels[label]
            if current is None or label == first:
                current = _Row(number, [""] * len(fmt.header), [number] * len(fmt.header))
                records.append(current)
            current.cells[index] = match.group(2).strip()
            assert current.lines is not None
            current.lines[index] = number
            last = index
        elif current is not None and last >= 0:
            current.cells[last] = f"{current.cells[last]} {line.strip()}".strip()
        else:
            preamble.append(_Row(number, [line.strip()]))
    return preamble, records


def _looks_key_value(text: str, fmt: BankFormat) -> bool:
    wanted = {normalise_header(h) for h in fmt.header}
    found = set()
    for line in _LINE_BREAK.split(text[:20_000])[:80]:
        match = _LABEL.match(line)
        if match:
            found.add(normalise_header(match.group(1)))
    return bool(wanted) and wanted <= found


def _looks_like_ofx(path: Path) -> bool:
    try:  # a regular file only: opening a pipe to peek at it would wait for ever
        fd = open_regular(path, "statement")
    except FileReadProblem:
        return False  # read_csv says why
    try:
        head = os.read(fd, 2048)
    except OSError:
        return False
    finally:
        os.close(fd)
    head = head.removeprefix(codecs.BOM_UTF8).lstrip().upper()
    return head.startswith(b"OFXHEADER") or (head.startswith(b"<?XML") and b"<?OFX" in head)


def _open_table(
    path: Path,
    formats: Sequence[BankFormat],
    *,
    chosen: BankFormat | None = None,
    custom: BankFormat | None = None,
    guess: bool = False,
    from_line: int = 1,
) -> _Table:
    name = clip(path.name)
    text, encoding = _read_text(path)

    kv = chosen if chosen is not None and chosen.layout == "key_value" else None
    if custom is not None:  # columns chosen on a "Label: value" file: the labels are the names
        labels = replace(custom, header=custom.columns.names(), layout="key_value")
        kv = labels if _looks_key_value(text, labels) else None
    elif chosen is None:
        kv = next(
            (f for f in formats if f.layout == "key_value" and _looks_key_value(text, f)), None
        )
    if kv is not None:
        preamble, records = _key_value_rows(text, kv)
        if not records:
            raise StatementFileError(
                f"{name}: no '{kv.header[0]}:' lines, so this is not a {kv.name} file"
            )
        return _Table(
            encoding,
            records,
            list(kv.header),
            0,
            0,
            kv,
            preamble,
            _stated_period(preamble, kv.columns.date_formats),
        )

    rows = _csv_rows(text, _delimiter(text), name, SNIFF_ROWS if guess else None)
    if custom is not None:
        start = next((i for i, r in enumerate(rows) if r.line >= from_line), len(rows))
        return _table_for(
            rows, encoding, custom, custom.columns.names(), name, by_names=True, start=start
        )
    if chosen is not None:
        return _table_for(rows, encoding, chosen, chosen.header, name, by_names=False)

    scan = [i for i, r in enumerate(rows) if _filled(r.cells)][:100]
    for i in scan:
        fmt = detect_format(rows[i].cells, formats)
        if fmt is not None:
            return _Table(encoding, rows, rows[i].cells, rows[i].line, i + 1, fmt, rows[:i])
    if scan:
        first = scan[0]
        fits = [
            (len(_trim(rows[first].cells)) == _width(fmt), _width(fmt), i, fmt)
            for i, fmt in enumerate(formats)
            if fmt.layout == "csv" and not fmt.header and _headerless_match(rows[first], fmt)
        ]
        if fits:  # the exact width first, then the most columns, then the later (user's) one
            return _headerless(rows, encoding, max(fits, key=lambda f: f[:3])[3], first)
    if guess:
        return _guessed(rows, encoding, scan)
    near = _nearest(rows, scan, formats)
    if near is not None:
        fmt, i = near
        detail = _missing_columns([rows[i]], fmt.header, fmt, name).split(": ", 1)[1]
        raise StatementFileError(
            f"{name}: columns not recognised: choose them. It looks like {fmt.name}, but has "
            f"{detail}"
        )
    shown = ", ".join(clip(c.strip(), 30) for c in rows[scan[0]].cells[:8]) if scan else ""
    raise StatementFileError(
        f"{name}: columns not recognised: choose them (first row: {shown})"
        if shown
        else f"{name}: columns not recognised: choose them"
    )


def _nearest(
    rows: list[_Row], scan: list[int], formats: Sequence[BankFormat]
) -> tuple[BankFormat, int] | None:
    """The layout (and row) most like a header, when a row has at least half of a layout's
    header columns and three or more of them: for a message naming the missing columns."""
    best: tuple[float, BankFormat, int] | None = None
    for i in scan:
        found = {normalise_header(c) for c in rows[i].cells}
        for fmt in formats:
            if fmt.layout != "csv" or not fmt.header:
                continue
            need = {normalise_header(h) for h in fmt.header}
            hits = len(need & found)
            share = hits / len(need)
            if hits >= 3 and share >= 0.5 and (best is None or share > best[0]):
                best = (share, fmt, i)
    return (best[1], best[2]) if best else None


def _table_for(
    rows: list[_Row],
    encoding: str,
    fmt: BankFormat,
    wanted: Sequence[str],
    name: str,
    *,
    by_names: bool,
    start: int = 0,
) -> _Table:
    """The table read with a given layout (`by_names`: the header is the row holding the
    mapped column names; else the row that is the layout's header), from row `start` on (and
    the layout's skip_rows)."""
    start = min(max(start, fmt.skip_rows), len(rows))
    positional = all(column_position(w) is not None for w in wanted)
    if wanted and not (positional and (by_names or not fmt.header)):
        need = {normalise_header(w) for w in wanted}
        for i in range(start, len(rows)):
            cells = rows[i].cells
            found = {normalise_header(c) for c in cells}
            if (need <= found) if by_names else header_matches(cells, fmt):
                return _Table(encoding, rows, cells, rows[i].line, i + 1, fmt, rows[:i])
        raise StatementFileError(_missing_columns(rows[start:], wanted, fmt, name))
    first = next((i for i in range(start, len(rows)) if _filled(rows[i].cells)), None)
    if first is None:
        raise StatementFileError(f"{name}: no transactions in the file")
    return _headerless(rows, encoding, fmt, first)


def _missing_columns(rows: list[_Row], wanted: Sequence[str], fmt: BankFormat, name: str) -> str:
    """ "lloyds.csv: no column 'Balance' (columns found: ...)" for the row most like a header."""
    mapped = [*fmt.columns.names(), *fmt.identity_columns()] if fmt.columns else list(wanted)
    need = [w for w in dict.fromkeys([*mapped, *wanted]) if column_position(w) is None]
    best: _Row | None = None
    best_hits = -1
    for row in rows[:100]:
        if not _filled(row.cells):
            continue
        found = {normalise_header(c) for c in row.cells}
        hits = sum(normalise_header(w) in found for w in need)
        if hits > best_hits:
            best, best_hits = row, hits
    if best is None:
        return f"{name}: no transactions in the file"
    found = {normalise_header(c) for c in best.cells}
    missing = [w for w in need if normalise_header(w) not in found]
    listed = ", ".join(clip(c.strip(), 30) for c in best.cells if c.strip())
    if not missing:  # every mapped column is there, but not the whole header of the layout
        return (
            f"{name}: the header does not match {fmt.name} (columns found: {listed}); "
            "choose the columns instead"
        )
    what = (
        f"no column {missing[0]!r}"
        if len(missing) == 1
        else "no columns " + ", ".join(repr(m) for m in missing)
    )
    return f"{name}: {what} (columns found: {listed})"


def _headerless(rows: list[_Row], encoding: str, fmt: BankFormat, first: int) -> _Table:
    width = max(
        len(_trim(rows[first].cells)),
        *(column_position(n) or 0 for n in fmt.columns.names()),
    )
    header = [column_name(i) for i in range(1, width + 1)]
    return _Table(encoding, rows, header, 0, first, fmt, rows[:first])


def _width(fmt: BankFormat) -> int:
    """How many columns a header-less layout reads (its highest "Column N")."""
    return max(column_position(n) or 0 for n in fmt.columns.names())


def _headerless_match(row: _Row, fmt: BankFormat) -> bool:
    """A header-less layout fits a first line with at least its columns whose date and amount
    cells read as a date and an amount."""
    cols = fmt.columns
    cells = _trim(row.cells)
    if len(cells) < _width(fmt):
        return False

    def cell(column: str | None) -> str:
        pos = column_position(column or "") or 0
        return cells[pos - 1] if 0 < pos <= len(cells) else ""

    if parse_date(cell(cols.date), cols.date_formats) is None:
        return False
    try:
        money = [parse_money(cell(c)) for c in (cols.amount, cols.paid_in, cols.paid_out) if c]
    except ValueError:
        return False
    return any(m is not None for m in money)


def _guessed(rows: list[_Row], encoding: str, scan: list[int]) -> _Table:
    """No layout recognised: the first row of the commonest width (over one cell) is the
    header, unless it already holds a date (then the file has no header row)."""
    widths = Counter(len(_trim(rows[i].cells)) for i in scan)
    common = max((w for w in widths if w > 1), key=lambda w: (widths[w], -w), default=None)
    if common is None:
        if not scan:
            return _Table(encoding, rows, [], 0, len(rows), None, rows)
        first = scan[0]
        return _Table(encoding, rows, [column_name(1)], 0, first, None, rows[:first])
    first = next(i for i in scan if len(_trim(rows[i].cells)) == common)
    cells = rows[first].cells
    if _holds_a_date(cells):
        # No header row. Lines of another width just before it that hold a date are
        # transactions too (a line with its balance cell left blank), not lines to skip.
        while (at := scan.index(first)) > 0 and _holds_a_date(rows[scan[at - 1]].cells):
            first = scan[at - 1]
        header = [column_name(i) for i in range(1, common + 1)]
        return _Table(encoding, rows, header, 0, first, None, rows[:first])
    return _Table(encoding, rows, cells, rows[first].line, first + 1, None, rows[:first])


def _holds_a_date(cells: list[str]) -> bool:
    return any(parse_date(c, COMMON_DATE_FORMATS) is not None for c in cells)


# --- turning rows into a statement -----------------------------------------------------------


def _parse_table(name: str, table: _Table) -> ParsedStatement:
    name = clip(name)
    fmt = table.fmt
    assert fmt is not None
    cols = fmt.columns
    has_header = table.header_line > 0
    key_value = fmt.layout == "key_value"
    index: dict[str, int] = {}
    for i, heading in enumerate(table.header):
        index.setdefault(normalise_header(heading), i)  # the first of two same-named columns
    display = {k: table.header[i].strip().removeprefix("'").strip() for k, i in index.items()}
    absent = [
        c for c in (*cols.names(), *fmt.identity_columns()) if normalise_header(c) not in index
    ]
    if absent:
        listed = ", ".join(clip(c.strip(), 30) for c in table.header if c.strip())
        raise StatementFileError(f"{name}: no column {absent[0]!r} (columns found: {listed})")
    width = len(_trim(table.header))
    header_norm = [normalise_header(c) for c in _trim(table.header)]
    amount_columns = [c for c in (cols.amount, cols.paid_in, cols.paid_out) if c]
    type_in_description = cols.type_code is not None and normalise_header(cols.type_code) in {
        normalise_header(d) for d in cols.description
    }
    codes = sorted(fmt.type_codes, key=lambda pair: -len(pair[0]))
    pos = {c: index[normalise_header(c)] for c in (*cols.names(), *fmt.identity_columns())}
    shown = {c: display[normalise_header(c)] for c in pos}
    first_header = header_norm[0] if header_norm else None
    dates: dict[str, date | None] = {}

    parsed: list[ParsedRow] = []
    identities: dict[str, set[str]] = {"account": set(), "sort": set()}
    for row in table.rows[table.data_start :]:
        cells = row.cells
        if not _filled(cells):
            continue
        if (
            has_header
            and normalise_header(cells[0]) == first_header
            and [normalise_header(c) for c in _trim(cells)] == header_norm
        ):
            continue  # the header again

        def where(column: str, row: _Row = row) -> tuple[int, str]:
            line = row.lines[pos[column]] if row.lines else row.line
            return line, shown[column]

        def cell(column: str | None, cells: list[str] = cells) -> str:
            if not column:
                return ""
            i = pos[column]
            return cells[i].strip().removeprefix("'").strip() if i < len(cells) else ""

        if _is_summary(cells, cell(cols.date), cols, amount_columns, cell):
            continue
        if not key_value:
            _check_run_on(name, row, table)  # first: it is why the cells are too few
            _check_width(name, row, width, table)

        for needed_column, values in fmt.only_when:
            value = " ".join(cell(needed_column).split())
            if value.upper() not in {v.upper() for v in values}:
                line, column = where(needed_column)
                raise StatementFileError(
                    f"{name}, line {line}, column {column!r}: {quote(value, 20)} is not "
                    f"{' or '.join(values)}: this line is not money that moved yet. Download "
                    "the statement again once it has completed (nothing was imported)"
                )

        date_text = cell(cols.date)
        line, column = where(cols.date)
        if not date_text:
            raise StatementFileError(f"{name}, line {line}, column {column!r}: no date")
        if date_text not in dates:
            dates[date_text] = parse_date(date_text, cols.date_formats)
        on = dates[date_text]
        if on is None:
            raise StatementFileError(
                f"{name}, line {line}, column {column!r}: {quote(date_text, 40)} is not a date "
                f"(expected like {_example(cols.date_formats)})"
            )
        if not date_in_range(on):
            raise StatementFileError(
                f"{name}, line {line}, column {column!r}: the date {on.isoformat()} is "
                f"{DATE_RANGE_TEXT}"
            )

        amount = _amount(name, cols, cell, where)
        balance = None
        if cols.balance:
            balance = _money(name, cell(cols.balance), *where(cols.balance))
        if cols.negate:
            amount = -amount
            balance = None if balance is None else -balance
        raw_type = " ".join(cell(cols.type_code).split())
        parsed.append(
            ParsedRow(
                line=row.line,
                on=on,
                description=join_description([cell(c) for c in cols.description]),
                amount=amount,
                balance=balance,
                type_code=_type_code(raw_type, codes, type_in_description),
            )
        )
        if fmt.account_number_column and cell(fmt.account_number_column):
            identities["account"].add(cell(fmt.account_number_column))
        if fmt.sort_code_column and cell(fmt.sort_code_column):
            identities["sort"].add(cell(fmt.sort_code_column))

    if not parsed:
        below = f" under the header on line {table.header_line}" if has_header else ""
        raise StatementFileError(f"{name}: no transactions found{below}")

    sort_code, last_four = _preamble_hints(table.preamble)
    accounts = {_account_hint(a) for a in identities["account"]}
    if len({last for _, last in accounts if last}) > 1:
        endings = ", ".join(sorted(f"••{last}" for _, last in accounts if last))
        raise StatementFileError(
            f"{name}: the file has lines for more than one account ({endings}); download each "
            "account's statement on its own"
        )
    for code, last in accounts:
        sort_code, last_four = code or sort_code, last or last_four
    for text in identities["sort"]:
        code, _ = _account_hint(text)
        if not code and len(digits := re.sub(r"\D", "", text)) == 6:
            code = f"{digits[:2]}-{digits[2:4]}-{digits[4:]}"
        sort_code = code or sort_code

    rows = oldest_first(parsed)
    period = (rows[0].on, rows[-1].on)
    if table.stated_period is not None:
        period = (min(period[0], table.stated_period[0]), max(period[1], table.stated_period[1]))
    return ParsedStatement(
        source=name,
        rows=tuple(rows),
        period=period,
        format_key=fmt.key or None,
        bank=fmt.bank,
        sort_code=sort_code,
        last_four=last_four,
    )


def _check_width(name: str, row: _Row, width: int, table: _Table) -> None:
    cells = row.cells
    trimmed = _trim(cells)
    header_at = f"the header (line {table.header_line})" if table.header_line else "the first line"
    if len(trimmed) > width:
        after = table.header[width - 1].strip() if width else ""
        raise StatementFileError(
            f"{name}, line {row.line}: {len(trimmed)} cells where {header_at} has {width} "
            f"(an extra cell after column {after!r}: a comma in a description without quote "
            "marks round it?)"
        )
    if len(cells) < width:
        missing = table.header[len(cells)].strip().removeprefix("'").strip()
        raise StatementFileError(
            f"{name}, line {row.line}: {len(cells)} cells where {header_at} has {width} "
            f"(nothing under column {missing!r})"
        )


def runs_on(cell: str) -> bool:
    """A cell that holds a line break and, after it, what looks like the next line of the file
    (a date, then a separator): a quote mark that was never closed has swallowed lines, which
    would otherwise be lost inside one description."""
    if "\n" not in cell and "\r" not in cell:
        return False
    for rest in _LINE_BREAK.split(cell)[1:]:
        head = re.split(r"[,;\t]", rest, maxsplit=1)
        if len(head) == 2 and parse_date(head[0].strip('"'), COMMON_DATE_FORMATS) is not None:
            return True
    return False


def _check_run_on(name: str, row: _Row, table: _Table) -> None:
    for i, cell in enumerate(row.cells):
        if runs_on(cell):
            column = table.header[i].strip() if i < len(table.header) else ""
            raise StatementFileError(
                f"{name}, line {row.line}, column {column or column_name(i + 1)!r}: a quote "
                "mark is never closed, so the lines after it run into this cell"
            )


def _is_summary(cells, date_text, cols: ColumnMap, amount_columns, cell) -> bool:
    if not _SUMMARY.search("\x1f" + "\x1f".join(cells)):
        return False
    if parse_date(date_text, cols.date_formats) is None:
        return True
    return not any(cell(c) for c in amount_columns)


def _amount(name: str, cols: ColumnMap, cell: Callable, where: Callable) -> Decimal:
    if cols.amount:
        text = cell(cols.amount)
        line, column = where(cols.amount)
        if not text:
            raise StatementFileError(f"{name}, line {line}, column {column!r}: no amount")
        value = _money(name, text, line, column)
        assert value is not None
        return value
    paid_in = _money(name, cell(cols.paid_in), *where(cols.paid_in)) if cols.paid_in else None
    paid_out = _money(name, cell(cols.paid_out), *where(cols.paid_out)) if cols.paid_out else None
    if paid_in and paid_out:
        line, _ = where(cols.paid_in)
        raise StatementFileError(
            f"{name}, line {line}: both {where(cols.paid_in)[1]!r} and "
            f"{where(cols.paid_out)[1]!r} have an amount; a line is money in or money out"
        )
    return abs(paid_in or Decimal("0.00")) - abs(paid_out or Decimal("0.00"))


def _money(name: str, text: str, line: int, column: str) -> Decimal | None:
    try:
        return parse_money(text)
    except ValueError as exc:
        why = " (more than two decimal places)" if "decimal places" in str(exc) else ""
        raise StatementFileError(
            f"{name}, line {line}, column {column!r}: {quote(text, 40)} is not an amount of "
            f"money{why}"
        ) from None


def parse_date(text: str, formats: Sequence[str]) -> date | None:
    """The date in a cell, in the first of `formats` (`strptime` codes) that reads it; None.

    A format may hold a time as well ("%Y-%m-%d %H:%M:%S" reads "2026-06-03 10:44:18", and
    "2026-06-03 6:11:59" too): the day is the date part, whatever the time.

    English month names ("Jun", "June", "Sept") are read whatever the computer's language:
    %b and %B are not left to `strptime`, which follows the locale (Qt sets it from the
    system, and a Welsh or Polish desktop would not read "13 Jun 2025" otherwise).
    """
    text = " ".join(text.strip().removeprefix("'").split())
    if not text:
        return None
    numeric = None
    for code in formats:
        candidate = text
        if "%b" in code or "%B" in code:
            if numeric is None:
                numeric = _MONTH_WORD.sub(_month_number, text)
            candidate, code = numeric, code.replace("%B", "%m").replace("%b", "%m")
        try:
            return datetime.strptime(candidate, code).date()
        except ValueError:
            continue
    return None


def _month_number(match: re.Match) -> str:
    number = _MONTHS.get(match.group().casefold())
    return f"{number:02d}" if number else match.group()


def _example(formats: Sequence[str]) -> str:
    june = _MONTH_NAMES[5].capitalize()
    examples = list(
        dict.fromkeys(
            _EXAMPLE_MOMENT.strftime(f.replace("%B", june).replace("%b", june[:3])) for f in formats
        )
    )
    return " or ".join(examples[:3])


def _type_code(raw: str, codes: Sequence[tuple[str, str]], in_description: bool) -> str:
    low = raw.casefold()
    for wording, code in codes:
        if low.startswith(wording.casefold()):
            return code.upper()
    return "" if in_description else raw.upper()


def _account_hint(text: str) -> tuple[str, str]:
    """(sort code, last four digits) found in an account cell or preamble line."""
    text = text.replace("'", "")
    sort_code = ""
    rest = text
    if match := _SORT_CODE.search(text):
        sort_code = "-".join(match.groups())
        rest = text[: match.start()] + " " + text[match.end() :]
    elif match := _SORT_AND_NUMBER.search(text):
        six = match.group(1)
        sort_code = f"{six[:2]}-{six[2:4]}-{six[4:]}"
        rest = match.group(2)
    runs = [run for run in re.findall(r"\d+", rest) if len(run) >= 4]
    return sort_code, runs[-1][-4:] if runs else ""


def _preamble_hints(preamble: list[_Row]) -> tuple[str, str]:
    sort_code = last_four = ""
    for row in preamble:
        label = row.cells[0].casefold() if row.cells else ""
        if "balance" in label or "limit" in label:
            continue
        if "account" in label or "sort code" in label:
            code, last = _account_hint(" ".join(row.cells))
            sort_code, last_four = sort_code or code, last_four or last
    return sort_code, last_four


def _stated_period(preamble: list[_Row], formats: Sequence[str]) -> tuple[date, date] | None:
    for row in preamble:
        if match := _PERIOD.search(" ".join(row.cells)):
            start = parse_date(match.group(1), formats)
            end = parse_date(match.group(2), formats)
            if start and end and start <= end:
                return start, end
    return None


def _trim(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _filled(cells: list[str]) -> bool:
    return any(c.strip() for c in cells)
