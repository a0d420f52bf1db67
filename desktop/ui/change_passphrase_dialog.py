"""File > Change passphrase…: collects the old and new passphrase; the main window re-keys."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.store.passphrase import POLICY_HINT, assess, normalise


class ChangePassphraseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change passphrase")
        self.old = self._field("Current passphrase")
        self.new = self._field("New passphrase")
        self.again = self._field("New passphrase again")
        self.hint = QLabel(POLICY_HINT)
        self.hint.setWordWrap(True)  # the policy's sentences can be long
        self.hint.setAccessibleName("New passphrase hint")
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        for text, field in (("C&urrent:", self.old), ("&New:", self.new), ("&Again:", self.again)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow("", self.hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel(
            "Everyone who uses this computer for the drop-in will need the new passphrase. "
            "Old backups still open with the passphrase they were made with."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.new.textChanged.connect(self._update_hint)

    def _field(self, name: str) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setAccessibleName(name)
        field.setMinimumWidth(280)
        return field

    def _update_hint(self, text: str) -> None:
        """The same judgement `_accept` applies, so the hint and the refusal agree."""
        self.hint.setText(assess(text).hint if text else POLICY_HINT)

    def values(self) -> tuple[str, str]:
        return self.old.text(), self.new.text()

    def _accept(self) -> None:
        if not self.old.text():
            self.error.setText("Type the current passphrase.")
        elif not (check := assess(self.new.text())).ok:
            self.error.setText(check.hint)
        elif self.new.text() != self.again.text():
            self.error.setText("The two new passphrases are not the same.")
        elif normalise(self.new.text()) == normalise(self.old.text()):
            self.error.setText("The new passphrase is the same as the current one.")
        else:
            self.accept()
