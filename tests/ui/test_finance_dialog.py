"""The Appendix FM money calculator: the result follows the typing, bad amounts are named in
place, the result can be copied."""

from datetime import date

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox

from desktop.assess import load_figures
from desktop.rules.finance import check_financial_requirement
from desktop.ui.finance_dialog import FinanceDialog, parse_pounds

FIGURES = load_figures()
TODAY = date(2025, 6, 1)


@pytest.fixture
def dialog(qtbot):
    dlg = FinanceDialog(None, figures=FIGURES, today=TODAY)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def type_into(qtbot, field, text):
    field.clear()
    qtbot.keyClicks(field, text)


def test_starts_on_today_and_asks_for_the_income(dialog):
    assert dialog.date_field.date() == TODAY
    assert dialog.check() is None
    assert dialog.headline.text() == "Type the annual income to see the result."
    assert not dialog.copy_button.isEnabled()


def test_typing_the_income_updates_the_result_at_each_key(qtbot, dialog):
    qtbot.keyClicks(dialog.income_field, "£28,00")
    # "£28,00" is not yet an amount: named in place until the last key.
    assert dialog.check() is None
    qtbot.keyClicks(dialog.income_field, "0")
    check = dialog.check()
    assert check == check_financial_requirement(
        stage="entry_clearance", application_date=TODAY, income=28_000, figures=FIGURES
    )
    assert dialog.errors.messages() == []
    assert dialog.headline.text() == "Cannot tell yet: savings are needed and were not given."
    assert dialog.values["threshold"].text() == "£29,000 (Appendix FM E-ECP.3.1)"
    assert dialog.values["shortfall"].text() == "£1,000"
    assert dialog.values["needed"].text() == "£16,000 + 2.5 x £1,000 = £18,500"
    assert "on or after 11 April 2024" in dialog.details.text()
    assert "(Appendix FM E-ECP.3.2; Appendix FM-SE paragraph 11A)" in dialog.details.text()
    assert dialog.client_text.text().startswith("You need an income of £29,000 a year.")

    type_into(qtbot, dialog.savings_field, "18500")
    # Savings typed, "held 6 months" not ticked: they cannot count.
    assert dialog.check().meets is False
    assert dialog.headline.text() == "Not met on these figures."
    assert "have not been held for 6 months" in dialog.details.text()
    assert dialog.values["counted"].text() == "£0"
    dialog.held_box.setChecked(True)
    assert dialog.check().meets is True
    assert dialog.headline.text() == "Met: the financial requirement is met on these figures."
    assert dialog.values["counted"].text() == "£18,500"


def test_worked_example_before_april_2024(qtbot, dialog):
    type_into(qtbot, dialog.date_field, "10/01/2024")
    qtbot.keyClicks(dialog.income_field, "17600")
    assert dialog.check().income_threshold == 18_600
    assert dialog.values["needed"].text() == "£16,000 + 2.5 x £1,000 = £18,500"


def test_extension_after_an_earlier_grant_keeps_18600(qtbot, dialog):
    assert not dialog.granted_field.isEnabled()  # only matters for extension and settlement
    dialog.set_stage("extension")
    assert dialog.granted_field.isEnabled()
    qtbot.keyClicks(dialog.income_field, "18,600")
    assert dialog.check().income_threshold == 29_000
    assert "first granted before 11 April 2024" in dialog.details.text()
    qtbot.keyClicks(dialog.granted_field, "01/03/2023")
    assert dialog.check().income_threshold == 18_600 and dialog.check().meets is True
    assert dialog.values["shortfall"].text() == "None: the income is enough."


def test_settlement_counts_savings_in_full(qtbot, dialog):
    dialog.set_stage("ilr")
    qtbot.keyClicks(dialog.income_field, "28000")
    assert dialog.values["needed"].text() == "£16,000 + 1 x £1,000 = £17,000"


def test_non_british_children_add_only_under_the_old_rules(qtbot, dialog):
    type_into(qtbot, dialog.date_field, "10/01/2024")
    qtbot.keyClicks(dialog.income_field, "20000")
    dialog.children_spin.setValue(1)
    assert dialog.check().income_threshold == 18_600 + 3_800
    assert "before 11 April 2024" in dialog.children_hint.text()


