from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop.ui.adviser_dialog import AdviserDialog


def test_return_accepts_the_preselected_name(qtbot):
    dialog = AdviserDialog(["Sam Adviser", "Jo Volunteer"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog.combo.lineEdit(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.name() == "Sam Adviser"


def test_a_new_name_can_be_typed_and_spaces_are_tidied(qtbot):
    dialog = AdviserDialog([])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.combo.lineEdit(), "  New   Person ")
    qtbot.keyClick(dialog.combo.lineEdit(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.name() == "New Person"


def test_an_empty_name_is_refused_in_place(qtbot):
    dialog = AdviserDialog([])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog.combo.lineEdit(), Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "Type your name" in dialog.error.text()
