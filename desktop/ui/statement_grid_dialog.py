"""Typing in a paper statement: a keyboard-only grid of Date, Description, Paid in, Paid out and
Balance, with the statement period and opening balance above it.

The adviser copies the paper line by line. Enter (or Tab) moves to the next cell and, at the
end of the last line, to a new line; Enter or Tab on the blank new line leaves the grid (to
OK). Ctrl+D copies the date of the line above (paper statements print a date once for several
lines), Ctrl+Delete removes a line. A date may be typed without its year ("13/6", "13 Jun"):
the year comes from the statement period.

Every cell is checked when it is typed: a date that is not a date, an amount that is not an
amount, a date outside the statement, a line with both or neither of Paid in and Paid out. The
running balance is checked with `desktop.rules.statements.balance_mismatch`: the first line
whose balance does not follow from the one above is marked, with what it should have been. A
problem is shown by colour *and* a warning icon in the cell and a mark by the line number, and
in a sentence under the grid naming the line and column. OK is enabled only when there is no
problem (a balance that does not follow blocks too: the adviser corrects the figure).
`result()` gives the `ParsedStatement`; the caller saves it. Money is `Decimal` throughout.

What is typed is kept as a draft if the window locks, quits or meets an error while the grid
is open (`draft_payload`, desktop.ui.kept_drafts) and put back with `restore_draft`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.datetext import MONTH_NAMES
from desktop.importers.bank_csv import ParsedRow, ParsedStatement
from desktop.rules.statements import balance_mismatch
from desktop.status_style import CAUTION_FILL
from desktop.ui.kept_drafts import LABELS, STATEMENT_GRID
from desktop.ui.widgets.date_field import DateField
from desktop.ui.widgets.dates import format_date, format_long, parse_user_date
from desktop.ui.widgets.form_feedback import FormErrors, mark_invalid

SOURCE = "paper statement"
COLUMNS = ("Date", "Description", "Paid in", "Paid out", "Balance")
DATE, DESCRIPTION, PAID_IN, PAID_OUT, BALANCE = range(len(COLUMNS))
MONEY_COLUMNS = (PAID_IN, PAID_OUT, BALANCE)
#: At most this many problems are listed under the grid; the rest are counted.
MAX_MESSAGES = 6
#: A kept draft puts back at most this many rows (a paper statement has far fewer).
MAX_DRAFT_ROWS = 5_000

_ERROR_FILL = "#F9DEDC"  # light red behind a cell with a problem (the icon says so too)
_MISMATCH_FILL = CAUTION_FILL  # amber across the line where the balance stops following
_MARK = "⚠"

# ---- reading what is typed (pure) -------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(MONTH_NAMES, start=1):
    _MONTHS[_name.lower()] = _number
    _MONTHS[_name[:3].lower()] = _number
_MONTHS["sept"] = 9

_NUMERIC_NO_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})$")
_WORDS_NO_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]*([a-z]+)\.?$")
_WORDS_DASHED = re.compile(r"^(\d{1,2})-([a-z]+)-(\d{4})$")
_PLAIN_AMOUNT = re.compile(r"^(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d{1,2})?$|^\.\d{1,2}$")


def read_date(
    text: str,
    period: tuple[date | None, date | None] = (None, None),
    above: date | None = None,
) -> date | None:
    """The date typed in a Date cell; None when blank; ValueError with a sentence otherwise.

    Takes every form the app's date fields take (13/06/2025, 13 Jun 2025, 2025-06-13), plus
    13-Jun-2025 and a day and month without the year ("13/6", "13 Jun"): the year is the one
    that puts the date inside the statement `period` (from, to), else the year of the date on
    the line `above`.
    """
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        return None
    lowered = cleaned.lower()
    if m := _WORDS_DASHED.match(lowered):
        cleaned = f"{m.group(1)} {m.group(2)} {m.group(3)}"
        lowered = cleaned.lower()
    day = month = None
    if m := _NUMERIC_NO_YEAR.match(lowered):
        day, month = int(m.group(1)), int(m.group(2))
    elif (m := _WORDS_NO_YEAR.match(lowered)) and m.group(2) in _MONTHS:
        day, month = int(m.group(1)), _MONTHS[m.group(2)]
    if day is None or month is None:
        return parse_user_date(cleaned)
    if not 1 <= month <= 12:
        raise ValueError(f"'{cleaned}' is not a real date: there is no month {month}")
    start, end = period
    years = list(dict.fromkeys(d.year for d in (start, end) if d is not None))
    if not years and above is not None:
        years = [above.year]
    if not years:
        raise ValueError(
            f"'{cleaned}' has no year: fill in Statement from and to first, or type the year "
            "(13/06/2025)"
        )
    readable: list[date] = []
    for year in years:
        try:
            readable.append(date(year, month, day))
        except ValueError:
            continue
    if not readable:
        raise ValueError(f"'{cleaned}' is not a real date")
    for candidate in readable:
        if (start is None or candidate >= start) and (end is None or candidate <= end):
            return candidate
    return readable[0]


def read_money(text: str, *, signed: bool = False) -> Decimal | None:
    """The amount typed in a money cell; None when blank; ValueError with a sentence otherwise.

    "1,234.56", "£12.30", "12.3" and "12" are amounts. Paid in and Paid out take no sign (the
    column says which way the money went). A balance (`signed`) may be overdrawn: "-45.20",
    "45.20 OD", "45.20 DR" or "45.20D"; "45.20 CR" is in credit.
    """
    cleaned = text.strip()
    if not cleaned:
        return None
    body = cleaned.replace("£", "").replace(" ", "")
    negative = False
    if signed:
        upper = body.upper()
        for suffix, minus in (("OD", True), ("DR", True), ("CR", False), ("D", True), ("C", False)):
            if upper.endswith(suffix) and len(upper) > len(suffix):
                body, negative = body[: -len(suffix)], minus
                break
        if not negative and body.startswith("-"):
            body, negative = body[1:], True
        body = body.replace("£", "")
    elif body.startswith(("-", "+")):
        raise ValueError(
            f"'{cleaned}' is not an amount: type it without a sign (the column says which way "
            "the money went)"
        )
    if not _PLAIN_AMOUNT.match(body):
        raise ValueError(f"'{cleaned}' is not an amount")
    value = Decimal(body.replace(",", "")).quantize(Decimal("0.01"))
    return -value if negative else value


def format_money(value: Decimal) -> str:
    """1,234.56 (and -45.20): how amounts are shown in the grid."""
    return f"{value:,.2f}"


def pounds(value: Decimal) -> str:
    """£1,234.56 (and -£45.20): how amounts are written in sentences."""
    return f"-£{-value:,.2f}" if value < 0 else f"£{value:,.2f}"


# ---- checking the grid (pure) -----------------------------------------------------------------


@dataclass(frozen=True)
class GridCheck:
    """What is wrong with the lines typed (rows and columns 0-based; messages count from 1)."""

    cells: dict[tuple[int, int], str]  # (row, column) -> sentence
    rows: dict[int, str]  # row -> sentence (both or neither of paid in and out, order)
    mismatch: tuple[int, str] | None  # (row, sentence) where the balance stops following
    unfinished: dict[int, str]  # the line being typed: what is still missing (not an error)
    parsed: tuple[ParsedRow, ...]  # the complete, valid lines (all of them when no problem)

    @property
    def ok(self) -> bool:
        return not (self.cells or self.rows or self.mismatch or self.unfinished)

    def messages(self) -> list[str]:
        found: list[tuple[int, int, str]] = [(r, c, m) for (r, c), m in self.cells.items()]
        found += [(r, -1, m) for r, m in self.rows.items()]
        if self.mismatch is not None:
            found.append((self.mismatch[0], 99, self.mismatch[1]))
        return [m for _r, _c, m in sorted(found, key=lambda t: (t[0], t[1]))]


def check_lines(
    lines: Sequence[Sequence[str]],
    period: tuple[date | None, date | None],
    opening: Decimal | None = None,
    current_row: int | None = None,
) -> GridCheck:
    """Check the typed lines (each the five cell texts). Blank lines are ignored. What is still
    missing on `current_row` (the line being typed) is not an error yet, only unfinished."""
    cells: dict[tuple[int, int], str] = {}
    rows: dict[int, str] = {}
    unfinished: dict[int, str] = {}
    values: list[tuple[int, date, str, Decimal, Decimal | None]] = []
    start, end = period
    above: date | None = None
    above_row = -1
    for r, texts in enumerate(lines):
        texts = [t.strip() for t in texts]
        if not any(texts):
            continue
        n = r + 1
        on: date | None = None
        try:
            on = read_date(texts[DATE], period, above)
        except ValueError as exc:
            cells[(r, DATE)] = f"Row {n}, Date: {exc}."
        money: dict[int, Decimal | None] = {}
        for column in MONEY_COLUMNS:
            try:
                money[column] = read_money(texts[column], signed=column == BALANCE)
            except ValueError as exc:
                cells[(r, column)] = f"Row {n}, {COLUMNS[column]}: {exc}."
        missing: list[str] = []
        if on is None and (r, DATE) not in cells:
            missing.append("Date")
        if not texts[DESCRIPTION]:
            missing.append("Description")
        paid_in, paid_out = money.get(PAID_IN), money.get(PAID_OUT)
        both_blank = not texts[PAID_IN] and not texts[PAID_OUT]
        if both_blank:
            missing.append("Paid in or Paid out")
        if missing:
            what = " and ".join(missing)
            if r == current_row:
                unfinished[r] = f"Row {n}: still to type: {what}."
            elif both_blank and len(missing) == 1:
                rows[r] = (
                    f"Row {n}: neither Paid in nor Paid out is filled. A row is one or the "
                    "other (type 0.00 for a row of no money); a balance brought forward goes "
                    "in Opening balance."
                )
            else:
                rows[r] = f"Row {n}: {what} {'is' if len(missing) == 1 else 'are'} needed."
        elif texts[PAID_IN] and texts[PAID_OUT]:
            rows[r] = (
                f"Row {n}: both Paid in and Paid out are filled; a row is one or the other "
                "(type two rows)."
            )
        if on is not None:
            if (start is not None and on < start) or (end is not None and on > end):
                cells[(r, DATE)] = (
                    f"Row {n}, Date: {format_long(on)} is outside the statement"
                    f"{_period_text(period)}."
                )
            else:
                if above is not None and on < above:
                    cells[(r, DATE)] = (
                        f"Row {n}, Date: {format_long(on)} is before the date on row "
                        f"{above_row + 1} ({format_long(above)}); type the rows in the order of "
                        "the statement, oldest first."
                    )
                # The next line is compared with this one, so one mistyped date is named once.
                above, above_row = on, r
        bad = any(key[0] == r for key in cells) or r in rows or r in unfinished
        if not bad and on is not None:
            amount = paid_in if paid_in is not None else -(paid_out or Decimal(0))
            values.append((r, on, texts[DESCRIPTION], amount, money.get(BALANCE)))

    # The balance is followed up to the first line with a problem (after it the figures mean
    # nothing yet).
    first_bad = min([k[0] for k in cells] + list(rows) + list(unfinished), default=None)
    checked = [v for v in values if first_bad is None or v[0] < first_bad]
    mismatch: tuple[int, str] | None = None
    index = balance_mismatch([(v[3], v[4]) for v in checked], opening)
    if index is not None:
        r, _on, _d, _amount, balance = checked[index]
        expected = _expected_balance(checked, index, opening)
        assert balance is not None
        mismatch = (
            r,
            f"Row {r + 1}: balance {pounds(balance)} does not follow from the row above"
            + (f" (expected {pounds(expected)})" if expected is not None else "")
            + " — check the figures from this row.",
        )
    parsed = tuple(
        ParsedRow(line=r + 1, on=on, description=d, amount=amount, balance=balance)
        for r, on, d, amount, balance in values
    )
    return GridCheck(cells, rows, mismatch, unfinished, parsed)


def _expected_balance(
    checked: Sequence[tuple[int, date, str, Decimal, Decimal | None]],
    index: int,
    opening: Decimal | None,
) -> Decimal | None:
    """The balance line `index` should show: the last balance before it plus the amounts since."""
    known = opening
    since = Decimal(0)
    for _r, _on, _d, amount, balance in checked[:index]:
        since += amount
        if balance is not None:
            known, since = balance, Decimal(0)
    if known is None:
        return None
    return known + since + checked[index][3]


def _period_text(period: tuple[date | None, date | None]) -> str:
    start, end = period
    if start is not None and end is not None:
        return f" ({format_long(start)} to {format_long(end)})"
    if start is not None:
        return f" (it starts on {format_long(start)})"
    if end is not None:
        return f" (it ends on {format_long(end)})"
    return ""


# ---- the widgets ------------------------------------------------------------------------------


class _CellDelegate(QStyledItemDelegate):
    """Line-edit cells whose Enter, Tab, arrows, Ctrl+D and Ctrl+Delete drive the grid."""

    def __init__(self, grid: StatementGrid) -> None:
        super().__init__(grid)
        self._grid = grid

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt override
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setMaxLength(200 if index.column() == DESCRIPTION else 40)
        editor.setAccessibleName(f"Row {index.row() + 1}, {COLUMNS[index.column()]}")
        if index.column() in MONEY_COLUMNS:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return editor

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and isinstance(editor, QLineEdit):
            key, mods = event.key(), event.modifiers()
            ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
            grid = self._grid
            if key == Qt.Key.Key_D and ctrl:
                if grid.currentColumn() == DATE:
                    above = grid.date_text_above(grid.currentRow())
                    if above:
                        editor.setText(above)
                        self.commitData.emit(editor)
                        grid.move_next()
                else:
                    grid.ditto()
                return True
            selected = {i.row() for i in grid.selectionModel().selectedRows()}
            if key == Qt.Key.Key_Delete and not ctrl and selected:
                # Whole lines selected (by their numbers): Delete removes them.
                self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.RevertModelCache)
                grid.remove_rows(sorted(selected))
                return True
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Insert) and ctrl:
                if key == Qt.Key.Key_Insert:
                    self.commitData.emit(editor)
                self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.RevertModelCache)
                if key == Qt.Key.Key_Delete:
                    grid.remove_current_row()
                else:
                    grid.insert_row_above()
                return True
            moves = {
                Qt.Key.Key_Return: grid.move_next,
                Qt.Key.Key_Enter: grid.move_next,
                Qt.Key.Key_Tab: grid.move_next,
                Qt.Key.Key_Backtab: grid.move_previous,
                Qt.Key.Key_Up: grid.move_up,
                Qt.Key.Key_Down: grid.move_down,
            }
            if key in moves and not ctrl:
                self.commitData.emit(editor)
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                    # Leaving the grid closes the editor; moving within opens the next one.
                    self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
                moves[key](via_enter=key in (Qt.Key.Key_Return, Qt.Key.Key_Enter))
                return True
        return super().eventFilter(editor, event)


class StatementGrid(QTableWidget):
    """The grid of statement lines: always editing, Enter and Tab move on."""

    def __init__(self, dialog: StatementGridDialog) -> None:
        super().__init__(0, len(COLUMNS))
        self._dialog = dialog
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.setAccessibleName("Statement rows")
        self.setAccessibleDescription(
            "Date, Description, Paid in, Paid out and Balance for each line of the statement, one "
            "row each. Enter moves to the next cell; Ctrl+D copies the date above; Ctrl+Insert "
            "adds a row above; Ctrl+Delete removes a row."
        )
        self.setItemDelegate(_CellDelegate(self))
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.CurrentChanged
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        # Contiguous: a click on line numbers selects whole lines, which Delete removes.
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setTabKeyNavigation(True)
        self.setAlternatingRowColors(False)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        self.setColumnWidth(DATE, metrics.horizontalAdvance("00 Mmm 0000") + 28)
        for column in MONEY_COLUMNS:
            self.setColumnWidth(column, metrics.horizontalAdvance("-00,000.00") + 44)
        rows = self.verticalHeader()
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Room for the problem mark, so the grid does not jump when one appears.
        rows.setMinimumWidth(metrics.horizontalAdvance(f"{_MARK} 000") + 12)

    # ---- rows --------------------------------------------------------------------------------
    def add_row(self, texts: Sequence[str] = ("",) * len(COLUMNS)) -> int:
        row = self.rowCount()
        self.insertRow(row)
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            if column in MONEY_COLUMNS:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, column, item)
        self.setVerticalHeaderItem(row, QTableWidgetItem(str(row + 1)))
        return row

    def texts(self, row: int) -> list[str]:
        return [(item.text() if (item := self.item(row, c)) else "") for c in range(len(COLUMNS))]

    def is_blank(self, row: int) -> bool:
        return not any(t.strip() for t in self.texts(row))

    def date_text_above(self, row: int) -> str:
        """The date on the nearest line above with one (for Ctrl+D)."""
        for r in range(row - 1, -1, -1):
            text = self.texts(r)[DATE].strip()
            if text:
                return text
        return ""

    def ditto(self) -> None:
        row = self.currentRow()
        above = self.date_text_above(row)
        if row < 0 or not above:
            return
        self.item(row, DATE).setText(above)
        if self.currentColumn() == DATE:
            self.move_next()

    def insert_row_above(self) -> None:
        """A blank line above the current one (a line missed out), its date cell current."""
        row = max(self.currentRow(), 0)
        self.insertRow(row)
        for column in range(len(COLUMNS)):
            item = QTableWidgetItem("")
            if column in MONEY_COLUMNS:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, column, item)
        self.setCurrentCell(row, DATE)
        self._dialog.refresh()

    def remove_current_row(self) -> None:
        if self.currentRow() >= 0:
            self.remove_rows([self.currentRow()])

    def remove_rows(self, rows: Sequence[int]) -> None:
        """Remove the lines `rows` (the last line left is emptied instead)."""
        column = max(self.currentColumn(), 0)
        for row in sorted(set(rows), reverse=True):
            if self.rowCount() == 1:
                for c in range(len(COLUMNS)):
                    self.item(0, c).setText("")
            else:
                self.removeRow(row)
        for r in range(self.rowCount()):
            self.setVerticalHeaderItem(r, QTableWidgetItem(str(r + 1)))
        self.clearSelection()
        self.setCurrentCell(min(min(rows), self.rowCount() - 1), column)
        self._dialog.refresh()

    # ---- moving ------------------------------------------------------------------------------
    def _leave(self, forward: bool, via_enter: bool) -> None:
        self.setFocus()
        if forward and via_enter and self._dialog.ok_button.isEnabled():
            self._dialog.ok_button.setFocus(Qt.FocusReason.TabFocusReason)
            return
        QWidget.focusNextPrevChild(self, forward)

    def move_next(self, via_enter: bool = False) -> None:
        row, column = self.currentRow(), self.currentColumn()
        last_row = row == self.rowCount() - 1
        if last_row and self.is_blank(row) and (column == DATE or column == len(COLUMNS) - 1):
            if self.rowCount() > 1 or column == len(COLUMNS) - 1:
                self._leave(True, via_enter)
                return
        if column < len(COLUMNS) - 1:
            self.setCurrentCell(row, column + 1)
        elif not last_row:
            self.setCurrentCell(row + 1, DATE)
        else:
            self.setCurrentCell(self.add_row(), DATE)

    def move_previous(self, via_enter: bool = False) -> None:
        row, column = self.currentRow(), self.currentColumn()
        if column > 0:
            self.setCurrentCell(row, column - 1)
        elif row > 0:
            self.setCurrentCell(row - 1, len(COLUMNS) - 1)
        else:
            self._leave(False, False)

    def move_up(self, via_enter: bool = False) -> None:
        if self.currentRow() > 0:
            self.setCurrentCell(self.currentRow() - 1, self.currentColumn())

    def move_down(self, via_enter: bool = False) -> None:
        if self.currentRow() < self.rowCount() - 1:
            self.setCurrentCell(self.currentRow() + 1, self.currentColumn())

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_D and ctrl:
            self.ditto()
        elif key == Qt.Key.Key_Delete and ctrl:
            self.remove_current_row()
        elif key == Qt.Key.Key_Insert and ctrl:
            self.insert_row_above()
        elif key == Qt.Key.Key_Delete:
            rows = sorted({i.row() for i in self.selectionModel().selectedRows()}, reverse=True)
            if rows:
                self.remove_rows(rows)
            else:
                for item in self.selectedItems() or [self.currentItem()]:
                    if item is not None:
                        item.setText("")
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab) and not ctrl:
            self.move_next(via_enter=key != Qt.Key.Key_Tab)
        elif key == Qt.Key.Key_Backtab:
            self.move_previous()
        else:
            super().keyPressEvent(event)


class StatementGridDialog(QDialog):
    """Type in a paper statement for the account `account_label`.

    `rows` prefill the grid (oldest first); `period` the statement dates (else the first and
    last dates of `rows`) and `opening` the opening balance. `result()` is the statement once
    accepted.
    """

    #: Opened from the Statements tab only: what is typed is kept over a lock as this kind.
    draft_kind = STATEMENT_GRID

    def __init__(
        self,
        parent: QWidget | None,
        account_label: str,
        rows: Sequence[ParsedRow] = (),
        *,
        period: tuple[date, date] | None = None,
        opening: Decimal | None = None,
    ) -> None:
        super().__init__(parent)
        self.account_label = account_label
        self._check: GridCheck | None = None
        self._refreshing = False
        self._touched: set[str] = set()
        self.setWindowTitle(f"Type in a paper statement: {account_label}")
        self.setAccessibleName("Type in a paper statement")

        self.intro = QLabel(
            f"{account_label}. Copy the statement a row for each line, oldest first. Enter moves to "
            "the next cell; Ctrl+D copies the date above; Ctrl+Insert adds a row above, Ctrl+Delete "
            "removes one. A date can be typed without the year (13/6)."
        )
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("About this statement")

        self.from_field = DateField(required=True, label="Statement from")
        self.to_field = DateField(required=True, label="Statement to")
        self.opening_field = QLineEdit()
        self.opening_field.setAccessibleName("Opening balance")
        self.opening_field.setPlaceholderText("Optional, e.g. 1,204.56 or 45.20 OD")
        self.opening_field.setMaxLength(40)
        period_row = QHBoxLayout()
        to_label = QLabel("&to")
        to_label.setBuddy(self.to_field)
        period_row.addWidget(self.from_field, 1)
        period_row.addWidget(to_label)
        period_row.addWidget(self.to_field, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        from_label = QLabel("Statement &from")
        from_label.setBuddy(self.from_field)
        form.addRow(from_label, period_row)
        opening_label = QLabel("&Opening balance")
        opening_label.setBuddy(self.opening_field)
        form.addRow(opening_label, self.opening_field)

        grid_label = QLabel("&Rows")
        self.grid = StatementGrid(self)
        grid_label.setBuddy(self.grid)
        self.remove_button = QPushButton("Re&move row")
        self.remove_button.setAccessibleName("Remove row")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.grid.remove_current_row)
        self.summary = QLabel()
        self.summary.setAccessibleName("Totals")
        below = QHBoxLayout()
        below.addWidget(self.summary, 1)
        below.addWidget(self.remove_button)

        self.errors = FormErrors(self)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Still to type")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Save statement")
        self.ok_button.setAccessibleName("Save statement")
        self.ok_button.setDefault(False)
        self.ok_button.setAutoDefault(False)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(grid_label)
        layout.addWidget(self.grid, 1)
        layout.addLayout(below)
        layout.addWidget(self.errors)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.setMinimumSize(760, 520)
        QWidget.setTabOrder(self.from_field, self.to_field)
        QWidget.setTabOrder(self.to_field, self.opening_field)
        QWidget.setTabOrder(self.opening_field, self.grid)
        QWidget.setTabOrder(self.grid, self.remove_button)
        QWidget.setTabOrder(self.remove_button, self.ok_button)
        QWidget.setTabOrder(self.ok_button, self.cancel_button)
        # Ctrl+Delete on a line with the focus on the Remove button works too.
        QShortcut(QKeySequence("Ctrl+Delete"), self.remove_button, self.grid.remove_current_row)

        if period is None and rows:
            period = (min(r.on for r in rows), max(r.on for r in rows))
        if period is not None:
            self.from_field.setDate(period[0])
            self.to_field.setDate(period[1])
            self._touched |= {"from", "to"}
        if opening is not None:
            self.opening_field.setText(format_money(opening))
            self._touched.add("opening")
        for row in rows:
            paid_in = format_money(row.amount) if row.amount > 0 else ""
            paid_out = format_money(-row.amount) if row.amount <= 0 else ""
            balance = "" if row.balance is None else format_money(row.balance)
            self.grid.add_row((format_date(row.on), row.description, paid_in, paid_out, balance))
        if not rows:
            self.grid.add_row()
        self.grid.setCurrentCell(0, DATE)

        self.grid.itemChanged.connect(self._item_changed)
        self.grid.currentCellChanged.connect(self._current_changed)
        self.from_field.textChanged.connect(self._period_changed)
        self.to_field.textChanged.connect(self._period_changed)
        self.opening_field.textChanged.connect(self.refresh)
        self.from_field.editingFinished.connect(lambda: self._touch("from"))
        self.to_field.editingFinished.connect(lambda: self._touch("to"))
        self.opening_field.editingFinished.connect(self._opening_finished)
        self.refresh()
        (self.grid if period is not None else self.from_field).setFocus()
        self._opened_with = self._typed()

    # ---- drafts (kept over a lock, a quit or an error) ---------------------------------------
    def _commit_editing(self) -> None:
        """Take in the cell being typed in (its editor holds it until it is left)."""
        if self.grid.state() == QAbstractItemView.State.EditingState:
            editor = self.grid.indexWidget(self.grid.currentIndex())
            if editor is not None:
                self.grid.commitData(editor)

    def _typed(self) -> dict:
        return {
            "from": self.from_field.text(),
            "to": self.to_field.text(),
            "opening": self.opening_field.text(),
            "lines": [texts for texts in self.lines() if any(t.strip() for t in texts)],
        }

    def draft_payload(self) -> dict | None:
        """Everything typed (half-typed cells too); None when nothing changed."""
        self._commit_editing()
        typed = self._typed()
        return None if typed == self._opened_with else typed

    def draft_label(self) -> str:
        return LABELS[STATEMENT_GRID]

    def restore_draft(self, payload: dict) -> None:
        """Put back what `draft_payload` gave; rows that are not five texts are left out."""
        lines = payload.get("lines")
        rows = [
            [str(text) for text in line]
            for line in (lines if isinstance(lines, list) else [])[:MAX_DRAFT_ROWS]
            if isinstance(line, list)
            and len(line) == len(COLUMNS)
            and all(isinstance(text, str) for text in line)
        ]
        for name, field in (
            ("from", self.from_field),
            ("to", self.to_field),
            ("opening", self.opening_field),
        ):
            if isinstance(payload.get(name), str):
                field.setText(payload[name])
                self._touched.add(name)
        self._refreshing = True
        try:
            self.grid.setRowCount(0)
            for texts in rows:
                self.grid.add_row(texts)
            if not rows:
                self.grid.add_row()
        finally:
            self._refreshing = False
        self.grid.setCurrentCell(0, DATE)
        self.refresh()

    # ---- values ------------------------------------------------------------------------------
    def period(self) -> tuple[date | None, date | None]:
        return self.from_field.date(), self.to_field.date()

    def opening(self) -> Decimal | None:
        """The opening balance typed, or None when blank or not an amount."""
        try:
            return read_money(self.opening_field.text(), signed=True)
        except ValueError:
            return None

    def lines(self) -> list[list[str]]:
        return [self.grid.texts(r) for r in range(self.grid.rowCount())]

    def check(self) -> GridCheck:
        assert self._check is not None
        return self._check

    def problems(self) -> list[str]:
        """Every problem that stops saving, in order: the fields first, then the lines."""
        return [*self._field_problems().values(), *self.check().messages()]

    def result(self) -> ParsedStatement:
        """The statement typed. ValueError (naming the first problem) while there is one."""
        problems = self.problems()
        if problems or not self.check().ok:
            first = problems[0] if problems else next(iter(self.check().unfinished.values()))
            raise ValueError(first)
        start, end = self.period()
        assert start is not None and end is not None
        return ParsedStatement(
            source=SOURCE,
            rows=self.check().parsed,
            period=(start, end),
            format_key=None,
        )

    # ---- checking ----------------------------------------------------------------------------
    def _field_problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        for name, field in (("from", self.from_field), ("to", self.to_field)):
            if not field.is_valid():
                problems[name] = field.error() or f"{field.label} is not a real date."
        start, end = self.period()
        if start is not None and end is not None and end < start and "to" not in problems:
            problems["to"] = (
                f"Statement to ({format_long(end)}) is before Statement from "
                f"({format_long(start)})."
            )
        try:
            read_money(self.opening_field.text(), signed=True)
        except ValueError as exc:
            problems["opening"] = f"Opening balance: {exc}."
        return problems

    def _touch(self, name: str) -> None:
        self._touched.add(name)
        self.refresh()

    def _opening_finished(self) -> None:
        value = self.opening()
        if value is not None:
            self.opening_field.setText(format_money(value))
        self._touch("opening")

    def _period_changed(self) -> None:
        self._normalise_dates()
        self.refresh()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._refreshing:
            return
        self._normalise(item.row(), item.column())
        self.refresh()

    def _current_changed(self, *_args: int) -> None:
        # The line being typed may have changed (what is unfinished there is not an error),
        # and the cell just left is marked now that it is not being edited.
        if not self._refreshing:
            self.refresh()

    def _normalise(self, row: int, column: int) -> None:
        """A cell that reads is shown the way it is stored: 13 Jun 2025, 1,234.56."""
        item = self.grid.item(row, column)
        if item is None:
            return
        text = item.text()
        shown = text.strip() if column == DESCRIPTION else text
        try:
            if column == DATE:
                above = None
                for r in range(row - 1, -1, -1):
                    try:
                        above = read_date(self.grid.texts(r)[DATE], self.period())
                    except ValueError:
                        above = None
                    if above is not None:
                        break
                value = read_date(text, self.period(), above)
                shown = format_date(value) if value is not None else ""
            elif column in MONEY_COLUMNS:
                money = read_money(text, signed=column == BALANCE)
                shown = "" if money is None else format_money(money)
        except ValueError:
            return
        if shown != text:
            self._refreshing = True
            try:
                item.setText(shown)
            finally:
                self._refreshing = False

    def _normalise_dates(self) -> None:
        editing = self.grid.state() == QAbstractItemView.State.EditingState
        for row in range(self.grid.rowCount()):
            if editing and row == self.grid.currentRow() and self.grid.currentColumn() == DATE:
                continue
            self._normalise(row, DATE)

    def refresh(self, *_args: object) -> None:
        if self._refreshing:
            return
        self._refreshing = True
        try:
            self._show()
        finally:
            self._refreshing = False

    def _show(self) -> None:
        current = self.grid.currentRow()
        # The line being typed is not finished yet; a blank last line is ignored.
        check = check_lines(
            self.lines(), self.period(), self.opening(), current if current >= 0 else None
        )
        self._check = check
        fields = self._field_problems()
        shown_fields = {n: m for n, m in fields.items() if n in self._touched}
        mark_invalid(self.from_field, shown_fields.get("from"))
        mark_invalid(self.to_field, shown_fields.get("to"))
        mark_invalid(self.opening_field, shown_fields.get("opening"))
        self._mark_cells(check)
        messages = [*shown_fields.values(), *check.messages()]
        if len(messages) > MAX_MESSAGES:
            more = len(messages) - MAX_MESSAGES + 1
            messages = [*messages[: MAX_MESSAGES - 1], f"…and {more} more problems."]
        self.errors.set_messages(messages)
        hints = list(check.unfinished.values())
        start, end = self.period()
        if (start is None or end is None) and not shown_fields.keys() & {"from", "to"}:
            hints.insert(0, "Type the statement's first and last dates (Statement from and to).")
        self.hint.setText(" ".join(hints))
        self.hint.setVisible(bool(hints))
        self._show_summary(check)
        self.ok_button.setEnabled(not fields and check.ok and start is not None and end is not None)

    def _mark_cells(self, check: GridCheck) -> None:
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        mismatch_row = check.mismatch[0] if check.mismatch is not None else None
        # A change to the item being edited would put its stored text back into the editor
        # (losing what is being typed): it is marked once it is left.
        editing = (
            (self.grid.currentRow(), self.grid.currentColumn())
            if self.grid.state() == QAbstractItemView.State.EditingState
            else None
        )
        for row in range(self.grid.rowCount()):
            row_problem = check.rows.get(row)
            marked_row = row_problem is not None or any(k[0] == row for k in check.cells)
            for column in range(len(COLUMNS)):
                item = self.grid.item(row, column)
                if item is None or (row, column) == editing:
                    continue
                message = check.cells.get((row, column))
                if message is None and row_problem is not None and column in (PAID_IN, PAID_OUT):
                    message = row_problem
                if message is None and row_problem is not None and not item.text().strip():
                    message = row_problem  # a missing date or description
                if message is None and row == mismatch_row and check.mismatch is not None:
                    message = check.mismatch[1] if column == BALANCE else None
                    item.setBackground(QBrush(QColor(_MISMATCH_FILL)))
                elif message is not None:
                    item.setBackground(QBrush(QColor(_ERROR_FILL)))
                else:
                    item.setData(Qt.ItemDataRole.BackgroundRole, None)
                item.setData(Qt.ItemDataRole.DecorationRole, icon if message else None)
                item.setToolTip(message or "")
                item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, message or "")
            header = self.grid.verticalHeaderItem(row)
            if header is None:
                header = QTableWidgetItem()
                self.grid.setVerticalHeaderItem(row, header)
            flagged = marked_row or row == mismatch_row
            header.setText(f"{_MARK} {row + 1}" if flagged else str(row + 1))
            header.setToolTip("This row has a problem: see below the grid." if flagged else "")

    def _show_summary(self, check: GridCheck) -> None:
        rows = check.parsed
        paid_in = sum((r.amount for r in rows if r.amount > 0), Decimal(0))
        paid_out = sum((-r.amount for r in rows if r.amount < 0), Decimal(0))
        count = len(rows)
        text = (
            f"{count} row{'s' if count != 1 else ''}: paid in {pounds(paid_in)}, "
            f"paid out {pounds(paid_out)}"
        )
        closing = next((r.balance for r in reversed(rows) if r.balance is not None), None)
        if closing is not None:
            text += f"; last balance {pounds(closing)}"
        self.summary.setText(text + ".")

    # ---- closing -----------------------------------------------------------------------------
    def accept(self) -> None:
        self._commit_editing()
        self._touched |= {"from", "to", "opening"}
        self.refresh()
        if not self.ok_button.isEnabled():
            return
        super().accept()
