"""Issue 10 point 7 in the window: the create-store page and the change-passphrase dialog
show the policy's hint and refuse with the policy's sentence (the same as `init`).

Issue 15 point 1: blank-looking and guessable passphrases are refused, and the hint shown
while typing is, word for word, the error shown on submit (both are `passphrase.assess`)."""

import unicodedata

import pytest

from desktop.store.passphrase import POLICY_HINT, TOO_SHORT, assess, policy_problem
from desktop.ui.change_passphrase_dialog import ChangePassphraseDialog
from desktop.ui.create_store_page import CreateStorePage

SHORT = "seven77"
STRONG = "plum kettle ravine octave"

#: Each refused passphrase: the hint while typing must be the error on submit.
REFUSED = {
    "short": SHORT,
    "8 zero-width spaces": "\u200b" * 8,
    "common password": "12345678",
    "one word": "nectarine",
    "spaced-out digits": "1 2 3 4 5 6 7 8",
}


def test_create_page_hint_and_error_come_from_the_policy(qtbot):
    page = CreateStorePage("/tmp/fictional-data")
    qtbot.addWidget(page)
    assert page.hint.text() == POLICY_HINT
    emitted = []
    page.create_requested.connect(emitted.append)
    page.passphrase.setText(SHORT)
    page.confirm.setText(SHORT)
    page.create_button.click()
    assert page.error.text() == policy_problem(SHORT) == TOO_SHORT
    assert "at least 8 characters" in page.error.text()
    assert "8 characters" in page.hint.text()  # the strength hint names the same number
    assert emitted == []
    page.passphrase.setText(STRONG)
    page.confirm.setText(STRONG)
    page.create_button.click()
    assert emitted == [STRONG]


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_create_page_refuses_with_the_hint_it_showed(qtbot, text):
    page = CreateStorePage("/tmp/fictional-data")
    qtbot.addWidget(page)
    emitted = []
    page.create_requested.connect(emitted.append)
    page.passphrase.setText(text)
    shown = page.hint.text()
    assert shown == assess(text).hint
    assert page.strength.value() == assess(text).score < 3
    page.confirm.setText(text)
    page.create_button.click()
    assert emitted == []
    assert page.error.text() == shown  # the same sentence while typing and on submit


def test_create_page_says_good_only_to_what_it_accepts(qtbot):
    page = CreateStorePage("/tmp/fictional-data")
    qtbot.addWidget(page)
    emitted = []
    page.create_requested.connect(emitted.append)
    for text in ("correct horse battery staple", "tangerine orbit velvet canyon"):
        page.passphrase.setText(text)
        assert page.hint.text() in ("Strong.", "Good. Another random word makes it stronger.")
        assert page.strength.value() >= 3
        page.confirm.setText(text)
        page.create_button.click()
        assert page.error.text() == ""
    assert emitted == ["correct horse battery staple", "tangerine orbit velvet canyon"]
    page.passphrase.clear()
    assert page.hint.text() == POLICY_HINT and page.strength.value() == 0


def test_create_page_stays_usable_with_a_huge_paste(qtbot):
    page = CreateStorePage("/tmp/fictional-data")
    qtbot.addWidget(page)
    huge = "plum kettle ravine octave " * 2000  # 52,000 characters
    emitted = []
    page.create_requested.connect(emitted.append)
    page.passphrase.setText(huge)  # the estimator sees the first 64 only
    assert page.hint.text() == "Strong."
    assert page.strength.value() == 4
    page.confirm.setText(huge)
    page.create_button.click()
    assert page.error.text() == ""
    # What the field holds (Qt's line edit keeps 32,767 characters), not the estimator's start.
    assert emitted == [huge[: page.passphrase.maxLength()]]
    assert len(emitted[0]) > 64
    page.passphrase.setText(huge + "x")  # and a change after the paste is still judged
    assert page.hint.text() == assess(huge + "x").hint


def test_change_dialog_uses_the_same_policy(qtbot):
    dialog = ChangePassphraseDialog()
    qtbot.addWidget(dialog)
    assert dialog.hint.text() == POLICY_HINT
    dialog.old.setText("the current passphrase")
    dialog.new.setText(SHORT)
    dialog.again.setText(SHORT)
    dialog._accept()
    assert dialog.error.text() == policy_problem(SHORT)
    assert dialog.result() == 0


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_change_dialog_refuses_with_the_hint_it_showed(qtbot, text):
    dialog = ChangePassphraseDialog()
    qtbot.addWidget(dialog)
    dialog.old.setText("the current passphrase")
    dialog.new.setText(text)
    shown = dialog.hint.text()
    assert shown == assess(text).hint
    dialog.again.setText(text)
    dialog._accept()
    assert dialog.error.text() == shown
    assert dialog.result() == 0


def test_change_dialog_accepts_four_random_words(qtbot):
    dialog = ChangePassphraseDialog()
    qtbot.addWidget(dialog)
    dialog.old.setText("the current passphrase")
    dialog.new.setText(STRONG)
    dialog.again.setText(STRONG)
    assert dialog.hint.text() == "Strong."
    dialog._accept()
    assert dialog.error.text() == ""
    assert dialog.result() == 1
    assert dialog.values() == ("the current passphrase", STRONG)


def test_change_dialog_sees_nfc_forms_as_the_same_passphrase(qtbot):
    dialog = ChangePassphraseDialog()
    qtbot.addWidget(dialog)
    composed = "caf\u00e9 crème brûlée"
    dialog.old.setText(composed)
    dialog.new.setText(unicodedata.normalize("NFD", composed))
    dialog.again.setText(unicodedata.normalize("NFD", composed))
    dialog._accept()
    assert dialog.error.text() == "The new passphrase is the same as the current one."
