"""Household fees dialog: the lines and total follow the entries, bad entries are named in
place, the result can be copied."""

from datetime import date

import pytest
from PySide6.QtGui import QGuiApplication

from desktop.assess import load_fee_applications, load_figures
from desktop.rules.fees import NOT_VERIFIED, household_fees
from desktop.rules.figures import Figures
from desktop.ui.fees_dialog import COLUMNS, UNVERIFIED, FeesDialog

FIGURES = load_figures()
TODAY = date(2025, 6, 1)


@pytest.fixture
def dialog(qtbot):
    dlg = FeesDialog(None, figures=FIGURES, today=TODAY)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def rows(dlg):
    return [
        [dlg.table.item(r, c).text() for c in range(len(COLUMNS))]
        for r in range(dlg.table.rowCount())
    ]


def test_household_totals_for_a_partner_extension(dialog):
    dialog.set_application("partner_extension")
    dialog.adults_spin.setValue(2)
    dialog.children_spin.setValue(1)
    assert dialog.months_spin.value() == 30 and dialog.months_spin.isEnabled()
    assert dialog.months_hint.text() == "2 years 6 months: health charge for 2.5 years"
    partner = load_fee_applications()["partner_extension"]
    assert dialog.total() == household_fees(partner, TODAY, 2, 1, FIGURES, months=30)
    assert dialog.total_label.text() == (
        "Total: £11,078 (Adult 1 £3,908.50, Adult 2 £3,908.50, Child 1 £3,261)"
        f" * includes figures {NOT_VERIFIED}"
    )
    table = rows(dialog)
    assert len(table) == 6
    assert table[1][:4] == [
        "Adult 1",
        "Immigration Health Charge: 2.5 years at £1,035 a year (adult rate)",
        "£2,587.50",
        "6 February 2024",
    ]
    assert table[5][0] == "Child 1" and table[5][2] == "£1,940"
    assert table[0][2] == "£1,321 *"  # the FLR(M) fee's row was not seen in the instrument
    assert table[0][4].endswith(UNVERIFIED)
    assert not table[1][4].endswith(UNVERIFIED)
    assert dialog.waiver_label.text().startswith(
        "Fee waiver: only in some cases. Only if the sponsor gets a disability benefit"
    )


def test_the_fee_in_force_on_the_date_typed_is_used(qtbot, dialog):
    dialog.set_application("private_life_extension")
    assert rows(dialog)[0][2:4] == ["£1,321 *", "9 April 2025"]
    dialog.date_field.clear()
    qtbot.keyClicks(dialog.date_field, "08/04/2025")
    assert rows(dialog)[0][2:4] == ["£1,258 *", "24 July 2024"]
    assert dialog.total_label.text().startswith("Total: £3,845.50")


def test_a_longer_leave_charges_more_years(dialog):
    dialog.set_application("dl_extension")
    dialog.months_spin.setValue(33)
    assert dialog.months_hint.text() == "2 years 9 months: health charge for 3 years"
    assert rows(dialog)[1][2] == "£3,105"


def test_settlement_has_no_health_charge_and_no_fee_waiver(dialog):
    dialog.set_application("settlement")
    assert not dialog.months_spin.isEnabled()
    assert dialog.months_hint.text() == "No health charge for this application."
    assert [row[1] for row in rows(dialog)] == ["Application fee"]
    assert dialog.total_label.text() == (
        f"Total: £3,029 (Adult 1 £3,029) * includes figures {NOT_VERIFIED}"
    )
    assert dialog.waiver_label.text().startswith("Fee waiver: not available. No:")


def test_protection_settlement_is_free(dialog):
    dialog.set_application("settlement_protection")
    dialog.adults_spin.setValue(2)
    assert dialog.total_label.text().startswith("Total: £0")
    assert dialog.waiver_label.text().startswith("Fee waiver: not needed.")


def test_children_on_a_naturalisation_are_named_in_place(dialog):
    dialog.children_spin.setValue(1)
    dialog.set_application("naturalisation")
    assert dialog.total() is None and not dialog.copy_button.isEnabled()
    message = dialog.errors.messages()[0]
    assert message.startswith("Children do not naturalise: a child is registered")
    assert dialog.children_spin.accessibleDescription() == message
    assert dialog.children_spin.isEnabled()  # so it can be put back to 0
    dialog.children_spin.setValue(0)
    assert dialog.errors.messages() == [] and dialog.total().total == 1605 + 130
    assert [row[1] for row in rows(dialog)] == ["Application fee", "Citizenship ceremony fee"]
    assert not dialog.children_spin.isEnabled()


