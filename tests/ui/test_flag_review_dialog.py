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


# ---- quick picks never overwrite what was typed (issue 17) -----------------------------------


def test_tab_goes_explanation_then_quick_picks_then_the_optional_fields(qtbot, dialog):
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    dialog.list.setCurrentRow(3)  # not a series: its box is hidden
    dialog.loan_or_gift.setCurrentIndex(dialog.loan_or_gift.findData("loan"))  # date enabled
    dialog.text.setFocus()
    assert dialog.focusWidget() is dialog.text
    order = []
    while len(order) < len(dialog.pick_buttons) + 6:
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        order.append(dialog.focusWidget())
    picks = len(dialog.pick_buttons)
    assert order[:picks] == dialog.pick_buttons
    assert order[picks : picks + 6] == [
        dialog.category,
        dialog.counterparty,
        dialog.relationship,
        dialog.loan_or_gift,
        dialog.repayment,
        dialog.document,
    ]


def test_a_space_typed_after_tab_adds_the_pick_and_keeps_the_typing(qtbot, dialog, saved):
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    dialog.list.setCurrentRow(3)
    qtbot.keyClicks(dialog.text, "Money from my uncle for the rent")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.pick_buttons[0]
    qtbot.keyClick(dialog.pick_buttons[0], Qt.Key.Key_Space)  # "1 Wages", by mistake
    assert dialog.text.text() == "Money from my uncle for the rent; wages from my employer"
    assert "Ctrl+Z" in dialog.message.text()
    qtbot.keyClick(dialog.text, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert dialog.text.text() == "Money from my uncle for the rent"
    assert dialog.category.currentData() == ""
    assert saved == []


def test_ctrl_z_restores_the_saved_explanation_after_a_pick(qtbot, review):
    widget = FlagReviewDialog(
        review, {"4": Explanation("From my uncle", "support")}, lambda *a: None
    )
    qtbot.addWidget(widget)
    widget.show()
    widget.list.setCurrentRow(3)
    assert widget.text.text() == "From my uncle"
    widget.pick_buttons[2].click()  # "Rent": added, not overwriting
    assert widget.text.text() == "From my uncle; rent for our home"
    assert widget.category.currentData() == "rent"
    assert widget.undo_pick()
    assert (widget.text.text(), widget.category.currentData()) == ("From my uncle", "support")
    assert not widget.undo_pick()  # nothing more to undo


def test_one_pick_after_another_replaces_the_pick_not_the_typing(qtbot, dialog):
    dialog.pick_buttons[0].click()
    dialog.pick_buttons[1].click()
    assert dialog.text.text() == "Benefit payment"
    dialog.undo_pick()
    assert dialog.text.text() == "Wages from my employer"
    dialog.undo_pick()
    assert dialog.text.text() == ""


def test_gift_says_letter_attached_only_when_a_document_is_recorded(qtbot, dialog, saved):
    dialog.list.setCurrentRow(3)
    gift = next(b for b in dialog.pick_buttons if "Gift" in b.text())
    gift.click()
    assert dialog.text.text() == "Gift from family or a friend"
    assert "letter attached" not in dialog.text.text()
    dialog.undo_pick()
    dialog.document.setText("Letter from Karim Haddad, 21 August")
    gift.click()
    assert dialog.text.text() == "Gift from family or a friend (letter attached)"
    assert dialog.loan_or_gift.currentData() == "gift"
    # a claim of a letter with no document recorded is not saved
    dialog.document.clear()
    dialog.save_and_next()
    assert saved == []
    assert dialog.message.text().startswith("Document:")
    dialog.document.setText("Letter from Karim Haddad, 21 August")
    dialog.save_and_next()
    assert saved[-1][1].document == "Letter from Karim Haddad, 21 August"


def test_all_explained_but_statements_missing_is_not_called_final(qtbot, review):
    from dataclasses import replace

    from desktop.rules.statement_types import Coverage

    gap = (date(2026, 3, 1), date(2026, 8, 31))
    cover = Coverage("2", SAVINGS.label(), gap[0], gap[1], gap[1], (), (gap,), 184, None, False, ())
    review = replace(review, coverage=(cover,))
    explanations = {k: Explanation("x") for k in ("1", "2", "3", "4")}
    widget = FlagReviewDialog(review, explanations, lambda keys, e: None)
    qtbot.addWidget(widget)
    assert widget.progress_label.text() == "5 of 5 explained — still a draft: 1 other point open"
    assert "no statements from 1 March 2026" in widget.progress_label.toolTip()
    widget.next_unexplained()
    assert "still a draft" in widget.message.text()
    assert "prints as final" not in widget.message.text()


# ---- an explanation naming an account not declared --------------------------------------------


def test_an_explanation_naming_an_undeclared_account_asks_to_add_it(qtbot, dialog, saved):
    dialog.list.setCurrentRow(3)
    dialog.text.setText("Paid back from my Barclays ISA")
    dialog.save_and_next()
    assert saved[-1][1].text == "Paid back from my Barclays ISA"  # saved as typed
    assert dialog.add_question.isVisible()
    assert "Barclays ISA" in dialog.add_question_label.text()
    assert "Add this account?" in dialog.add_question_label.text()
    qtbot.mouseClick(dialog.add_account_button, Qt.MouseButton.LeftButton)
    assert dialog.accounts_to_add == ["Barclays ISA"]
    assert not dialog.add_question.isVisible()


def test_naming_a_declared_account_asks_nothing_and_not_now_records_nothing(qtbot, dialog):
    dialog.list.setCurrentRow(3)
    dialog.text.setText("From my Monzo current account")  # Monzo is declared
    dialog.save_and_next()
    assert not dialog.add_question.isVisible()
    dialog.list.setCurrentRow(3)
    dialog.text.setText("Sent on to my Chase savings account")
    dialog.save_and_next()
    assert dialog.add_question.isVisible()
    dialog.not_now_button.click()
    assert not dialog.add_question.isVisible() and dialog.accounts_to_add == []


def test_a_named_undeclared_account_keeps_the_progress_from_saying_final(qtbot, review):
    explanations = {k: Explanation("x") for k in ("1", "2", "3")}
    explanations["4"] = Explanation("Paid back from my Barclays ISA")
    widget = FlagReviewDialog(review, explanations, lambda keys, e: None)
    qtbot.addWidget(widget)
    assert "ready to print as final" not in widget.progress_label.text()
    assert "still a draft" in widget.progress_label.text()
    assert "Barclays ISA" in widget.progress_label.toolTip()
