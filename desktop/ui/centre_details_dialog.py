"""Before the first handout prints: the centre's name and contact, when either is not set.

A client takes the handout home; without the centre's name and a way to reach it they cannot
ask about it. The Checklists tab shows this dialog before a handout is saved or printed when
the store has no centre name or no contact (Settings keeps the same two values). Save keeps
them in the store (one transaction) and the handout prints with them; Cancel prints without,
after saying so.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.settings_dialog import CENTRE_FIELD_MAX

#: What the adviser is told when they go on without the centre's details.
WITHOUT_DETAILS = (
    "The handout will have no contact details: the client will not know who to ask about it. "
    "You can add them later in Settings."
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class CentreDetailsDialog(QDialog):
    def __init__(self, name: str = "", contact: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("The centre's details")
        self.setAccessibleName("The centre's details")
        intro = QLabel(
            "Handouts print the centre's name and contact at the top, so the client knows who "
            "to ask. They are not set yet: add them now (they are kept for every handout)."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.name_field = QLineEdit(_one_line(name))
        self.name_field.setMaxLength(CENTRE_FIELD_MAX)
        self.name_field.setAccessibleName("Centre name, printed on handouts")
        self.name_field.setPlaceholderText("e.g. Riverside Advice Drop-in")
        self.contact_field = QLineEdit(_one_line(contact))
        self.contact_field.setMaxLength(CENTRE_FIELD_MAX)
        self.contact_field.setAccessibleName(
            "Centre contact (phone or address), printed on handouts"
        )
        self.contact_field.setPlaceholderText("e.g. 01632 960 123, 4 Mill Lane (Tuesdays)")
        form = QFormLayout()
        for text, field in (("Centre &name:", self.name_field), ("&Contact:", self.contact_field)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Save and print")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Print &without")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_field.textChanged.connect(self._update)
        self.contact_field.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self._update()
        (self.contact_field if self.name_field.text() else self.name_field).setFocus()

    def _update(self) -> None:
        self.save_button.setEnabled(bool(self.centre_name() or self.centre_contact()))

    def centre_name(self) -> str:
        return _one_line(self.name_field.text())

    def centre_contact(self) -> str:
        return _one_line(self.contact_field.text())
