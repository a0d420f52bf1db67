"""Choosing the columns of a bank's CSV file: which column is the date, the description, the
money and the balance, and how the dates are written.

Shown when Drop-in Desk does not know a file's columns (or the adviser asks to choose them).
The file is sniffed first (`desktop.importers.bank_csv.sniff_csv`: encoding, header row and
the first 20 lines; the Statements tab does it off the window thread), and the dialog shows
those lines in a read-only preview, each row named by its line in the file. It says which line
is read as the column names ("Line 1 is read as the column names" / "No header line: every line
is a transaction", and which lines above are not read); a check box lets the adviser say the
file has, or has no, header line, and the columns and the check follow. The mapping is checked
as it is chosen: the first date is read back in words ("First date reads as 13 June 2025"),
and a date or amount that does not read, a line with too many or too few cells or a quote mark
never closed is named by its line and column, marked in the preview (colour and icon) and
stops OK. A column with no name, or with the name of a column before it, cannot be chosen by
name (read_csv would read another one). A known layout ("preset") fills the choices; "Save as
layout…" keeps a custom mapping for next time (`save_user_format`): column names, roles and
the date format only, never a line of the statement (a header line that reads as a date or an
amount is a transaction, and is not saved).

Nothing is read in full and nothing is saved to the store here: `result_columns()` and
`from_line()` give the mapping and the caller runs `read_csv` with it off the UI thread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.datetext import MONTH_NAMES, long_date
from desktop.importers.bank_csv import (
    COMMON_DATE_FORMATS,
    SUMMARY_STARTS,
    BankFormat,
    BankFormatError,
    ColumnMap,
    CsvPreview,
    parse_date,
    parse_money,
    runs_on,
    save_user_format,
    sniff_csv,
    with_header,
)
from desktop.importers.bank_formats import normalise_header
from desktop.rules.history import DATE_RANGE_TEXT, date_in_range
from desktop.ui.widgets.form_feedback import FormErrors, mark_invalid

CUSTOM = "Custom"
#: How dates are written in bank files: the Date format list shows 13 June 2025 in each form
#: (at 10:44:18 in the forms with a time: "2025-06-13 10:44:18", "13/06/2025 10:44").
#: The same list the header guess uses (a line with a date in any of them is not a header).
DATE_FORMATS: tuple[tuple[str, ...], ...] = tuple((code,) for code in COMMON_DATE_FORMATS)
#: A cell of the preview shows at most this many characters.
PREVIEW_CELL_CHARS = 200
SAMPLE_DAY = date(2025, 6, 13)  # a day after the 12th, so day and month cannot be confused
SAMPLE_TIME = time(10, 44, 18)  # shown by the formats that hold a time as well
ROLES = {
    "date": "Date",
    "description": "Description",
    "description2": "Second description",
    "amount": "Amount",
    "paid_in": "Paid in",
    "paid_out": "Paid out",
    "balance": "Balance",
    "type_code": "Type",
}
REQUIRED = ("date", "description")
MONEY_ROLES = ("amount", "paid_in", "paid_out")
#: At most this many problems are listed under the choices; the rest are counted.
MAX_MESSAGES = 5
_CODE_SEPARATOR = "\n"  # between the codes of one Date format item (item data is text)
_NONE_REQUIRED = "(choose a column)"
_NONE_OPTIONAL = "(none)"
_ERROR_FILL = "#F9DEDC"
_ERROR_STYLE = "color: #8c1d18; font-weight: bold;"
_SOURCE = "Columns chosen by an adviser in Drop-in Desk, checked on a downloaded file"
_ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (with byte-order mark)",
    "cp1252": "Windows-1252",
    "utf-16": "UTF-16",
}

# ---- reading cells as read_csv will (pure) ----------------------------------------------------


def format_sample(codes: Sequence[str], day: date = SAMPLE_DAY) -> str:
    """How `day` looks in each of `codes`: '13/06/2025', '13 Jun 2025' (English month names,
    whatever the computer's language); a code with a time shows SAMPLE_TIME (or the time of
    a datetime `day`): '2025-06-13 10:44:18'."""
    moment = day if isinstance(day, datetime) else datetime.combine(day, SAMPLE_TIME)

    def one(code: str) -> str:
        month = MONTH_NAMES[moment.month - 1]
        return moment.strftime(code.replace("%B", month).replace("%b", month[:3]))

    return " or ".join(dict.fromkeys(one(c) for c in codes))


def _cell_text(text: str) -> str:
    """A cell as `read_csv` reads it: stripped, a spreadsheet's leading "'" taken off."""
    return text.strip().removeprefix("'").strip()


def read_date(text: str, codes: Sequence[str]) -> date | None:
    """The date in `text` in one of the `strptime` `codes` (as `read_csv` reads dates), or
    None."""
    return parse_date(_cell_text(text), codes)


def _is_summary(cells: Sequence[str], on: date | None, money_blank: bool) -> bool:
    """A line `read_csv` skips: an "Opening balance" / "Total" line with no date or no amount."""
    if on is not None and not money_blank:
        return False
    for text in cells:
        low = " ".join(_cell_text(text).casefold().split())
        for phrase in SUMMARY_STARTS:
            if low.startswith(phrase) and (
                len(low) == len(phrase) or not low[len(phrase)].isalpha()
            ):
                return True
    return False


