"""Bank statement layouts: which column of a bank's CSV download holds what.

Each layout is a TOML file in `resources/bank_formats/` (one per bank layout, named by its key),
and the user can save more (a custom column mapping chosen in the dialog) in a folder of their
own. A file looks like this:

    key = "lloyds"                       # the file stem
    name = "Lloyds current account CSV"
    bank = "Lloyds"
    header = ["Transaction Date", "Transaction Type", ...]   # [] when the file has no header row
    skip_rows = 0                        # optional: lines before the header
    source = "where the layout is documented"
    verified = true                      # false where no public description was found
    note = "what to check"               # optional
    layout = "csv"                       # optional: "csv" or "key_value" (Santander's .txt)

    [columns]
    date = "Transaction Date"
    description = ["Transaction Description"]      # joined when there are several
    paid_in = "Credit Amount"                      # or: amount = "Amount" (signed)
    paid_out = "Debit Amount"
    balance = "Balance"                            # optional
    type_code = "Transaction Type"                 # optional
    date_formats = ["%d/%m/%Y"]
    negate = false                                 # true where money out is positive
    account_number = "Account Number"              # optional: gives the last four digits
    sort_code = "Sort Code"                        # optional

    [type_codes]                                   # optional: bank wording -> standard code
    "Direct debit" = "DD"                          # matched at the start, any case

A file without a header row names its columns "Column 1", "Column 2", ... (see `column_name`).
This module reads and writes these files; `desktop.importers.bank_csv` reads statements with them.

The user's saved layouts live in the data folder's `bank_formats/` (`user_formats_dir`), made
owner-only (0700, files 0600) whatever the umask. A saved layout holds column names, roles and
date formats, never a line of a statement. Each layout file is read only if it is a regular file
of at most MAX_LAYOUT_BYTES (a pipe there would otherwise freeze the window); one that cannot be
used is left out with a warning naming it (`load_formats_reporting`), and the others still work.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.files import FileReadProblem, read_limited
from desktop.store.paths import make_private, open_private, private_dir

LAYOUTS = ("csv", "key_value")
#: A layout file is a kilobyte or two; anything much bigger is not one.
MAX_LAYOUT_BYTES = 256 * 1024
#: The folder of the user's saved layouts, inside the data folder.
USER_FORMATS_FOLDER = "bank_formats"

_TOP_KEYS = {
    "key",
    "name",
    "bank",
    "header",
    "skip_rows",
    "source",
    "verified",
    "note",
    "layout",
    "columns",
    "type_codes",
    "only_when",
}
_COLUMN_KEYS = {
    "date",
    "description",
    "amount",
    "paid_in",
    "paid_out",
    "balance",
    "type_code",
    "date_formats",
    "negate",
    "account_number",
    "sort_code",
}
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\Z")
_POSITIONAL = re.compile(r"column (\d{1,3})\Z")


class BankFormatError(ValueError):
    """A bank format file that cannot be used; the message names the file and the field."""


def formats_dir() -> Path:
    """The packaged bank layouts: an installed content update pack's `bank_formats` when one
    is in use (desktop.content), else `resources/bank_formats`, beside `resources/rules`."""
    from desktop.content import content_folder

    return content_folder("bank_formats")


def user_formats_dir(data_folder: Path | str) -> Path:
    """Where the user's saved layouts are kept: `bank_formats/` in the data folder."""
    return Path(data_folder) / USER_FORMATS_FOLDER


def column_name(position: int) -> str:
    """The name of column `position` (1-based) in a file that has no header row."""
    return f"Column {position}"


def normalise_header(cell: str) -> str:
    """How header cells are compared: stripped, any spreadsheet "'" taken off, case and runs of
    spaces ignored ("  Transaction  type" == "transaction type")."""
    text = cell.replace("\ufeff", "").strip().removeprefix("'")
    return " ".join(text.casefold().split())


def column_position(name: str) -> int | None:
    """1-based position for a "Column N" name (files without a header row), else None."""
    match = _POSITIONAL.match(normalise_header(name))
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