def test_nobody_applying_is_named_on_the_adults_field(dialog):
    dialog.adults_spin.setValue(0)
    assert dialog.errors.messages() == ["People applying: Count at least one person applying."]
    assert dialog.adults_spin.property("invalid") is True
    assert dialog.total_label.text() == "Fix the entries above to see the fees."


def test_a_date_before_the_figures_is_named_on_the_date_field(qtbot, dialog):
    dialog.set_application("settlement_long_residence")
    dialog.date_field.clear()
    qtbot.keyClicks(dialog.date_field, "01/01/2020")
    assert dialog.errors.messages() == [
        "Application date: There is no figure here for 1 January 2020: the first one for this "
        "fee takes effect on 4 October 2023. Use a later date."
    ]
    assert dialog.date_field.property("invalid") is True


def test_copy_result(dialog):
    dialog.set_application("private_life_extension")
    dialog.children_spin.setValue(2)
    dialog.copy_button.click()
    text = QGuiApplication.clipboard().text()
    assert text == dialog.total().text()
    assert "Total: £10,430.50" in text  # £3,908.50 + 2 x £3,261
    assert "Fee waiver: Yes, if the fee cannot be afforded" in text


def test_length_of_leave_zero_months_is_named(dialog):
    dialog.set_application("partner_extension")
    dialog.months_spin.setValue(0)
    assert dialog.errors.messages() == ["Length of leave must be at least one month."]
    assert dialog.months_spin.property("invalid") is True
    dialog.set_application("settlement")
    assert dialog.months_spin.text() == "Not needed" and dialog.errors.messages() == []


def test_unverified_fee_is_marked_for_the_adviser_with_its_instrument_and_check(dialog):
    dialog.set_application("partner_extension")
    amount = dialog.table.item(0, 2)
    assert amount.toolTip() == "Not yet verified: check before telling the client."
    tip = dialog.table.item(0, 4).toolTip()
    assert "Instrument: SI 2025/363" in tip
    assert "Checked on 6 December 2026" in tip
    assert "row was not seen" in tip  # the note says what was not checked
    assert f"[{NOT_VERIFIED}]" in dialog.result_text()


def test_verified_figures_carry_no_warning(qtbot):
    row = {
        "label": "Application fee",
        "instrument": "SI 2099/1",
        "checked_on": date(2026, 12, 6),
        "checked_how": "read",
        "source": "s",
    }
    figures = load_figures()
    by_key = dict(figures.by_key)
    fee = Figures.from_tables(
        [{"figure": [{"key": "fee.ilr", "value": 3029, "effective_from": date(2025, 4, 9)} | row]}]
    )
    by_key["fee.ilr"] = fee.by_key["fee.ilr"]
    dlg = FeesDialog(None, figures=Figures(by_key), today=TODAY)
    qtbot.addWidget(dlg)
    dlg.set_application("settlement")
    assert dlg.total_label.text() == "Total: £3,029 (Adult 1 £3,029)"
    assert rows(dlg)[0][2] == "£3,029" and not rows(dlg)[0][4].endswith(UNVERIFIED)
    assert "Checked on 6 December 2026 (read)" in dlg.table.item(0, 4).toolTip()


def test_the_applications_come_from_the_data_file_and_a_bad_file_is_named(qtbot, monkeypatch):
    from desktop import assess
    from desktop.rules.fees import FeesError

    dlg = FeesDialog(None, figures=FIGURES, today=TODAY)
    qtbot.addWidget(dlg)
    labels = [dlg.application_combo.itemText(i) for i in range(dlg.application_combo.count())]
    assert labels == [a.label for a in load_fee_applications().values()]

    def broken():
        raise FeesError("resources/rules/fee_applications.toml: application 2: no key", "x")

    monkeypatch.setattr(assess, "load_fee_applications", broken)
    dlg = FeesDialog(None, figures=FIGURES, today=TODAY)
    qtbot.addWidget(dlg)
    assert dlg.application_combo.count() == 0 and dlg.total() is None
    assert "fee_applications.toml: application 2" in dlg.errors.text()
