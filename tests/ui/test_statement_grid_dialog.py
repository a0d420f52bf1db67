"""Typing in a paper statement: keyboard entry, year completion, checks as typed, the running
balance, and the statement given back."""

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.importers.bank_csv import ParsedRow
from desktop.ui.statement_grid_dialog import (
    BALANCE,
    DATE,
    PAID_OUT,
    SOURCE,
    StatementGridDialog,
    read_date,
    read_money,
)

D = Decimal
JUNE = (date(2025, 6, 1), date(2025, 6, 30))
ACCOUNT = "Monzo current ••1234 (Amina Yusuf)"


def activate(qtbot, dlg) -> None:
    dlg.show()
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow, timeout=3000)


@pytest.fixture
def dialog(qtbot):
    dlg = StatementGridDialog(None, ACCOUNT)
    qtbot.addWidget(dlg)
    activate(qtbot, dlg)
    return dlg


def focused():
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot, text: str) -> None:
    # One key at a time to whatever has the focus: the first key opens the cell's editor.
    for char in text:
        qtbot.keyClicks(focused(), char)


def type_period(qtbot, dlg, start="01/06/2025", end="30/06/2025", opening=""):
    dlg.from_field.setFocus()
    type_text(qtbot, start)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, end)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dlg.opening_field
    type_text(qtbot, opening)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dlg.grid


def type_line(qtbot, *cells: str) -> None:
    """Type the cells of one line, Enter after each ("^D" = Ctrl+D on the date)."""
    for text in cells:
        if text == "^D":
            press(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
            continue
        type_text(qtbot, text)
        press(qtbot, Qt.Key.Key_Return)


def prefilled(qtbot, rows, opening=None):
    dlg = StatementGridDialog(None, ACCOUNT, rows, period=JUNE, opening=opening)
    qtbot.addWidget(dlg)
    return dlg


LINES = [
    ParsedRow(1, date(2025, 6, 2), "Tesco Stores 2231", D("-12.30"), D("987.70")),
    ParsedRow(2, date(2025, 6, 2), "BGC Acme Cleaning Ltd", D("1500.00"), None),
    ParsedRow(3, date(2025, 6, 5), "SO Harbour Lettings", D("-700.00"), D("1787.70")),
    ParsedRow(4, date(2025, 6, 9), "Cash Leeds Briggate", D("-50.00"), D("1737.70")),
    ParsedRow(5, date(2025, 6, 12), "FPO J Okafor", D("-250.00"), D("1487.70")),
    ParsedRow(6, date(2025, 6, 15), "Greggs 114", D("-4.50"), None),
    ParsedRow(7, date(2025, 6, 16), "DD Yorkshire Water", D("-35.80"), D("1447.40")),
]


# ---- reading cells ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("13/6", date(2025, 6, 13)),
        ("13/06", date(2025, 6, 13)),
        ("13 Jun", date(2025, 6, 13)),
        ("13 june", date(2025, 6, 13)),
        ("13 Jun 2025", date(2025, 6, 13)),
        ("13-Jun-2025", date(2025, 6, 13)),
        ("13/06/2025", date(2025, 6, 13)),
        ("2025-06-13", date(2025, 6, 13)),
    ],
)
def test_dates_read_with_or_without_the_year(text, expected):
    assert read_date(text, JUNE) == expected


def test_a_date_without_a_year_takes_the_year_that_puts_it_in_the_statement():
    december_to_january = (date(2024, 12, 15), date(2025, 1, 14))
    assert read_date("20/12", december_to_january) == date(2024, 12, 20)
    assert read_date("3/1", december_to_january) == date(2025, 1, 3)
    # No period yet: the line above gives the year; with neither, the year must be typed.
    assert read_date("3/1", above=date(2023, 12, 30)) == date(2023, 1, 3)
    with pytest.raises(ValueError, match=r"'3/1' has no year"):
        read_date("3/1")
    with pytest.raises(ValueError, match=r"'31/6' is not a real date"):
        read_date("31/6", JUNE)


@pytest.mark.parametrize(
    "text, signed, expected",
    [
        ("12.3", False, D("12.30")),
        ("1,234.56", False, D("1234.56")),
        ("£12", False, D("12.00")),
        ("-45.20", True, D("-45.20")),
        ("45.20 OD", True, D("-45.20")),
        ("45.20D", True, D("-45.20")),
        ("45.20 CR", True, D("45.20")),
        ("", False, None),
    ],
)
def test_amounts_read_as_decimal(text, signed, expected):
    value = read_money(text, signed=signed)
    assert value == expected
    assert value is None or isinstance(value, Decimal)