@dataclass(frozen=True)
class ColumnMap:
    """Which columns hold what, by the names in the header row.

    Either one signed `amount` column (money in positive) or `paid_in` / `paid_out` columns
    (blank cells count as 0). `negate` flips the sign of amounts and balances, for credit-card
    files where spending is shown positive. Dates are tried against each of `date_formats`
    (`datetime.strptime` codes) in turn.
    """

    date: str
    description: tuple[str, ...]
    amount: str | None = None
    paid_in: str | None = None
    paid_out: str | None = None
    balance: str | None = None
    type_code: str | None = None
    date_formats: tuple[str, ...] = ("%d/%m/%Y",)
    negate: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.description, str):  # a single name given bare
            object.__setattr__(self, "description", (self.description,))
        else:
            object.__setattr__(self, "description", tuple(self.description))
        object.__setattr__(self, "date_formats", tuple(self.date_formats))

    def problem(self) -> str | None:
        """Why this mapping cannot be used, in a sentence; None when it can."""
        if not self.date.strip():
            return "choose the date column"
        if self.amount and (self.paid_in or self.paid_out):
            return "choose either one amount column or the paid in / paid out columns, not both"
        if not (self.amount or self.paid_in or self.paid_out):
            return "choose the amount column, or the paid in and paid out columns"
        if not self.date_formats:
            return "choose how the dates are written"
        for code in self.date_formats:
            if "%" not in code:
                return f"{code!r} is not a date format (use codes like %d/%m/%Y)"
        return None

    def names(self) -> tuple[str, ...]:
        """Every column this mapping reads, date first."""
        found = [self.date, *self.description]
        for name in (self.amount, self.paid_in, self.paid_out, self.balance, self.type_code):
            if name:
                found.append(name)
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class BankFormat:
    """A bank's CSV layout (or a user's saved column mapping).

    Beyond the shared API: `note` (what to check with this layout), `layout` ("csv", or
    "key_value" for Santander's .txt download of "Label: value" lines), `account_number_column`
    and `sort_code_column` (cells that identify the account), and `type_codes`, pairs of
    (how the bank words a transaction type, the standard code it becomes), matched at the start
    of the type cell in any case.
    """

    key: str
    name: str
    bank: str
    header: tuple[str, ...]
    columns: ColumnMap
    skip_rows: int = 0
    source: str = ""
    verified: bool = True
    note: str = ""
    layout: str = "csv"
    account_number_column: str | None = None
    sort_code_column: str | None = None
    type_codes: tuple[tuple[str, str], ...] = field(default=())
    #: (column, the values a line must have there): a line with another value is not money
    #: that moved (Revolut's State PENDING, DECLINED, REVERTED), so the file is refused,
    #: naming the line, rather than read with it or without it unseen.
    only_when: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "header", tuple(self.header))
        object.__setattr__(self, "type_codes", tuple((a, b) for a, b in self.type_codes))
        object.__setattr__(self, "only_when", tuple((c, tuple(v)) for c, v in self.only_when))

    @property
    def has_header(self) -> bool:
        return bool(self.header)

    def identity_columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.account_number_column, self.sort_code_column) if c) + tuple(
            c for c, _values in self.only_when
        )


# --- loading ---------------------------------------------------------------------------------


def load_formats(*folders: Path) -> list[BankFormat]:
    """The packaged layouts, then those in each of `folders` (the user's saved mappings).

    A later file with the same key replaces an earlier one in place, so a user's saved
    mapping can override a packaged layout. Missing folders are skipped; a file that cannot be
    used raises BankFormatError naming it (`load_formats_reporting` leaves it out instead).
    """
    by_key: dict[str, BankFormat] = {}
    for folder in (formats_dir(), *folders):
        for path in _layout_files(Path(folder)):
            fmt = load_format(path)
            by_key[fmt.key] = fmt
    return list(by_key.values())


def load_formats_reporting(*folders: Path) -> tuple[list[BankFormat], list[str]]:
    """(the layouts, warnings): as `load_formats`, but a file in one of `folders` (the user's
    saved layouts) that cannot be used is left out, with a warning naming it and saying why,
    and the other layouts still load. A packaged layout that cannot be used still raises: it
    is part of the app."""
    by_key = {fmt.key: fmt for fmt in load_formats()}
    warnings: list[str] = []
    for folder in folders:
        try:
            paths = _layout_files(Path(folder))
        except OSError as exc:
            warnings.append(
                f"The saved bank layouts in {Path(folder).name} were left out: the folder "
                f"cannot be read ({exc.strerror or type(exc).__name__})."
            )
            continue
        for path in paths:
            try:
                fmt = load_format(path)
            except BankFormatError as exc:
                warnings.append(f"A saved bank layout was left out: {exc}")
                continue
            except Exception as exc:  # noqa: BLE001 - one odd file must not stop every import
                warnings.append(
                    f"A saved bank layout was left out: {path.name} could not be used "
                    f"({type(exc).__name__})"
                )
                continue
            by_key[fmt.key] = fmt
    return list(by_key.values()), warnings


def _layout_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.toml"))


