"""At the start of a session the adviser picks or adds their name: it stamps notes and audit rows."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)


class AdviserDialog(QDialog):
    def __init__(self, names: list[str], current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is advising today?")
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.addItems(names)
        self.combo.setCurrentText(current or (names[0] if names else ""))
        self.combo.setAccessibleName("Adviser name")
        self.combo.lineEdit().setPlaceholderText("Type your name")
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        label = QLabel("&Your name:")
        label.setBuddy(self.combo)
        form.addRow(label, self.combo)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Your name is put on the notes you write and on every change you make.")
        )
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        # An editable combo box swallows Return; a volunteer expects it to mean OK.
        self.combo.lineEdit().returnPressed.connect(self._accept)
        self.combo.setFocus()
        self.combo.lineEdit().selectAll()

    def name(self) -> str:
        return " ".join(self.combo.currentText().split())

    def _accept(self) -> None:
        name = self.name()
        if not name:
            self.error.setText("Type your name, or pick it from the list.")
            return
        if len(name) > 100:
            self.error.setText("That name is too long (100 characters at most).")
            return
        self.accept()