def pounds(value: Decimal) -> str:
    return f"£{abs(value):,.2f}"


# ---- checking a mapping against the preview (pure) --------------------------------------------


@dataclass(frozen=True)
class MappingCheck:
    missing: tuple[str, ...]  # roles still to choose ("Date", "Amount")
    problems: tuple[str, ...]  # sentences: what does not read, columns chosen twice
    date_problem: str | None  # the first date that does not read (also in `problems`)
    bad_cells: tuple[tuple[int, int, str], ...]  # (preview row, column, sentence)
    first_date: date | None
    first_amount: Decimal | None
    first_balance: Decimal | None

    @property
    def ok(self) -> bool:
        return not self.missing and not self.problems


def check_mapping(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    choice: dict[str, str | None],
    separate: bool,
    negate: bool,
    codes: Sequence[str],
    *,
    has_header: bool = True,
    lines: Sequence[int] | None = None,
    header_line: int = 0,
) -> MappingCheck:
    """Check the chosen columns (`choice`: role -> header name or None) on the preview `rows`
    the way `read_csv` will read the whole file. Each row is named by its line in the file
    (`lines`; else by its place in the preview, from 1) and each cell by its column."""
    money_roles = ("paid_in", "paid_out") if separate else ("amount",)
    missing = [ROLES[r] for r in (*REQUIRED, *money_roles) if not choice.get(r)]
    problems: list[str] = []
    used: dict[str, str] = {}
    for role in ROLES:
        name = choice.get(role)
        if not name or (role in MONEY_ROLES and role not in money_roles):
            continue
        # The type code may come from a description column (Nationwide, Santander: the code is
        # how the cell starts), so Type may share a column; no other role may.
        if name in used and role != "type_code":
            problems.append(
                f"Column '{name}' is chosen for both {used[name]} and {ROLES[role]}; "
                "choose each column once."
            )
        elif role != "type_code":
            used[name] = ROLES[role]
    bad: list[tuple[int, int, str]] = []
    date_problem: str | None = None
    first_date = first_amount = first_balance = None
    position: dict[str, int] = {}
    for i, name in enumerate(header):
        position.setdefault(name, i)  # read_csv reads the first of two same-named columns
    if has_header:
        width = len(header) - next((i for i, h in enumerate(reversed(header)) if h.strip()), 0)
        against = "the header" + (f" (line {header_line})" if header_line else "")
    else:  # as read_csv: the first line's cells, or the last column chosen if that is further
        roles = ("date", "description", "description2", *money_roles, "balance", "type_code")
        chosen = [position[n] + 1 for r in roles if (n := choice.get(r) or "") in position]
        width = max([len(_trimmed(rows[0])) if rows else 0, *chosen, 1])
        against = "the first line"

    def cell(row: Sequence[str], role: str) -> tuple[int, str]:
        i = position.get(choice.get(role) or "", -1)
        return i, (_cell_text(row[i]) if 0 <= i < len(row) else "")

    def problem(r: int, column: int, sentence: str) -> None:
        problems.append(sentence)
        bad.append((r, column, sentence))

    def line_of(r: int) -> int:
        return lines[r] if lines is not None and r < len(lines) else r + 1

    sample = format_sample(codes)
    more_dates: list[int] = []  # lines after the first whose date does not read either
    for r, row in enumerate(rows):
        n = line_of(r)
        date_column, date_text = cell(row, "date")
        on = read_date(date_text, codes)
        texts = {role: cell(row, role) for role in (*money_roles, "balance") if choice.get(role)}
        if _is_summary(row, on, not any(texts[m][1] for m in money_roles if m in texts)):
            continue
        run_on = next((i for i, c in enumerate(row) if runs_on(c)), None)
        filled = len(_trimmed(row))
        if run_on is not None and not (filled > width or len(row) < width):
            problem(
                r,
                run_on,
                f"Line {n}, column '{_column_label(header, run_on)}': a quote mark is never "
                "closed, so the lines after it run into this cell; the file cannot be read as "
                "it is.",
            )
            continue
        if filled > width or len(row) < width:
            why = (
                f"a quote mark in column '{_column_label(header, run_on)}' that is never closed?"
                if run_on is not None
                else "a comma inside a cell without quote marks round it?"
            )
            problem(
                r,
                min(len(row), width) - 1 if run_on is None else run_on,
                f"Line {n}: {len(row) if len(row) < width else filled} cells where {against} "
                f"has {width} ({why}); the file cannot be read as it is.",
            )
            continue
        if not choice.get("date"):
            pass
        elif on is None:
            if date_text:
                sentence = (
                    f"Line {n}: '{_clipped(date_text)}' in column '{choice['date']}' does not "
                    f"read as a date written like {sample}."
                )
            else:
                sentence = f"Line {n}: column '{choice['date']}' has no date."
            if date_problem is None:
                date_problem = sentence
                problem(r, date_column, sentence)
            else:
                bad.append((r, date_column, sentence))
                more_dates.append(n)
        elif not date_in_range(on):
            problem(r, date_column, f"Line {n}: the date {long_date(on)} is {DATE_RANGE_TEXT}.")
        elif first_date is None:
            first_date = on
        money: dict[str, Decimal | None] = {}
        for role, (column, text) in texts.items():
            try:
                money[role] = parse_money(text)
            except ValueError:
                problem(
                    r,
                    column,
                    f"Line {n}: '{_clipped(text)}' in column '{choice[role]}' is not an amount "
                    "of money.",
                )
                continue
            if role == "amount" and money[role] is None:
                problem(r, column, f"Line {n}: column '{choice[role]}' has no amount.")
        if separate and money.get("paid_in") and money.get("paid_out"):
            problem(
                r,
                texts["paid_out"][0],
                f"Line {n}: both '{choice['paid_in']}' and '{choice['paid_out']}' have an "
                "amount; a line is money in or money out (are these the right columns?).",
            )
        if first_amount is None and on is not None and set(money) >= set(money_roles):
            if separate:
                first_amount = abs(money["paid_in"] or Decimal(0)) - abs(
                    money["paid_out"] or Decimal(0)
                )
            elif money["amount"] is not None:
                first_amount = -money["amount"] if negate else money["amount"]
            balance = money.get("balance")
            first_balance = -balance if negate and balance is not None else balance
    if more_dates:
        rows_text = ", ".join(str(n) for n in more_dates)
        problems.insert(
            problems.index(date_problem or "") + 1,
            f"The dates on line{'s' if len(more_dates) > 1 else ''} {rows_text} do not read "
            "either.",
        )
    if not rows:
        below = f" under the header on line {header_line}" if has_header and header_line else ""
        problems.insert(0, f"There are no transactions{below}: nothing to import.")
    elif choice.get("date") and date_problem is None and first_date is None and not bad:
        problems.insert(0, f"Column '{choice['date']}' has no dates in the first lines.")
    return MappingCheck(
        tuple(missing),
        tuple(problems),
        date_problem,
        tuple(bad),
        first_date,
        first_amount,
        first_balance,
    )