def load_format(path: Path) -> BankFormat:
    """One layout file. The key must be the file's stem. Only a regular file of at most
    MAX_LAYOUT_BYTES is read (never a pipe or a device)."""
    path = Path(path)
    try:
        data = read_limited(path, MAX_LAYOUT_BYTES, "bank layout")
    except FileReadProblem as exc:
        raise BankFormatError(str(exc)) from None
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BankFormatError(f"{path.name}: byte {exc.start} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise BankFormatError(f"{path.name}: not valid TOML ({exc})") from None
    fmt = format_from_dict(doc, path.name)
    if fmt.key != path.stem:
        raise BankFormatError(f"{path.name}: key {fmt.key!r} must be the file name ({path.stem!r})")
    return fmt


def format_from_dict(doc: dict[str, Any], where: str = "bank format") -> BankFormat:
    """A BankFormat from a parsed TOML document; BankFormatError names `where` and the field."""

    def fail(field_name: str, why: str) -> BankFormatError:
        return BankFormatError(f"{where}: {field_name}: {why}")

    unknown = sorted(set(doc) - _TOP_KEYS)
    if unknown:
        raise fail(unknown[0], "not a field of a bank format")
    key = _text(doc, "key", fail, required=True)
    if not _KEY.match(key):
        raise fail("key", "use lower-case letters, digits, '_' or '-' (it names the file)")
    header = _texts(doc, "header", fail, required=True)
    layout = _text(doc, "layout", fail) or "csv"
    if layout not in LAYOUTS:
        raise fail("layout", f"must be one of {', '.join(LAYOUTS)}")
    if layout == "key_value" and not any(h.strip() for h in header):
        raise fail("header", "a key_value layout lists its labels, the record's first label first")
    skip_rows = doc.get("skip_rows", 0)
    if not isinstance(skip_rows, int) or isinstance(skip_rows, bool) or skip_rows < 0:
        raise fail("skip_rows", "must be a whole number, 0 or more")
    verified = doc.get("verified", True)
    if not isinstance(verified, bool):
        raise fail("verified", "must be true or false")

    cols = doc.get("columns")
    if not isinstance(cols, dict):
        raise fail("columns", "a [columns] table is needed")
    unknown = sorted(set(cols) - _COLUMN_KEYS)
    if unknown:
        raise fail(f"columns.{unknown[0]}", "not a column of a bank format")

    def cfail(name: str, why: str) -> BankFormatError:
        return fail(f"columns.{name}", why)

    description = cols.get("description")
    if isinstance(description, str):
        description = [description]
    if (
        not isinstance(description, list)
        or not description
        or not all(isinstance(d, str) and d.strip() for d in description)
    ):
        raise cfail("description", "must be a list of column names")
    negate = cols.get("negate", False)
    if not isinstance(negate, bool):
        raise cfail("negate", "must be true or false")
    columns = ColumnMap(
        date=_text(cols, "date", cfail, required=True),
        description=tuple(description),
        amount=_text(cols, "amount", cfail) or None,
        paid_in=_text(cols, "paid_in", cfail) or None,
        paid_out=_text(cols, "paid_out", cfail) or None,
        balance=_text(cols, "balance", cfail) or None,
        type_code=_text(cols, "type_code", cfail) or None,
        date_formats=tuple(_texts(cols, "date_formats", cfail) or ("%d/%m/%Y",)),
        negate=negate,
    )
    problem = columns.problem()
    if problem:
        raise fail("columns", problem)

    codes = doc.get("type_codes", {})
    if not isinstance(codes, dict) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, str) for k, v in codes.items()
    ):
        raise fail("type_codes", "must be a table of bank wording = code")
    only_when = doc.get("only_when", {})
    if not isinstance(only_when, dict) or not all(
        isinstance(k, str)
        and k.strip()
        and isinstance(v, list)
        and v
        and all(isinstance(x, str) and x.strip() for x in v)
        for k, v in only_when.items()
    ):
        raise fail("only_when", "must be a table of column = [the values a line must have]")

    fmt = BankFormat(
        key=key,
        name=_text(doc, "name", fail, required=True),
        bank=_text(doc, "bank", fail),
        header=tuple(header),
        columns=columns,
        skip_rows=skip_rows,
        source=_text(doc, "source", fail),
        verified=verified,
        note=_text(doc, "note", fail),
        layout=layout,
        account_number_column=_text(cols, "account_number", cfail) or None,
        sort_code_column=_text(cols, "sort_code", cfail) or None,
        type_codes=tuple(codes.items()),
        only_when=tuple((k, tuple(v)) for k, v in only_when.items()),
    )
    _check_columns_in_header(fmt, fail)
    return fmt


def _check_columns_in_header(fmt: BankFormat, fail) -> None:
    """Every mapped column is in the header (or, with no header, is a "Column N" name)."""
    names = [*fmt.columns.names(), *fmt.identity_columns()]
    if fmt.header:
        present = {normalise_header(h) for h in fmt.header}
        for name in names:
            if normalise_header(name) not in present:
                raise fail("columns", f"{name!r} is not in the header")
    else:
        for name in names:
            if column_position(name) is None:
                raise fail(
                    "columns", f"{name!r}: with no header row, name columns 'Column 1', 'Column 2'"
                )