@pytest.mark.parametrize("text", ["12,3x", "12,3", "1.234", "12.345", "abc"])
def test_what_is_not_an_amount_is_refused_with_the_text(text):
    with pytest.raises(ValueError, match=rf"'{text}' is not an amount"):
        read_money(text)


def test_paid_in_and_out_take_no_sign():
    with pytest.raises(ValueError, match="without a sign"):
        read_money("-12.30")


# ---- typing -----------------------------------------------------------------------------------


def test_typing_lines_with_the_keyboard_gives_the_statement(qtbot, dialog):
    type_period(qtbot, dialog, "1/6/2025", "30 Jun 2025", "1,000")
    type_line(qtbot, "2/6", "Tesco Stores 2231", "", "12.30", "987.70")
    # Ctrl+D copies the date above and moves on to the description.
    type_line(qtbot, "^D", "BGC Acme Cleaning Ltd", "1500", "", "")
    type_line(qtbot, "5 Jun", "SO Harbour Lettings", "", "700", "1787.70")
    # Enter at the end of the last line made a new line; its cells are being edited.
    assert dialog.grid.rowCount() == 4
    assert (dialog.grid.currentRow(), dialog.grid.currentColumn()) == (3, DATE)
    assert isinstance(focused(), QLineEdit)
    # What was typed is shown the way it is stored.
    assert dialog.grid.texts(0) == ["2 Jun 2025", "Tesco Stores 2231", "", "12.30", "987.70"]
    assert dialog.grid.texts(2)[BALANCE] == "1,787.70"
    assert dialog.opening_field.text() == "1,000.00"
    assert dialog.problems() == []
    assert dialog.ok_button.isEnabled()

    # Enter on the blank new line leaves the grid for the Save button.
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is dialog.ok_button

    statement = dialog.result()
    assert statement.source == SOURCE == "paper statement"
    assert statement.period == JUNE
    assert statement.format_key is None
    assert statement.rows == (
        ParsedRow(1, date(2025, 6, 2), "Tesco Stores 2231", D("-12.30"), D("987.70")),
        ParsedRow(2, date(2025, 6, 2), "BGC Acme Cleaning Ltd", D("1500.00"), None),
        ParsedRow(3, date(2025, 6, 5), "SO Harbour Lettings", D("-700.00"), D("1787.70")),
    )
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.result() == statement
    assert not dialog.isVisible()  # saved


def test_tab_moves_through_the_cells_too_and_shift_tab_goes_back(qtbot, dialog):
    type_period(qtbot, dialog)
    type_text(qtbot, "3/6")
    press(qtbot, Qt.Key.Key_Tab)
    assert (dialog.grid.currentRow(), dialog.grid.currentColumn()) == (0, 1)
    press(qtbot, Qt.Key.Key_Backtab)
    assert (dialog.grid.currentRow(), dialog.grid.currentColumn()) == (0, DATE)
    assert dialog.grid.texts(0)[DATE] == "3 Jun 2025"


