"""Issue 10 point 7 in the window: the create-store page and the change-passphrase dialog
show the policy's hint and refuse with the policy's sentence (the same as `init`)."""

import unicodedata

from desktop.store.passphrase import POLICY_HINT, policy_problem
from desktop.ui.change_passphrase_dialog import ChangePassphraseDialog
from desktop.ui.create_store_page import CreateStorePage

SHORT = "seven77"


def test_create_page_hint_and_error_come_from_the_policy(qtbot):
    page = CreateStorePage("/tmp/fictional-data")
    qtbot.addWidget(page)
    assert page.hint.text() == POLICY_HINT
    emitted = []
    page.create_requested.connect(emitted.append)
    page.passphrase.setText(SHORT)
    page.confirm.setText(SHORT)
    page.create_button.click()
    assert page.error.text() == policy_problem(SHORT)
    assert "at least 8 characters" in page.error.text()
    assert "8 characters" in page.hint.text()  # the strength hint names the same number
    assert emitted == []
    page.passphrase.setText("eight888")
    page.confirm.setText("eight888")
    page.create_button.click()
    assert emitted == ["eight888"]


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


def test_change_dialog_sees_nfc_forms_as_the_same_passphrase(qtbot):
    dialog = ChangePassphraseDialog()
    qtbot.addWidget(dialog)
    composed = "caf\u00e9 crème brûlée"
    dialog.old.setText(composed)
    dialog.new.setText(unicodedata.normalize("NFD", composed))
    dialog.again.setText(unicodedata.normalize("NFD", composed))
    dialog._accept()
    assert dialog.error.text() == "The new passphrase is the same as the current one."