def _text(doc: dict, name: str, fail, required: bool = False) -> str:
    value = doc.get(name, "")
    if not isinstance(value, str):
        raise fail(name, "must be text")
    if required and not value.strip():
        raise fail(name, "is needed")
    return value


def _texts(doc: dict, name: str, fail, required: bool = False) -> list[str]:
    if name not in doc:
        if required:
            raise fail(name, "is needed (a list of column names; [] when there is no header)")
        return []
    value = doc[name]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(name, "must be a list of text")
    return value


# --- detection -------------------------------------------------------------------------------


def header_matches(header: Iterable[str], fmt: BankFormat) -> bool:
    """True when the row `header` is this format's header: every column of the format's
    header is in the row (any order, any case, extra columns allowed)."""
    wanted = {normalise_header(h) for h in fmt.header if h.strip()}
    if not wanted or fmt.layout != "csv":
        return False
    return wanted <= {normalise_header(c) for c in header if c.strip()}


def detect_format(header: Sequence[str], formats: Iterable[BankFormat]) -> BankFormat | None:
    """The format whose header this row is, or None.

    Where several match (one layout's columns are a subset of another's) the one with the most
    columns wins; on a tie the later one in `formats` (a user's saved mapping loads after the
    packaged layouts).
    """
    best: BankFormat | None = None
    best_width = 0
    for fmt in formats:
        width = sum(1 for h in fmt.header if h.strip())
        if header_matches(header, fmt) and width >= best_width:
            best, best_width = fmt, width
    return best


# --- writing ---------------------------------------------------------------------------------


def format_to_toml(fmt: BankFormat) -> str:
    """The TOML text of a format, as `load_format` reads it back."""
    lines = [
        f"key = {_q(fmt.key)}",
        f"name = {_q(fmt.name)}",
        f"bank = {_q(fmt.bank)}",
        f"header = {_list(fmt.header)}",
    ]
    if fmt.skip_rows:
        lines.append(f"skip_rows = {int(fmt.skip_rows)}")
    if fmt.layout != "csv":
        lines.append(f"layout = {_q(fmt.layout)}")
    lines.append(f"source = {_q(fmt.source)}")
    lines.append(f"verified = {'true' if fmt.verified else 'false'}")
    if fmt.note:
        lines.append(f"note = {_q(fmt.note)}")
    c = fmt.columns
    lines += ["", "[columns]", f"date = {_q(c.date)}", f"description = {_list(c.description)}"]
    for name, value in (
        ("amount", c.amount),
        ("paid_in", c.paid_in),
        ("paid_out", c.paid_out),
        ("balance", c.balance),
        ("type_code", c.type_code),
    ):
        if value:
            lines.append(f"{name} = {_q(value)}")
    lines.append(f"date_formats = {_list(c.date_formats)}")
    lines.append(f"negate = {'true' if c.negate else 'false'}")
    if fmt.account_number_column:
        lines.append(f"account_number = {_q(fmt.account_number_column)}")
    if fmt.sort_code_column:
        lines.append(f"sort_code = {_q(fmt.sort_code_column)}")
    if fmt.type_codes:
        lines += ["", "[type_codes]"]
        lines += [f"{_q(wording)} = {_q(code)}" for wording, code in fmt.type_codes]
    if fmt.only_when:
        lines += ["", "[only_when]"]
        lines += [
            f"{_q(column)} = [{', '.join(_q(v) for v in values)}]"
            for column, values in fmt.only_when
        ]
    return "\n".join(lines) + "\n"


def save_user_format(fmt: BankFormat, folder: Path) -> Path:
    """Write `fmt` to `folder`/<key>.toml (replacing a file of that key) and return the path.

    The folder is made owner-only (0700) and the file is written owner-only (0600) whatever
    the umask, through a temporary file in the same folder renamed over the old one, so a
    reader never sees half a layout. The text is checked by reading it back before anything is
    written; raises BankFormatError for a format that would not load or a file that cannot be
    written (the message names the file and why).
    """
    text = format_to_toml(fmt)
    format_from_dict(tomllib.loads(text), f"{fmt.key or 'format'}.toml")  # raises if unusable
    name = f"{fmt.key}.toml"
    folder = Path(folder)
    target = folder / name
    temporary = folder / f".{name}.part"
    try:
        private_dir(folder)
        with open_private(temporary, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, target)
        make_private(target)
    except OSError as exc:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
        raise BankFormatError(
            f"{name}: the layout could not be saved ({exc.strerror or type(exc).__name__})"
        ) from None
    return target


def _q(text: str) -> str:
    """A TOML basic string (JSON string escapes are valid TOML)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _list(items: Iterable[str]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"
