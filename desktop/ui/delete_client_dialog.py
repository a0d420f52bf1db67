"""Details tab, Delete client…: erasure needs the client's name typed in full, so a slip of
the keyboard cannot do it (`desktop.ui.details_tab.confirm_delete` shows it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def _same_name(typed: str, name: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


class DeleteClientDialog(QDialog):
    """Erasure needs the client's name typed in full: a slip of the keyboard cannot do it."""

    def __init__(self, full_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._name = full_name
        self.setWindowTitle("Delete client for good")
        self.setAccessibleName("Delete client confirmation")
        explain = QLabel(
            "This is for erasure requests. It deletes this client's details, household, "
            "immigration history and case notes from this computer. It cannot be undone; "
            "the audit trail will only keep the client number and who deleted it, and when.\n\n"
            "The client is also taken out of the copies kept in the data folder's backups "
            "folder. Backup files made with "
            "File > Back up to file… "
            "(a USB stick, for example) cannot be reached from here: delete or replace them "
            "too.\n\n"
            f"To confirm, type the client's full name: {full_name}"
        )
        explain.setWordWrap(True)
        explain.setTextFormat(Qt.TextFormat.PlainText)
        label = QLabel("Client's full &name")
        self.typed = QLineEdit()
        self.typed.setAccessibleName("Type the client's full name to confirm")
        label.setBuddy(self.typed)
        self.buttons = QDialogButtonBox()
        self.delete_button = QPushButton("Delete for good")
        self.delete_button.setAccessibleName("Delete client for good")
        self.delete_button.setEnabled(False)
        self.delete_button.setAutoDefault(False)
        cancel = QPushButton("Cancel")
        cancel.setAccessibleName("Cancel")
        cancel.setDefault(True)
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.delete_button.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        self.typed.textChanged.connect(
            lambda text: self.delete_button.setEnabled(_same_name(text, self._name))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(label)
        layout.addWidget(self.typed)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def accept(self) -> None:
        if _same_name(self.typed.text(), self._name):
            super().accept()