def _trimmed(row: Sequence[str]) -> Sequence[str]:
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]


def _clipped(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _column_label(header: Sequence[str], i: int) -> str:
    name = header[i].strip() if 0 <= i < len(header) else ""
    return name or f"Column {i + 1}"


def ask_layout_name(parent: QWidget, suggestion: str) -> str | None:
    """Ask what to call a saved layout (tests replace this to answer without a modal loop)."""
    text, ok = QInputDialog.getText(
        parent,
        "Save as layout",
        "Name for this layout (e.g. the bank and the kind of account):",
        QLineEdit.EchoMode.Normal,
        suggestion,
    )
    return text.strip() if ok and text.strip() else None


def layout_key(name: str, taken: Sequence[str]) -> str:
    """A file-name key for a saved layout: 'Credit Union savings' -> 'credit_union_savings'.
    A key in `taken` gets a number ('lloyds_2'), so a saved layout never replaces a packaged
    one by accident."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:56] or "layout"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


# ---- the dialog -------------------------------------------------------------------------------


class CsvMappingDialog(QDialog):
    """Choose the columns of the CSV file at `path`, starting from the known layouts `formats`;
    "Save as layout…" writes to `user_formats_dir`.

    `preview` is the file sniffed already (`sniff_csv`, off the window thread); without it the
    file is sniffed here, which raises StatementFileError when it cannot be read as text at
    all, before anything is shown. The adviser can say whether the file has a header line;
    the preview, the column lists and the check follow.
    """

    def __init__(
        self,
        parent: QWidget | None,
        path: Path,
        formats: list[BankFormat],
        user_formats_dir: Path,
        preview: CsvPreview | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.formats = list(formats)
        self.user_formats_dir = Path(user_formats_dir)
        #: The file as sniffed; `preview` is it read with or without a header line, as chosen.
        self.sniffed = preview if preview is not None else sniff_csv(self.path, self.formats)
        self.preview = self.sniffed
        #: The header row, or "Column 1", "Column 2"... for a file without one.
        self.header: list[str] = []
        self.has_header = False
        self._by_normal: dict[str, str] = {}
        self._filling = False
        self._check: MappingCheck | None = None

        self.setWindowTitle(f"Choose the columns: {self.path.name}")
        self.setAccessibleName("Choose the columns of a bank statement file")

        self.file_label = QLabel()
        self.file_label.setAccessibleName("File")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("About this file")

        # ---- the header line ----
        self.header_box = QCheckBox("The file has a &header line (the column names)")
        self.header_box.setAccessibleName("The file has a header line")
        self.header_box.setChecked(self.sniffed.header_line > 0)
        self.header_label = QLabel()
        self.header_label.setWordWrap(True)
        self.header_label.setTextFormat(Qt.TextFormat.PlainText)
        self.header_label.setAccessibleName("Which line is the header")

        # ---- the preview ----
        preview_label = QLabel("P&review (the first lines of the file)")
        self.table = QTableWidget(0, 0)
        preview_label.setBuddy(self.table)
        self.table.setAccessibleName("Preview of the file")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(8 * self.table.verticalHeader().defaultSectionSize())

        # ---- the choices ----
        self.layout_combo = QComboBox()
        self.layout_combo.setAccessibleName("Layout")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName("About this layout")
        self.note.hide()
        self.unnamed_note = QLabel()
        self.unnamed_note.setWordWrap(True)
        self.unnamed_note.setTextFormat(Qt.TextFormat.PlainText)
        self.unnamed_note.setAccessibleName("Columns that cannot be chosen")
        self.unnamed_note.hide()

        self.combos: dict[str, QComboBox] = {}
        for role, title in ROLES.items():
            combo = QComboBox()
            needed = role in REQUIRED or role in MONEY_ROLES
            combo.setAccessibleName(title if needed else f"{title} (optional)")
            combo.setMinimumContentsLength(22)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            self.combos[role] = combo

        self.one_column = QRadioButton("&One signed column")
        self.one_column.setAccessibleName("Money in one signed column")
        self.separate = QRadioButton("Se&parate paid in / paid out columns")
        self.separate.setAccessibleName("Money in separate paid in and paid out columns")
        self.money_mode = QButtonGroup(self)
        self.money_mode.addButton(self.one_column)
        self.money_mode.addButton(self.separate)
        self.one_column.setChecked(True)
        # The pair is one Tab stop (the arrow keys move between them); Tab lands on the one
        # that is chosen.
        self.one_column.installEventFilter(self)
        self.separate.installEventFilter(self)
        self.negate = QCheckBox("&Money out is positive (credit card)")
        self.negate.setAccessibleName("Money out is positive (credit card)")

        self.date_format = QComboBox()
        self.date_format.setAccessibleName("Date format")
        for codes in DATE_FORMATS:
            self.date_format.addItem(format_sample(codes), _CODE_SEPARATOR.join(codes))
        self.date_sample = QLabel()
        self.date_sample.setWordWrap(True)
        self.date_sample.setTextFormat(Qt.TextFormat.PlainText)
        self.date_sample.setAccessibleName("How the first date reads")
        self.money_sample = QLabel()
        self.money_sample.setWordWrap(True)
        self.money_sample.setTextFormat(Qt.TextFormat.PlainText)
        self.money_sample.setAccessibleName("How the first amount reads")

        self.labels: dict[str, QLabel] = {}

        def labelled(text: str, widget: QWidget, name: str) -> QLabel:
            label = QLabel(text)
            label.setBuddy(widget)
            self.labels[name] = label
            return label

        layout_row = QHBoxLayout()
        layout_row.addWidget(labelled("&Layout", self.layout_combo, "layout"))
        layout_row.addWidget(self.layout_combo, 1)
        layout_row.addStretch(1)
        left = QFormLayout()
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        left.addRow(labelled("&Date", self.combos["date"], "date"), self.combos["date"])
        left.addRow(
            labelled("D&escription", self.combos["description"], "description"),
            self.combos["description"],
        )
        left.addRow(
            labelled("Second descriptio&n (optional)", self.combos["description2"], "description2"),
            self.combos["description2"],
        )

        right = QFormLayout()
        right.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        right.addRow(
            labelled("&Balance (optional)", self.combos["balance"], "balance"),
            self.combos["balance"],
        )
        right.addRow(
            labelled("&Type (optional)", self.combos["type_code"], "type_code"),
            self.combos["type_code"],
        )
        right.addRow(labelled("Date &format", self.date_format, "date_format"), self.date_format)
        right.addRow("", self.date_sample)

        money = QGroupBox("Money")
        money.setAccessibleName("Money columns")
        grid = QGridLayout(money)
        grid.addWidget(self.one_column, 0, 0)
        grid.addWidget(labelled("&Amount", self.combos["amount"], "amount"), 0, 1)
        grid.addWidget(self.combos["amount"], 0, 2)
        grid.addWidget(self.negate, 0, 3, 1, 2)
        grid.addWidget(self.separate, 1, 0)
        grid.addWidget(labelled("Paid &in", self.combos["paid_in"], "paid_in"), 1, 1)
        grid.addWidget(self.combos["paid_in"], 1, 2)
        grid.addWidget(labelled("Paid o&ut", self.combos["paid_out"], "paid_out"), 1, 3)
        grid.addWidget(self.combos["paid_out"], 1, 4)
        grid.addWidget(self.money_sample, 2, 0, 1, 5)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(4, 1)

        self.save_button = QPushButton("Sa&ve as layout…")
        self.save_button.setAccessibleName("Save as layout")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save_as_layout)
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        self.saved_label.setAccessibleName("Saved layout")

        self.errors = FormErrors(self)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Still to choose")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Use these &columns")
        self.ok_button.setAccessibleName("Use these columns")
        self.ok_button.setDefault(True)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        choices = QHBoxLayout()
        choices.addLayout(left, 1)
        choices.addSpacing(16)
        choices.addLayout(right, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.saved_label, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(self.intro)
        header_row = QHBoxLayout()
        header_row.addWidget(self.header_box)
        header_row.addWidget(self.header_label, 1)
        layout.addLayout(header_row)
        layout.addWidget(preview_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(layout_row)
        layout.addWidget(self.note)
        layout.addLayout(choices)
        layout.addWidget(self.unnamed_note)
        layout.addWidget(money)
        layout.addWidget(self.errors)
        layout.addWidget(self.hint)
        layout.addLayout(bottom)
        self.setMinimumWidth(920)
        self.resize(980, 760)

        order: list[QWidget] = [
            self.header_box,
            self.layout_combo,
            self.combos["date"],
            self.combos["description"],
            self.combos["description2"],
            self.combos["balance"],
            self.combos["type_code"],
            self.date_format,
            self.one_column,
            self.combos["amount"],
            self.negate,
            self.separate,
            self.combos["paid_in"],
            self.combos["paid_out"],
            self.table,
            self.save_button,
            self.ok_button,
            self.cancel_button,
        ]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

        self.layout_combo.currentIndexChanged.connect(self._layout_chosen)
        for combo in self.combos.values():
            combo.currentIndexChanged.connect(self._changed)
        self.combos["date"].currentIndexChanged.connect(self._date_column_chosen)
        self.date_format.currentIndexChanged.connect(self._changed)
        self.one_column.toggled.connect(self._changed)
        self.negate.toggled.connect(self._changed)
        self.header_box.toggled.connect(self._header_chosen)

        self._show_preview(self.sniffed)
        self.layout_combo.setFocus()

    # ---- the file read with or without a header line --------------------------------------------
    def _header_chosen(self, has_header: bool) -> None:
        """The adviser says the file has (or has no) header line: read the lines shown again
        that way; the columns are chosen afresh and checked."""
        shown = self.sniffed if has_header == (self.sniffed.header_line > 0) else None
        self._show_preview(shown or with_header(self.sniffed, has_header))

    def _show_preview(self, preview: CsvPreview) -> None:
        self.preview = preview
        self.header = list(preview.header)
        self.has_header = preview.header_line > 0
        self._by_normal = {}
        for i, name in enumerate(self.header):
            if self._choosable(i):
                self._by_normal.setdefault(normalise_header(name), name)
        detected = preview.detected
        encoding = _ENCODINGS.get(preview.encoding.lower(), preview.encoding)
        where = f"header on line {preview.header_line}" if self.has_header else "no header row"
        self.file_label.setText(f"File: {self.path.name}    Encoding: {encoding}    ({where})")
        self.intro.setText(
            f"This looks like {detected.name}. Check the columns below, then use them."
            if detected is not None
            else "Drop-in Desk does not know this file's columns. Choose which column holds "
            "what; the preview shows the first lines of the file and marks what does not read."
        )
        self.header_box.blockSignals(True)
        self.header_box.setChecked(self.has_header)
        self.header_box.blockSignals(False)
        self.header_label.setText(self._header_sentence())
        self.header_label.setAccessibleDescription(self.header_label.text())

        self.table.clear()
        self.table.setRowCount(len(preview.rows))
        self.table.setColumnCount(len(self.header))
        for r, cells in enumerate(preview.rows):
            for c in range(len(self.header)):
                text = cells[c] if c < len(cells) else ""
                item = QTableWidgetItem(_clipped(text, PREVIEW_CELL_CHARS))
                self.table.setItem(r, c, item)
        self.table.setVerticalHeaderLabels([str(n) for n in self._row_lines()])

        self._filling = True
        self.layout_combo.blockSignals(True)
        try:
            self.layout_combo.clear()
            self.layout_combo.addItem(CUSTOM, None)
            for fmt in sorted(self._usable_formats(), key=lambda f: f.name.casefold()):
                self.layout_combo.addItem(fmt.name, fmt.key)
            firsts = self._first_values()
            for role, combo in self.combos.items():
                needed = role in REQUIRED or role in MONEY_ROLES
                combo.clear()
                combo.addItem(_NONE_REQUIRED if needed else _NONE_OPTIONAL, None)
                for i, name in enumerate(self.header):
                    shown = name.strip() or f"Column {i + 1} (no name)"
                    if firsts[i]:
                        shown += f"  (e.g. {_clipped(firsts[i], 24)})"
                    combo.addItem(shown, name if self._choosable(i) else None)
                    if not self._choosable(i):
                        item = combo.model().item(combo.count() - 1)
                        item.setEnabled(False)
                        combo.setItemData(
                            combo.count() - 1,
                            "This column has no name, or the name of a column before it",
                            Qt.ItemDataRole.ToolTipRole,
                        )
        finally:
            self._filling = False
            self.layout_combo.blockSignals(False)
        unnamed = [i + 1 for i in range(len(self.header)) if not self._choosable(i)]
        if unnamed:
            listed = ", ".join(str(n) for n in unnamed)
            self.unnamed_note.setText(
                f"Column{'s' if len(unnamed) > 1 else ''} {listed} cannot be chosen: no name, or "
                "the name of a column before it. To choose columns by their place instead, "
                "untick 'The file has a header line'."
            )
        self.unnamed_note.setVisible(bool(unnamed))
        self.note.hide()

        if detected is not None and self.layout_combo.findData(detected.key) >= 0:
            self.select_layout(detected.key)
        else:
            self._guess()
        self._refresh()
        self.table.resizeColumnsToContents()  # with the headers saying what each column is
        for c in range(len(self.header)):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c) + 12, 280))

    def _header_sentence(self) -> str:
        preview = self.preview
        if self.has_header:
            sentence = f"Line {preview.header_line} is read as the column names."
        else:
            sentence = "No header line: every line is a transaction."
        first = preview.first_line
        if first > 1:
            lines = "Line 1 is" if first == 2 else f"Lines 1 to {first - 1} are"
            sentence += f" {lines} above {'it' if self.has_header else 'them'} and not read."
        return sentence

    def _row_lines(self) -> list[int]:
        lines = list(self.preview.row_lines)
        return (
            lines
            if len(lines) == len(self.preview.rows)
            else [i + 1 for i in range(len(self.preview.rows))]
        )

    def _choosable(self, i: int) -> bool:
        """A column can be chosen by its name: it has one, and no column before it has it
        (read_csv reads the first of two same-named columns). Without a header line every
        column can ("Column 1", "Column 2"...)."""
        if not self.has_header:
            return True
        name = normalise_header(self.header[i])
        return bool(name) and all(normalise_header(h) != name for h in self.header[:i])

    def from_line(self) -> int:
        """The line read_csv starts from for the columns chosen (see CsvPreview.first_line)."""
        return self.preview.first_line

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            event.type() == QEvent.Type.FocusIn
            and watched in (self.one_column, self.separate)
            and event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
            and not watched.isChecked()
        ):
            chosen = self.separate if watched is self.one_column else self.one_column
            chosen.setFocus(event.reason())
            return True
        return super().eventFilter(watched, event)

    # ---- layouts -----------------------------------------------------------------------------
    def _first_values(self) -> list[str]:
        """The first non-blank cell under each column (shown in the column lists)."""
        found = [""] * len(self.header)
        for cells in self.preview.rows:
            for i, text in enumerate(cells[: len(self.header)]):
                if not found[i] and text.strip():
                    found[i] = " ".join(text[:200].split())
        return found

    def _usable_formats(self) -> list[BankFormat]:
        """The CSV layouts whose columns are all in this file (those that can be applied)."""
        usable = []
        for fmt in self.formats:
            if fmt.layout != "csv" or bool(fmt.header) != self.has_header:
                continue
            if all(normalise_header(n) in self._by_normal for n in fmt.columns.names()):
                usable.append(fmt)
        return usable

    def _format(self, key: str | None) -> BankFormat | None:
        return next((f for f in self.formats if f.key == key), None) if key else None

    def select_layout(self, key: str | None) -> None:
        """Choose the layout `key` (None for Custom); a layout fills the columns."""
        index = self.layout_combo.findData(key)
        if index < 0:
            raise ValueError(f"no layout {key!r} fits this file")
        if index == self.layout_combo.currentIndex():
            self._layout_chosen(index)
        else:
            self.layout_combo.setCurrentIndex(index)

    def _layout_chosen(self, _index: int) -> None:
        fmt = self._format(self.layout_combo.currentData())
        note = ""
        if fmt is not None:
            self._fill_from(fmt.columns)
            note = fmt.note.strip()
            if not fmt.verified:
                note = (
                    f"{note} This layout is not checked against a description from the bank: "
                    "look at the first lines once the file is read."
                ).strip()
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self._refresh()

    def _fill_from(self, columns: ColumnMap) -> None:
        descriptions = list(columns.description)
        values = {
            "date": columns.date,
            "description": descriptions[0] if descriptions else None,
            "description2": descriptions[1] if len(descriptions) > 1 else None,
            "amount": columns.amount,
            "paid_in": columns.paid_in,
            "paid_out": columns.paid_out,
            "balance": columns.balance,
            "type_code": columns.type_code,
        }
        self._filling = True
        try:
            for role, name in values.items():
                self._set_column(role, name)
            (self.one_column if columns.amount else self.separate).setChecked(True)
            self.negate.setChecked(columns.negate)
            self._set_date_formats(columns.date_formats)
        finally:
            self._filling = False

    def _set_column(self, role: str, name: str | None) -> None:
        combo = self.combos[role]
        actual = self._by_normal.get(normalise_header(name)) if name else None
        combo.setCurrentIndex(max(combo.findData(actual), 0) if actual is not None else 0)

    def _set_date_formats(self, codes: Sequence[str]) -> None:
        codes = tuple(codes)
        index = self.date_format.findData(_CODE_SEPARATOR.join(codes))
        if index < 0:
            self.date_format.addItem(format_sample(codes), _CODE_SEPARATOR.join(codes))
            index = self.date_format.count() - 1
        self.date_format.setCurrentIndex(index)

    def _guess(self) -> None:
        """For a file no layout fits: choose the columns whose names say plainly what they
        are (one column each, or none), and a date format the dates read in."""
        words = {
            "date": ("date", "transaction date", "posting date", "posted", "value date"),
            "description": ("description", "details", "narrative", "memo", "payee"),
            "amount": ("amount", "value"),
            "paid_in": ("paid in", "money in", "credit", "credits", "deposits", "receipts"),
            "paid_out": ("paid out", "money out", "debit", "debits", "withdrawals", "payments"),
            "balance": ("balance", "running balance", "running total"),
            "type_code": ("type", "transaction type"),
        }
        found: dict[str, str] = {}
        for role, names in words.items():
            hits = [
                h
                for h in self.header
                if normalise_header(h).removesuffix(" (£)").removesuffix(" £") in names
                and h not in found.values()
            ]
            if len(hits) == 1:
                found[role] = hits[0]
        self._filling = True
        try:
            for role, name in found.items():
                self._set_column(role, name)
            if "paid_in" in found and "paid_out" in found and "amount" not in found:
                self.separate.setChecked(True)
        finally:
            self._filling = False
        self._date_column_chosen()

    # ---- changes -----------------------------------------------------------------------------
    def _date_column_chosen(self, *_args: object) -> None:
        """A date column chosen by hand: if its dates do not read in the format chosen, pick
        the first format they all read in ("2026-06-03 10:44:18" picks the date-and-time one),
        and check the choice again with it."""
        if self._filling:
            return
        name = self.combos["date"].currentData()
        if name is None or name not in self.header:
            return
        i = self.header.index(name)
        texts = [c[i] for c in self.preview.rows if i < len(c) and c[i].strip()][:20]
        if not texts or all(read_date(t, self.date_codes()) for t in texts):
            return
        for index in range(self.date_format.count()):
            if all(read_date(t, self._codes_at(index)) for t in texts):
                self._filling = True
                try:
                    self.date_format.setCurrentIndex(index)
                finally:
                    self._filling = False
                # The check ran (on the column's change) with the old format: run it again,
                # or the sample would still say the dates do not read.
                self._changed()
                return

    def date_codes(self) -> tuple[str, ...]:
        """The `strptime` codes of the date format chosen."""
        return self._codes_at(self.date_format.currentIndex())

    def select_date_format(self, codes: Sequence[str]) -> None:
        self._set_date_formats(codes)

    def _codes_at(self, index: int) -> tuple[str, ...]:
        return tuple(str(self.date_format.itemData(index)).split(_CODE_SEPARATOR))

    def _changed(self, *_args: object) -> None:
        if self._filling:
            return
        fmt = self._format(self.layout_combo.currentData())
        if fmt is not None and not self._matches(fmt):
            # Changed by hand: no longer that layout.
            self.layout_combo.blockSignals(True)
            self.layout_combo.setCurrentIndex(0)
            self.layout_combo.blockSignals(False)
            self.note.hide()
        self._refresh()

    def _matches(self, fmt: BankFormat) -> bool:
        mine, theirs = self._columns(), fmt.columns

        def norm(*names: str | None) -> list[str]:
            return [normalise_header(n) if n else "" for n in names]

        return (
            norm(mine.date, mine.amount, mine.paid_in, mine.paid_out, mine.balance, mine.type_code)
            == norm(
                theirs.date,
                theirs.amount,
                theirs.paid_in,
                theirs.paid_out,
                theirs.balance,
                theirs.type_code,
            )
            and norm(*mine.description) == norm(*theirs.description[:2])
            and mine.negate == theirs.negate
            and mine.date_formats == tuple(theirs.date_formats)
        )

    # ---- the answer --------------------------------------------------------------------------
    def _choice(self) -> dict[str, str | None]:
        return {role: combo.currentData() for role, combo in self.combos.items()}

    def _columns(self) -> ColumnMap:
        choice = self._choice()
        separate = self.separate.isChecked()
        return ColumnMap(
            date=choice["date"] or "",
            description=tuple(d for d in (choice["description"], choice["description2"]) if d),
            amount=None if separate else choice["amount"],
            paid_in=choice["paid_in"] if separate else None,
            paid_out=choice["paid_out"] if separate else None,
            balance=choice["balance"],
            type_code=choice["type_code"],
            date_formats=self.date_codes(),
            negate=self.negate.isChecked() and not separate,
        )

    def result_format(self) -> BankFormat | None:
        """The known layout chosen, while the columns are still its columns; else None."""
        return self._format(self.layout_combo.currentData())

    def result_columns(self) -> ColumnMap:
        """The columns chosen (a layout's own mapping when a layout is chosen)."""
        fmt = self.result_format()
        return fmt.columns if fmt is not None else self._columns()

    def check(self) -> MappingCheck:
        assert self._check is not None
        return self._check

    def problems(self) -> list[str]:
        return list(self.check().problems)

    # ---- checking ----------------------------------------------------------------------------
    def _refresh(self) -> None:
        separate = self.separate.isChecked()
        self.combos["amount"].setEnabled(not separate)
        self.negate.setEnabled(not separate)
        self.combos["paid_in"].setEnabled(separate)
        self.combos["paid_out"].setEnabled(separate)
        check = check_mapping(
            self.header,
            self.preview.rows,
            self._choice(),
            separate,
            self.negate.isChecked(),
            self.date_codes(),
            has_header=self.has_header,
            lines=self._row_lines(),
            header_line=self.preview.header_line,
        )
        self._check = check
        if check.date_problem is not None:
            self.date_sample.setText(f"✗ {check.date_problem}")
            self.date_sample.setStyleSheet(_ERROR_STYLE)
        elif check.first_date is not None:
            self.date_sample.setText(f"First date reads as {long_date(check.first_date)}")
            self.date_sample.setStyleSheet("")
        else:
            self.date_sample.setText("")
        self.date_sample.setAccessibleDescription(self.date_sample.text())
        self.date_sample.setVisible(bool(self.date_sample.text()))
        mark_invalid(self.date_format, check.date_problem)
        text = ""
        if check.first_amount is not None:
            way = "money out" if check.first_amount < 0 else "money in"
            text = f"First amount reads as {way}, {pounds(check.first_amount)}"
            if check.first_balance is not None:
                overdrawn = " overdrawn" if check.first_balance < 0 else ""
                text += f"; balance {pounds(check.first_balance)}{overdrawn}"
            text += "."
        self.money_sample.setText(text)
        self.money_sample.setVisible(bool(text))
        others = [p for p in check.problems if p != check.date_problem]
        if len(others) > MAX_MESSAGES:
            more = len(others) - MAX_MESSAGES + 1
            others = [*others[: MAX_MESSAGES - 1], f"…and {more} more problems."]
        self.errors.set_messages(others)
        self.hint.setText(f"Still to choose: {', '.join(check.missing)}." if check.missing else "")
        self.hint.setVisible(bool(check.missing))
        self._mark_preview(check)
        self.ok_button.setEnabled(check.ok)
        self.save_button.setEnabled(check.ok)

    def _mark_preview(self, check: MappingCheck) -> None:
        """Each column's header says what it was chosen as; a cell that does not read is
        marked by colour and an icon, with the sentence as its tooltip."""
        separate = self.separate.isChecked()
        roles_of: dict[str, list[str]] = {}
        for role, name in self._choice().items():
            unused = ("amount",) if separate else ("paid_in", "paid_out")
            if name is None or role in unused:
                continue
            roles_of.setdefault(name, []).append(ROLES[role])
        for c, name in enumerate(self.header):
            roles = roles_of.get(name) if self._choosable(c) else None
            item = self.table.horizontalHeaderItem(c) or QTableWidgetItem()
            item.setText(f"{name}\n= {', '.join(roles)}" if roles else f"{name}\n")
            self.table.setHorizontalHeaderItem(c, item)
        bad = {(r, c): m for r, c, m in check.bad_cells}
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        fill = QBrush(QColor(_ERROR_FILL))
        for r in range(self.table.rowCount()):
            for c in range(self.table.columnCount()):
                item = self.table.item(r, c)
                message = bad.get((r, c))
                item.setData(Qt.ItemDataRole.BackgroundRole, fill if message else None)
                item.setData(Qt.ItemDataRole.DecorationRole, icon if message else None)
                item.setToolTip(message or "")
        if check.bad_cells:
            r, c, _message = check.bad_cells[0]
            self.table.scrollToItem(self.table.item(r, max(c, 0)))

    # ---- saving a layout ---------------------------------------------------------------------
    def save_as_layout(self) -> BankFormat | None:
        """Ask for a name and save the columns chosen as a layout, which becomes the one
        chosen. A name already saved in the user's folder is saved over.

        A layout holds the column names (to recognise the next file like this one), the roles
        and the date format: never a line of the statement. So a header line whose cells read
        as a date or an amount (a transaction taken for the column names) is not saved."""
        if not self.check().ok:
            return None
        if self.has_header and (looks := self._header_looks_like_data()) is not None:
            self.saved_label.setText(
                f"Not saved: line {self.preview.header_line} looks like a transaction, not "
                f"column names (column {looks + 1} reads as a date or an amount). Untick "
                "'The file has a header line' if the file has none."
            )
            self.saved_label.setStyleSheet(_ERROR_STYLE)
            return None
        current = self.result_format()
        name = ask_layout_name(self, current.name if current is not None else "")
        if not name:
            return None
        try:
            saved = {p.stem for p in self.user_formats_dir.glob("*.toml")}
        except OSError:
            saved = set()
        same = next((f for f in self.formats if f.key in saved and f.name == name), None)
        if same is not None:
            key = same.key
        else:
            key = layout_key(name, [*(f.key for f in self.formats), *saved])
        fmt = BankFormat(
            key=key,
            name=name,
            bank=current.bank if current is not None else "",
            header=tuple(self.header) if self.has_header else (),
            columns=self._columns(),
            source=_SOURCE,
            verified=True,
        )
        from desktop.printing.common import WriteProblem  # loaded by save_user_format anyway

        try:
            save_user_format(fmt, self.user_formats_dir)
        except (BankFormatError, WriteProblem, OSError) as exc:
            self.saved_label.setText(f"Not saved: {exc}")
            self.saved_label.setStyleSheet(_ERROR_STYLE)
            return None
        self.formats = [f for f in self.formats if f.key != key] + [fmt]
        index = self.layout_combo.findData(key)
        if index < 0:
            self.layout_combo.addItem(name, key)
        self.select_layout(key)
        self.saved_label.setText(f"Saved as the layout '{name}'.")
        self.saved_label.setStyleSheet("")
        return fmt

    def _header_looks_like_data(self) -> int | None:
        """The first header cell that reads as a date or an amount of money, else None."""
        for i, cell in enumerate(self.header):
            if read_date(cell, COMMON_DATE_FORMATS) is not None:
                return i
            try:
                if parse_money(cell) is not None:
                    return i
            except ValueError:
                continue
        return None

    # ---- closing -----------------------------------------------------------------------------
    def accept(self) -> None:
        self._refresh()
        if not self.check().ok:
            return
        super().accept()
