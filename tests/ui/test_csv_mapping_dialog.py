"""Choosing a CSV file's columns: a known layout fills them, a custom choice reads the file,
what does not read is named in place, and a choice can be saved as a layout."""

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from desktop.importers.bank_csv import load_formats, read_csv, sniff_csv
from desktop.ui import csv_mapping_dialog
from desktop.ui.csv_mapping_dialog import CsvMappingDialog, format_sample, layout_key, read_date

D = Decimal

LLOYDS = (
    "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
    "Debit Amount,Credit Amount,Balance\n"
    "02/06/2025,DEB,'40-11-62,12345678,TESCO STORES 2231,12.30,,987.70\n"
    "03/06/2025,BGC,'40-11-62,12345678,ACME CLEANING LTD,,1500.00,2487.70\n"
)
#: A made-up credit union's download: a title line, then columns no layout knows.
HARBOUR = (
    "Harbour Credit Union - account statement\n"
    "When,What,Reference,Out,In,Left\n"
    "02/06/2025,Tesco Stores 2231,CARD 9921,12.30,,987.70\n"
    '03/06/2025,Acme Cleaning Ltd,WAGES,,"1,500.00","2,487.70"\n'
    '05/06/2025,Harbour Lettings,RENT JUNE,700.00,,"1,787.70"\n'
    'Closing balance,,,,,"1,787.70"\n'
)
CARD = (
    "Posting date,Merchant,Amount\n"
    "13 Jun 2025,Greggs 114,4.50\n"
    "14 Jun 2025,Payment received thank you,-50.00\n"
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def user_dir(tmp_path):
    return tmp_path / "layouts"


def open_dialog(qtbot, path, user_dir, formats=None):
    dlg = CsvMappingDialog(None, path, load_formats() if formats is None else formats, user_dir)
    qtbot.addWidget(dlg)
    return dlg


def choose(dlg, role, name):
    combo = dlg.combos[role]
    index = combo.findData(name)
    assert index >= 0, f"{name!r} is not a column"
    combo.setCurrentIndex(index)


def test_a_known_header_fills_the_columns_from_the_layout(qtbot, tmp_path, user_dir):
    dlg = open_dialog(qtbot, write(tmp_path, "statement.csv", LLOYDS), user_dir)
    assert dlg.file_label.text().startswith("File: statement.csv    Encoding: UTF-8")
    assert str(tmp_path) not in dlg.file_label.text()  # the name, not the folder
    assert dlg.layout_combo.currentData() == "lloyds"
    assert dlg.combos["date"].currentData() == "Transaction Date"
    assert dlg.combos["description"].currentData() == "Transaction Description"
    assert dlg.separate.isChecked()
    assert dlg.combos["paid_in"].currentData() == "Credit Amount"
    assert dlg.combos["paid_out"].currentData() == "Debit Amount"
    assert dlg.combos["balance"].currentData() == "Balance"
    assert dlg.date_sample.text() == "First date reads as 2 June 2025"
    assert dlg.money_sample.text() == "First amount reads as money out, £12.30; balance £987.70."
    assert dlg.ok_button.isEnabled()
    lloyds = next(f for f in load_formats() if f.key == "lloyds")
    assert dlg.result_format() == lloyds
    assert dlg.result_columns() == lloyds.columns
    # The preview: the file's header and its lines, read-only.
    assert dlg.table.rowCount() == 2
    assert dlg.table.item(0, 4).text() == "TESCO STORES 2231"
    assert dlg.table.horizontalHeaderItem(5).text() == "Debit Amount\n= Paid out"
    assert dlg.table.editTriggers() == dlg.table.EditTrigger.NoEditTriggers

    # A column changed by hand makes it a custom mapping.
    choose(dlg, "balance", None)
    assert dlg.layout_combo.currentText() == "Custom"
    assert dlg.result_format() is None
    assert dlg.result_columns().balance is None
    assert dlg.result_columns().paid_in == "Credit Amount"


def test_a_custom_mapping_of_unknown_columns_reads_the_file(qtbot, tmp_path, user_dir):
    path = write(tmp_path, "harbour.csv", HARBOUR)
    dlg = open_dialog(qtbot, path, user_dir)
    assert dlg.preview.detected is None
    assert dlg.layout_combo.currentText() == "Custom"
    assert "does not know this file's columns" in dlg.intro.text()
    assert not dlg.ok_button.isEnabled()
    assert dlg.hint.text() == "Still to choose: Date, Description, Amount."

    choose(dlg, "date", "When")
    choose(dlg, "description", "What")
    choose(dlg, "description2", "Reference")
    dlg.separate.setChecked(True)
    assert dlg.hint.text() == "Still to choose: Paid in, Paid out."
    choose(dlg, "paid_in", "In")
    choose(dlg, "paid_out", "Out")
    choose(dlg, "balance", "Left")
    # The "Closing balance" line is one read_csv skips: no problem.
    assert dlg.check().problems == ()
    assert dlg.ok_button.isEnabled()
    assert dlg.date_sample.text() == "First date reads as 2 June 2025"

    columns = dlg.result_columns()
    assert dlg.result_format() is None
    statement = read_csv(path, columns=columns)
    assert [(r.on, r.description, r.amount, r.balance) for r in statement.rows] == [
        (date(2025, 6, 2), "Tesco Stores 2231 / CARD 9921", D("-12.30"), D("987.70")),
        (date(2025, 6, 3), "Acme Cleaning Ltd / WAGES", D("1500.00"), D("2487.70")),
        (date(2025, 6, 5), "Harbour Lettings / RENT JUNE", D("-700.00"), D("1787.70")),
    ]
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == QDialog.DialogCode.Accepted


def test_a_date_format_the_dates_are_not_in_is_named_and_ok_is_disabled(qtbot, tmp_path, user_dir):
    dlg = open_dialog(qtbot, write(tmp_path, "harbour.csv", HARBOUR), user_dir)
    choose(dlg, "date", "When")
    choose(dlg, "description", "What")
    dlg.separate.setChecked(True)
    choose(dlg, "paid_in", "In")
    choose(dlg, "paid_out", "Out")
    assert dlg.ok_button.isEnabled()
    dlg.select_date_format(("%Y-%m-%d",))
    expected = (
        "Row 1: '02/06/2025' in column 'When' does not read as a date written like 2025-06-13."
    )
    assert dlg.check().date_problem == expected
    assert dlg.date_sample.text() == f"✗ {expected}"
    assert dlg.date_format.accessibleDescription() == expected
    assert dlg.errors.messages() == ["The dates on rows 2, 3 do not read either."]
    assert not dlg.ok_button.isEnabled()
    assert not dlg.save_button.isEnabled()
    # The cells are marked with an icon as well as a colour.
    assert dlg.table.item(0, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    assert dlg.table.item(0, 1).data(Qt.ItemDataRole.DecorationRole) is None
    dlg.select_date_format(("%d/%m/%Y",))
    assert dlg.check().date_problem is None
    assert dlg.table.item(0, 0).data(Qt.ItemDataRole.DecorationRole) is None
    assert dlg.ok_button.isEnabled()


def test_choosing_the_date_column_picks_a_date_format_its_dates_read_in(qtbot, tmp_path, user_dir):
    dlg = open_dialog(qtbot, write(tmp_path, "card.csv", CARD), user_dir)
    choose(dlg, "date", None)
    choose(dlg, "date", "Posting date")
    assert dlg.date_codes() == ("%d %b %Y",)
    assert dlg.date_format.currentText() == "13 Jun 2025"
    assert dlg.date_sample.text() == "First date reads as 13 June 2025"


def test_an_amount_that_does_not_read_is_named_by_row_and_column(qtbot, tmp_path, user_dir):
    bad = HARBOUR.replace("700.00", "7OO.00")
    dlg = open_dialog(qtbot, write(tmp_path, "harbour.csv", bad), user_dir)
    choose(dlg, "date", "When")
    choose(dlg, "description", "What")
    dlg.separate.setChecked(True)
    choose(dlg, "paid_in", "In")
    choose(dlg, "paid_out", "Out")
    assert dlg.errors.messages() == ["Row 3: '7OO.00' in column 'Out' is not an amount of money."]
    assert dlg.table.item(2, 3).data(Qt.ItemDataRole.DecorationRole) is not None
    assert dlg.table.item(2, 3).toolTip() == dlg.errors.messages()[0]
    assert not dlg.ok_button.isEnabled()


def test_a_line_with_a_cell_too_many_is_named(qtbot, tmp_path, user_dir):
    dlg = open_dialog(
        qtbot, write(tmp_path, "card.csv", CARD + "15 Jun 2025,Costa,3,20\n"), user_dir
    )
    assert dlg.errors.messages() == [
        "Row 3: 4 cells where the header has 3 (a comma inside a cell without quote marks "
        "round it?); the file cannot be read as it is."
    ]
    assert dlg.table.item(2, 2).data(Qt.ItemDataRole.DecorationRole) is not None
    assert not dlg.ok_button.isEnabled()


def test_one_column_chosen_twice_is_a_problem(qtbot, tmp_path, user_dir):
    dlg = open_dialog(qtbot, write(tmp_path, "harbour.csv", HARBOUR), user_dir)
    choose(dlg, "date", "When")
    choose(dlg, "description", "What")
    choose(dlg, "amount", "Left")
    assert dlg.ok_button.isEnabled()
    choose(dlg, "balance", "Left")
    assert dlg.errors.messages() == [
        "Column 'Left' is chosen for both Amount and Balance; choose each column once."
    ]
    assert not dlg.ok_button.isEnabled()


def test_a_credit_card_file_reads_spending_as_money_out_when_told(qtbot, tmp_path, user_dir):
    path = write(tmp_path, "card.csv", CARD)
    dlg = open_dialog(qtbot, path, user_dir)
    choose(dlg, "date", "Posting date")
    choose(dlg, "description", "Merchant")
    choose(dlg, "amount", "Amount")
    assert dlg.money_sample.text() == "First amount reads as money in, £4.50."
    dlg.negate.setChecked(True)
    assert dlg.money_sample.text() == "First amount reads as money out, £4.50."
    statement = read_csv(path, columns=dlg.result_columns())
    assert [r.amount for r in statement.rows] == [D("-4.50"), D("50.00")]


def test_save_as_layout_writes_a_layout_that_loads_back_and_is_recognised(
    qtbot, tmp_path, user_dir, monkeypatch
):
    path = write(tmp_path, "harbour.csv", HARBOUR)
    dlg = open_dialog(qtbot, path, user_dir)
    choose(dlg, "date", "When")
    choose(dlg, "description", "What")
    dlg.separate.setChecked(True)
    choose(dlg, "paid_in", "In")
    choose(dlg, "paid_out", "Out")
    choose(dlg, "balance", "Left")
    asked = []
    monkeypatch.setattr(
        csv_mapping_dialog,
        "ask_layout_name",
        lambda parent, suggestion: asked.append(suggestion) or "Harbour Credit Union",
    )
    dlg.save_button.click()
    assert asked == [""]
    saved = user_dir / "harbour_credit_union.toml"
    assert saved.is_file()
    loaded = next(f for f in load_formats(user_dir) if f.key == "harbour_credit_union")
    assert loaded.name == "Harbour Credit Union"
    assert loaded.header == ("When", "What", "Reference", "Out", "In", "Left")
    assert loaded.columns == dlg.result_columns()
    # It is the layout chosen now, and the next file like it is recognised.
    assert dlg.layout_combo.currentText() == "Harbour Credit Union"
    assert dlg.result_format() == loaded
    assert dlg.saved_label.text() == "Saved as the layout 'Harbour Credit Union'."
    assert sniff_csv(path, load_formats(user_dir)).detected == loaded
    again = open_dialog(qtbot, path, user_dir, load_formats(user_dir))
    assert again.layout_combo.currentData() == "harbour_credit_union"
    assert again.ok_button.isEnabled()


def test_a_saved_layout_never_takes_a_packaged_layouts_key(qtbot, tmp_path, user_dir, monkeypatch):
    dlg = open_dialog(qtbot, write(tmp_path, "statement.csv", LLOYDS), user_dir)
    choose(dlg, "balance", None)
    monkeypatch.setattr(csv_mapping_dialog, "ask_layout_name", lambda parent, s: "Lloyds")
    fmt = dlg.save_as_layout()
    assert fmt is not None and fmt.key == "lloyds_2"
    assert (user_dir / "lloyds_2.toml").is_file()
    keys = [f.key for f in load_formats(user_dir)]
    assert "lloyds" in keys and "lloyds_2" in keys
    assert layout_key("Crédit Union (savings)", []) == "cr_dit_union_savings"


def test_a_file_without_a_header_row_names_its_columns_by_position(qtbot, tmp_path, user_dir):
    path = write(
        tmp_path,
        "plain.csv",
        "02/06/2025,Tesco Stores 2231,-12.30,987.70\n03/06/2025,Acme Cleaning Ltd,1500.00,2487.70\n",
    )
    dlg = open_dialog(qtbot, path, user_dir, formats=[])
    assert "no header row" in dlg.file_label.text()
    assert dlg.table.horizontalHeaderItem(0).text().startswith("Column 1")
    choose(dlg, "date", "Column 1")
    choose(dlg, "description", "Column 2")
    choose(dlg, "amount", "Column 3")
    choose(dlg, "balance", "Column 4")
    assert dlg.ok_button.isEnabled()
    statement = read_csv(path, columns=dlg.result_columns())
    assert [r.amount for r in statement.rows] == [D("-12.30"), D("1500.00")]


def test_every_control_is_reachable_with_tab_and_escape_cancels(qtbot, tmp_path, user_dir):
    dlg = open_dialog(qtbot, write(tmp_path, "statement.csv", LLOYDS), user_dir)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow, timeout=3000)
    dlg.layout_combo.setFocus()
    seen = []
    for _ in range(30):
        seen.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    wanted = [
        dlg.layout_combo,
        *(c for c in dlg.combos.values() if c.isEnabled()),
        dlg.separate,  # the money choice chosen (the arrow keys move between the two)
        dlg.date_format,
        dlg.table,
        dlg.save_button,
        dlg.ok_button,
        dlg.cancel_button,
    ]
    assert [w for w in wanted if w not in seen] == []
    assert dlg.one_column not in seen  # the money choice is one Tab stop: the chosen one
    # The arrow keys move between the two money choices.
    dlg.separate.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(dlg.separate, Qt.Key.Key_Up)
    assert dlg.one_column.isChecked() and dlg.combos["amount"].isEnabled()
    assert not dlg.combos["paid_in"].isEnabled()
    # Labels carry mnemonics and point at their controls.
    assert dlg.labels["date"].text() == "&Date" and dlg.labels["date"].buddy() is dlg.combos["date"]
    assert dlg.labels["description"].buddy() is dlg.combos["description"]
    assert all(c.accessibleName() for c in (*dlg.combos.values(), dlg.date_format, dlg.table))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert dlg.result() == QDialog.DialogCode.Rejected


def test_dates_read_as_read_csv_reads_them_and_samples_show_13_june():
    assert read_date("13/06/2025", ("%d/%m/%Y",)) == date(2025, 6, 13)
    assert read_date(" '13 Jun 2025 ", ("%d %b %Y",)) == date(2025, 6, 13)
    assert read_date("2025-06-13", ("%d/%m/%Y",)) is None
    assert read_date("", ("%d/%m/%Y",)) is None
    assert format_sample(("%d/%m/%Y", "%d/%m/%y")) == "13/06/2025 or 13/06/25"
    assert format_sample(("%d-%b-%Y",)) == "13-Jun-2025"