def test_a_bad_income_is_named_in_place(qtbot, dialog):
    qtbot.keyClicks(dialog.income_field, "18,6OO")
    expected = "Annual income: '18,6OO' is not an amount in pounds. Type it like £21,500."
    assert dialog.errors.messages() == [expected]
    assert dialog.income_field.accessibleDescription() == expected
    assert dialog.income_field.property("invalid") is True
    assert dialog.check() is None and not dialog.copy_button.isEnabled()
    assert dialog.headline.text() == "Fix the entries above to see the result."
    type_into(qtbot, dialog.income_field, "18600")
    assert dialog.errors.messages() == [] and not dialog.income_field.property("invalid")
    assert dialog.check() is not None


def test_pence_in_the_income_and_a_negative_saving_are_refused(qtbot, dialog):
    qtbot.keyClicks(dialog.income_field, "18600.50")
    assert dialog.errors.messages() == [
        "Annual income: type whole pounds, without pence (like £21,500)."
    ]
    type_into(qtbot, dialog.income_field, "18600")
    qtbot.keyClicks(dialog.savings_field, "-5")
    assert dialog.errors.messages() == ["Savings cannot be negative."]
    assert dialog.savings_field.accessibleDescription() == "Savings cannot be negative."


def test_a_grant_after_the_application_date_is_named(qtbot, dialog):
    dialog.set_stage("extension")
    qtbot.keyClicks(dialog.income_field, "20000")
    qtbot.keyClicks(dialog.granted_field, "01/07/2025")
    assert dialog.errors.messages() == [
        "Date partner permission was first granted (1 July 2025) is after the application "
        "date (1 June 2025)."
    ]
    assert dialog.check() is None


def test_an_application_date_before_the_figures_is_named(qtbot, dialog):
    qtbot.keyClicks(dialog.income_field, "20000")
    type_into(qtbot, dialog.date_field, "01/01/2010")
    assert dialog.check() is None
    assert dialog.errors.messages()[0].startswith("Application date: figure")
    assert dialog.date_field.property("invalid") is True


def test_disability_benefit_exemption(qtbot, dialog):
    qtbot.keyClicks(dialog.income_field, "9000")
    dialog.exempt_box.setChecked(True)
    assert dialog.check().exempt
    assert dialog.headline.text() == (
        "Income threshold does not apply: the adequate maintenance test applies instead."
    )
    assert dialog.values["threshold"].text() == "Does not apply (disability benefit)."
    assert "Carer's Allowance" in dialog.details.text()
    assert "Carer's Allowance" in dialog.exempt_box.accessibleDescription()
    assert dialog.client_text.text().startswith("Your partner gets a disability benefit.")


def test_copy_result_puts_the_plain_text_on_the_clipboard(qtbot, dialog):
    qtbot.keyClicks(dialog.income_field, "28000")
    qtbot.keyClicks(dialog.savings_field, "£20,000.75")
    dialog.held_box.setChecked(True)
    dialog.copy_button.click()
    text = QGuiApplication.clipboard().text()
    assert text == dialog.result_text()
    lines = text.splitlines()
    assert lines[0] == "Appendix FM money calculator"
    assert "Savings: £20,000 (held 6 months: yes)" in lines
    assert "Savings needed: £16,000 + 2.5 x £1,000 = £18,500" in lines
    assert "Result: Met: the financial requirement is met on these figures." in lines
    assert lines[-1].startswith("You need an income of £29,000 a year.")


def test_every_input_has_an_accessible_name_and_a_keyboard_label(dialog):
    inputs = dialog.findChildren(QLineEdit) + dialog.findChildren(QSpinBox)
    inputs += dialog.findChildren(QComboBox) + dialog.findChildren(QCheckBox)
    for widget in inputs:
        if isinstance(widget.parent(), QSpinBox | QComboBox):
            continue  # the spin box's own line edit
        assert widget.accessibleName(), widget
    for label in dialog.labels.values():
        assert "&" in label.text() and label.buddy() is not None
    assert "&" in dialog.held_box.text() and "&" in dialog.exempt_box.text()


@pytest.mark.parametrize(
    ("text", "pence", "expected"),
    [
        ("£18,600", False, 18_600),
        ("18600", False, 18_600),
        (" £ 18,600.00 ", False, 18_600),
        ("GBP18600", False, 18_600),
        ("£18,523.47", True, 18_523),
        ("", False, None),
    ],
)
def test_parse_pounds(text, pence, expected):
    assert parse_pounds(text, "Income", pence_allowed=pence) == expected


@pytest.mark.parametrize("text", ["18.600,00", "18,60", "£", "twenty", "1e5"])
def test_parse_pounds_refuses(text):
    with pytest.raises(ValueError, match="is not an amount in pounds"):
        parse_pounds(text, "Income", pence_allowed=True)
