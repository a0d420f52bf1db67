"""The flag review screen: keyboard walk, quick picks, a whole series at once, progress."""

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from desktop.rules.statement_types import (
    Account,
    Explanation,
    Flag,
    FlagKind,
    FlagReason,
    IncomeExpenditure,
    MonthSummary,
    Recurrence,
    StatementReview,
    Txn,
)
from desktop.ui.flag_review_dialog import FlagReviewDialog

ACCOUNT = Account("1", "Layla Haddad", "Monzo", last_four="4321")
SAVINGS = Account("2", "Layla Haddad", "Nationwide", kind="savings", last_four="8765")


def _txn(key, day, amount, desc, account="1"):
    return Txn(key, account, day, desc, Decimal(amount))


def _reason(kind, sentence):
    return FlagReason(kind, sentence, "Reference 003, fee waiver sheet: Bank statements")


@pytest.fixture
def review():
    bills = [
        _txn(str(i), date(2026, m, 5), "-48.00", "EDF ENERGY DD")
        for i, m in enumerate((6, 7, 8), 1)
    ]
    series = Recurrence("s1", "1", "edf energy", "monthly", Decimal("-48.00"), ("1", "2", "3"))
    flags = [
        Flag(
            b, (_reason(FlagKind.REGULAR, "Regular payment to 'edf energy' monthly"),), series="s1"
        )
        for b in bills
    ]
    flags.append(
        Flag(
            _txn("4", date(2026, 8, 20), "300.00", "FROM K HADDAD"),
            (
                _reason(FlagKind.LARGE, "Over £250"),
                _reason(FlagKind.FROM_PERSON, "Money from a person: a letter from them is needed"),
            ),
        )
    )
    flags.append(
        Flag(
            _txn("5", date(2026, 8, 25), "-100.00", "TO SAVINGS 8765"),
            (_reason(FlagKind.OWN_TRANSFER, "Transfer to own account"),),
            match="9",
            suggested=Explanation(
                "Transfer to my Nationwide savings ••8765", category="own_transfer", auto=True
            ),
        )
    )
    month = MonthSummary(date(2026, 6, 1), {}, {}, {})
    return StatementReview(
        application_date=date(2026, 9, 1),
        threshold=Decimal("250"),
        accounts=(ACCOUNT, SAVINGS),
        coverage=(),
        flags=tuple(flags),
        transfers=(),
        recurrences=(series,),
        income_expenditure=IncomeExpenditure((month,), month),
    )


@pytest.fixture
def saved():
    return []


@pytest.fixture
def dialog(qtbot, review, saved):
    def save(keys, explanation):
        saved.append((list(keys), explanation))
        return None

    widget = FlagReviewDialog(review, {}, save)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_progress_counts_the_apps_own_transfer_explanation(dialog):
    assert dialog.progress_label.text().startswith("1 of 5 explained")
    assert "TO SAVINGS" in dialog.list.item(4).text() and dialog.list.item(4).text().startswith("✓")


def test_enter_saves_for_the_whole_series_and_moves_to_the_next_unexplained(qtbot, dialog, saved):
    assert dialog.current_flag().txn.key == "1"
    assert dialog.whole_series.isVisible() and dialog.whole_series.isChecked()
    assert "all 3 monthly payments" in dialog.whole_series.text()
    qtbot.keyClick(dialog.pick_buttons[3], Qt.Key.Key_Space)  # "Bills"
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    keys, explanation = saved[-1]
    assert keys == ["1", "2", "3"]
    assert (explanation.text, explanation.category) == ("Household bill", "utilities")
    assert dialog.progress_label.text().startswith("4 of 5 explained")
    assert dialog.current_flag().txn.key == "4"  # the series is done; on to the money from a person


def test_one_line_of_a_series_alone_and_a_loan_with_repayment(qtbot, dialog, saved):
    dialog.whole_series.setChecked(False)
    qtbot.keyClicks(dialog.text, "Gas bill")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    assert saved[-1][0] == ["1"]
    dialog.list.setCurrentRow(3)
    dialog.quick_pick("Loan from my brother", "loan", "loan")
    assert dialog.repayment.isEnabled()
    dialog.counterparty.setText("Karim Haddad")
    dialog.relationship.setText("brother")
    dialog.repayment.setText("01/03/2027")
    dialog.save_and_next()
    explanation = saved[-1][1]
    assert (explanation.loan_or_gift, explanation.repayment_date) == ("loan", date(2027, 3, 1))
    assert explanation.relationship == "brother"


def test_empty_explanation_is_not_saved_and_says_why(qtbot, dialog, saved):
    dialog.text.clear()
    dialog.save_and_next()
    assert saved == []
    assert dialog.message.text().startswith("Explanation:")
    qtbot.keyClick(dialog, Qt.Key.Key_PageDown)
    assert dialog.current_flag().txn.key == "2"


def test_a_failed_save_keeps_the_flag_unexplained(qtbot, review):
    widget = FlagReviewDialog(review, {}, lambda keys, e: "the store could not be written")
    qtbot.addWidget(widget)
    widget.text.setText("Gas")
    widget.save_and_next()
    assert widget.message.text() == "Not saved: the store could not be written"
    assert widget.progress_label.text().startswith("1 of 5")


def test_suggested_text_is_shown_and_marked_as_the_apps(dialog):
    dialog.list.setCurrentRow(4)
    assert dialog.text.text() == "Transfer to my Nationwide savings ••8765"
    assert "Written by Drop-in Desk" in dialog.message.text()


def test_all_explained_says_final(qtbot, review):
    explanations = {k: Explanation("x") for k in ("1", "2", "3", "4")}
    widget = FlagReviewDialog(review, explanations, lambda keys, e: None)
    qtbot.addWidget(widget)
    assert widget.progress_label.text() == "5 of 5 explained — ready to print as final"
    widget.next_unexplained()
    assert "Every flag is explained" in widget.message.text()