def test_ctrl_delete_removes_the_line_and_the_rows_renumber(qtbot, dialog):
    type_period(qtbot, dialog)
    type_line(qtbot, "2/6", "Tesco", "", "1", "")
    type_line(qtbot, "3/6", "Mistake", "", "2", "")
    type_line(qtbot, "4/6", "Greggs", "", "3", "")
    dialog.grid.setCurrentCell(1, PAID_OUT)
    press(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert [dialog.grid.texts(r)[1] for r in range(dialog.grid.rowCount())] == [
        "Tesco",
        "Greggs",
        "",
    ]
    assert dialog.grid.verticalHeaderItem(1).text() == "2"
    # The Remove line button does the same for the current line.
    dialog.grid.setCurrentCell(0, DATE)
    dialog.remove_button.click()
    assert dialog.grid.texts(0)[1] == "Greggs"
    assert [r.line for r in dialog.result().rows] == [1]
    # Delete removes whole lines selected by their numbers; on a cell it empties the cell.
    dialog.grid.setFocus()
    dialog.grid.setCurrentCell(1, DATE)
    type_line(qtbot, "5/6", "Costa", "", "2.80", "")
    assert dialog.grid.texts(1)[1] == "Costa"
    dialog.grid.selectRow(0)
    press(qtbot, Qt.Key.Key_Delete)
    assert dialog.grid.texts(0)[1] == "Costa"
    assert dialog.grid.rowCount() == 2
    # Without a whole line selected, Delete is the editor's own (it deletes a character).
    dialog.grid.setCurrentCell(0, 1)
    press(qtbot, Qt.Key.Key_Home)
    press(qtbot, Qt.Key.Key_Delete)
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.grid.texts(0)[1] == "osta"
    assert dialog.grid.rowCount() == 2


def test_tab_on_the_blank_new_line_leaves_the_grid(qtbot, dialog):
    type_period(qtbot, dialog)
    type_line(qtbot, "2/6", "Tesco", "", "1.00", "")
    assert dialog.grid.rowCount() == 2
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.remove_button
    assert dialog.grid.rowCount() == 2


# ---- checks -----------------------------------------------------------------------------------


def test_a_bad_amount_is_named_by_row_and_column_and_marked_in_the_cell(qtbot):
    dlg = prefilled(qtbot, LINES)
    assert dlg.ok_button.isEnabled()
    dlg.grid.item(3, PAID_OUT).setText("12,3x")
    assert dlg.errors.messages() == ["Row 4, Paid out: '12,3x' is not an amount."]
    item = dlg.grid.item(3, PAID_OUT)
    assert item.data(Qt.ItemDataRole.DecorationRole) is not None  # the icon, not colour alone
    assert item.background().color().name().upper() == "#F9DEDC"
    assert dlg.grid.verticalHeaderItem(3).text() == "⚠ 4"
    assert not dlg.ok_button.isEnabled()
    with pytest.raises(ValueError, match="Row 4, Paid out"):
        dlg.result()
    dlg.grid.item(3, PAID_OUT).setText("50")
    assert dlg.errors.messages() == []
    assert dlg.grid.item(3, PAID_OUT).data(Qt.ItemDataRole.DecorationRole) is None
    assert dlg.grid.verticalHeaderItem(3).text() == "4"
    assert dlg.ok_button.isEnabled()


def test_a_balance_that_does_not_follow_is_flagged_at_its_row_and_fixing_it_clears_it(qtbot):
    dlg = prefilled(qtbot, LINES, opening=D("1000"))
    assert dlg.problems() == [] and dlg.ok_button.isEnabled()
    # Row 7 copied wrong: 1,457.40 for 1,447.40 (a 4 read as a 5).
    dlg.grid.item(6, BALANCE).setText("1457.40")
    expected = (
        "Row 7: balance £1,457.40 does not follow from the row above (expected £1,447.40) — "
        "check the figures from this row."
    )
    assert dlg.errors.messages() == [expected]
    assert dlg.grid.verticalHeaderItem(6).text() == "⚠ 7"
    assert dlg.grid.verticalHeaderItem(5).text() == "6"
    assert dlg.grid.item(6, BALANCE).data(Qt.ItemDataRole.DecorationRole) is not None
    assert dlg.grid.item(6, 1).background().color().name().upper() == "#FBE3B0"
    assert not dlg.ok_button.isEnabled()
    dlg.grid.item(6, BALANCE).setText("1447.40")
    assert dlg.errors.messages() == []
    assert dlg.grid.verticalHeaderItem(6).text() == "7"
    assert dlg.grid.item(6, 1).data(Qt.ItemDataRole.BackgroundRole) is None
    assert dlg.ok_button.isEnabled()


def test_the_balance_check_carries_over_lines_without_a_balance_and_uses_the_opening(qtbot):
    dlg = prefilled(qtbot, LINES, opening=D("1000"))
    # Row 2 has no balance: row 3 must be 987.70 + 1,500 - 700.
    dlg.grid.item(2, BALANCE).setText("1,785.40")
    assert dlg.errors.messages()[0].startswith(
        "Row 3: balance £1,785.40 does not follow from the row above (expected £1,787.70)"
    )
    dlg.grid.item(2, BALANCE).setText("1,787.70")
    assert dlg.errors.messages() == []
    # Only the first line that stops following is named: row 5 follows from the wrong row 4.
    dlg.grid.item(3, BALANCE).setText("1,727.70")
    dlg.grid.item(4, BALANCE).setText("1,477.70")
    assert dlg.errors.messages() == [
        "Row 4: balance £1,727.70 does not follow from the row above (expected £1,737.70) — "
        "check the figures from this row."
    ]
    dlg.grid.item(3, BALANCE).setText("1,737.70")
    dlg.grid.item(4, BALANCE).setText("1,487.70")
    # The first balance must follow from the opening balance.
    dlg.opening_field.setText("1,010.00")
    assert dlg.errors.messages()[0].startswith(
        "Row 1: balance £987.70 does not follow from the row above (expected £997.70)"
    )


def test_both_or_neither_paid_in_and_out_is_a_problem_once_the_line_is_left(qtbot):
    dlg = prefilled(qtbot, LINES)
    dlg.grid.item(1, PAID_OUT).setText("3.00")
    assert dlg.errors.messages() == [
        "Row 2: both Paid in and Paid out are filled; a row is one or the other (type two rows)."
    ]
    dlg.grid.item(1, PAID_OUT).setText("")
    dlg.grid.item(1, 2).setText("")
    assert dlg.errors.messages()[0].startswith("Row 2: neither Paid in nor Paid out is filled.")
    assert not dlg.ok_button.isEnabled()
    # An explicit 0.00 is a line of no money, which is allowed (here the balances then do not
    # follow: 1,500 was paid in on row 2).
    dlg.grid.item(1, 2).setText("0")
    assert [m[:6] for m in dlg.errors.messages()] == ["Row 3:"]
    assert "expected £287.70" in dlg.errors.messages()[0]
    dlg.grid.item(1, 2).setText("1,500")
    dlg.grid.item(1, DATE).setText("3/6")
    # A line missed out: Ctrl+Insert adds a blank line above the current one.
    activate(qtbot, dlg)
    dlg.grid.setFocus()
    dlg.grid.setCurrentCell(1, 1)
    press(qtbot, Qt.Key.Key_Insert, Qt.KeyboardModifier.ControlModifier)
    assert (dlg.grid.rowCount(), dlg.grid.currentRow(), dlg.grid.currentColumn()) == (8, 1, DATE)
    assert dlg.grid.texts(2)[1] == "BGC Acme Cleaning Ltd"
    type_line(qtbot, "2/6", "Interest", "0.00", "")  # a line of no money
    assert dlg.errors.messages() == []
    assert dlg.result().rows[1] == ParsedRow(2, date(2025, 6, 2), "Interest", D("0.00"), None)


def test_the_line_being_typed_is_unfinished_not_wrong(qtbot, dialog):
    type_period(qtbot, dialog)
    type_line(qtbot, "2/6", "Tesco")
    assert dialog.errors.messages() == []
    assert dialog.hint.text() == "Row 1: still to type: Paid in or Paid out."
    assert not dialog.ok_button.isEnabled()
    dialog.grid.setCurrentCell(0, PAID_OUT)
    type_line(qtbot, "4.20")
    assert dialog.hint.text() == ""
    assert dialog.ok_button.isEnabled()


def test_a_date_outside_the_statement_or_out_of_order_names_the_row(qtbot):
    dlg = prefilled(qtbot, LINES)
    dlg.grid.item(4, DATE).setText("3/7")
    assert dlg.errors.messages() == [
        "Row 5, Date: 3 July 2025 is outside the statement (1 June 2025 to 30 June 2025)."
    ]
    dlg.grid.item(4, DATE).setText("1/6")
    assert dlg.errors.messages() == [
        "Row 5, Date: 1 June 2025 is before the date on row 4 (9 June 2025); type the rows "
        "in the order of the statement, oldest first."
    ]
    dlg.grid.item(4, DATE).setText("31/2")
    assert dlg.errors.messages() == ["Row 5, Date: '31/2' is not a real date."]
    assert not dlg.ok_button.isEnabled()


def test_the_statement_period_is_needed_and_in_order(qtbot, dialog):
    assert not dialog.ok_button.isEnabled()
    assert "Type the statement's first and last dates" in dialog.hint.text()
    dialog.from_field.setText("30/06/2025")
    dialog.to_field.setText("01/06/2025")
    dialog.accept()
    assert "Statement to (1 June 2025) is before Statement from (30 June 2025)." in (
        dialog.errors.messages()
    )
    assert dialog.isVisible()
    # A statement with no lines (a quiet month) is fine once the dates are right.
    dialog.from_field.setText("01/06/2025")
    dialog.to_field.setText("30/06/2025")
    assert dialog.ok_button.isEnabled()
    assert dialog.result().rows == ()
    assert dialog.result().period == JUNE


def test_a_date_typed_before_the_period_reads_once_the_period_is_filled(qtbot, dialog):
    dialog.grid.item(0, DATE).setText("13/6")
    assert dialog.errors.messages() == [
        "Row 1, Date: '13/6' has no year: fill in Statement from and to first, or type the "
        "year (13/06/2025)."
    ]
    dialog.from_field.setText("01/06/2025")
    dialog.to_field.setText("30/06/2025")
    assert dialog.grid.texts(0)[DATE] == "13 Jun 2025"
    assert not any("Row 1, Date" in m for m in dialog.errors.messages())


def test_fields_and_grid_have_accessible_names(dialog):
    assert dialog.grid.accessibleName() == "Statement rows"
    assert dialog.from_field.accessibleName() == "Statement from"
    assert dialog.to_field.accessibleName() == "Statement to"
    assert dialog.opening_field.accessibleName() == "Opening balance"
    assert dialog.ok_button.accessibleName() == "Save statement"
    assert ACCOUNT in dialog.windowTitle()
